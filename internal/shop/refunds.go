package shop

import (
	"context"
	"errors"
	"fmt"

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
// has paid it back itself and it is refunded at once.
func (r *Refunds) ApproveRefund(ctx context.Context, refundID int64) (*openentry.Refund, error) {
	ref, err := r.store.Refund(ctx, refundID)
	if err != nil {
		return nil, err
	}
	if ref.Status != openentry.RefundWaiting {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("refund %d is %s, not waiting", refundID, ref.Status)}
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
	if ref.UpdatedAt, err = r.store.MoveRefund(ctx, ref.ID, status, providerRef); err != nil {
		return nil, err
	}
	ref.Status = status
	return ref, nil
}
