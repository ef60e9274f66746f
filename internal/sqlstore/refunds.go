package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/openentry/openentry"
)

const refundSelect = `SELECT r.id, r.order_id, r.user_id, o.storage_id, s.identifier, u.identifier, r.status, r.amount_minor,
	o.currency, r.note, r.products, r.reason, r.created_ms, r.updated_ms
	FROM refunds r JOIN orders o ON o.id = r.order_id JOIN order_storages s ON s.id = o.storage_id JOIN users u ON u.id = r.user_id`

func scanRefund(row interface{ Scan(...any) error }) (*openentry.Refund, error) {
	var r openentry.Refund
	var products string
	var createdMS, updatedMS int64
	if err := row.Scan(&r.ID, &r.OrderID, &r.UserID, &r.StorageID, &r.StorageMarker, &r.UserLogin, &r.Status, &r.Amount.Minor,
		&r.Amount.Currency, &r.Note, &products, &r.Reason, &createdMS, &updatedMS); err != nil {
		return nil, err
	}
	var err error
	if r.Products, err = decodeRefundProducts(products); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(updatedMS)
	return &r, nil
}

// ownOrder checks that the order is userID's.
func ownOrder(ctx context.Context, q queryer, userID, orderID int64) error {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM orders WHERE id = ? AND user_id = ?`, orderID, userID).Scan(&id)
	return notFound(err, fmt.Sprintf("Order %d not found", orderID))
}

// Refunds lists one of userID's orders' refund requests.
func (d *DB) Refunds(ctx context.Context, userID, orderID int64) ([]openentry.Refund, error) {
	if err := ownOrder(ctx, d, userID, orderID); err != nil {
		return nil, err
	}
	rows, err := d.QueryContext(ctx, refundSelect+` WHERE r.order_id = ? ORDER BY r.id DESC`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.Refund{}
	for rows.Next() {
		r, err := scanRefund(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// AddRefund stores a waiting request priced by price while the order is locked.
func (d *DB) AddRefund(ctx context.Context, userID, orderID int64, note string,
	price func(openentry.RefundBasis) (map[int64]int64, openentry.Money, error)) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Locked, so that two requests for one order cannot both take what is left.
	basis := openentry.RefundBasis{OrderID: orderID}
	order := &openentry.Order{ID: orderID}
	err = tx.QueryRowContext(ctx, `SELECT is_completed, currency FROM orders WHERE id = ? AND user_id = ?`+tx.dialect.forUpdate(),
		orderID, userID).Scan(&basis.Completed, &order.Total.Currency)
	if err != nil {
		return notFound(err, fmt.Sprintf("Order %d not found", orderID))
	}
	if err := loadLines(ctx, tx, []*openentry.Order{order}); err != nil {
		return err
	}
	basis.Lines = order.Lines
	// Withdrawn and rejected requests hold no units.
	rows, err := tx.QueryContext(ctx, `SELECT products FROM refunds WHERE order_id = ? AND status NOT IN (?, ?)`, orderID,
		openentry.RefundCanceled, openentry.RefundRejected)
	if err != nil {
		return err
	}
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return err
		}
		asked, err := decodeRefundProducts(raw)
		if err != nil {
			rows.Close()
			return err
		}
		basis.Pending = append(basis.Pending, asked)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	products, amount, err := price(basis)
	if err != nil {
		return err
	}
	stored := map[string]map[string]int64{}
	for id, qty := range products {
		stored[strconv.FormatInt(id, 10)] = map[string]int64{"quantity": qty}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO refunds (order_id, user_id, status, amount_minor, note, products, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, orderID, userID, openentry.RefundWaiting, amount.Minor, note, mustJSON(stored), tx.nowMS, tx.nowMS); err != nil {
		return err
	}
	return tx.Commit()
}

// decodeRefundProducts reads a request's stored {"<id>": {"quantity": n}}.
func decodeRefundProducts(raw string) (map[int64]int64, error) {
	var byID map[string]struct {
		Quantity int64 `json:"quantity"`
	}
	if err := fromJSON(raw, &byID); err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(byID))
	for id, p := range byID {
		n, _ := strconv.ParseInt(id, 10, 64)
		out[n] = p.Quantity
	}
	return out, nil
}

// CancelRefunds withdraws the order's waiting requests.
func (d *DB) CancelRefunds(ctx context.Context, userID, orderID int64) (int64, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := ownOrder(ctx, tx, userID, orderID); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = ?, updated_ms = ? WHERE order_id = ? AND status = ?`,
		openentry.RefundCanceled, tx.nowMS, orderID, openentry.RefundWaiting)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// Refund returns a refund request by id.
