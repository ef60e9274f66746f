package shop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openentry/openentry"
)

// Refunds handles refund requests. Users see only their own orders'.
type Refunds struct {
	store     openentry.Store
	providers Providers
}

var _ openentry.RefundService = (*Refunds)(nil)

// NewRefunds returns the refund use cases over store, paying back through providers.
func NewRefunds(store openentry.Store, providers Providers) *Refunds {
	return &Refunds{store: store, providers: providers}
}

var errUnpaidOrder = openentry.NotFound("You cannot refund uncompleted order") // OneEntry's words

// Refunds lists one of userID's orders' refund requests.
func (r *Refunds) Refunds(ctx context.Context, userID, orderID int64) ([]openentry.Refund, error) {
	return r.store.Refunds(ctx, userID, orderID)
}

// RequestRefund asks for products of a paid order back. Quantities may not
// exceed what was ordered less what other live requests already ask for.
func (r *Refunds) RequestRefund(ctx context.Context, userID, orderID int64, products map[int64]int64, note string) error {
	if len(note) > 2000 {
		return openentry.Invalid("note is longer than 2000 characters")
	}
	return r.store.AddRefund(ctx, userID, orderID, note, func(b openentry.RefundBasis) (map[int64]int64, openentry.Money, error) {
		if !b.Completed {
			return nil, openentry.Money{}, errUnpaidOrder
		}
		return openentry.PriceRefund(b, products)
	})
}

// CancelRefund withdraws the order's waiting requests.
func (r *Refunds) CancelRefund(ctx context.Context, userID, orderID int64) error {
	n, err := r.store.CancelRefunds(ctx, userID, orderID)
	if err != nil {
		return err
	}
	if n == 0 {
		return openentry.NotFound(fmt.Sprintf("Order %d has no refund request to cancel", orderID))
	}
	return nil
}

// ApproveRefund pays a waiting request back. An order paid through a
// provider is refunded there (idempotent on the refund id) and the request
// becomes approved until the provider reports the refund; otherwise the shop
// has paid it back itself and it is refunded at once. The admin API and
// the operator CLI both call it; it is journaled as by's "refund.approve".
func (r *Refunds) ApproveRefund(ctx context.Context, by openentry.Actor, refundID int64) (*openentry.Refund, error) {
	ref, err := r.waiting(ctx, by, refundID)
	if err != nil {
		return nil, err
	}
	status, providerRef := openentry.RefundRefunded, ""
	acct, payment, err := r.store.RefundPayment(ctx, ref.OrderID)
	switch {
	case errors.Is(err, openentry.ErrNotFound):
		// no completed session: nothing a provider could pay back
	case err != nil:
		return nil, err
	default:
		provider, err := r.providers.get(acct.Type)
		if err != nil {
			return nil, err
		}
		if !provider.ShopSettles() {
			if payment == "" {
				return nil, &openentry.Error{Code: openentry.ErrUpstream, Message: "The order's payment is not known yet: try again later"}
			}
			providerRef, err = provider.Refund(ctx, *acct, openentry.RefundRequest{RefundID: ref.ID, Payment: payment, Amount: ref.Amount})
			if err != nil {
				return nil, providerError(err, "The payment provider did not take the refund: try again")
			}
			status = openentry.RefundApproved
		}
	}
	move := openentry.RefundMove{ID: ref.ID, Status: status, ProviderRef: providerRef}
	if ref.UpdatedAt, err = r.store.MoveRefund(ctx, move, openentry.Audit{Actor: by, Action: "refund.approve"}); err != nil {
		return nil, err
	}
	ref.Status = status
	return ref, nil
}

// waiting returns a refund request by may decide on, if it is still waiting.
func (r *Refunds) waiting(ctx context.Context, by openentry.Actor, refundID int64) (*openentry.Refund, error) {
	if err := by.Can(openentry.PermOrders); err != nil {
		return nil, err
	}
	ref, err := r.store.Refund(ctx, refundID)
	if err != nil {
		return nil, err
	}
	if ref.Status != openentry.RefundWaiting {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("refund %d is %s, not waiting", refundID, ref.Status)}
	}
	return ref, nil
}

// MaxRejectReason bounds the reason given for rejecting a refund.
const MaxRejectReason = 1000

// RejectRefund turns a waiting request down with a reason the customer
// may be told; nothing is paid and no stock moves.
func (r *Refunds) RejectRefund(ctx context.Context, by openentry.Actor, refundID int64, reason string) (*openentry.Refund, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxRejectReason {
		return nil, openentry.Invalid(fmt.Sprintf("reason: say why, in valid UTF-8 of at most %d characters", MaxRejectReason))
	}
	ref, err := r.waiting(ctx, by, refundID)
	if err != nil {
		return nil, err
	}
	move := openentry.RefundMove{ID: ref.ID, Status: openentry.RefundRejected, Reason: reason}
	if ref.UpdatedAt, err = r.store.MoveRefund(ctx, move, openentry.Audit{Actor: by, Action: "refund.reject"}); err != nil {
		return nil, err
	}
	ref.Status, ref.Reason = openentry.RefundRejected, reason
	return ref, nil
}

// refundStatuses are the statuses a refund list may filter by.
var refundStatuses = []string{openentry.RefundWaiting, openentry.RefundCanceled, openentry.RefundApproved, openentry.RefundRefunded, openentry.RefundRejected}

// List lists refund requests of all orders, newest first.
func (r *Refunds) List(ctx context.Context, by openentry.Actor, f openentry.RefundFilter) ([]openentry.Refund, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	if f.Status != "" && !slices.Contains(refundStatuses, f.Status) {
		return nil, 0, openentry.Invalid(fmt.Sprintf("status %q is not one of %s", f.Status, strings.Join(refundStatuses, ", ")))
	}
	return r.store.AdminRefunds(ctx, f)
}
