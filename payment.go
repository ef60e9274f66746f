package openentry

import (
	"context"
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
	ID            int64
	Identifier    string
	Type          string
	IsVisible     bool
	TestMode      bool
	LocalizeInfos Localized
	UpdatedAt     time.Time
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
}
