package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

const accountColumns = `id, identifier, type, is_visible, test_mode, localize_infos, updated_ms, settings, session_timeout_min`

func scanAccount(row interface{ Scan(...any) error }) (*openentry.PaymentAccount, error) {
	var a openentry.PaymentAccount
	var infos, settings string
	var updatedMS, timeoutMin int64
	if err := row.Scan(&a.ID, &a.Identifier, &a.Type, &a.IsVisible, &a.TestMode, &infos, &updatedMS, &settings, &timeoutMin); err != nil {
		return nil, err
	}
	a.UpdatedAt = openentry.UnixMilli(updatedMS)
	a.SessionTimeout = time.Duration(timeoutMin) * time.Minute
	var urls struct{ SuccessURL, CancelURL string }
	if err := fromJSON(settings, &urls); err != nil {
		return nil, err
	}
	a.SuccessURL, a.CancelURL = urls.SuccessURL, urls.CancelURL
	return &a, fromJSON(infos, &a.LocalizeInfos)
}

// Accounts lists visible payment accounts.
func (d *DB) Accounts(ctx context.Context) ([]openentry.PaymentAccount, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+accountColumns+` FROM payment_accounts WHERE is_visible = ? ORDER BY position, id`, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.PaymentAccount{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// Account returns a visible account by id.
func (d *DB) Account(ctx context.Context, id int64) (*openentry.PaymentAccount, error) {
	a, err := scanAccount(d.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM payment_accounts WHERE id = ? AND is_visible = ?`, id, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment account %d not found", id))
	}
	return a, nil
}

const sessionColumns = `ps.id, ps.order_id, ps.user_id, ps.account_id, ps.type, ps.status, ps.payment_url,
	ps.amount_minor, o.currency, ps.client_secret, ps.created_ms, ps.updated_ms`

const sessionFrom = ` FROM payment_sessions ps JOIN orders o ON o.id = ps.order_id`

const sessionSelect = `SELECT ` + sessionColumns + sessionFrom

// scanSession reads sessionSelect's columns, then more.
func scanSession(row interface{ Scan(...any) error }, more ...any) (*openentry.PaymentSession, error) {
	var ps openentry.PaymentSession
	var url, secret sql.NullString
	var amount sql.NullInt64
	var currency string
	var createdMS, updatedMS int64
	if err := row.Scan(append([]any{&ps.ID, &ps.OrderID, &ps.UserID, &ps.AccountID, &ps.Type, &ps.Status, &url,
		&amount, &currency, &secret, &createdMS, &updatedMS}, more...)...); err != nil {
		return nil, err
	}
	if url.Valid {
		ps.PaymentURL = &url.String
	}
	if amount.Valid {
		ps.Amount = &openentry.Money{Minor: amount.Int64, Currency: currency}
	}
	ps.ClientSecret = secret.String
	ps.CreatedAt, ps.UpdatedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(updatedMS)
	return &ps, nil
}

const providerAccountColumns = `identifier, type, secret_key, webhook_secret, settings`

func scanProviderAccount(row interface{ Scan(...any) error }, a *openentry.ProviderAccount, more ...any) error {
	var settings string
	if err := row.Scan(append([]any{&a.Identifier, &a.Type, &a.SecretKey, &a.WebhookSecret, &settings}, more...)...); err != nil {
		return err
	}
	var urls struct{ SuccessURL, CancelURL string }
	if err := fromJSON(settings, &urls); err != nil {
		return err
	}
	a.SuccessURL, a.CancelURL = urls.SuccessURL, urls.CancelURL
	return nil
}

// ProviderAccounts lists the accounts of a type, hidden ones too.
func (d *DB) ProviderAccounts(ctx context.Context, typ string) ([]openentry.ProviderAccount, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+providerAccountColumns+` FROM payment_accounts WHERE type = ? ORDER BY position, id`, typ)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []openentry.ProviderAccount
	for rows.Next() {
		var a openentry.ProviderAccount
		if err := scanProviderAccount(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PaymentOrder returns what paying one of userID's orders needs.
func (d *DB) PaymentOrder(ctx context.Context, userID, orderID int64) (*openentry.PaymentOrder, error) {
	var o openentry.PaymentOrder
	var timeoutMin int64
	err := scanProviderAccount(d.QueryRowContext(ctx, `SELECT a.identifier, a.type, a.secret_key, a.webhook_secret, a.settings,
		o.id, o.payment_account_id, a.session_timeout_min, o.total_minor, o.currency, o.is_completed, o.canceled_ms IS NOT NULL
		FROM orders o JOIN payment_accounts a ON a.id = o.payment_account_id WHERE o.id = ? AND o.user_id = ?`, orderID, userID),
		&o.Account, &o.OrderID, &o.AccountID, &timeoutMin, &o.Total.Minor, &o.Total.Currency, &o.Completed, &o.Canceled)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order %d not found", orderID))
	}
	o.SessionTimeout = time.Duration(timeoutMin) * time.Minute
	return &o, nil
}

// OpenPaymentSession returns the order's open session, or stores s.
func (d *DB) OpenPaymentSession(ctx context.Context, s openentry.NewPaymentSession) (*openentry.PaymentSession, bool, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	// One round trip for the common case, a fresh order: is it paid, and has
	// it an open session?
	var completed, canceled bool
	var openID sql.NullInt64
	// FOR UPDATE (PostgreSQL) orders this against an UpdateOrder of the same order.
	err = tx.QueryRowContext(ctx, `SELECT o.is_completed, o.canceled_ms IS NOT NULL,
		(SELECT ps.id FROM payment_sessions ps WHERE ps.order_id = o.id AND ps.status IN (?, ?))
		FROM orders o WHERE o.id = ? AND o.user_id = ?`+tx.dialect.forUpdate(),
		openentry.SessionCreating, openentry.SessionWaiting, s.OrderID, s.UserID).Scan(&completed, &canceled, &openID)
	if err != nil {
		return nil, false, notFound(err, fmt.Sprintf("Order %d not found", s.OrderID))
	}
	if completed {
		return nil, false, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is already paid", s.OrderID)}
	}
	if canceled {
		return nil, false, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is canceled", s.OrderID)}
	}
	if openID.Valid {
		open, err := scanSession(tx.QueryRowContext(ctx, sessionSelect+` WHERE ps.id = ?`, openID.Int64))
		if err != nil {
			return nil, false, err
		}
		if open.Status != openentry.SessionCreating || tx.now.Sub(open.CreatedAt) < s.StaleAfter {
			return open, false, nil
		}
		// A crashed attempt: clear it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM payment_sessions WHERE id = ? AND created_ms = ?`, open.ID, open.CreatedAt.UnixMilli()); err != nil {
			return nil, false, err
		}
	}
	ps := &openentry.PaymentSession{OrderID: s.OrderID, UserID: s.UserID, AccountID: s.AccountID, Type: s.Type,
		Status: s.Status, Amount: s.Amount, CreatedAt: tx.now, UpdatedAt: tx.now}
	var amount, expires sql.NullInt64
	if s.Amount != nil {
		amount = sql.NullInt64{Int64: s.Amount.Minor, Valid: true}
	}
	if !s.ExpiresAt.IsZero() {
		expires = sql.NullInt64{Int64: s.ExpiresAt.UnixMilli(), Valid: true}
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO payment_sessions (order_id, user_id, account_id, type, status, amount_minor,
		expires_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.OrderID, s.UserID, s.AccountID, s.Type, s.Status, amount, expires, tx.nowMS, tx.nowMS).Scan(&ps.ID)
	if err == nil {
		err = tx.Commit()
	}
	if isUniqueViolation(err) {
		// Another request opened one first: report a creating session so the
		// caller waits for it.
		return &openentry.PaymentSession{Status: openentry.SessionCreating}, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return ps, true, nil
}

// ConfirmPaymentSession makes a creating session waiting with the provider's reference.
func (d *DB) ConfirmPaymentSession(ctx context.Context, id int64, got openentry.ProviderSession) (*openentry.PaymentSession, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	null := func(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
	res, err := tx.ExecContext(ctx, `UPDATE payment_sessions SET status = ?, provider_ref = ?, payment_url = ?, client_secret = ?,
		payment_ref = ?, updated_ms = ? WHERE id = ? AND status = ?`,
		openentry.SessionWaiting, got.Ref, null(got.PaymentURL), null(got.ClientSecret), null(got.PaymentRef), tx.nowMS, id, openentry.SessionCreating)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, openentry.NotFound(fmt.Sprintf("Payment session %d is no longer being created", id))
	}
	ps, err := scanSession(tx.QueryRowContext(ctx, sessionSelect+` WHERE ps.id = ?`, id))
	if err != nil {
		return nil, err
	}
	return ps, tx.Commit()
}

// DropPaymentSession removes a session that is still creating.
func (d *DB) DropPaymentSession(ctx context.Context, id int64) error {
	_, err := d.ExecContext(ctx, `DELETE FROM payment_sessions WHERE id = ? AND status = ?`, id, openentry.SessionCreating)
	return err
}

// Session returns one of userID's sessions.
func (d *DB) Session(ctx context.Context, userID, id int64) (*openentry.PaymentSession, error) {
	ps, err := scanSession(d.QueryRowContext(ctx, sessionSelect+` WHERE ps.id = ? AND ps.user_id = ? AND ps.status <> ?`,
		id, userID, openentry.SessionCreating))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment session %d not found", id))
	}
	return ps, nil
}

// SessionByOrder returns the newest session of one of userID's orders.
func (d *DB) SessionByOrder(ctx context.Context, userID, orderID int64) (*openentry.PaymentSession, error) {
	ps, err := scanSession(d.QueryRowContext(ctx, sessionSelect+` WHERE ps.order_id = ? AND ps.user_id = ? AND ps.status <> ?
		ORDER BY ps.id DESC LIMIT 1`, orderID, userID, openentry.SessionCreating))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("No payment session for order %d", orderID))
	}
	return ps, nil
}

