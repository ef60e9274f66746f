package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// PaymentService implements openentry.PaymentService for accounts that need
// no provider call (type custom: cash and the like).
type PaymentService struct{ db *DB }

var _ openentry.PaymentService = (*PaymentService)(nil)

// NewPaymentService returns a PaymentService over db.
func NewPaymentService(db *DB) *PaymentService { return &PaymentService{db: db} }

const accountColumns = `id, identifier, type, is_visible, test_mode, localize_infos, updated_ms`

func scanAccount(row interface{ Scan(...any) error }) (*openentry.PaymentAccount, error) {
	var a openentry.PaymentAccount
	var infos string
	var updatedMS int64
	if err := row.Scan(&a.ID, &a.Identifier, &a.Type, &a.IsVisible, &a.TestMode, &infos, &updatedMS); err != nil {
		return nil, err
	}
	a.UpdatedAt = openentry.UnixMilli(updatedMS)
	return &a, fromJSON(infos, &a.LocalizeInfos)
}

// Accounts lists visible payment accounts.
func (s *PaymentService) Accounts(ctx context.Context) ([]openentry.PaymentAccount, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+accountColumns+` FROM payment_accounts WHERE is_visible = ? ORDER BY position, id`, true)
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
func (s *PaymentService) Account(ctx context.Context, id int64) (*openentry.PaymentAccount, error) {
	a, err := scanAccount(s.db.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM payment_accounts WHERE id = ? AND is_visible = ?`, id, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment account %d not found", id))
	}
	return a, nil
}

const sessionSelect = `SELECT ps.id, ps.order_id, ps.user_id, ps.account_id, ps.type, ps.status, ps.payment_url,
	ps.amount_minor, o.currency, ps.client_secret, ps.created_ms, ps.updated_ms
	FROM payment_sessions ps JOIN orders o ON o.id = ps.order_id`

func scanSession(row interface{ Scan(...any) error }) (*openentry.PaymentSession, error) {
	var ps openentry.PaymentSession
	var url, secret sql.NullString
	var amount sql.NullInt64
	var currency string
	var createdMS, updatedMS int64
	if err := row.Scan(&ps.ID, &ps.OrderID, &ps.UserID, &ps.AccountID, &ps.Type, &ps.Status, &url,
		&amount, &currency, &secret, &createdMS, &updatedMS); err != nil {
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

// CreateSession opens a session for one of userID's orders, or returns the
// order's session that is still waiting.
func (s *PaymentService) CreateSession(ctx context.Context, userID, orderID int64, typ string) (*openentry.PaymentSession, error) {
	if typ != openentry.SessionTypeSession && typ != openentry.SessionTypeIntent {
		return nil, openentry.Invalid(fmt.Sprintf("type must be %q or %q", openentry.SessionTypeSession, openentry.SessionTypeIntent))
	}
	ps, err := s.createSession(ctx, userID, orderID, typ)
	if isUniqueViolation(err) {
		// Another request opened the order's session first: answer with it.
		return s.waitingSession(ctx, s.db.db, userID, orderID)
	}
	return ps, err
}

func (s *PaymentService) createSession(ctx context.Context, userID, orderID int64, typ string) (*openentry.PaymentSession, error) {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var accountID, totalMinor int64
	var currency string
	err = tx.QueryRowContext(ctx, `SELECT payment_account_id, total_minor, currency FROM orders WHERE id = ? AND user_id = ?`,
		orderID, userID).Scan(&accountID, &totalMinor, &currency)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order %d not found", orderID))
	}
	if ps, err := s.waitingSession(ctx, tx, userID, orderID); !errors.Is(err, openentry.ErrNotFound) {
		return ps, err
	}
	ps := &openentry.PaymentSession{
		OrderID: orderID, UserID: userID, AccountID: accountID, Type: typ, Status: openentry.SessionWaiting,
		CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	var amount sql.NullInt64
	if typ == openentry.SessionTypeIntent {
		// An intent is paid in the page, so the client needs the amount.
		ps.Amount = &openentry.Money{Minor: totalMinor, Currency: currency}
		amount = sql.NullInt64{Int64: totalMinor, Valid: true}
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO payment_sessions (order_id, user_id, account_id, type, status, amount_minor, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, orderID, userID, accountID, typ, ps.Status, amount, tx.nowMS, tx.nowMS).Scan(&ps.ID)
	if err != nil {
		return nil, err
	}
	return ps, tx.Commit()
}

func (s *PaymentService) waitingSession(ctx context.Context, q queryer, userID, orderID int64) (*openentry.PaymentSession, error) {
	ps, err := scanSession(q.QueryRowContext(ctx, sessionSelect+` WHERE ps.order_id = ? AND ps.user_id = ? AND ps.status = ?`,
		orderID, userID, openentry.SessionWaiting))
	return ps, notFound(err, "Payment session not found")
}

// Session returns one of userID's sessions.
func (s *PaymentService) Session(ctx context.Context, userID, id int64) (*openentry.PaymentSession, error) {
	ps, err := scanSession(s.db.db.QueryRowContext(ctx, sessionSelect+` WHERE ps.id = ? AND ps.user_id = ?`, id, userID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment session %d not found", id))
	}
	return ps, nil
}

// SessionByOrder returns the newest session of one of userID's orders.
func (s *PaymentService) SessionByOrder(ctx context.Context, userID, orderID int64) (*openentry.PaymentSession, error) {
	ps, err := scanSession(s.db.db.QueryRowContext(ctx, sessionSelect+` WHERE ps.order_id = ? AND ps.user_id = ?
		ORDER BY ps.id DESC LIMIT 1`, orderID, userID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("No payment session for order %d", orderID))
	}
	return ps, nil
}

// Sessions returns a page of userID's sessions, newest first.
func (s *PaymentService) Sessions(ctx context.Context, userID int64, page openentry.Page) ([]openentry.PaymentSession, int64, error) {
	page = clampPage(page)
	rows, err := s.db.db.QueryContext(ctx, sessionSelect+` WHERE ps.user_id = ? ORDER BY ps.id DESC LIMIT ? OFFSET ?`,
		userID, page.Limit, page.Offset)
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
	return out, total, s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM payment_sessions WHERE user_id = ?`, userID).Scan(&total)
}
