package shop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/openentry/openentry"
)

// AdminOrders is the staff's side of orders: every user's, listed,
// exported, read with all that belongs to them, moved between statuses and
// canceled. Settling payments and deciding refunds are Payments' and
// Refunds' (the operator CLI calls those too).
type AdminOrders struct {
	store  openentry.Store
	orders *Orders
	now    func() time.Time
	batch  int
}

// DefaultExportBatch is how many rows an export reads per query.
const DefaultExportBatch = 500

// NewAdminOrders returns the staff's order use cases; orders closes open
// payments on a cancel, now says when today began, and exports read batch
// rows per query (0: DefaultExportBatch).
func NewAdminOrders(store openentry.Store, orders *Orders, now func() time.Time, batch int) *AdminOrders {
	if batch <= 0 {
		batch = DefaultExportBatch
	}
	return &AdminOrders{store: store, orders: orders, now: now, batch: batch}
}

// MaxOrderQuery bounds the text search of the order list.
const MaxOrderQuery = 200

func checkFilter(f openentry.AdminOrderFilter) error {
	if !utf8.ValidString(f.Query) || utf8.RuneCountInString(f.Query) > MaxOrderQuery {
		return openentry.Invalid(fmt.Sprintf("q must be valid UTF-8 of at most %d characters", MaxOrderQuery))
	}
	if f.Currency != "" && !openentry.ValidCurrency(f.Currency) {
		return openentry.Invalid(fmt.Sprintf("currency %q is not an ISO 4217 code (USD)", f.Currency))
	}
	if f.TotalMin != nil && f.TotalMax != nil && f.TotalMin.Cmp(f.TotalMax) > 0 {
		return openentry.Invalid("totalMin is more than totalMax")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return openentry.Invalid("to is before from")
	}
	switch f.PaymentStatus {
	case "", openentry.PaymentPaid, openentry.PaymentWaiting, openentry.PaymentUnpaid:
	default:
		return openentry.Invalid(fmt.Sprintf("paymentStatus %q is not paid, waiting or unpaid", f.PaymentStatus))
	}
	switch f.Sort {
	case "", openentry.OrderSortCreated, openentry.OrderSortTotal, openentry.OrderSortID:
	default:
		return openentry.Invalid(fmt.Sprintf("sort %q is not createdDate, total or id", f.Sort))
	}
	return nil
}

// List lists orders across users, as f selects, and counts all that match.
func (a *AdminOrders) List(ctx context.Context, by openentry.Actor, f openentry.AdminOrderFilter) ([]openentry.AdminOrder, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	if err := a.checkStorage(ctx, f); err != nil {
		return nil, 0, err
	}
	return a.store.AdminOrders(ctx, f)
}

// checkStorage checks the filter and that a storage it names exists.
func (a *AdminOrders) checkStorage(ctx context.Context, f openentry.AdminOrderFilter) error {
	if err := checkFilter(f); err != nil {
		return err
	}
	if f.StorageMarker == "" {
		return nil
	}
	_, err := a.store.Storage(ctx, f.StorageMarker)
	if errors.Is(err, openentry.ErrNotFound) {
		return openentry.Invalid(fmt.Sprintf("storage %q is not an order storage", f.StorageMarker))
	}
	return err
}

// ExportOrders calls fn for every order f selects, a batch at a time.
func (a *AdminOrders) ExportOrders(ctx context.Context, by openentry.Actor, f openentry.AdminOrderFilter, fn func(*openentry.AdminOrder) error) error {
	if err := by.Can(openentry.PermRead); err != nil {
		return err
	}
	if err := a.checkStorage(ctx, f); err != nil {
		return err
	}
	return a.store.EachAdminOrder(ctx, f, a.batch, fn)
}

// ExportSessions calls fn for every payment session of the orders f selects.
func (a *AdminOrders) ExportSessions(ctx context.Context, by openentry.Actor, f openentry.AdminOrderFilter, fn func(*openentry.AdminSession) error) error {
	if err := by.Can(openentry.PermRead); err != nil {
		return err
	}
	if err := a.checkStorage(ctx, f); err != nil {
		return err
	}
	return a.store.EachAdminSession(ctx, f, a.batch, fn)
}

