package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// Outcomes of a provider event, recorded with it and returned to the caller.
const (
	outcomeApplied   = "applied"
	outcomeReplayed  = "replayed"  // the event id was applied before
	outcomeStale     = "stale"     // the session had left waiting already
	outcomeRecorded  = "recorded"  // noted, no transition (a failed try)
	outcomeUnmatched = "unmatched" // no session of ours
	outcomeIgnored   = "ignored"   // a type we do not act on
)

// HandleStripeWebhook verifies payload with each stripe account's signing
// secret before anything reads it, then applies the event once.
func (s *PaymentService) HandleStripeWebhook(ctx context.Context, payload []byte, signature string) (string, string, error) {
	if s.gateway == nil {
		return "", "", openentry.NotFound("No Stripe account is configured")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT webhook_secret FROM payment_accounts WHERE type = ? AND webhook_secret <> ''`,
		openentry.AccountStripe)
	if err != nil {
		return "", "", err
	}
	var secrets []string
	for rows.Next() {
		var secret string
		if err := rows.Scan(&secret); err != nil {
			rows.Close()
			return "", "", err
		}
		secrets = append(secrets, secret)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", "", err
	}
	for _, secret := range secrets {
		ev, err := s.gateway.ParseEvent(payload, signature, secret)
		if errors.Is(err, openentry.ErrInvalid) {
			continue // maybe another account's secret
		}
		if err != nil {
			return "", "", err
		}
		outcome, err := s.applyEvent(ctx, ev)
		return ev.Type, outcome, err
	}
	return "", "", openentry.Invalid("Invalid Stripe signature or timestamp")
}

// applyEvent applies a verified event in one transaction that also records
// its id, so a replay, even a concurrent one, changes nothing.
func (s *PaymentService) applyEvent(ctx context.Context, ev *openentry.PaymentEvent) (string, error) {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var seen bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM payment_events WHERE id = ?)`, ev.ID).Scan(&seen); err != nil {
		return "", err
	}
	if seen {
		return outcomeReplayed, nil
	}
	outcome, err := s.apply(ctx, tx, ev)
	if err != nil {
		return "", err
	}
	var sessionID sql.NullInt64
	if ev.SessionID > 0 {
		sessionID = sql.NullInt64{Int64: ev.SessionID, Valid: true}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO payment_events (id, type, session_id, outcome, received_ms) VALUES (?, ?, ?, ?, ?)`,
		ev.ID, ev.Type, sessionID, outcome, tx.nowMS)
	if isUniqueViolation(err) {
		return outcomeReplayed, nil // a concurrent delivery of the same event won
	}
	if err != nil {
		return "", err
	}
	if err := tx.Commit(); err != nil {
		if isUniqueViolation(err) {
			return outcomeReplayed, nil
		}
		return "", err
	}
	return outcome, nil
}

func (s *PaymentService) apply(ctx context.Context, tx *tx, ev *openentry.PaymentEvent) (string, error) {
	switch ev.Kind {
	case openentry.EventPaid:
		return transition(ctx, tx, ev.SessionID, openentry.SessionCompleted, ev.Payment)
	case openentry.EventExpired:
		return transition(ctx, tx, ev.SessionID, openentry.SessionExpired, "")
	case openentry.EventCanceled:
		return transition(ctx, tx, ev.SessionID, openentry.SessionCanceled, "")
	case openentry.EventPaymentFailed:
		res, err := tx.ExecContext(ctx, `UPDATE payment_sessions SET last_error = ?, updated_ms = ? WHERE id = ? AND status = ?`,
			ev.Message, tx.nowMS, ev.SessionID, openentry.SessionWaiting)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return outcomeUnmatched, nil
		}
		return outcomeRecorded, nil
	case openentry.EventRefunded:
		return markRefunded(ctx, tx, ev)
	}
	return outcomeIgnored, nil
}

// transition moves a waiting session to a final status; a session that has
// left waiting never moves again, whatever arrives late or out of order. A
// completed session completes its order and moves it to the storage's paid
// status.
func transition(ctx context.Context, tx *tx, sessionID int64, to, paymentRef string) (string, error) {
	// The status condition is in the UPDATE itself, so that of two racing
	// transitions (even in two server processes) exactly one applies.
	ref := sql.NullString{String: paymentRef, Valid: paymentRef != ""}
	var orderID int64
	err := tx.QueryRowContext(ctx, `UPDATE payment_sessions SET status = ?, payment_ref = COALESCE(?, payment_ref), updated_ms = ?
		WHERE id = ? AND status = ? RETURNING order_id`, to, ref, tx.nowMS, sessionID, openentry.SessionWaiting).Scan(&orderID)
	if errors.Is(err, sql.ErrNoRows) {
		if exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM payment_sessions WHERE id = ?)`, sessionID) == nil {
			return outcomeStale, nil
		}
		return outcomeUnmatched, nil
	}
	if err != nil {
		return "", err
	}
	if to == openentry.SessionCompleted {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET is_completed = ?, updated_ms = ?,
			status_identifier = COALESCE((SELECT NULLIF(s.paid_status, '') FROM order_storages s WHERE s.id = orders.storage_id), status_identifier)
			WHERE id = ?`, true, tx.nowMS, orderID); err != nil {
			return "", err
		}
	}
	return outcomeApplied, nil
}

// SettleSession marks a waiting session of a custom account completed or
// canceled: the shop's word for cash and the like.
func (s *PaymentService) SettleSession(ctx context.Context, sessionID int64, status string) error {
	if status != openentry.SessionCompleted && status != openentry.SessionCanceled {
		return openentry.Invalid("a session can be settled as completed or canceled")
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var accountType, current string
	err = tx.QueryRowContext(ctx, `SELECT a.type, ps.status FROM payment_sessions ps JOIN payment_accounts a ON a.id = ps.account_id
		WHERE ps.id = ?`, sessionID).Scan(&accountType, &current)
	if err != nil {
		return notFound(err, fmt.Sprintf("Payment session %d not found", sessionID))
	}
	if accountType != openentry.AccountCustom {
		return openentry.Invalid(fmt.Sprintf("session %d belongs to a %s account: its provider settles it", sessionID, accountType))
	}
	outcome, err := transition(ctx, tx, sessionID, status, "")
	if err != nil {
		return err
	}
	if outcome != outcomeApplied {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("session %d is %s, not waiting", sessionID, current)}
	}
	return tx.Commit()
}
