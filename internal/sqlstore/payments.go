package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

// PaymentService implements openentry.PaymentService.
type PaymentService struct {
	db      *DB
	gateway openentry.PaymentGateway // nil: only custom accounts can take payments
}

var _ openentry.PaymentService = (*PaymentService)(nil)

// NewPaymentService returns a PaymentService over db that opens provider
// sessions through gateway.
func NewPaymentService(db *DB, gateway openentry.PaymentGateway) *PaymentService {
	return &PaymentService{db: db, gateway: gateway}
}

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
func (s *PaymentService) Accounts(ctx context.Context) ([]openentry.PaymentAccount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+accountColumns+` FROM payment_accounts WHERE is_visible = ? ORDER BY position, id`, true)
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
	a, err := scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM payment_accounts WHERE id = ? AND is_visible = ?`, id, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment account %d not found", id))
	}
	return a, nil
}

// statusCreating marks a session whose provider call is under way. Such rows
// are never shown: a client sees a session only once it can be paid.
const statusCreating = "creating"

// staleCreating is how long a creating row may live before it is taken for
// the leftover of a crashed process and removed.
const staleCreating = 2 * time.Minute

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

// sessionOrder is what opening a session needs to know of the order.
type sessionOrder struct {
	id, accountID int64
	accountType   string
	timeout       time.Duration
	total         openentry.Money
	completed     bool
	stripe        openentry.StripeSettings
}

// CreateSession opens a session for one of userID's orders, or returns the
// order's open one. For a provider account the row is written as
// "creating", the provider is called outside any transaction, and the row
// becomes "waiting" only with the provider's reference; if the provider
// fails, the row is removed and the client gets a 502.
func (s *PaymentService) CreateSession(ctx context.Context, userID, orderID int64, typ string) (*openentry.PaymentSession, error) {
	if typ != openentry.SessionTypeSession && typ != openentry.SessionTypeIntent {
		return nil, openentry.Invalid(fmt.Sprintf("type must be %q or %q", openentry.SessionTypeSession, openentry.SessionTypeIntent))
	}
	// A racing request may hold the order's open session; wait for it to
	// settle, then answer with it (or try again if it failed).
	deadline := time.Now().Add(30 * time.Second)
	for {
		ps, order, err := s.openSession(ctx, userID, orderID, typ)
		if err != nil {
			return nil, err
		}
		if ps.Status != statusCreating {
			return ps, nil
		}
		if order != nil { // ours to complete
			return s.callProvider(ctx, ps, order, typ)
		}
		if time.Now().After(deadline) {
			return nil, &openentry.Error{Code: openentry.ErrUpstream, Message: "The payment provider is slow: try again"}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// openSession returns the order's open session, or writes a new one. It
// returns the order too when the new row is a creating one for the caller
// to complete.
func (s *PaymentService) openSession(ctx context.Context, userID, orderID int64, typ string) (*openentry.PaymentSession, *sessionOrder, error) {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	var o sessionOrder
	var timeoutMin int64
	var settings string
	err = tx.QueryRowContext(ctx, `SELECT o.id, o.payment_account_id, a.type, a.session_timeout_min, o.total_minor, o.currency,
		o.is_completed, a.secret_key, a.webhook_secret, a.settings
		FROM orders o JOIN payment_accounts a ON a.id = o.payment_account_id WHERE o.id = ? AND o.user_id = ?`,
		orderID, userID).Scan(&o.id, &o.accountID, &o.accountType, &timeoutMin, &o.total.Minor, &o.total.Currency,
		&o.completed, &o.stripe.SecretKey, &o.stripe.WebhookSecret, &settings)
	if err != nil {
		return nil, nil, notFound(err, fmt.Sprintf("Order %d not found", orderID))
	}
	o.timeout = time.Duration(timeoutMin) * time.Minute
	var urls struct{ SuccessURL, CancelURL string }
	if err := fromJSON(settings, &urls); err != nil {
		return nil, nil, err
	}
	o.stripe.SuccessURL, o.stripe.CancelURL = urls.SuccessURL, urls.CancelURL
	if o.completed {
		return nil, nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is already paid", orderID)}
	}
	var createdMS int64
	open, err := scanSession(tx.QueryRowContext(ctx, sessionSelect+` WHERE ps.order_id = ? AND ps.status IN (?, ?)`,
		orderID, statusCreating, openentry.SessionWaiting))
	switch {
	case err == nil && (open.Status != statusCreating || tx.now.Sub(open.CreatedAt) < staleCreating):
		return open, nil, nil
	case err == nil: // a crashed attempt: clear it
		createdMS = open.CreatedAt.UnixMilli()
		if _, err := tx.ExecContext(ctx, `DELETE FROM payment_sessions WHERE id = ? AND created_ms = ?`, open.ID, createdMS); err != nil {
			return nil, nil, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, nil, err
	}
	ps := &openentry.PaymentSession{OrderID: orderID, UserID: userID, AccountID: o.accountID, Type: typ,
		Status: openentry.SessionWaiting, CreatedAt: tx.now, UpdatedAt: tx.now}
	if o.accountType == openentry.AccountStripe {
		ps.Status = statusCreating
	}
	var amount, expires sql.NullInt64
	if typ == openentry.SessionTypeIntent {
		// An intent is paid in the page, so the client needs the amount.
		ps.Amount = &o.total
		amount = sql.NullInt64{Int64: o.total.Minor, Valid: true}
	}
	if o.timeout > 0 {
		expires = sql.NullInt64{Int64: tx.now.Add(o.timeout).UnixMilli(), Valid: true}
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO payment_sessions (order_id, user_id, account_id, type, status, amount_minor,
		expires_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		orderID, userID, o.accountID, typ, ps.Status, amount, expires, tx.nowMS, tx.nowMS).Scan(&ps.ID)
	if isUniqueViolation(err) {
		// Another request opened one first: report a creating session so the
		// caller waits for it.
		return &openentry.PaymentSession{Status: statusCreating}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		if isUniqueViolation(err) {
			return &openentry.PaymentSession{Status: statusCreating}, nil, nil
		}
		return nil, nil, err
	}
	if ps.Status == statusCreating {
		return ps, &o, nil
	}
	return ps, nil, nil
}

// callProvider asks the provider for a checkout or an intent, then makes the
// creating row a waiting one with the provider's reference.
func (s *PaymentService) callProvider(ctx context.Context, ps *openentry.PaymentSession, o *sessionOrder, typ string) (*openentry.PaymentSession, error) {
	fail := func(cause error) (*openentry.PaymentSession, error) {
		// Nothing half-made stays: the row goes, the client may try again.
		_, _ = s.db.ExecContext(context.WithoutCancel(ctx), `DELETE FROM payment_sessions WHERE id = ? AND status = ?`, ps.ID, statusCreating)
		return nil, &openentry.Error{Code: openentry.ErrUpstream, Message: "The payment provider could not be reached: try again", Cause: cause}
	}
	if s.gateway == nil {
		return fail(errors.New("no payment gateway configured"))
	}
	lines, err := checkoutLines(ctx, s.db, o.id)
	if err != nil {
		return fail(err)
	}
	expires := ps.CreatedAt.Add(o.timeout)
	req := openentry.CheckoutRequest{Stripe: o.stripe, SessionID: ps.ID, OrderID: o.id, Lines: lines, Total: o.total, ExpiresAt: expires}
	var got *openentry.ProviderSession
	if typ == openentry.SessionTypeIntent {
		got, err = s.gateway.CreateIntent(ctx, req)
	} else {
		got, err = s.gateway.CreateCheckout(ctx, req)
	}
	if err != nil {
		return fail(err)
	}
	tx, err := s.db.begin(context.WithoutCancel(ctx))
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	url, secret := sql.NullString{String: got.PaymentURL, Valid: got.PaymentURL != ""}, sql.NullString{String: got.ClientSecret, Valid: got.ClientSecret != ""}
	paymentRef := sql.NullString{}
	if typ == openentry.SessionTypeIntent {
		paymentRef = sql.NullString{String: got.Ref, Valid: true}
	}
	res, err := tx.ExecContext(ctx, `UPDATE payment_sessions SET status = ?, provider_ref = ?, payment_url = ?, client_secret = ?,
		payment_ref = ?, updated_ms = ? WHERE id = ? AND status = ?`,
		openentry.SessionWaiting, got.Ref, url, secret, paymentRef, tx.nowMS, ps.ID, statusCreating)
	if err != nil {
		return fail(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fail(errors.New("the creating session was removed meanwhile"))
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	ps.Status, ps.UpdatedAt, ps.ClientSecret = openentry.SessionWaiting, tx.now, got.ClientSecret
	if url.Valid {
		ps.PaymentURL = &url.String
	}
	return ps, nil
}

// checkoutLines names an order's lines for the provider's page.
func checkoutLines(ctx context.Context, q queryer, orderID int64) ([]openentry.CheckoutLine, error) {
	o := &openentry.Order{ID: orderID}
	if err := q.QueryRowContext(ctx, `SELECT currency FROM orders WHERE id = ?`, orderID).Scan(&o.Total.Currency); err != nil {
		return nil, err
	}
	if err := loadLines(ctx, q, []*openentry.Order{o}); err != nil {
		return nil, err
	}
	out := make([]openentry.CheckoutLine, len(o.Lines))
	for i, l := range o.Lines {
		var title struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(l.LocalizeInfos.Resolve(openentry.DefaultLocale), &title)
		if title.Title == "" {
			title.Title = fmt.Sprintf("Product %d", l.ProductID)
		}
		out[i] = openentry.CheckoutLine{Name: title.Title, UnitPrice: l.UnitPrice, Quantity: l.Quantity}
	}
	return out, nil
}

// Session returns one of userID's sessions.
func (s *PaymentService) Session(ctx context.Context, userID, id int64) (*openentry.PaymentSession, error) {
	ps, err := scanSession(s.db.QueryRowContext(ctx, sessionSelect+` WHERE ps.id = ? AND ps.user_id = ? AND ps.status <> ?`,
		id, userID, statusCreating))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment session %d not found", id))
	}
	return ps, nil
}

// SessionByOrder returns the newest session of one of userID's orders.
func (s *PaymentService) SessionByOrder(ctx context.Context, userID, orderID int64) (*openentry.PaymentSession, error) {
	ps, err := scanSession(s.db.QueryRowContext(ctx, sessionSelect+` WHERE ps.order_id = ? AND ps.user_id = ? AND ps.status <> ?
		ORDER BY ps.id DESC LIMIT 1`, orderID, userID, statusCreating))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("No payment session for order %d", orderID))
	}
	return ps, nil
}

// Sessions returns a page of userID's sessions, newest first.
func (s *PaymentService) Sessions(ctx context.Context, userID int64, page openentry.Page) ([]openentry.PaymentSession, int64, error) {
	page = clampPage(page)
	rows, err := s.db.QueryContext(ctx, sessionSelect+` WHERE ps.user_id = ? AND ps.status <> ? ORDER BY ps.id DESC LIMIT ? OFFSET ?`,
		userID, statusCreating, page.Limit, page.Offset)
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
	return out, total, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM payment_sessions WHERE user_id = ? AND status <> ?`,
		userID, statusCreating).Scan(&total)
}

// ExpireSessions expires sessions that waited past their timeout and clears
// creating rows a crashed process left behind.
func (s *PaymentService) ExpireSessions(ctx context.Context) (int64, error) {
	tx, err := s.db.begin(ctx)
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
		statusCreating, tx.now.Add(-staleCreating).UnixMilli()); err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// SessionCounts counts the sessions in each status, for metrics.
func (s *PaymentService) SessionCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM payment_sessions WHERE status <> ? GROUP BY status`, statusCreating)
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
