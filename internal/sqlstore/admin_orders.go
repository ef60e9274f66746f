package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/openentry/openentry"
)

// paymentStatusSQL is an order's payment status, computed from its rows.
const paymentStatusSQL = `CASE WHEN o.is_completed THEN 'paid'
	WHEN EXISTS (SELECT 1 FROM payment_sessions pw WHERE pw.order_id = o.id AND pw.status = 'waiting') THEN 'waiting'
	ELSE 'unpaid' END`

const adminOrderSelect = `SELECT ` + orderColumns + `, o.version, ` + paymentStatusSQL + `, u.identifier, o.paid_ms` +
	orderFrom + ` JOIN users u ON u.id = o.user_id`

func scanAdminOrder(row interface{ Scan(...any) error }, cache localizedCache) (*openentry.AdminOrder, error) {
	var out openentry.AdminOrder
	var paid sql.NullInt64
	o, err := scanOrderCached(row, cache, &out.Version, &out.PaymentStatus, &out.UserLogin, &paid)
	if err != nil {
		return nil, err
	}
	out.Order = *o
	if paid.Valid {
		t := openentry.UnixMilli(paid.Int64)
		out.PaidAt = &t
	}
	return &out, nil
}

func adminOrderByID(ctx context.Context, q queryer, id int64) (*openentry.AdminOrder, error) {
	o, err := scanAdminOrder(q.QueryRowContext(ctx, adminOrderSelect+` WHERE o.id = ?`, id), localizedCache{})
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order %d not found", id))
	}
	return o, nil
}

// orderView is an order as the journal shows it, with more key/value pairs.
func orderView(o *openentry.AdminOrder, more ...any) map[string]any {
	v := map[string]any{"id": o.ID, "version": o.Version, "statusIdentifier": o.StatusIdentifier,
		"paymentStatus": o.PaymentStatus, "isCanceled": o.IsCanceled}
	for i := 0; i+1 < len(more); i += 2 {
		v[more[i].(string)] = more[i+1]
	}
	return v
}

// sortColumn is the column a sort key orders by; o.id breaks ties.
func sortColumn(key string) (string, error) {
	switch key {
	case "", openentry.OrderSortCreated:
		return "o.created_ms", nil
	case openentry.OrderSortTotal:
		return "o.total_minor", nil
	case openentry.OrderSortID:
		return "o.id", nil
	}
	return "", openentry.Invalid(fmt.Sprintf("sort %q is not createdDate, total or id", key))
}

// likePattern matches s anywhere, case-insensitively, with LIKE's own
// characters taken literally (ESCAPE '\').
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// adminWhere is the condition of f over orders o, storages s and users u.
func adminWhere(f openentry.AdminOrderFilter) (string, []any, error) {
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v ...any) { where, args = append(where, cond), append(args, v...) }
	if f.StorageMarker != "" {
		add("s.identifier = ?", f.StorageMarker)
	}
	if f.StatusIdentifier != "" {
		add("o.status_identifier = ?", f.StatusIdentifier)
	}
	waiting := `EXISTS (SELECT 1 FROM payment_sessions pw WHERE pw.order_id = o.id AND pw.status = 'waiting')`
	switch f.PaymentStatus {
	case "":
	case openentry.PaymentPaid:
		add("o.is_completed = ?", true)
	case openentry.PaymentWaiting:
		add("o.is_completed = ? AND "+waiting, false)
	case openentry.PaymentUnpaid:
		add("o.is_completed = ? AND NOT "+waiting, false)
	default:
		return "", nil, openentry.Invalid(fmt.Sprintf("paymentStatus %q is not paid, waiting or unpaid", f.PaymentStatus))
	}
	if !f.From.IsZero() {
		add("o.created_ms >= ?", f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		add("o.created_ms < ?", f.To.UnixMilli())
	}
	if f.UserID != 0 {
		add("o.user_id = ?", f.UserID)
	}
	if f.Currency != "" {
		add("o.currency = ?", f.Currency)
	}
	if f.TotalMin != nil || f.TotalMax != nil {
		cond, v := totalRange(f)
		add(cond, v...)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := likePattern(q)
		cond := `LOWER(u.identifier) LIKE ? ESCAPE '\' OR LOWER(o.form_data) LIKE ? ESCAPE '\'`
		v := []any{p, p}
		if id, err := strconv.ParseInt(q, 10, 64); err == nil {
			cond, v = "o.id = ? OR "+cond, append([]any{id}, v...)
		}
		add("("+cond+")", v...)
	}
	return strings.Join(where, " AND "), args, nil
}

