package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// OrderService implements openentry.OrderService.
type OrderService struct{ db *DB }

var _ openentry.OrderService = (*OrderService)(nil)

// NewOrderService returns an OrderService over db.
func NewOrderService(db *DB) *OrderService { return &OrderService{db: db} }

const storageColumns = `id, identifier, form_identifier, localize_infos, position, paid_status`

func scanStorage(row interface{ Scan(...any) error }) (*openentry.OrderStorage, error) {
	var s openentry.OrderStorage
	var infos string
	if err := row.Scan(&s.ID, &s.Identifier, &s.FormIdentifier, &infos, &s.Position, &s.PaidStatus); err != nil {
		return nil, err
	}
	return &s, fromJSON(infos, &s.LocalizeInfos)
}

// findStorage reads a storage without its account list, which only the
// storage reads show; placing and listing orders need just its id and form.
func findStorage(ctx context.Context, q queryer, marker string) (*openentry.OrderStorage, error) {
	s, err := scanStorage(q.QueryRowContext(ctx, `SELECT `+storageColumns+` FROM order_storages WHERE identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order storage %q not found", marker))
	}
	return s, nil
}

func storageAccounts(ctx context.Context, q queryer, storageID int64) ([]string, error) {
	// Only enabled accounts: a stripe account without a key is not offered.
	rows, err := q.QueryContext(ctx, `SELECT a.identifier FROM order_storage_accounts sa JOIN payment_accounts a ON a.id = sa.account_id
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
func (s *OrderService) Storages(ctx context.Context, page openentry.Page) ([]openentry.OrderStorage, error) {
	page = clampPage(page)
	rows, err := s.db.QueryContext(ctx, `SELECT `+storageColumns+` FROM order_storages ORDER BY position, id LIMIT ? OFFSET ?`, page.Limit, page.Offset)
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
		if out[i].PaymentAccounts, err = storageAccounts(ctx, s.db, out[i].ID); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []openentry.OrderStorage{}
	}
	return out, nil
}

// Storage returns a storage by marker.
func (s *OrderService) Storage(ctx context.Context, marker string) (*openentry.OrderStorage, error) {
	st, err := findStorage(ctx, s.db, marker)
	if err != nil {
		return nil, err
	}
	if st.PaymentAccounts, err = storageAccounts(ctx, s.db, st.ID); err != nil {
		return nil, err
	}
	return st, nil
}

// Statuses lists a storage's statuses.
func (s *OrderService) Statuses(ctx context.Context, marker string, page openentry.Page) ([]openentry.OrderStatus, error) {
	st, err := findStorage(ctx, s.db, marker)
	if err != nil {
		return nil, err
	}
	page = clampPage(page)
	rows, err := s.db.QueryContext(ctx, `SELECT id, identifier, localize_infos, position, is_default FROM order_statuses
		WHERE storage_id = ? ORDER BY position, id LIMIT ? OFFSET ?`, st.ID, page.Limit, page.Offset)
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

var errWrongAccount = openentry.Invalid("Payment account identifier is wrong or payment accounts are not defined")

// CreateOrder validates, prices and stores an order in one transaction.
func (s *OrderService) CreateOrder(ctx context.Context, userID int64, in openentry.OrderCreate) (*openentry.Order, error) {
	if err := openentry.CheckLines(in.Lines); err != nil {
		return nil, err
	}
	// Everything the order is checked and priced against is read before the
	// write transaction, which then only inserts: on SQLite the single
	// writer is held for as short as possible. A price read here is the
	// price the order is placed at.
	storage, err := findStorage(ctx, s.db, in.StorageMarker)
	if err != nil {
		return nil, err
	}
	if in.FormIdentifier == "" {
		in.FormIdentifier = storage.FormIdentifier
	}
	if in.FormIdentifier != storage.FormIdentifier {
		return nil, openentry.Invalid(fmt.Sprintf("Incorrect formIdentifier for provided config: %q", in.FormIdentifier))
	}
	form, err := findForm(ctx, s.db, storage.FormIdentifier)
	if err != nil {
		return nil, err
	}
	data := openentry.FormData{}
	for lang, fields := range in.FormData {
		if data[lang], err = form.CheckData(fields); err != nil {
			return nil, err
		}
	}
	if len(data) == 0 {
		if data[openentry.DefaultLocale], err = form.CheckData(nil); err != nil {
			return nil, err
		}
	}
	var accountID int64
	var accountInfos string
	err = s.db.QueryRowContext(ctx, `SELECT a.id, a.localize_infos FROM payment_accounts a
		JOIN order_storage_accounts sa ON sa.account_id = a.id AND sa.storage_id = ?
		WHERE a.identifier = ? AND a.is_visible = ?`, storage.ID, in.PaymentAccountIdentifier, true).Scan(&accountID, &accountInfos)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errWrongAccount
	}
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(in.Lines))
	for i, l := range in.Lines {
		ids[i] = l.ProductID
	}
	products, err := productsByID(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	lines, total, err := openentry.PriceLines(in.Lines, products)
	if err != nil {
		return nil, err
	}
	var status string
	var statusInfos string
	err = s.db.QueryRowContext(ctx, `SELECT identifier, localize_infos FROM order_statuses WHERE storage_id = ? AND is_default = ?`,
		storage.ID, true).Scan(&status, &statusInfos)
	if err != nil {
		return nil, fmt.Errorf("default status of storage %q: %w", storage.Identifier, err)
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	o := &openentry.Order{
		StorageID: storage.ID, StorageMarker: storage.Identifier, UserID: userID,
		FormIdentifier: form.Identifier, FormData: data,
		PaymentAccountID: accountID, PaymentAccountIdentifier: in.PaymentAccountIdentifier,
		StatusIdentifier: status, Total: total, Lines: lines, CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	if err := fromJSON(accountInfos, &o.PaymentAccountLocalizeInfos); err != nil {
		return nil, err
	}
	if err := fromJSON(statusInfos, &o.StatusLocalizeInfos); err != nil {
		return nil, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO orders (storage_id, user_id, form_identifier, form_data, payment_account_id,
		status_identifier, currency, total_minor, is_completed, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.StorageID, userID, o.FormIdentifier, mustJSON(o.FormData), accountID, status, total.Currency, total.Minor, false,
		tx.nowMS, tx.nowMS).Scan(&o.ID)
	if err != nil {
		return nil, err
	}
	for i, l := range lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_minor, localize_infos, sku)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, o.ID, i+1, l.ProductID, l.Quantity, l.UnitPrice.Minor, mustJSON(l.LocalizeInfos), l.Sku); err != nil {
			return nil, err
		}
	}
	return o, tx.Commit()
}

const orderSelect = `SELECT o.id, o.storage_id, s.identifier, o.user_id, o.form_identifier, o.form_data,
	o.payment_account_id, a.identifier, a.localize_infos, o.status_identifier, COALESCE(st.localize_infos, '{}'),
	o.currency, o.total_minor, o.is_completed, o.created_ms, o.updated_ms,
	(SELECT ps.payment_url FROM payment_sessions ps WHERE ps.order_id = o.id AND ps.status <> 'creating' ORDER BY ps.id DESC LIMIT 1)
	FROM orders o
	JOIN order_storages s ON s.id = o.storage_id
	JOIN payment_accounts a ON a.id = o.payment_account_id
	LEFT JOIN order_statuses st ON st.storage_id = o.storage_id AND st.identifier = o.status_identifier`

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

func scanOrderCached(row interface{ Scan(...any) error }, cache localizedCache) (*openentry.Order, error) {
	var o openentry.Order
	var formData, accountInfos, statusInfos string
	var createdMS, updatedMS int64
	var paymentURL sql.NullString
	if err := row.Scan(&o.ID, &o.StorageID, &o.StorageMarker, &o.UserID, &o.FormIdentifier, &formData,
		&o.PaymentAccountID, &o.PaymentAccountIdentifier, &accountInfos, &o.StatusIdentifier, &statusInfos,
		&o.Total.Currency, &o.Total.Minor, &o.IsCompleted, &createdMS, &updatedMS, &paymentURL); err != nil {
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
func (s *OrderService) Order(ctx context.Context, userID int64, marker string, id int64) (*openentry.Order, error) {
	o, err := scanOrder(s.db.QueryRowContext(ctx, orderSelect+` WHERE o.id = ? AND o.user_id = ? AND s.identifier = ?`, id, userID, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order %d not found", id))
	}
	if err := loadLines(ctx, s.db, []*openentry.Order{o}); err != nil {
		return nil, err
	}
	return o, nil
}

// Orders returns a page of userID's orders in the storage, newest first.
func (s *OrderService) Orders(ctx context.Context, userID int64, marker string, page openentry.Page) ([]openentry.Order, int64, error) {
	storage, err := findStorage(ctx, s.db, marker)
	if err != nil {
		return nil, 0, err
	}
	page = clampPage(page)
	rows, err := s.db.QueryContext(ctx, orderSelect+` WHERE o.user_id = ? AND o.storage_id = ? ORDER BY o.id DESC LIMIT ? OFFSET ?`,
		userID, storage.ID, page.Limit, page.Offset)
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
	if err := loadLinesCached(ctx, s.db, ptrs, cache); err != nil {
		return nil, 0, err
	}
	var total int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE user_id = ? AND storage_id = ?`, userID, storage.ID).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := make([]openentry.Order, len(ptrs))
	for i, o := range ptrs {
		out[i] = *o
	}
	return out, total, nil
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
