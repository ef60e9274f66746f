package openentry

import (
	"context"
	"time"
)

// Payment account types.
const (
	AccountCustom = "custom" // cash and the like: no provider call, the shop confirms
	AccountStripe = "stripe"
)

// StripeSettings is what a stripe account needs. The keys are secrets: they
// are never sent to clients.
type StripeSettings struct {
	SecretKey     string
	WebhookSecret string
	SuccessURL    string
	CancelURL     string
}

// CheckoutRequest asks a provider to take payment for one payment session.
type CheckoutRequest struct {
	Stripe    StripeSettings
	SessionID int64 // ours; also the provider's idempotency key
	OrderID   int64
	Lines     []CheckoutLine
	Total     Money
	ExpiresAt time.Time
}

// CheckoutLine is one order line as the provider shows it.
type CheckoutLine struct {
	Name      string
	UnitPrice Money
	Quantity  int64
}

// ProviderSession is what a provider answers for a checkout or an intent.
type ProviderSession struct {
	Ref          string // Checkout Session id (cs_…) or PaymentIntent id (pi_…)
	PaymentURL   string // hosted checkout page, for type "session"
	ClientSecret string // for type "intent"
}

// RefundRequest asks a provider to pay money back.
type RefundRequest struct {
	Stripe   StripeSettings
	RefundID int64 // ours; also the idempotency key
	Payment  string
	Amount   Money
}

// Payment event kinds a provider reports; see PaymentEvent.
const (
	EventPaid          = "paid"           // money taken: the session completes
	EventExpired       = "expired"        // the checkout page expired
	EventCanceled      = "canceled"       // the intent was canceled
	EventPaymentFailed = "payment_failed" // one try failed; the session stays open
	EventRefunded      = "refunded"       // money was paid back
	EventIgnored       = ""               // verified, but nothing for us
)

// PaymentEvent is a verified provider event, reduced to what we act on.
type PaymentEvent struct {
	ID        string // the provider's event id; each is applied once
	Type      string // the provider's type, e.g. "checkout.session.completed"
	Kind      string // one of the Event* kinds
	SessionID int64  // our payment session, from metadata or client_reference_id; 0 if none
	Payment   string // PaymentIntent id, when the event names one
	Message   string // the provider's failure message, for EventPaymentFailed
	Refunded  Money  // the amount refunded so far, for EventRefunded
}

// PaymentGateway talks to a payment provider. Calls are made outside any
// database transaction and are idempotent on our ids.
type PaymentGateway interface {
	// CreateCheckout opens a hosted checkout page. Errors wrap ErrUpstream.
	CreateCheckout(ctx context.Context, in CheckoutRequest) (*ProviderSession, error)
	// CreateIntent creates a payment intent to be confirmed in the page.
	CreateIntent(ctx context.Context, in CheckoutRequest) (*ProviderSession, error)
	// Refund pays back Amount of the payment and returns the provider's refund id.
	Refund(ctx context.Context, in RefundRequest) (string, error)
	// ParseEvent verifies a webhook body against its signature header and
	// secret before reading it. ErrInvalid for a bad signature or a stale
	// timestamp.
	ParseEvent(payload []byte, signature, secret string) (*PaymentEvent, error)
}
