package openentry

import (
	"context"
	"fmt"
	"time"
)

// MaxQuantity bounds one order line, so that totals stay far from overflow
// and typos like 1e9 are caught.
const MaxQuantity = 1_000_000

// MaxOrderLines bounds the number of lines in one order.
const MaxOrderLines = 500

// OrderStorage is a place orders are kept in (marker "orders" in the seed).
type OrderStorage struct {
	ID              int64
	Identifier      string
	FormIdentifier  string
	LocalizeInfos   Localized
	Position        int64
	PaymentAccounts []string // identifiers of accounts this storage accepts
	PaidStatus      string   // the status a paid order moves to; "" keeps it
	CanceledStatus  string   // the status a customer's cancel moves an order to; "": no cancel
	// CancelUnpaidAfter is how many minutes an unpaid order waits with no
	// payment open before the shop cancels it; 0: never.
	CancelUnpaidAfter int64
	RequiredFields    []string // form attributes its orders must fill besides the form's required ones
}

// OrderStatus is one status an order of a storage can be in.
type OrderStatus struct {
	ID            int64
	Identifier    string
	LocalizeInfos Localized
	Position      int64
	IsDefault     bool
}

// LineInput is one requested order line.
type LineInput struct {
	ProductID int64
	Quantity  int64
}

// OrderCreate is a request to place an order. Prices are never part of it.
type OrderCreate struct {
	StorageMarker            string
	FormIdentifier           string
	PaymentAccountIdentifier string
	FormData                 FormData
	Lines                    []LineInput
}

// OrderLine is a priced order line, with the price fixed when ordered.
type OrderLine struct {
	ProductID     int64
	Quantity      int64
	UnitPrice     Money
	LocalizeInfos Localized
	Sku           string
	// TakesStock: the product's units are counted, so the order takes
	// Quantity of them (and a cancel gives them back).
	TakesStock bool
}

// Order is a placed order.
type Order struct {
	ID                          int64
	StorageID                   int64
	StorageMarker               string
	UserID                      int64
	FormIdentifier              string
	FormData                    FormData
	PaymentAccountID            int64
	PaymentAccountIdentifier    string
	PaymentAccountLocalizeInfos Localized
	StatusIdentifier            string
	StatusLocalizeInfos         Localized
	Total                       Money
	IsCompleted                 bool
	IsCanceled                  bool
	PaymentURL                  *string
	Lines                       []OrderLine
	CreatedAt                   time.Time
	UpdatedAt                   time.Time
}

// OrderUpdate changes an unpaid order of the caller's (JS:
// Orders.updateOrderByMarkerAndId). Empty fields keep what the order has.
type OrderUpdate struct {
	StorageMarker            string
	OrderID                  int64
	FormIdentifier           string
	PaymentAccountIdentifier string
	FormData                 FormData    // no field in any locale: kept
	Lines                    []LineInput // nil: kept; the same lines keep their prices
	StatusIdentifier         string      // "" or the current one: kept; the storage's CanceledStatus cancels
}

// OrderPreview is a cart priced as an order would be, without placing it.
type OrderPreview struct {
	Lines []OrderLine
	Total Money
}

// SameLines reports whether lines ask for exactly what the order's lines
// hold, in the same order.
func SameLines(lines []LineInput, have []OrderLine) bool {
	if len(lines) != len(have) {
		return false
	}
	for i, l := range lines {
		if l.ProductID != have[i].ProductID || l.Quantity != have[i].Quantity {
			return false
		}
	}
	return true
}

// CheckLines rejects empty orders and quantities outside 1…MaxQuantity.
func CheckLines(lines []LineInput) error {
	if len(lines) == 0 {
		return Invalid("products: an order needs at least one product")
	}
	if len(lines) > MaxOrderLines {
		return Invalid(fmt.Sprintf("products: at most %d lines per order", MaxOrderLines))
	}
	for i, l := range lines {
		if l.ProductID <= 0 {
			return Invalid(fmt.Sprintf("products[%d].productId: must be a positive integer", i))
		}
		if l.Quantity < 1 || l.Quantity > MaxQuantity {
			return Invalid(fmt.Sprintf("products[%d].quantity: must be an integer from 1 to %d", i, MaxQuantity))
		}
	}
	return nil
}

// PriceLines prices lines from the server's own products. All products of an
// order must share one currency; the total is overflow-checked.
func PriceLines(lines []LineInput, products map[int64]Product) ([]OrderLine, Money, error) {
	priced := make([]OrderLine, 0, len(lines))
	var total Money
	for i, l := range lines {
		p, ok := products[l.ProductID]
		if !ok {
			return nil, Money{}, Invalid(fmt.Sprintf("products[%d]: product %d not found", i, l.ProductID))
		}
		if p.NotForSale {
			return nil, Money{}, Invalid(fmt.Sprintf("products[%d]: product %d is not for sale (status %q)", i, l.ProductID, p.StatusIdentifier))
		}
		if i == 0 {
			total = Money{Currency: p.Price.Currency}
		}
		sum, err := p.Price.MulQuantity(l.Quantity)
		if err == nil {
			total, err = total.Add(sum)
		}
		if err != nil {
			return nil, Money{}, Invalid(fmt.Sprintf("products[%d]: %v", i, err))
		}
		priced = append(priced, OrderLine{
			ProductID:     p.ID,
			Quantity:      l.Quantity,
			UnitPrice:     p.Price,
			LocalizeInfos: p.LocalizeInfos,
			Sku:           p.Sku,
			TakesStock:    p.Stock != nil,
		})
	}
	return priced, total, nil
}

// OrderService places and reads orders. Every method that takes a userID
// sees only that user's orders: another user's order is ErrNotFound.
type OrderService interface {
	// Storages lists order storages.
	Storages(ctx context.Context, page Page) ([]OrderStorage, error)
	// Storage returns a storage by marker, or ErrNotFound.
	Storage(ctx context.Context, marker string) (*OrderStorage, error)
	// Statuses lists a storage's statuses; ErrNotFound for an unknown storage.
	Statuses(ctx context.Context, marker string, page Page) ([]OrderStatus, error)
	// CreateOrder validates, prices and stores an order for userID in one
	// transaction. ErrNotFound for an unknown storage, ErrInvalid for bad input.
	CreateOrder(ctx context.Context, userID int64, in OrderCreate) (*Order, error)
	// Order returns one of userID's orders in the storage.
	Order(ctx context.Context, userID int64, marker string, id int64) (*Order, error)
	// Orders returns a page of userID's orders in the storage, newest first,
	// and how many there are in all.
	Orders(ctx context.Context, userID int64, marker string, page Page) ([]Order, int64, error)
	// UpdateOrder changes one of userID's unpaid orders: form data, payment
	// account, lines (priced anew from the server's products), or a cancel.
	// ErrNotFound, ErrInvalid, ErrConflict for a paid or canceled order or
	// one whose open payment could not be closed.
	UpdateOrder(ctx context.Context, userID int64, in OrderUpdate) (*Order, error)
	// PreviewOrder prices lines as CreateOrder would, and places nothing.
	PreviewOrder(ctx context.Context, lines []LineInput) (*OrderPreview, error)
}
