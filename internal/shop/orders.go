package shop

import (
	"context"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// Orders places and reads orders. Every method that takes a userID sees only
// that user's orders.
type Orders struct{ store openentry.Store }

var _ openentry.OrderService = (*Orders)(nil)

// NewOrders returns the order use cases over store.
func NewOrders(store openentry.Store) *Orders { return &Orders{store: store} }

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
	data, err := form.CheckFormData(in.FormData)
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
	ids := make([]int64, len(in.Lines))
	for i, l := range in.Lines {
		ids[i] = l.ProductID
	}
	products, err := o.store.ProductsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	lines, total, err := openentry.PriceLines(in.Lines, products)
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
