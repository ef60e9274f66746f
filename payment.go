package openentry

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Payment session statuses.
const (
	SessionWaiting   = "waiting"
	SessionCompleted = "completed"
	SessionCanceled  = "canceled"
	SessionExpired   = "expired"
)

// Payment session types the JS SDK sends.
const (
	SessionTypeSession = "session" // hosted checkout page
	SessionTypeIntent  = "intent"  // in-page payment
)

// PaymentAccount is a way to pay: "cash" (type custom), Stripe, …
type PaymentAccount struct {
	ID             int64
	Identifier     string
	Type           string
	IsVisible      bool
	TestMode       bool
	LocalizeInfos  Localized
	SessionTimeout time.Duration // how long a session may wait; 0: no limit
	SuccessURL     string        // where a hosted checkout returns after paying
	CancelURL      string        // …and after giving up
	UpdatedAt      time.Time
}

// PaymentSession is one attempt to pay an order.
type PaymentSession struct {
	ID           int64
	OrderID      int64
	UserID       int64
	AccountID    int64
	Type         string
	Status       string
	PaymentURL   *string
	Amount       *Money
	ClientSecret string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Refund statuses.
const (
	RefundWaiting  = "waiting"  // requested by the user
	RefundCanceled = "canceled" // withdrawn by the user
	RefundApproved = "approved" // approved by the shop, sent to the provider
	RefundRefunded = "refunded" // the money is back
)

// Refund is a user's request to get money back for some products of a paid order.
type Refund struct {
	ID            int64
	OrderID       int64
	UserID        int64
	StorageID     int64
	StorageMarker string
	UserLogin     string
	Status        string
	Amount        Money
	Note          string
	Products      map[int64]int64 // product id → quantity
	Reason        string          // why the shop rejected it
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// RefundService handles refund requests. Users see only their own orders'.
type RefundService interface {
	// Refunds lists the refund requests of one of userID's orders, newest first.
	Refunds(ctx context.Context, userID, orderID int64) ([]Refund, error)
	// RequestRefund asks for products (id → quantity; nil: everything not yet
	// asked for) of a paid order back. ErrNotFound for an unpaid order.
	RequestRefund(ctx context.Context, userID, orderID int64, products map[int64]int64, note string) error
	// CancelRefund withdraws the order's waiting requests.
	CancelRefund(ctx context.Context, userID, orderID int64) error
	// ApproveRefund is the shop's: it pays the money back, through the
	// provider for orders paid through one. ErrForbidden, ErrConflict.
	ApproveRefund(ctx context.Context, by Actor, refundID int64) (*Refund, error)
	// RejectRefund is the shop's: it turns a waiting request down.
	RejectRefund(ctx context.Context, by Actor, refundID int64, reason string) (*Refund, error)
}

// PaymentService opens and reads payment sessions. Sessions are visible only
// to the owner of their order: another user gets ErrNotFound.
type PaymentService interface {
	// Accounts lists visible payment accounts.
	Accounts(ctx context.Context) ([]PaymentAccount, error)
	// Account returns a visible account, or ErrNotFound.
	Account(ctx context.Context, id int64) (*PaymentAccount, error)
	// CreateSession opens a session for one of userID's orders, or returns
	// the order's session that is still waiting. ErrNotFound for an unknown
	// order, ErrInvalid for an unknown type.
	CreateSession(ctx context.Context, userID, orderID int64, typ string) (*PaymentSession, error)
	// Session returns one of userID's sessions.
	Session(ctx context.Context, userID, id int64) (*PaymentSession, error)
	// SessionByOrder returns the newest session of one of userID's orders.
	SessionByOrder(ctx context.Context, userID, orderID int64) (*PaymentSession, error)
	// Sessions returns a page of userID's sessions, newest first, and the total.
	Sessions(ctx context.Context, userID int64, page Page) ([]PaymentSession, int64, error)

	// HandleWebhook verifies a provider's event with the signing secrets of
	// its accounts before reading it, and applies it once. It returns the
	// event's type and what it did (an Outcome*). ErrNotFound for a provider
	// with no account, ErrInvalid for a bad signature or a stale timestamp.
	HandleWebhook(ctx context.Context, provider string, payload []byte, header http.Header) (eventType, outcome string, err error)
	// SettleSession is the shop's: it marks a waiting session of a custom
	// account completed or canceled, by the same rules as provider events.
	SettleSession(ctx context.Context, by Actor, sessionID int64, status string) error
	// ExpireSessions expires the sessions that waited past their account's
	// timeout and returns how many.
	ExpireSessions(ctx context.Context) (int64, error)
}

// RefundBasis is what a refund request is priced against: the order's lines
// and what its other live requests already ask for.
type RefundBasis struct {
	OrderID   int64
	Completed bool // paid; only paid orders are refunded
	Lines     []OrderLine
	Pending   []map[int64]int64 // product id → quantity, per live request
}

// PriceRefund checks a request for products (id → quantity; nil: everything
// not yet asked for) against the basis and prices it at the prices the
// order was placed at. It returns the quantities asked and their amount.
func PriceRefund(b RefundBasis, products map[int64]int64) (map[int64]int64, Money, error) {
	if products != nil && len(products) == 0 {
		return nil, Money{}, Invalid("products: name at least one product, or leave products out to ask for everything left")
	}
	left := map[int64]int64{} // refundable quantity per product
	price := map[int64]Money{}
	currency := ""
	for _, l := range b.Lines {
		left[l.ProductID] += l.Quantity
		price[l.ProductID] = l.UnitPrice
		currency = l.UnitPrice.Currency
	}
	for _, asked := range b.Pending {
		for id, n := range asked {
			left[id] -= n
		}
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
		return nil, Money{}, Invalid("products: nothing left to refund")
	}
	amount := Money{Currency: currency}
	for id, qty := range products {
		if _, ok := left[id]; !ok {
			return nil, Money{}, Invalid(fmt.Sprintf("products: product %d is not in order %d", id, b.OrderID))
		}
		if qty < 1 || qty > left[id] {
			return nil, Money{}, Invalid(fmt.Sprintf("products: quantity of product %d must be 1 to %d", id, max(left[id], 0)))
		}
		sum, err := price[id].MulQuantity(qty)
		if err == nil {
			amount, err = amount.Add(sum)
		}
		if err != nil {
			return nil, Money{}, Invalid(err.Error())
		}
	}
	return products, amount, nil
}
