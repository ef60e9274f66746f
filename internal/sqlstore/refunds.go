package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/openentry/openentry"
)

// RefundService implements openentry.RefundService.
type RefundService struct {
	db      *DB
	gateway openentry.PaymentGateway
}

var _ openentry.RefundService = (*RefundService)(nil)

// NewRefundService returns a RefundService that pays back through gateway.
func NewRefundService(db *DB, gateway openentry.PaymentGateway) *RefundService {
	return &RefundService{db: db, gateway: gateway}
}

var errUnpaidOrder = openentry.NotFound("You cannot refund uncompleted order") // OneEntry's words

const refundSelect = `SELECT r.id, r.order_id, r.user_id, o.storage_id, s.identifier, u.identifier, r.status, r.amount_minor,
	o.currency, r.note, r.products, r.created_ms, r.updated_ms
	FROM refunds r JOIN orders o ON o.id = r.order_id JOIN order_storages s ON s.id = o.storage_id JOIN users u ON u.id = r.user_id`

func scanRefund(row interface{ Scan(...any) error }) (*openentry.Refund, error) {
	var r openentry.Refund
	var products string
	var createdMS, updatedMS int64
	if err := row.Scan(&r.ID, &r.OrderID, &r.UserID, &r.StorageID, &r.StorageMarker, &r.UserLogin, &r.Status, &r.Amount.Minor,
		&r.Amount.Currency, &r.Note, &products, &createdMS, &updatedMS); err != nil {
		return nil, err
	}
	var byID map[string]struct {
		Quantity int64 `json:"quantity"`
	}
	if err := fromJSON(products, &byID); err != nil {
		return nil, err
	}
	r.Products = make(map[int64]int64, len(byID))
	for id, p := range byID {
		n, _ := strconv.ParseInt(id, 10, 64)
		r.Products[n] = p.Quantity
	}
	r.CreatedAt, r.UpdatedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(updatedMS)
	return &r, nil
}

// ownOrder checks that the order is userID's.
func ownOrder(ctx context.Context, q queryer, userID, orderID int64) (completed bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT is_completed FROM orders WHERE id = ? AND user_id = ?`, orderID, userID).Scan(&completed)
	return completed, notFound(err, fmt.Sprintf("Order %d not found", orderID))
}

// Refunds lists one of userID's orders' refund requests.
func (s *RefundService) Refunds(ctx context.Context, userID, orderID int64) ([]openentry.Refund, error) {
	if _, err := ownOrder(ctx, s.db, userID, orderID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, refundSelect+` WHERE r.order_id = ? ORDER BY r.id DESC`, orderID)
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

// RequestRefund asks for products of a paid order back. Quantities may not
// exceed what was ordered less what other live requests already ask for.
func (s *RefundService) RequestRefund(ctx context.Context, userID, orderID int64, products map[int64]int64, note string) error {
	if len(note) > 2000 {
		return openentry.Invalid("note is longer than 2000 characters")
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Locked, so that two requests for one order cannot both take what is left.
	var completed bool
	err = tx.QueryRowContext(ctx, `SELECT is_completed FROM orders WHERE id = ? AND user_id = ?`+tx.dialect.forUpdate(),
		orderID, userID).Scan(&completed)
	if err != nil {
		return notFound(err, fmt.Sprintf("Order %d not found", orderID))
	}
	if !completed {
		return errUnpaidOrder
	}
	order := &openentry.Order{ID: orderID}
	if err := tx.QueryRowContext(ctx, `SELECT currency FROM orders WHERE id = ?`, orderID).Scan(&order.Total.Currency); err != nil {
		return err
	}
	if err := loadLines(ctx, tx, []*openentry.Order{order}); err != nil {
		return err
	}
	left := map[int64]int64{} // refundable quantity per product
	price := map[int64]openentry.Money{}
	for _, l := range order.Lines {
		left[l.ProductID] += l.Quantity
		price[l.ProductID] = l.UnitPrice
	}
	rows, err := tx.QueryContext(ctx, `SELECT products FROM refunds WHERE order_id = ? AND status <> ?`, orderID, openentry.RefundCanceled)
	if err != nil {
		return err
	}
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return err
		}
		var asked map[string]struct{ Quantity int64 }
		if err := fromJSON(raw, &asked); err != nil {
			rows.Close()
			return err
		}
		for id, p := range asked {
			n, _ := strconv.ParseInt(id, 10, 64)
			left[n] -= p.Quantity
		}
	}
	rows.Close()
	if products != nil && len(products) == 0 {
		return openentry.Invalid("products: name at least one product, or leave products out to ask for everything left")
	}
	if products == nil {
		products = map[int64]int64{}
		for id, n := range left {
			if n > 0 {
				products[id] = n
			}
		}
	}
	if len(products) == 0 {
		return openentry.Invalid("products: nothing left to refund")
	}
	amount := openentry.Money{Currency: order.Total.Currency}
	stored := map[string]map[string]int64{}
	for id, qty := range products {
		if _, ok := left[id]; !ok {
			return openentry.Invalid(fmt.Sprintf("products: product %d is not in order %d", id, orderID))
		}
		if qty < 1 || qty > left[id] {
			return openentry.Invalid(fmt.Sprintf("products: quantity of product %d must be 1 to %d", id, max(left[id], 0)))
		}
		sum, err := price[id].MulQuantity(qty)
		if err == nil {
			amount, err = amount.Add(sum)
		}
		if err != nil {
			return openentry.Invalid(err.Error())
		}
		stored[strconv.FormatInt(id, 10)] = map[string]int64{"quantity": qty}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO refunds (order_id, user_id, status, amount_minor, note, products, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, orderID, userID, openentry.RefundWaiting, amount.Minor, note, mustJSON(stored), tx.nowMS, tx.nowMS); err != nil {
		return err
	}
	return tx.Commit()
}

// CancelRefund withdraws the order's waiting requests.
func (s *RefundService) CancelRefund(ctx context.Context, userID, orderID int64) error {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := ownOrder(ctx, tx, userID, orderID); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = ?, updated_ms = ? WHERE order_id = ? AND status = ?`,
		openentry.RefundCanceled, tx.nowMS, orderID, openentry.RefundWaiting)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return openentry.NotFound(fmt.Sprintf("Order %d has no refund request to cancel", orderID))
	}
	return tx.Commit()
}

