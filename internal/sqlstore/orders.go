package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

const storageColumns = `id, identifier, form_identifier, localize_infos, position, paid_status, canceled_status, required_fields,
	cancel_unpaid_after_min`

func scanStorage(row interface{ Scan(...any) error }) (*openentry.OrderStorage, error) {
	var s openentry.OrderStorage
	var infos, required string
	if err := row.Scan(&s.ID, &s.Identifier, &s.FormIdentifier, &infos, &s.Position, &s.PaidStatus, &s.CanceledStatus, &required,
		&s.CancelUnpaidAfter); err != nil {
		return nil, err
	}
	if err := fromJSON(required, &s.RequiredFields); err != nil {
		return nil, err
	}
	return &s, fromJSON(infos, &s.LocalizeInfos)
}

// Storage reads a storage without its account list, which only the storage
// reads show; placing and listing orders need just its id and form.
func (d *DB) Storage(ctx context.Context, marker string) (*openentry.OrderStorage, error) {
	s, err := scanStorage(d.QueryRowContext(ctx, `SELECT `+storageColumns+` FROM order_storages WHERE identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order storage %q not found", marker))
	}
	return s, nil
}

// StorageAccounts lists the accounts a storage accepts. Only visible ones:
// an account that cannot take payments is not offered.
func (d *DB) StorageAccounts(ctx context.Context, storageID int64) ([]string, error) {
	rows, err := d.QueryContext(ctx, `SELECT a.identifier FROM order_storage_accounts sa JOIN payment_accounts a ON a.id = sa.account_id
		WHERE sa.storage_id = ? AND a.is_visible = ? ORDER BY sa.position`, storageID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Storages lists order storages.
func (d *DB) Storages(ctx context.Context, page openentry.Page) ([]openentry.OrderStorage, error) {
	page = clampPage(page)
	rows, err := d.QueryContext(ctx, `SELECT `+storageColumns+` FROM order_storages ORDER BY position, id LIMIT ? OFFSET ?`, page.Limit, page.Offset)
	if err != nil {
		return nil, err
	}
	var out []openentry.OrderStorage
	for rows.Next() {
		st, err := scanStorage(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].PaymentAccounts, err = d.StorageAccounts(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []openentry.OrderStorage{}
	}
	return out, nil
}

// Statuses lists a storage's statuses.
func (d *DB) Statuses(ctx context.Context, storageID int64, page openentry.Page) ([]openentry.OrderStatus, error) {
	page = clampPage(page)
	rows, err := d.QueryContext(ctx, `SELECT id, identifier, localize_infos, position, is_default FROM order_statuses
		WHERE storage_id = ? ORDER BY position, id LIMIT ? OFFSET ?`, storageID, page.Limit, page.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.OrderStatus{}
	for rows.Next() {
		var os openentry.OrderStatus
		var infos string
		if err := rows.Scan(&os.ID, &os.Identifier, &infos, &os.Position, &os.IsDefault); err != nil {
			return nil, err
		}
		if err := fromJSON(infos, &os.LocalizeInfos); err != nil {
			return nil, err
		}
		out = append(out, os)
	}
	return out, rows.Err()
}

// StorageAccount returns a visible account the storage accepts.
func (d *DB) StorageAccount(ctx context.Context, storageID int64, identifier string) (*openentry.PaymentAccount, error) {
	var a openentry.PaymentAccount
	var infos string
	err := d.QueryRowContext(ctx, `SELECT a.id, a.identifier, a.type, a.localize_infos FROM payment_accounts a
		JOIN order_storage_accounts sa ON sa.account_id = a.id AND sa.storage_id = ?
		WHERE a.identifier = ? AND a.is_visible = ?`, storageID, identifier, true).Scan(&a.ID, &a.Identifier, &a.Type, &infos)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment account %q not found", identifier))
	}
	a.IsVisible = true
	return &a, fromJSON(infos, &a.LocalizeInfos)
}

// DefaultStatus returns the status new orders of the storage get.
func (d *DB) DefaultStatus(ctx context.Context, storageID int64) (*openentry.OrderStatus, error) {
	var st openentry.OrderStatus
	var infos string
	err := d.QueryRowContext(ctx, `SELECT id, identifier, localize_infos, position FROM order_statuses WHERE storage_id = ? AND is_default = ?`,
		storageID, true).Scan(&st.ID, &st.Identifier, &infos, &st.Position)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Storage %d has no default status", storageID))
	}
	st.IsDefault = true
	return &st, fromJSON(infos, &st.LocalizeInfos)
}

// statusHeld checks, in tx, that the storage still has the status, with
// the storage's row held so that a settings change removing the status
// (which takes the row FOR UPDATE and then counts the orders at each
// status) either waits for this order or is seen by it: no order is left
// at a status its storage no longer has.
func statusHeld(ctx context.Context, tx *tx, storageID int64, status string) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT s.id FROM order_storages s
		JOIN order_statuses st ON st.storage_id = s.id AND st.identifier = ? WHERE s.id = ?`+tx.dialect.forShareOf("s"),
		status, storageID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Status %q was just removed from the order storage; try again", status)}
	}
	return err
}

// InsertOrder stores an order and its lines in one transaction, which only
// inserts: on SQLite the single writer is held for as short as possible.
func (d *DB) InsertOrder(ctx context.Context, o *openentry.Order) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := statusHeld(ctx, tx, o.StorageID, o.StatusIdentifier); err != nil {
		return err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO orders (storage_id, user_id, form_identifier, form_data, payment_account_id,
		status_identifier, currency, total_minor, is_completed, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.StorageID, o.UserID, o.FormIdentifier, mustJSON(o.FormData), o.PaymentAccountID, o.StatusIdentifier,
		o.Total.Currency, o.Total.Minor, false, tx.nowMS, tx.nowMS).Scan(&o.ID)
	if err != nil {
		return err
	}
	if err := insertLines(ctx, tx, o.ID, o.Lines); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	o.CreatedAt, o.UpdatedAt = tx.now, tx.now
	return nil
}

// orderColumns and orderFrom are what scanOrder reads; the admin reads add
// columns and joins to them.
const orderColumns = `o.id, o.storage_id, s.identifier, o.user_id, o.form_identifier, o.form_data,
	o.payment_account_id, a.identifier, a.localize_infos, o.status_identifier, COALESCE(st.localize_infos, '{}'),
	o.currency, o.total_minor, o.is_completed, o.canceled_ms IS NOT NULL, o.created_ms, o.updated_ms,
	(SELECT ps.payment_url FROM payment_sessions ps WHERE ps.order_id = o.id AND ps.status <> 'creating' ORDER BY ps.id DESC LIMIT 1)`

const orderFrom = ` FROM orders o
	JOIN order_storages s ON s.id = o.storage_id
	JOIN payment_accounts a ON a.id = o.payment_account_id
	LEFT JOIN order_statuses st ON st.storage_id = o.storage_id AND st.identifier = o.status_identifier`

const orderSelect = `SELECT ` + orderColumns + orderFrom

// localizedCache decodes each distinct localizeInfos text once per call: a
// page of orders repeats the same account, status and product titles.
type localizedCache map[string]openentry.Localized

func (c localizedCache) decode(s string) (openentry.Localized, error) {
	if l, ok := c[s]; ok {
		return l, nil
	}
	var l openentry.Localized
	if err := fromJSON(s, &l); err != nil {
		return nil, err
	}
	c[s] = l
	return l, nil
}

func scanOrder(row interface{ Scan(...any) error }) (*openentry.Order, error) {
	return scanOrderCached(row, localizedCache{})
}

// scanOrderCached reads orderColumns, then more.
func scanOrderCached(row interface{ Scan(...any) error }, cache localizedCache, more ...any) (*openentry.Order, error) {
	var o openentry.Order
	var formData, accountInfos, statusInfos string
	var createdMS, updatedMS int64
	var paymentURL sql.NullString
	if err := row.Scan(append([]any{&o.ID, &o.StorageID, &o.StorageMarker, &o.UserID, &o.FormIdentifier, &formData,
		&o.PaymentAccountID, &o.PaymentAccountIdentifier, &accountInfos, &o.StatusIdentifier, &statusInfos,
		&o.Total.Currency, &o.Total.Minor, &o.IsCompleted, &o.IsCanceled, &createdMS, &updatedMS, &paymentURL}, more...)...); err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(updatedMS)
	if paymentURL.Valid {
		o.PaymentURL = &paymentURL.String
	}
	var err error
	if o.PaymentAccountLocalizeInfos, err = cache.decode(accountInfos); err != nil {
		return nil, err
	}
	if o.StatusLocalizeInfos, err = cache.decode(statusInfos); err != nil {
		return nil, err
	}
	return &o, fromJSON(formData, &o.FormData)
}

// Order returns one of userID's orders in the storage.
func (d *DB) Order(ctx context.Context, userID int64, marker string, id int64) (*openentry.Order, error) {
	o, err := scanOrder(d.QueryRowContext(ctx, orderSelect+` WHERE o.id = ? AND o.user_id = ? AND s.identifier = ?`, id, userID, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order %d not found", id))
	}
	if err := loadLines(ctx, d, []*openentry.Order{o}); err != nil {
		return nil, err
	}
	return o, nil
}

// Orders returns a page of userID's orders in the storage, newest first.
func (d *DB) Orders(ctx context.Context, userID, storageID int64, page openentry.Page) ([]openentry.Order, int64, error) {
	page = clampPage(page)
	rows, err := d.QueryContext(ctx, orderSelect+` WHERE o.user_id = ? AND o.storage_id = ? ORDER BY o.id DESC LIMIT ? OFFSET ?`,
		userID, storageID, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, err
	}
	var ptrs []*openentry.Order
	cache := localizedCache{}
	for rows.Next() {
		o, err := scanOrderCached(rows, cache)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		ptrs = append(ptrs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if err := loadLinesCached(ctx, d, ptrs, cache); err != nil {
		return nil, 0, err
	}
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE user_id = ? AND storage_id = ?`, userID, storageID).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := make([]openentry.Order, len(ptrs))
	for i, o := range ptrs {
		out[i] = *o
	}
	return out, total, nil
}

// OpenSessionOf returns the order's open payment session with its account.
func (d *DB) OpenSessionOf(ctx context.Context, orderID int64) (*openentry.OpenSession, error) {
	var out openentry.OpenSession
	var ref sql.NullString
	var accountID int64
	err := d.QueryRowContext(ctx, `SELECT ps.id, ps.account_id, ps.status, ps.type, ps.provider_ref FROM payment_sessions ps
		WHERE ps.order_id = ? AND ps.status IN (?, ?)`, orderID, openentry.SessionCreating, openentry.SessionWaiting).Scan(
		&out.Session.ID, &accountID, &out.Session.Status, &out.Session.Type, &ref)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order %d has no open payment session", orderID))
	}
	out.Session.OrderID, out.Session.AccountID, out.ProviderRef = orderID, accountID, ref.String
	if err := scanProviderAccount(d.QueryRowContext(ctx, `SELECT `+providerAccountColumns+` FROM payment_accounts WHERE id = ?`, accountID), &out.Account); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateOrder writes an order's new terms in one transaction.
func (d *DB) UpdateOrder(ctx context.Context, c openentry.OrderChange) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Locked, so that a payment session cannot open between the checks
	// below and the commit (OpenPaymentSession locks the row too).
	var completed, canceled bool
	err = tx.QueryRowContext(ctx, `SELECT is_completed, canceled_ms IS NOT NULL FROM orders WHERE id = ? AND user_id = ?`+tx.dialect.forUpdate(),
		c.OrderID, c.UserID).Scan(&completed, &canceled)
	if err != nil {
		return notFound(err, fmt.Sprintf("Order %d not found", c.OrderID))
	}
	if completed {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is already paid", c.OrderID)}
	}
	if canceled {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is canceled", c.OrderID)}
	}
	if err := cancelWaiting(ctx, tx, c.OrderID, c.CancelSessions); err != nil {
		return err
	}
	var open bool
	if c.TermsChange {
		if open, err = paymentOpen(ctx, tx, c.OrderID); err != nil {
			return err
		}
	}
	if open {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d has a payment open: it can change once that payment has ended", c.OrderID)}
	}
	canceledMS := sql.NullInt64{}
	if c.Cancel {
		canceledMS = sql.NullInt64{Int64: tx.nowMS, Valid: true}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET form_data = ?, payment_account_id = ?, status_identifier = ?, currency = ?,
		total_minor = ?, canceled_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
		mustJSON(c.FormData), c.PaymentAccountID, c.StatusIdentifier, c.Total.Currency, c.Total.Minor, canceledMS, tx.nowMS, c.OrderID); err != nil {
		return err
	}
	if c.Cancel || c.Lines != nil {
		// A cancel gives the units back; new lines give the old ones' back
		// and take theirs.
		if err := returnStock(ctx, tx, c.OrderID, nil); err != nil {
			return err
		}
	}
	if c.Lines != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM order_lines WHERE order_id = ?`, c.OrderID); err != nil {
			return err
		}
		if err := insertLines(ctx, tx, c.OrderID, c.Lines); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// OrderLines returns an order's lines.
func (d *DB) OrderLines(ctx context.Context, orderID int64) ([]openentry.OrderLine, error) {
	o := &openentry.Order{ID: orderID}
	if err := d.QueryRowContext(ctx, `SELECT currency FROM orders WHERE id = ?`, orderID).Scan(&o.Total.Currency); err != nil {
		return nil, notFound(err, fmt.Sprintf("Order %d not found", orderID))
	}
	if err := loadLines(ctx, d, []*openentry.Order{o}); err != nil {
		return nil, err
	}
	return o.Lines, nil
}

// loadLines fills the lines of orders with one query.
func loadLines(ctx context.Context, q queryer, orders []*openentry.Order) error {
	return loadLinesCached(ctx, q, orders, localizedCache{})
}

func loadLinesCached(ctx context.Context, q queryer, orders []*openentry.Order, cache localizedCache) error {
	if len(orders) == 0 {
		return nil
	}
	byID := make(map[int64]*openentry.Order, len(orders))
	args := make([]any, len(orders))
	for i, o := range orders {
		byID[o.ID] = o
		args[i] = o.ID
		o.Lines = []openentry.OrderLine{}
	}
	rows, err := q.QueryContext(ctx, `SELECT order_id, product_id, quantity, unit_minor, localize_infos, sku FROM order_lines
		WHERE order_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(orders)), ",")+`) ORDER BY order_id, line_no`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var orderID int64
		var l openentry.OrderLine
		var infos string
		if err := rows.Scan(&orderID, &l.ProductID, &l.Quantity, &l.UnitPrice.Minor, &infos, &l.Sku); err != nil {
			return err
		}
		if l.LocalizeInfos, err = cache.decode(infos); err != nil {
			return err
		}
		o := byID[orderID]
		l.UnitPrice.Currency = o.Total.Currency
		o.Lines = append(o.Lines, l)
	}
	return rows.Err()
}

// CancelUnpaidOrders cancels unpaid orders left past their storage's
// cancel_unpaid_after_min. The first read only finds candidates; each is
// then locked and checked again, so that of several instances sweeping at
// once, or a payment opening at that moment, exactly one decides.
func (d *DB) CancelUnpaidOrders(ctx context.Context, limit int) (int64, error) {
	nowMS := d.now().UnixMilli()
	rows, err := d.QueryContext(ctx, `SELECT o.id FROM order_storages s JOIN orders o ON o.storage_id = s.id
		WHERE s.cancel_unpaid_after_min > 0 AND o.canceled_ms IS NULL AND NOT o.is_completed
			AND o.created_ms <= ? - s.cancel_unpaid_after_min * 60000
		ORDER BY o.created_ms LIMIT ?`, nowMS, limit)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var n int64
	for _, id := range ids {
		canceled, err := d.cancelUnpaidOrder(ctx, id)
		if err != nil {
			return n, fmt.Errorf("cancel unpaid order %d: %w", id, err)
		}
		if canceled {
			n++
		}
	}
	return n, nil
}

func (d *DB) cancelUnpaidOrder(ctx context.Context, id int64) (bool, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var status string
	err = tx.QueryRowContext(ctx, `SELECT s.canceled_status FROM orders o JOIN order_storages s ON s.id = o.storage_id
		WHERE o.id = ? AND o.canceled_ms IS NULL AND NOT o.is_completed
			AND o.created_ms <= ? - s.cancel_unpaid_after_min * 60000 AND s.cancel_unpaid_after_min > 0`+tx.dialect.forUpdateOf("o"),
		id, tx.nowMS).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // paid, canceled or changed since the first read
	}
	if err != nil {
		return false, err
	}
	// Read after the lock: a payment that opened meanwhile is seen.
	if open, err := paymentOpen(ctx, tx, id); err != nil || open {
		return false, err
	}
	if err := cancelInTx(ctx, tx, id, status); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// cancelWaiting cancels the order's sessions ids that are still waiting.
func cancelWaiting(ctx context.Context, tx *tx, orderID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE payment_sessions SET status = ?, updated_ms = ? WHERE id = ? AND order_id = ? AND status = ?`,
			openentry.SessionCanceled, tx.nowMS, id, orderID, openentry.SessionWaiting); err != nil {
			return err
		}
	}
	return nil
}

// paymentOpen reports whether the order has a creating or waiting session.
func paymentOpen(ctx context.Context, tx *tx, orderID int64) (bool, error) {
	var open bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM payment_sessions WHERE order_id = ? AND status IN (?, ?))`,
		orderID, openentry.SessionCreating, openentry.SessionWaiting).Scan(&open)
	return open, err
}

// cancelInTx cancels a locked, unpaid order: status, time, version, and its
// units back — the one place a cancel gives stock back.
func cancelInTx(ctx context.Context, tx *tx, orderID int64, status string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET status_identifier = ?, canceled_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
		status, tx.nowMS, tx.nowMS, orderID); err != nil {
		return err
	}
	return returnStock(ctx, tx, orderID, nil)
}
