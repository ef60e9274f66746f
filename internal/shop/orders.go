package shop

import (
	"context"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// Orders places, changes and reads orders. Every method that takes a userID
// sees only that user's orders.
type Orders struct {
	store     openentry.Store
	providers Providers
}

var _ openentry.OrderService = (*Orders)(nil)

// NewOrders returns the order use cases over store; providers say which
// open payments an order change may cancel.
func NewOrders(store openentry.Store, providers Providers) *Orders {
	return &Orders{store: store, providers: providers}
}

var errWrongAccount = openentry.Invalid("Payment account identifier is wrong or payment accounts are not defined")

// Storages lists order storages.
func (o *Orders) Storages(ctx context.Context, page openentry.Page) ([]openentry.OrderStorage, error) {
	out, err := o.store.Storages(ctx, page)
	if out == nil && err == nil {
		out = []openentry.OrderStorage{}
	}
	return out, err
}

// Storage returns a storage by marker, with the accounts it accepts.
func (o *Orders) Storage(ctx context.Context, marker string) (*openentry.OrderStorage, error) {
	st, err := o.store.Storage(ctx, marker)
	if err != nil {
		return nil, err
	}
	if st.PaymentAccounts, err = o.store.StorageAccounts(ctx, st.ID); err != nil {
		return nil, err
	}
	return st, nil
}

// Statuses lists a storage's statuses.
func (o *Orders) Statuses(ctx context.Context, marker string, page openentry.Page) ([]openentry.OrderStatus, error) {
	st, err := o.store.Storage(ctx, marker)
	if err != nil {
		return nil, err
	}
	return o.store.Statuses(ctx, st.ID, page)
}

// CreateOrder validates and prices an order from the server's own products
// and stores it. Everything it is checked and priced against is read before
// the one write: a price read here is the price the order is placed at.
func (o *Orders) CreateOrder(ctx context.Context, userID int64, in openentry.OrderCreate) (*openentry.Order, error) {
	if err := openentry.CheckLines(in.Lines); err != nil {
		return nil, err
	}
	storage, err := o.store.Storage(ctx, in.StorageMarker)
	if err != nil {
		return nil, err
	}
	if in.FormIdentifier == "" {
		in.FormIdentifier = storage.FormIdentifier
	}
	if in.FormIdentifier != storage.FormIdentifier {
		return nil, openentry.Invalid(fmt.Sprintf("Incorrect formIdentifier for provided config: %q", in.FormIdentifier))
	}
	form, err := o.store.Form(ctx, storage.FormIdentifier)
	if err != nil {
		return nil, err
	}
	data, err := form.WithRequired(storage.RequiredFields).CheckFormData(in.FormData)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		data[openentry.DefaultLocale] = []openentry.FormField{}
	}
	account, err := o.store.StorageAccount(ctx, storage.ID, in.PaymentAccountIdentifier)
	if errors.Is(err, openentry.ErrNotFound) {
		return nil, errWrongAccount
	}
	if err != nil {
		return nil, err
	}
	lines, total, err := o.price(ctx, in.Lines)
	if err != nil {
		return nil, err
	}
	status, err := o.store.DefaultStatus(ctx, storage.ID)
	if err != nil {
		return nil, fmt.Errorf("default status of storage %q: %w", storage.Identifier, err)
	}
	order := &openentry.Order{
		StorageID: storage.ID, StorageMarker: storage.Identifier, UserID: userID,
		FormIdentifier: form.Identifier, FormData: data,
		PaymentAccountID: account.ID, PaymentAccountIdentifier: account.Identifier, PaymentAccountLocalizeInfos: account.LocalizeInfos,
		StatusIdentifier: status.Identifier, StatusLocalizeInfos: status.LocalizeInfos, Total: total, Lines: lines,
	}
	if err := o.store.InsertOrder(ctx, order); err != nil {
		return nil, err
	}
	return order, nil
}

// price prices lines from the server's own products.
func (o *Orders) price(ctx context.Context, in []openentry.LineInput) ([]openentry.OrderLine, openentry.Money, error) {
	ids := make([]int64, len(in))
	for i, l := range in {
		ids[i] = l.ProductID
	}
	products, err := o.store.ProductsByID(ctx, ids)
	if err != nil {
		return nil, openentry.Money{}, err
	}
	return openentry.PriceLines(in, products)
}

// PreviewOrder prices lines as CreateOrder would, without placing anything.
func (o *Orders) PreviewOrder(ctx context.Context, in []openentry.LineInput) (*openentry.OrderPreview, error) {
	if err := openentry.CheckLines(in); err != nil {
		return nil, err
	}
	lines, total, err := o.price(ctx, in)
	if err != nil {
		return nil, err
	}
	return &openentry.OrderPreview{Lines: lines, Total: total}, nil
}