// ApproveRefund pays a waiting request back. An order paid through Stripe
// is refunded there (idempotent on the refund id) and the request becomes
// approved until Stripe reports charge.refunded; otherwise the shop has paid
// it back itself and it is refunded at once.
func (s *RefundService) ApproveRefund(ctx context.Context, refundID int64) (*openentry.Refund, error) {
	r, err := scanRefund(s.db.QueryRowContext(ctx, refundSelect+` WHERE r.id = ?`, refundID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Refund %d not found", refundID))
	}
	if r.Status != openentry.RefundWaiting {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("refund %d is %s, not waiting", refundID, r.Status)}
	}
	var accountType, paymentRef string
	var stripe openentry.StripeSettings
	err = s.db.QueryRowContext(ctx, `SELECT a.type, COALESCE(ps.payment_ref, ''), a.secret_key
		FROM payment_sessions ps JOIN payment_accounts a ON a.id = ps.account_id
		WHERE ps.order_id = ? AND ps.status = ? ORDER BY ps.id DESC LIMIT 1`, r.OrderID, openentry.SessionCompleted).Scan(&accountType, &paymentRef, &stripe.SecretKey)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	status, providerRef := openentry.RefundRefunded, sql.NullString{}
	if accountType == openentry.AccountStripe {
		if s.gateway == nil || paymentRef == "" {
			return nil, &openentry.Error{Code: openentry.ErrUpstream, Message: "The order's Stripe payment is not known yet: try again later"}
		}
		ref, err := s.gateway.Refund(ctx, openentry.RefundRequest{Stripe: stripe, RefundID: r.ID, Payment: paymentRef, Amount: r.Amount})
		if err != nil {
			return nil, &openentry.Error{Code: openentry.ErrUpstream, Message: "Stripe did not take the refund: try again", Cause: err}
		}
		status, providerRef = openentry.RefundApproved, sql.NullString{String: ref, Valid: true}
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = ?, provider_ref = ?, updated_ms = ? WHERE id = ? AND status = ?`,
		status, providerRef, tx.nowMS, r.ID, openentry.RefundWaiting)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("refund %d changed meanwhile", refundID)}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	r.Status, r.UpdatedAt = status, tx.now
	return r, nil
}

// markRefunded settles the approved refunds of the payment Stripe refunded.
func markRefunded(ctx context.Context, tx *tx, ev *openentry.PaymentEvent) (string, error) {
	if ev.Payment == "" {
		return outcomeUnmatched, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = ?, updated_ms = ? WHERE status = ? AND order_id IN
		(SELECT order_id FROM payment_sessions WHERE payment_ref = ?)`, openentry.RefundRefunded, tx.nowMS, openentry.RefundApproved, ev.Payment)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return outcomeRecorded, nil // e.g. refunded from Stripe's dashboard
	}
	return outcomeApplied, nil
}