// Sessions returns a page of userID's sessions, newest first.
func (d *DB) Sessions(ctx context.Context, userID int64, page openentry.Page) ([]openentry.PaymentSession, int64, error) {
	page = clampPage(page)
	rows, err := d.QueryContext(ctx, sessionSelect+` WHERE ps.user_id = ? AND ps.status <> ? ORDER BY ps.id DESC LIMIT ? OFFSET ?`,
		userID, openentry.SessionCreating, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []openentry.PaymentSession{}
	for rows.Next() {
		ps, err := scanSession(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *ps)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var total int64
	return out, total, d.QueryRowContext(ctx, `SELECT COUNT(*) FROM payment_sessions WHERE user_id = ? AND status <> ?`,
		userID, openentry.SessionCreating).Scan(&total)
}

// ExpireSessions expires sessions that waited past their timeout and clears
// creating rows a crashed process left behind.
func (d *DB) ExpireSessions(ctx context.Context, staleCreating time.Duration) (int64, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE payment_sessions SET status = ?, updated_ms = ?
		WHERE status = ? AND expires_ms IS NOT NULL AND expires_ms <= ?`,
		openentry.SessionExpired, tx.nowMS, openentry.SessionWaiting, tx.nowMS)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM payment_sessions WHERE status = ? AND created_ms <= ?`,
		openentry.SessionCreating, tx.now.Add(-staleCreating).UnixMilli()); err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// SessionCounts counts the sessions in each status, for metrics.
func (d *DB) SessionCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := d.QueryContext(ctx, `SELECT status, COUNT(*) FROM payment_sessions WHERE status <> ? GROUP BY status`, openentry.SessionCreating)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var status string
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		out[status] = n
	}
	return out, rows.Err()
}
