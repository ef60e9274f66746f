package openentry

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// RefundRejected is a refund request the shop turned down.
const RefundRejected = "rejected"

// An order's payment status, as the admin API lists and filters it.
const (
	PaymentPaid    = "paid"    // a session completed
	PaymentWaiting = "waiting" // a session waits for the money
	PaymentUnpaid  = "unpaid"  // neither
)

// SystemActor is the operator CLI on the server, acting as the owner would.
func SystemActor(command string) Actor {
	return Actor{Kind: ActorSystem, Name: command, Role: RoleOwner}
}

// AdminOrder is an order as staff see it: any user's, with its version,
// payment status and the user's login.
type AdminOrder struct {
	Order
	Version       int64
	PaymentStatus string
	UserLogin     string
	PaidAt        *time.Time
}

// AdminSession is a payment session as the payments export lists it.
type AdminSession struct {
	PaymentSession
	StorageMarker     string
	UserLogin         string
	AccountIdentifier string
	AccountType       string
	OrderTotal        Money
}

// AdminOrderDetail is one order with everything about it.
type AdminOrderDetail struct {
	AdminOrder
	Sessions []PaymentSession
	Refunds  []Refund
	Journal  []AuditEntry // objectKind "order", newest first
}

// Order sort keys of the admin list.
const (
	OrderSortCreated = "createdDate"
	OrderSortTotal   = "total"
	OrderSortID      = "id"
)

// AdminOrderFilter selects orders across all users. Zero fields select all.
type AdminOrderFilter struct {
	StorageMarker    string
	StatusIdentifier string
	PaymentStatus    string // PaymentPaid, PaymentWaiting, PaymentUnpaid
	From, To         time.Time
	UserID           int64
	Currency         string
	TotalMin         *Decimal
	TotalMax         *Decimal
	Query            string // order id, the user's login, the order's form data
	Sort             string // OrderSortCreated (default), OrderSortTotal, OrderSortID
	Desc             bool
	Page             Page
}

// Decimal is an exact non-negative decimal amount, "12.5", as a range
// bound on totals of any currency.
type Decimal struct {
	rat *big.Rat
	s   string
}

// ParseDecimal reads a non-negative decimal string without exponent.
func ParseDecimal(s string) (*Decimal, error) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || !digitsOnly(whole) || (dot && (frac == "" || !digitsOnly(frac))) || len(s) > 40 {
		return nil, fmt.Errorf("%q is not a non-negative decimal (12.50)", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal", s)
	}
	return &Decimal{rat: r, s: s}, nil
}

func (d *Decimal) String() string { return d.s }

// MinorBound is the bound in minor units of a currency with exponent exp:
// the least whole number of minor units ≥ d (ceil) or the greatest ≤ d,
// and false if it does not fit an int64 (no total can pass it).
func (d *Decimal) MinorBound(exp int, ceil bool) (int64, bool) {
	scaled := new(big.Rat).Mul(d.rat, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
	q, m := new(big.Int).QuoRem(scaled.Num(), scaled.Denom(), new(big.Int))
	if ceil && m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// CurrencyExponents lists every exponent a currency may have and the
// currencies that do not have the default 2.
func CurrencyExponents() map[int][]string {
	out := map[int][]string{2: nil}
	for c, e := range currencyExponents {
		out[e] = append(out[e], c)
	}
	return out
}

// RefundFilter selects refund requests of all orders.
type RefundFilter struct {
	Status  string // "": any
	OrderID int64
	Page    Page
}

// Overview is the dashboard's first page.
type Overview struct {
	OrdersToday     int64
	RevenueToday    []Money // of orders paid today, one per currency
	WaitingSessions int64
	LowStock        []LowStock
}

// LowStock is a product with few units left.
type LowStock struct {
	ProductID     int64
	Sku           string
	LocalizeInfos Localized
	Units         int64
}

// StatusChange moves an order to another status of its storage if its
// version is still Version.
type StatusChange struct {
	OrderID          int64
	Version          int64
	StatusIdentifier string
}

// AdminCancel cancels an order if its version is still Version, closing
// the waiting sessions named (already closed at their provider).
type AdminCancel struct {
	OrderID        int64
	Version        int64
	CancelSessions []int64
}

// AdminOrderStore is what staff read and change of all users' orders,
// payments and refunds. Every write journals itself in its transaction.
type AdminOrderStore interface {
	// AdminOrders lists orders across users and counts all that match.
	AdminOrders(ctx context.Context, f AdminOrderFilter) ([]AdminOrder, int64, error)
	// EachAdminOrder calls fn for every order f selects, in f's order,
	// reading batch rows at a time (f.Page is ignored).
	EachAdminOrder(ctx context.Context, f AdminOrderFilter, batch int, fn func(*AdminOrder) error) error
	// EachAdminSession calls fn for every shown payment session of the
	// orders f selects, by session id, batch rows at a time.
	EachAdminSession(ctx context.Context, f AdminOrderFilter, batch int, fn func(*AdminSession) error) error
	// AdminOrder returns one order with its lines, sessions and refunds. ErrNotFound.
	AdminOrder(ctx context.Context, id int64) (*AdminOrderDetail, error)
	// SetOrderStatus changes an order's status. ErrNotFound, ErrConflict
	// if its version moved.
	SetOrderStatus(ctx context.Context, c StatusChange, a Audit) (*AdminOrder, error)
	// CancelOrder cancels an unpaid order and gives its units back once.
	// ErrConflict if its version moved, it is paid or canceled, or a
	// payment is still open.
	CancelOrder(ctx context.Context, c AdminCancel, a Audit) (*AdminOrder, error)
	// AdminRefunds lists refund requests, newest first, and counts them.
	AdminRefunds(ctx context.Context, f RefundFilter) ([]Refund, int64, error)
	// Overview counts today's orders and revenue (from since), the
	// waiting sessions and the products with at most lowStock units.
	Overview(ctx context.Context, since time.Time, lowStock int64) (*Overview, error)
}

// RefundMove is a waiting refund request's next status.
type RefundMove struct {
	ID          int64
	Status      string // RefundApproved, RefundRefunded or RefundRejected
	ProviderRef string
	Reason      string
}

// Cmp compares d and e as -1, 0 or +1.
func (d *Decimal) Cmp(e *Decimal) int { return d.rat.Cmp(e.rat) }