// Order returns one order with its lines, sessions, refunds and journal.
func (a *AdminOrders) Order(ctx context.Context, by openentry.Actor, id int64) (*openentry.AdminOrderDetail, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	o, err := a.store.AdminOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	o.Journal, _, err = a.store.Journal(ctx, openentry.JournalFilter{ObjectKind: "order", ObjectID: fmt.Sprint(id),
		Page: openentry.Page{Limit: openentry.MaxPageLimit}})
	return o, err
}

// toChange checks that by may change orders and reads the order to change.
func (a *AdminOrders) toChange(ctx context.Context, by openentry.Actor, id, version int64) (*openentry.AdminOrderDetail, error) {
	if err := by.Can(openentry.PermOrders); err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, openentry.Invalid("version: give the version of the order you read")
	}
	return a.store.AdminOrder(ctx, id)
}

// SetStatus moves an order to another of its storage's statuses, if it is
// still at version. The storage's canceled status is the cancel's: a
// status alone would leave the stock taken.
func (a *AdminOrders) SetStatus(ctx context.Context, by openentry.Actor, id, version int64, status string) (*openentry.AdminOrder, error) {
	o, err := a.toChange(ctx, by, id, version)
	if err != nil {
		return nil, err
	}
	storage, err := a.store.Storage(ctx, o.StorageMarker)
	if err != nil {
		return nil, err
	}
	statuses, err := a.store.Statuses(ctx, storage.ID, openentry.Page{Limit: openentry.MaxPageLimit})
	if err != nil {
		return nil, err
	}
	known := slices.ContainsFunc(statuses, func(s openentry.OrderStatus) bool { return s.Identifier == status })
	if !known {
		return nil, openentry.Invalid(fmt.Sprintf("statusIdentifier: %q is not a status of storage %q", status, storage.Identifier))
	}
	if status == storage.CanceledStatus && !o.IsCanceled {
		return nil, openentry.Invalid(fmt.Sprintf("statusIdentifier: %q cancels the order: use POST /api/admin/orders/%d/cancel", status, id))
	}
	return a.store.SetOrderStatus(ctx, openentry.StatusChange{OrderID: id, Version: version, StatusIdentifier: status},
		openentry.Audit{Actor: by, Action: "order.status"})
}

// Cancel cancels an unpaid order that is still at version: its waiting
// payment is closed first (at its provider), then in one transaction the
// order moves to its storage's canceled status and its units come back.
func (a *AdminOrders) Cancel(ctx context.Context, by openentry.Actor, id, version int64) (*openentry.AdminOrder, error) {
	o, err := a.toChange(ctx, by, id, version)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Version != version:
		return nil, &openentry.Error{Code: openentry.ErrConflict,
			Message: fmt.Sprintf("Order %d changed since version %d (now %d); reload it", id, version, o.Version)}
	case o.IsCanceled:
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is canceled already", id)}
	case o.IsCompleted:
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is paid: approve a refund instead", id)}
	}
	sessions, err := a.orders.closeOpenPayment(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.store.CancelOrder(ctx, openentry.AdminCancel{OrderID: id, Version: version, CancelSessions: sessions},
		openentry.Audit{Actor: by, Action: "order.cancel"})
}

// DefaultLowStock is the units left at which the overview lists a product.
const DefaultLowStock = 5

// Overview is the dashboard's first page: today (UTC) so far, the
// payments waiting and the products running out.
func (a *AdminOrders) Overview(ctx context.Context, by openentry.Actor, lowStock int64) (*openentry.Overview, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	if lowStock < 0 {
		return nil, openentry.Invalid("lowStock must be a whole number ≥ 0")
	}
	now := a.now().UTC()
	return a.store.Overview(ctx, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), lowStock)
}

// Statuses lists the statuses of an order storage, for staff choosing one.
func (a *AdminOrders) Statuses(ctx context.Context, by openentry.Actor, marker string) ([]openentry.OrderStatus, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	storage, err := a.store.Storage(ctx, marker)
	if err != nil {
		return nil, err
	}
	return a.store.Statuses(ctx, storage.ID, openentry.Page{Limit: openentry.MaxPageLimit})
}
