package openentry

import (
	"context"
	"net/http"
	"time"
)

// ProviderAccount is what a payment provider is told of one payment
// account: its keys and return addresses. The keys are secrets: they are
// never sent to clients.
type ProviderAccount struct {
	Identifier    string
	Type          string
	SecretKey     string
	WebhookSecret string
	SuccessURL    string // where a hosted checkout returns after paying
	CancelURL     string // …and after giving up
}

// AccountSetup is how a provider stores a project's payment account.
type AccountSetup struct {
	Visible        bool // false: kept but not offered (it cannot take payments yet)
	SessionTimeout int  // minutes a session may wait; 0: no limit
	SecretKey      string
	WebhookSecret  string
}

// CheckoutRequest asks a provider to take payment for one payment session.
type CheckoutRequest struct {
	Type      string // SessionTypeSession (a hosted page) or SessionTypeIntent (paid in the page)
	SessionID int64  // ours; also the provider's idempotency key
	OrderID   int64
	Lines     []CheckoutLine
	Total     Money
	ExpiresAt time.Time // zero: no limit of ours
}

// CheckoutLine is one order line as the provider shows it.
type CheckoutLine struct {
	Name      string
	UnitPrice Money
	Quantity  int64
}

// ProviderSession is what a provider answers for a checkout.
type ProviderSession struct {
	Ref          string // the provider's id of the checkout (a Checkout Session, a PaymentIntent…)
	PaymentRef   string // the payment to refund later, when known now (an intent's own id)
	PaymentURL   string // hosted checkout page, for type "session"
	ClientSecret string // for type "intent"
}

// CancelRequest closes a checkout still open at the provider.
type CancelRequest struct {
	Type string // the session's type: SessionTypeSession or SessionTypeIntent
	Ref  string // the provider's id of the checkout (ProviderSession.Ref)
}

// RefundRequest asks a provider to pay money back.
type RefundRequest struct {
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
	Payment   string // the provider's payment id, when the event names one
	Message   string // the provider's failure message, for EventPaymentFailed
	Refunded  Money  // the amount refunded so far, for EventRefunded
}

// Outcomes of applying a payment event or a shop's settlement.
const (
	OutcomeApplied   = "applied"
	OutcomeReplayed  = "replayed"  // the event id was applied before
	OutcomeStale     = "stale"     // the session had left waiting already
	OutcomeRecorded  = "recorded"  // noted, no transition (a failed try)
	OutcomeUnmatched = "unmatched" // no session of ours
	OutcomeIgnored   = "ignored"   // a type we do not act on
)

// PaymentProvider takes payments for the accounts of one type ("custom" for
// cash, "stripe", …). The use cases call it outside any database
// transaction; its calls are idempotent on our ids. Nothing but a provider
// knows what its type means.
type PaymentProvider interface {
	// SetUp checks a project's account of this type and says how to store
	// it. Its error lists what is wrong (errors.Join for several).
	SetUp(a ProjectPaymentAccount) (AccountSetup, error)
	// ShopSettles reports that no one is called: a session waits from the
	// start until the shop settles it, and the shop pays refunds back itself.
	ShopSettles() bool
	// Checkout opens a hosted page or an intent at the provider. Errors
	// wrap ErrUpstream.
	Checkout(ctx context.Context, acct ProviderAccount, in CheckoutRequest) (*ProviderSession, error)
	// Refund pays back Amount of the payment and returns the provider's
	// refund id. Errors wrap ErrUpstream.
	Refund(ctx context.Context, acct ProviderAccount, in RefundRequest) (string, error)
	// Cancel closes a checkout still open at the provider, so that it can
	// no longer be paid. ErrConflict when the provider will not close it
	// (it may have been paid meanwhile); other errors wrap ErrUpstream.
	Cancel(ctx context.Context, acct ProviderAccount, in CancelRequest) error
	// ParseWebhook verifies a webhook request with the account's secret
	// before it reads the body. ErrInvalid for a bad or stale signature.
	ParseWebhook(acct ProviderAccount, payload []byte, header http.Header) (*PaymentEvent, error)
}
