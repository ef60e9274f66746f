package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// ApplyPaymentEvent applies a verified event in one transaction that also
// records its id, so a replay, even a concurrent one, changes nothing.
func (d *DB) ApplyPaymentEvent(ctx context.Context, ev *openentry.PaymentEvent) (string, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var seen bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM payment_events WHERE id = ?)`, ev.ID).Scan(&seen); err != nil {
		return "", err
	}
	if seen {
		return openentry.OutcomeReplayed, nil
	}
	outcome, err := applyEvent(ctx, tx, ev)
	if err != nil {
		return "", err
	}
	var sessionID sql.NullInt64
	if ev.SessionID > 0 {
		sessionID = sql.NullInt64{Int64: ev.SessionID, Valid: true}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO payment_events (id, type, session_id, outcome, received_ms) VALUES (?, ?, ?, ?, ?)`,
		ev.ID, ev.Type, sessionID, outcome, tx.nowMS)
	if err == nil {
		err = tx.Commit()
	}
	if isUniqueViolation(err) {
		return openentry.OutcomeReplayed, nil // a concurrent delivery of the same event won
	}
	if err != nil {
		return "", err
	}
	return outcome, nil
}

func applyEvent(ctx context.Context, tx *tx, ev *openentry.PaymentEvent) (string, error) {
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
			return openentry.OutcomeUnmatched, nil
		}
		return openentry.OutcomeRecorded, nil
	case openentry.EventRefunded:
		return markRefunded(ctx, tx, ev)
	}
	return openentry.OutcomeIgnored, nil
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
		var known bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM payment_sessions WHERE id = ?)`, sessionID).Scan(&known); err != nil {
			return "", err // not "unmatched": the event must be retried
		}
		if known {
			return openentry.OutcomeStale, nil
		}
		return openentry.OutcomeUnmatched, nil
	}
	if err != nil {
		return "", err
	}
	if to == openentry.SessionCompleted {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET is_completed = ?, updated_ms = ?, paid_ms = ?, version = version + 1,
			status_identifier = COALESCE((SELECT NULLIF(s.paid_status, '') FROM order_storages s WHERE s.id = orders.storage_id), status_identifier)
			WHERE id = ?`, true, tx.nowMS, tx.nowMS, orderID); err != nil {
			return "", err
		}
	}
	return openentry.OutcomeApplied, nil
}

// SessionAccountType returns the type of a session's account and its status.
func (d *DB) SessionAccountType(ctx context.Context, sessionID int64) (string, string, error) {
	var typ, status string
	err := d.QueryRowContext(ctx, `SELECT a.type, ps.status FROM payment_sessions ps JOIN payment_accounts a ON a.id = ps.account_id
		WHERE ps.id = ?`, sessionID).Scan(&typ, &status)
	if err != nil {
		return "", "", notFound(err, fmt.Sprintf("Payment session %d not found", sessionID))
	}
	return typ, status, nil
}

// SettleSession moves a waiting session to a final status by the shop's
// word, journaled on its order in the same transaction.
func (d *DB) SettleSession(ctx context.Context, sessionID int64, to string, a openentry.Audit) (string, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var orderID int64
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT order_id, status FROM payment_sessions WHERE id = ?`, sessionID).Scan(&orderID, &status); err != nil {
		return "", notFound(err, fmt.Sprintf("Payment session %d not found", sessionID))
	}
	before, err := adminOrderByID(ctx, tx, orderID)
	if err != nil {
		return "", err
	}
	outcome, err := transition(ctx, tx, sessionID, to, "")
	if err != nil || outcome != openentry.OutcomeApplied {
		return outcome, err
	}
	after, err := adminOrderByID(ctx, tx, orderID)
	if err != nil {
		return "", err
	}
	session := func(status string) map[string]any { return map[string]any{"id": sessionID, "status": status} }
	if err := journal(ctx, tx, a, "order", fmt.Sprint(orderID), orderView(before, "session", session(status)),
		orderView(after, "session", session(to))); err != nil {
		return "", err
	}
	return outcome, tx.Commit()
}