// totalRange compares totals with decimal bounds exactly: each group of
// currencies sharing an exponent gets the bounds in its minor units.
func totalRange(f openentry.AdminOrderFilter) (string, []any) {
	var groups []string
	var args []any
	all := openentry.CurrencyExponents()
	var others []string // currencies without the default exponent
	for e, cs := range all {
		if e != 2 {
			others = append(others, cs...)
		}
	}
	for e, cs := range all {
		if f.Currency != "" && openentry.CurrencyExponent(f.Currency) != e {
			continue
		}
		var cond string
		var v []any
		if e == 2 {
			cond = "o.currency NOT IN (" + placeholders(len(others)) + ")"
			for _, c := range others {
				v = append(v, c)
			}
		} else {
			cond = "o.currency IN (" + placeholders(len(cs)) + ")"
			for _, c := range cs {
				v = append(v, c)
			}
		}
		if f.TotalMin != nil {
			n, ok := f.TotalMin.MinorBound(e, true)
			if !ok {
				continue // beyond any total
			}
			cond, v = cond+" AND o.total_minor >= ?", append(v, n)
		}
		if f.TotalMax != nil {
			if n, ok := f.TotalMax.MinorBound(e, false); ok {
				cond, v = cond+" AND o.total_minor <= ?", append(v, n)
			}
		}
		groups, args = append(groups, "("+cond+")"), append(args, v...)
	}
	if len(groups) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(groups, " OR ") + ")", args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// AdminOrders lists orders across users and counts all that match.
func (d *DB) AdminOrders(ctx context.Context, f openentry.AdminOrderFilter) ([]openentry.AdminOrder, int64, error) {
	cond, args, err := adminWhere(f)
	if err != nil {
		return nil, 0, err
	}
	col, err := sortColumn(f.Sort)
	if err != nil {
		return nil, 0, err
	}
	dir := direction(f.Desc)
	page := clampPage(f.Page)
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders o JOIN order_storages s ON s.id = o.storage_id
		JOIN users u ON u.id = o.user_id WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := d.QueryContext(ctx, adminOrderSelect+` WHERE `+cond+` ORDER BY `+col+` `+dir+`, o.id `+dir+` LIMIT ? OFFSET ?`,
		append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	cache := localizedCache{}
	var ptrs []*openentry.Order
	out := []openentry.AdminOrder{}
	for rows.Next() {
		o, err := scanAdminOrder(rows, cache)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, *o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	for i := range out {
		ptrs = append(ptrs, &out[i].Order)
	}
	return out, total, loadLinesCached(ctx, d, ptrs, cache)
}

func direction(desc bool) string {
	if desc {
		return "DESC"
	}
	return "ASC"
}

// EachAdminOrder walks the orders f selects a batch at a time, each batch
// a query that starts after the last row of the one before (keyset), so
// that no query holds the whole set nor a long transaction.
func (d *DB) EachAdminOrder(ctx context.Context, f openentry.AdminOrderFilter, batch int, fn func(*openentry.AdminOrder) error) error {
	cond, args, err := adminWhere(f)
	if err != nil {
		return err
	}
	col, err := sortColumn(f.Sort)
	if err != nil {
		return err
	}
	dir, cmp := direction(f.Desc), ">"
	if f.Desc {
		cmp = "<"
	}
	var after *openentry.AdminOrder
	cache := localizedCache{}
	for {
		c, a := cond, args
		if after != nil {
			key := map[string]int64{"o.created_ms": after.CreatedAt.UnixMilli(), "o.total_minor": after.Total.Minor, "o.id": after.ID}[col]
			c = cond + ` AND (` + col + ` ` + cmp + ` ? OR (` + col + ` = ? AND o.id ` + cmp + ` ?))`
			a = append(append([]any{}, args...), key, key, after.ID)
		}
		rows, err := d.QueryContext(ctx, adminOrderSelect+` WHERE `+c+` ORDER BY `+col+` `+dir+`, o.id `+dir+` LIMIT ?`, append(a, batch)...)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			o, err := scanAdminOrder(rows, cache)
			if err == nil {
				err = fn(o)
			}
			if err != nil {
				rows.Close()
				return err
			}
			after, n = o, n+1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n < batch {
			return nil
		}
		if len(cache) > 1000 {
			clear(cache) // bounded memory, whatever the export's size
		}
	}
}

// EachAdminSession walks the shown sessions of the orders f selects by
// session id, a batch at a time (keyset on the id).
func (d *DB) EachAdminSession(ctx context.Context, f openentry.AdminOrderFilter, batch int, fn func(*openentry.AdminSession) error) error {
	cond, args, err := adminWhere(f)
	if err != nil {
		return err
	}
	var after int64
	for {
		rows, err := d.QueryContext(ctx, `SELECT `+sessionColumns+`, s.identifier, u.identifier, pa.identifier, pa.type, o.total_minor, o.currency`+sessionFrom+` JOIN order_storages s ON s.id = o.storage_id JOIN users u ON u.id = o.user_id
			JOIN payment_accounts pa ON pa.id = ps.account_id
			WHERE ps.status <> ? AND ps.id > ? AND `+cond+` ORDER BY ps.id LIMIT ?`,
			append(append([]any{openentry.SessionCreating, after}, args...), batch)...)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var s openentry.AdminSession
			ps, err := scanSession(rows, &s.StorageMarker, &s.UserLogin, &s.AccountIdentifier, &s.AccountType, &s.OrderTotal.Minor, &s.OrderTotal.Currency)
			if err == nil {
				s.PaymentSession = *ps
				err = fn(&s)
			}
			if err != nil {
				rows.Close()
				return err
			}
			after, n = ps.ID, n+1
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n < batch {
			return nil
		}
	}
}

// AdminOrder returns one order with its lines, sessions and refunds.
func (d *DB) AdminOrder(ctx context.Context, id int64) (*openentry.AdminOrderDetail, error) {
	o, err := adminOrderByID(ctx, d, id)
	if err != nil {
		return nil, err
	}
	out := &openentry.AdminOrderDetail{AdminOrder: *o, Sessions: []openentry.PaymentSession{}, Refunds: []openentry.Refund{}}
	if err := loadLines(ctx, d, []*openentry.Order{&out.Order}); err != nil {
		return nil, err
	}
	rows, err := d.QueryContext(ctx, sessionSelect+` WHERE ps.order_id = ? AND ps.status <> ? ORDER BY ps.id`, id, openentry.SessionCreating)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		ps, err := scanSession(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out.Sessions = append(out.Sessions, *ps)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out.Refunds, _, err = d.AdminRefunds(ctx, openentry.RefundFilter{OrderID: id, Page: openentry.Page{Limit: openentry.MaxPageLimit}})
	return out, err
}

// lockOrder locks an order's row and checks the version read before.
func lockOrder(ctx context.Context, tx *tx, id, version int64) (*openentry.AdminOrder, error) {
	var have int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM orders WHERE id = ?`+tx.dialect.forUpdate(), id).Scan(&have); err != nil {
		return nil, notFound(err, fmt.Sprintf("Order %d not found", id))
	}
	if have != version {
		return nil, &openentry.Error{Code: openentry.ErrConflict,
			Message: fmt.Sprintf("Order %d changed since version %d (now %d); reload it", id, version, have)}
	}
	return adminOrderByID(ctx, tx, id)
}

// SetOrderStatus changes an order's status if its version is c.Version.
func (d *DB) SetOrderStatus(ctx context.Context, c openentry.StatusChange, a openentry.Audit) (*openentry.AdminOrder, error) {
	return d.changeOrder(ctx, c.OrderID, c.Version, a, func(tx *tx, o *openentry.AdminOrder) error {
		if err := statusHeld(ctx, tx, o.StorageID, c.StatusIdentifier); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE orders SET status_identifier = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
			c.StatusIdentifier, tx.nowMS, c.OrderID)
		return err
	})
}

// changeOrder runs change in one transaction with the order locked at
// version, then reads it again, journals before → after and commits.
func (d *DB) changeOrder(ctx context.Context, id, version int64, a openentry.Audit, change func(*tx, *openentry.AdminOrder) error) (*openentry.AdminOrder, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, err := lockOrder(ctx, tx, id, version)
	if err != nil {
		return nil, err
	}
	if err := change(tx, before); err != nil {
		return nil, err
	}
	after, err := adminOrderByID(ctx, tx, before.ID)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "order", fmt.Sprint(before.ID), orderView(before), orderView(after)); err != nil {
		return nil, err
	}
	if err := loadLines(ctx, tx, []*openentry.Order{&after.Order}); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// CancelOrder cancels an unpaid order by the staff's word.
func (d *DB) CancelOrder(ctx context.Context, c openentry.AdminCancel, a openentry.Audit) (*openentry.AdminOrder, error) {
	return d.changeOrder(ctx, c.OrderID, c.Version, a, func(tx *tx, before *openentry.AdminOrder) error {
		switch {
		case before.IsCanceled:
			return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is canceled already", c.OrderID)}
		case before.IsCompleted:
			return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is paid: approve a refund instead", c.OrderID)}
		}
		if err := cancelWaiting(ctx, tx, c.OrderID, c.CancelSessions); err != nil {
			return err
		}
		if open, err := paymentOpen(ctx, tx, c.OrderID); err != nil {
			return err
		} else if open {
			return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d has a payment being opened: try again", c.OrderID)}
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(NULLIF(canceled_status, ''), ?) FROM order_storages WHERE id = ?`,
			before.StatusIdentifier, before.StorageID).Scan(&status); err != nil {
			return err
		}
		return cancelInTx(ctx, tx, c.OrderID, status)
	})
}

// AdminRefunds lists refund requests, newest first.
func (d *DB) AdminRefunds(ctx context.Context, f openentry.RefundFilter) ([]openentry.Refund, int64, error) {
	page := clampPage(f.Page)
	where, args := []string{"1 = 1"}, []any{}
	if f.Status != "" {
		where, args = append(where, "r.status = ?"), append(args, f.Status)
	}
	if f.OrderID != 0 {
		where, args = append(where, "r.order_id = ?"), append(args, f.OrderID)
	}
	cond := strings.Join(where, " AND ")
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM refunds r WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := d.QueryContext(ctx, refundSelect+` WHERE `+cond+` ORDER BY r.id DESC LIMIT ? OFFSET ?`, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []openentry.Refund{}
	for rows.Next() {
		r, err := scanRefund(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *r)
	}
	return out, total, rows.Err()
}

// maxLowStock bounds the overview's low-stock list.
const maxLowStock = 50

// Overview counts what the dashboard's first page shows.
func (d *DB) Overview(ctx context.Context, since time.Time, lowStock int64) (*openentry.Overview, error) {
	out := &openentry.Overview{RevenueToday: []openentry.Money{}, LowStock: []openentry.LowStock{}}
	if err := d.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM orders WHERE created_ms >= ?),
		(SELECT COUNT(*) FROM payment_sessions WHERE status = ?)`, since.UnixMilli(), openentry.SessionWaiting).Scan(
		&out.OrdersToday, &out.WaitingSessions); err != nil {
		return nil, err
	}
	rows, err := d.QueryContext(ctx, `SELECT currency, SUM(total_minor) FROM orders WHERE paid_ms >= ? GROUP BY currency ORDER BY currency`,
		since.UnixMilli())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var m openentry.Money
		if err := rows.Scan(&m.Currency, &m.Minor); err != nil {
			rows.Close()
			return nil, err
		}
		out.RevenueToday = append(out.RevenueToday, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = d.QueryContext(ctx, `SELECT id, sku, localize_infos, stock FROM products WHERE stock IS NOT NULL AND stock <= ?
		ORDER BY stock, id LIMIT ?`, lowStock, maxLowStock)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p openentry.LowStock
		var infos string
		if err := rows.Scan(&p.ProductID, &p.Sku, &infos, &p.Units); err != nil {
			return nil, err
		}
		if err := fromJSON(infos, &p.LocalizeInfos); err != nil {
			return nil, err
		}
		out.LowStock = append(out.LowStock, p)
	}
	return out, rows.Err()
}