// UpdateOrder changes one of userID's unpaid orders. What may change: the
// form data (checked as on create), the payment account (one the storage
// accepts), the lines (priced anew from the server's products; the same
// lines keep the prices they were placed at), and the status, to the
// storage's canceled status only — a cancel changes nothing else. A paid or
// canceled order changes no more. A waiting payment was for the old terms
// and is canceled with the change — at the provider first (a Stripe
// checkout is expired), so that it can no longer be paid; if the provider
// will not close it (it may have been paid), the change is refused.
func (o *Orders) UpdateOrder(ctx context.Context, userID int64, in openentry.OrderUpdate) (*openentry.Order, error) {
	if in.Lines != nil {
		if err := openentry.CheckLines(in.Lines); err != nil {
			return nil, err
		}
	}
	storage, err := o.store.Storage(ctx, in.StorageMarker)
	if err != nil {
		return nil, err
	}
	order, err := o.store.Order(ctx, userID, storage.Identifier, in.OrderID)
	if err != nil {
		return nil, err
	}
	if order.IsCompleted {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is already paid", order.ID)}
	}
	if order.IsCanceled {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is canceled", order.ID)}
	}
	if in.FormIdentifier != "" && in.FormIdentifier != order.FormIdentifier {
		return nil, openentry.Invalid(fmt.Sprintf("Incorrect formIdentifier for provided config: %q", in.FormIdentifier))
	}
	change := openentry.OrderChange{OrderID: order.ID, UserID: userID, FormData: order.FormData,
		PaymentAccountID: order.PaymentAccountID, Total: order.Total, StatusIdentifier: order.StatusIdentifier}
	switch in.StatusIdentifier {
	case "", order.StatusIdentifier:
	case storage.CanceledStatus:
		change.Cancel, change.StatusIdentifier = true, storage.CanceledStatus
	default:
		if storage.CanceledStatus == "" {
			return nil, openentry.Invalid(fmt.Sprintf("statusIdentifier: orders of storage %q cannot be canceled by customers", storage.Identifier))
		}
		return nil, openentry.Invalid(fmt.Sprintf("statusIdentifier: a customer may only cancel an order (%q)", storage.CanceledStatus))
	}
	if !change.Cancel {
		if err := o.applyTerms(ctx, storage, order, in, &change); err != nil {
			return nil, err
		}
	}
	// What is paid changes with a cancel, another account or other lines;
	// form data alone leaves an open payment as it is.
	change.TermsChange = change.Cancel || change.PaymentAccountID != order.PaymentAccountID || change.Lines != nil
	if change.TermsChange {
		if change.CancelSessions, err = o.closeOpenPayment(ctx, order.ID); err != nil {
			return nil, err
		}
	}
	// A creating session (a provider call under way) is left open, and the
	// store refuses the change.
	if err := o.store.UpdateOrder(ctx, change); err != nil {
		return nil, err
	}
	return o.store.Order(ctx, userID, storage.Identifier, order.ID)
}

// closeOpenPayment closes the order's waiting payment, which was for terms
// that are about to change, outside any transaction: at its provider, so
// that it can no longer be paid. It returns the sessions the change must
// cancel; a creating session (a provider call under way) is left open, for
// the store to refuse the change.
func (o *Orders) closeOpenPayment(ctx context.Context, orderID int64) ([]int64, error) {
	open, err := o.store.OpenSessionOf(ctx, orderID)
	switch {
	case errors.Is(err, openentry.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case open.Session.Status != openentry.SessionWaiting:
		return nil, nil
	}
	provider, err := o.providers.get(open.Account.Type)
	if err != nil {
		return nil, err
	}
	if !provider.ShopSettles() {
		err := provider.Cancel(ctx, open.Account, openentry.CancelRequest{Type: open.Session.Type, Ref: open.ProviderRef})
		if errors.Is(err, openentry.ErrConflict) {
			return nil, &openentry.Error{Code: openentry.ErrConflict,
				Message: fmt.Sprintf("The payment of order %d could not be closed: it may have been paid", orderID), Cause: err}
		}
		if err != nil {
			return nil, providerError(err, "The payment provider could not be reached to close the order's payment: try again")
		}
	}
	return []int64{open.Session.ID}, nil
}

// applyTerms checks the new form data, account and lines of an update and
// puts them in change.
func (o *Orders) applyTerms(ctx context.Context, storage *openentry.OrderStorage, order *openentry.Order, in openentry.OrderUpdate, change *openentry.OrderChange) error {
	if hasFields(in.FormData) {
		form, err := o.store.Form(ctx, order.FormIdentifier)
		if err != nil {
			return err
		}
		if change.FormData, err = form.WithRequired(storage.RequiredFields).CheckFormData(in.FormData); err != nil {
			return err
		}
	}
	if in.PaymentAccountIdentifier != "" && in.PaymentAccountIdentifier != order.PaymentAccountIdentifier {
		account, err := o.store.StorageAccount(ctx, storage.ID, in.PaymentAccountIdentifier)
		if errors.Is(err, openentry.ErrNotFound) {
			return errWrongAccount
		}
		if err != nil {
			return err
		}
		change.PaymentAccountID = account.ID
	}
	if in.Lines != nil && !openentry.SameLines(in.Lines, order.Lines) {
		lines, total, err := o.price(ctx, in.Lines)
		if err != nil {
			return err
		}
		change.Lines, change.Total = lines, total
	}
	return nil
}

// hasFields reports whether form data holds a field in any locale: the JS
// SDK sends {"en_US":[null]} when a call gives no form data.
func hasFields(data openentry.FormData) bool {
	for _, fields := range data {
		if len(fields) > 0 {
			return true
		}
	}
	return false
}

// Order returns one of userID's orders in the storage.
func (o *Orders) Order(ctx context.Context, userID int64, marker string, id int64) (*openentry.Order, error) {
	return o.store.Order(ctx, userID, marker, id)
}

// Orders returns a page of userID's orders in the storage, newest first.
func (o *Orders) Orders(ctx context.Context, userID int64, marker string, page openentry.Page) ([]openentry.Order, int64, error) {
	st, err := o.store.Storage(ctx, marker)
	if err != nil {
		return nil, 0, err
	}
	return o.store.Orders(ctx, userID, st.ID, page)
}

// unpaidSweepBatch bounds the orders one sweep cancels; the next sweep
// goes on.
const unpaidSweepBatch = 500

// CancelUnpaid cancels the orders of storages with a CancelUnpaidAfter that
// stayed unpaid past it with no payment open: they move to the storage's
// canceled status and give their units back.
func (o *Orders) CancelUnpaid(ctx context.Context) (int64, error) {
	return o.store.CancelUnpaidOrders(ctx, unpaidSweepBatch)
}