func (d *DB) Refund(ctx context.Context, id int64) (*openentry.Refund, error) {
	r, err := scanRefund(d.QueryRowContext(ctx, refundSelect+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Refund %d not found", id))
	}
	return r, nil
}

// RefundPayment returns the account and payment of the order's completed session.
func (d *DB) RefundPayment(ctx context.Context, orderID int64) (*openentry.ProviderAccount, string, error) {
	var a openentry.ProviderAccount
	var paymentRef string
	err := scanProviderAccount(d.QueryRowContext(ctx, `SELECT a.identifier, a.type, a.secret_key, a.webhook_secret, a.settings,
		COALESCE(ps.payment_ref, '')
		FROM payment_sessions ps JOIN payment_accounts a ON a.id = ps.account_id
		WHERE ps.order_id = ? AND ps.status = ? ORDER BY ps.id DESC LIMIT 1`, orderID, openentry.SessionCompleted), &a, &paymentRef)
	if err != nil {
		return nil, "", notFound(err, fmt.Sprintf("Order %d has no completed payment", orderID))
	}
	return &a, paymentRef, nil
}

// MoveRefund moves a waiting request on; the condition in the UPDATE makes
// two decisions race to one winner. It is journaled on the refund's order.
func (d *DB) MoveRefund(ctx context.Context, m openentry.RefundMove, a openentry.Audit) (time.Time, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return time.Time{}, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = ?, provider_ref = ?, reason = ?, updated_ms = ? WHERE id = ? AND status = ?`,
		m.Status, sql.NullString{String: m.ProviderRef, Valid: m.ProviderRef != ""}, m.Reason, tx.nowMS, m.ID, openentry.RefundWaiting)
	if err != nil {
		return time.Time{}, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return time.Time{}, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("refund %d changed meanwhile", m.ID)}
	}
	if m.Status == openentry.RefundRefunded {
		if err := returnRefundStock(ctx, tx, m.ID); err != nil {
			return time.Time{}, err
		}
	}
	r, err := scanRefund(tx.QueryRowContext(ctx, refundSelect+` WHERE r.id = ?`, m.ID))
	if err != nil {
		return time.Time{}, err
	}
	view := func(status string) map[string]any {
		v := map[string]any{"id": r.ID, "status": status, "amount": r.Amount.Fixed(), "currency": r.Amount.Currency}
		if status == openentry.RefundRejected {
			v["reason"] = r.Reason
		}
		return v
	}
	if err := journal(ctx, tx, a, "order", fmt.Sprint(r.OrderID), map[string]any{"refund": view(openentry.RefundWaiting)},
		map[string]any{"refund": view(m.Status)}); err != nil {
		return time.Time{}, err
	}
	return tx.now, tx.Commit()
}

// markRefunded settles the approved refunds of the payment Stripe refunded.
func markRefunded(ctx context.Context, tx *tx, ev *openentry.PaymentEvent) (string, error) {
	if ev.Payment == "" {
		return openentry.OutcomeUnmatched, nil
	}
	rows, err := tx.QueryContext(ctx, `UPDATE refunds SET status = ?, updated_ms = ? WHERE status = ? AND order_id IN
		(SELECT order_id FROM payment_sessions WHERE payment_ref = ?) RETURNING id`, openentry.RefundRefunded, tx.nowMS, openentry.RefundApproved, ev.Payment)
	if err != nil {
		return "", err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return "", err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(ids) == 0 {
		return openentry.OutcomeRecorded, nil // e.g. refunded from Stripe's dashboard
	}
	for _, id := range ids {
		if err := returnRefundStock(ctx, tx, id); err != nil {
			return "", err
		}
	}
	return openentry.OutcomeApplied, nil
}
