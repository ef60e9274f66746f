// Package stripepay implements openentry.PaymentProvider over Stripe
// (stripe-go v82) for accounts of type "stripe": hosted Checkout Sessions,
// PaymentIntents, refunds, and webhook verification.
package stripepay

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openentry/openentry"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// DefaultSuccessURL is where hosted checkout sends a customer after paying
// when the account has no SuccessURL. Stripe requires one in hosted mode; this
// one is a real HTTPS page that learns nothing about the payment (no
// {CHECKOUT_SESSION_ID}). Shops should set their own. Without a CancelURL,
// Stripe shows no back button, so that one needs no default.
const DefaultSuccessURL = "https://stripe.com"

// Stripe's bounds for a Checkout Session's expires_at, with a margin for
// the request's own travel time.
const (
	minCheckoutLife = 30*time.Minute + time.Minute
	maxCheckoutLife = 24*time.Hour - time.Minute
	// expiryStep rounds a clamped expires_at so that a retry a few seconds
	// later sends the same value: Stripe rejects an idempotency key reused
	// with different parameters.
	expiryStep = 5 * time.Minute
)

// Metadata keys we set on Stripe objects and read back from events.
const (
	metaOrderID          = "order_id"
	metaPaymentSessionID = "payment_session_id"
	metaRefundID         = "refund_id"
)

// Type is the payment account type this provider serves.
const Type = "stripe"

// Stripe Checkout's bounds for a session's life, in minutes; an account's
// sessionTimeout must fit them, and the shortest is the default.
const (
	minSessionTimeout = 30
	maxSessionTimeout = 1440
)

// Config configures a Provider.
type Config struct {
	// APIURL is where Stripe's API is called; empty means Stripe's real API
	// (tests pass stripe-mock's or an httptest URL).
	APIURL string
	// SecretKey and WebhookSecret are the defaults (from the environment,
	// OPENENTRY_STRIPE_SECRET_KEY and OPENENTRY_STRIPE_WEBHOOK_SECRET) for
	// accounts whose project entry names none.
	SecretKey     string
	WebhookSecret string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Provider is an openentry.PaymentProvider backed by Stripe. One Provider
// serves any number of Stripe accounts: each call carries its account's
// keys. It is safe for concurrent use.
type Provider struct {
	backends          *stripe.Backends
	now               func() time.Time
	defaultKey        string
	defaultWebhookKey string

	mu      sync.Mutex
	clients map[string]*stripe.Client // by secret key
}

var _ openentry.PaymentProvider = (*Provider)(nil)

// New returns a Provider configured by cfg. Stripe's own log lines go to
// logger at debug level (warnings at warn); nil discards them.
func New(cfg Config, logger *slog.Logger) *Provider {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	bcfg := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: 20 * time.Second, Transport: transport},
		LeveledLogger:     stripeLogger{logger},
		MaxNetworkRetries: stripe.Int64(1),
		EnableTelemetry:   stripe.Bool(false),
	}
	if cfg.APIURL != "" {
		bcfg.URL = stripe.String(cfg.APIURL)
	}
	return &Provider{
		backends:          stripe.NewBackendsWithConfig(bcfg),
		now:               now,
		defaultKey:        cfg.SecretKey,
		defaultWebhookKey: cfg.WebhookSecret,
		clients:           make(map[string]*stripe.Client),
	}
}

// SetUp checks a stripe account: a sessionTimeout, if set, within Stripe
// Checkout's 30 to 1440 minutes, and a successUrl to send the buyer back
// to. Keys missing from the account come from the Config; an account left
// without a secret key is kept but hidden, since it cannot take payments.
func (p *Provider) SetUp(a openentry.ProjectPaymentAccount) (openentry.AccountSetup, error) {
	var errs []error
	if a.SessionTimeout != 0 && (a.SessionTimeout < minSessionTimeout || a.SessionTimeout > maxSessionTimeout) {
		errs = append(errs, errors.New("sessionTimeout must be 30 to 1440 minutes for stripe"))
	}
	// Stripe Checkout must send the buyer back somewhere of the shop's.
	if !strings.HasPrefix(a.SuccessURL, "https://") && !strings.HasPrefix(a.SuccessURL, "http://") {
		errs = append(errs, errors.New("a stripe account needs a successUrl (http or https)"))
	}
	if len(errs) > 0 {
		return openentry.AccountSetup{}, errors.Join(errs...)
	}
	out := openentry.AccountSetup{
		SessionTimeout: a.SessionTimeout,
		SecretKey:      cmp.Or(a.SecretKey, p.defaultKey),
		WebhookSecret:  cmp.Or(a.WebhookSecret, p.defaultWebhookKey),
	}
	if out.SessionTimeout == 0 {
		out.SessionTimeout = minSessionTimeout
	}
	out.Visible = out.SecretKey != ""
	return out, nil
}

// ShopSettles reports false: Stripe takes the money and says so by webhook.
func (p *Provider) ShopSettles() bool { return false }

// Checkout opens a PaymentIntent when in.Type is openentry.SessionTypeIntent,
// else a hosted Checkout Session. Errors wrap openentry.ErrUpstream.
func (p *Provider) Checkout(ctx context.Context, acct openentry.ProviderAccount, in openentry.CheckoutRequest) (*openentry.ProviderSession, error) {
	if in.Type == openentry.SessionTypeIntent {
		return p.createIntent(ctx, acct, in)
	}
	return p.createCheckout(ctx, acct, in)
}

// client returns the cached client for a secret key.
func (p *Provider) client(key string) (*stripe.Client, error) {
	if key == "" {
		return nil, errNoKey
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.clients[key]
	if !ok {
		c = stripe.NewClient(key, stripe.WithBackends(p.backends))
		p.clients[key] = c
	}
	return c, nil
}

// upstream wraps a failed Stripe call (or one we could not make) so that
// errors.Is(err, openentry.ErrUpstream) holds. When Stripe answered and
// refused (a 4xx other than a rate limit: a wrong key, a parameter it does
// not take) it is openentry.ErrProviderRefused: the account's settings, not
// the network, are at fault.
func upstream(op string, err error) error {
	var se *stripe.Error
	if errors.Is(err, errNoKey) || (errors.As(err, &se) && se.HTTPStatusCode >= 400 && se.HTTPStatusCode < 500 &&
		se.HTTPStatusCode != http.StatusTooManyRequests) {
		return fmt.Errorf("stripe: %s: %w: %w", op, openentry.ErrProviderRefused, err)
	}
	return fmt.Errorf("stripe: %s: %w: %w", op, openentry.ErrUpstream, err)
}

// errNoKey is a stripe account without a secret key: nothing can be asked of Stripe.
var errNoKey = errors.New("the stripe account has no secret key")

// createCheckout creates a Checkout Session in payment mode with one line
// item per order line (POST /v1/checkout/sessions). With no lines it bills
// the total as one line "Order <id>". The idempotency key is
// "oe-payment-session-<SessionID>".
func (p *Provider) createCheckout(ctx context.Context, acct openentry.ProviderAccount, in openentry.CheckoutRequest) (*openentry.ProviderSession, error) {
	const op = "create checkout session"
	c, err := p.client(acct.SecretKey)
	if err != nil {
		return nil, upstream(op, err)
	}
	lines := in.Lines
	if len(lines) == 0 {
		lines = []openentry.CheckoutLine{{Name: fmt.Sprintf("Order %d", in.OrderID), UnitPrice: in.Total, Quantity: 1}}
	}
	items := make([]*stripe.CheckoutSessionCreateLineItemParams, len(lines))
	for i, l := range lines {
		name := l.Name
		if name == "" { // Stripe requires a product name
			name = fmt.Sprintf("Order %d", in.OrderID)
		}
		items[i] = &stripe.CheckoutSessionCreateLineItemParams{
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(l.UnitPrice.Currency)),
				UnitAmount:  stripe.Int64(l.UnitPrice.Minor),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(name)},
			},
			Quantity: stripe.Int64(l.Quantity),
		}
	}
	successURL := acct.SuccessURL
	if successURL == "" {
		successURL = DefaultSuccessURL
	}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		LineItems:         items,
		ClientReferenceID: stripe.String(strconv.FormatInt(in.SessionID, 10)),
		Metadata:          metadata(in),
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{Metadata: metadata(in)},
		SuccessURL:        stripe.String(successURL),
	}
	if acct.CancelURL != "" {
		params.CancelURL = stripe.String(acct.CancelURL)
	}
	if !in.ExpiresAt.IsZero() { // zero: no limit of ours, Stripe's 24 h apply
		params.ExpiresAt = stripe.Int64(checkoutExpiry(p.now(), in.ExpiresAt).Unix())
	}
	params.IdempotencyKey = stripe.String("oe-payment-session-" + strconv.FormatInt(in.SessionID, 10))

	s, err := c.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return nil, upstream(op, err)
	}
	return &openentry.ProviderSession{Ref: s.ID, PaymentURL: s.URL}, nil
}

// checkoutExpiry clamps want into what Stripe accepts for a Checkout
// Session created at now. A clamped value is rounded to expiryStep so that
// retries of the same request agree.
func checkoutExpiry(now, want time.Time) time.Time {
	lo, hi := now.Add(minCheckoutLife), now.Add(maxCheckoutLife)
	switch {
	case want.Before(lo):
		t := lo.Truncate(expiryStep)
		if t.Before(lo) {
			t = t.Add(expiryStep)
		}
		return t
	case want.After(hi):
		return hi.Truncate(expiryStep)
	}
	return want
}

// metadata is what we attach to sessions and intents so that events lead
// back to our payment session.
func metadata(in openentry.CheckoutRequest) map[string]string {
	return map[string]string{
		metaOrderID:          strconv.FormatInt(in.OrderID, 10),
		metaPaymentSessionID: strconv.FormatInt(in.SessionID, 10),
	}
}

// createIntent creates a PaymentIntent for the total with automatic payment
// methods (POST /v1/payment_intents). The idempotency key is
// "oe-payment-intent-<SessionID>". The intent is also the payment a refund
// names later, so PaymentRef is known at once.
func (p *Provider) createIntent(ctx context.Context, acct openentry.ProviderAccount, in openentry.CheckoutRequest) (*openentry.ProviderSession, error) {
	const op = "create payment intent"
	c, err := p.client(acct.SecretKey)
	if err != nil {
		return nil, upstream(op, err)
	}
	params := &stripe.PaymentIntentCreateParams{
		Amount:   stripe.Int64(in.Total.Minor),
		Currency: stripe.String(strings.ToLower(in.Total.Currency)),
		Metadata: metadata(in),
		AutomaticPaymentMethods: &stripe.PaymentIntentCreateAutomaticPaymentMethodsParams{
			Enabled: stripe.Bool(true),
		},
	}
	params.IdempotencyKey = stripe.String("oe-payment-intent-" + strconv.FormatInt(in.SessionID, 10))

	pi, err := c.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		return nil, upstream(op, err)
	}
	return &openentry.ProviderSession{Ref: pi.ID, PaymentRef: pi.ID, ClientSecret: pi.ClientSecret}, nil
}

// Cancel expires an open Checkout Session (POST
// /v1/checkout/sessions/{id}/expire) or cancels a PaymentIntent (POST
// /v1/payment_intents/{id}/cancel), so that it can no longer be paid.
// Stripe refuses both for what was completed meanwhile: that is
// openentry.ErrConflict. Other errors wrap openentry.ErrUpstream.
func (p *Provider) Cancel(ctx context.Context, acct openentry.ProviderAccount, in openentry.CancelRequest) error {
	const op = "cancel checkout"
	c, err := p.client(acct.SecretKey)
	if err != nil {
		return upstream(op, err)
	}
	if in.Ref == "" {
		return upstream(op, errors.New("no checkout to cancel"))
	}
	if in.Type == openentry.SessionTypeIntent {
		_, err = c.V1PaymentIntents.Cancel(ctx, in.Ref, nil)
	} else {
		_, err = c.V1CheckoutSessions.Expire(ctx, in.Ref, nil)
	}
	var se *stripe.Error
	if errors.As(err, &se) && se.HTTPStatusCode == http.StatusBadRequest && se.Type == stripe.ErrorTypeInvalidRequest {
		return fmt.Errorf("stripe: %s: %w: %w", op, openentry.ErrConflict, err)
	}
	if err != nil {
		return upstream(op, err)
	}
	return nil
}

// Refund refunds Amount of a PaymentIntent (pi_…; a charge id ch_… works
// too) with POST /v1/refunds and returns the refund id (re_…). The
// idempotency key is "oe-refund-<RefundID>". Errors wrap
// openentry.ErrUpstream.
func (p *Provider) Refund(ctx context.Context, acct openentry.ProviderAccount, in openentry.RefundRequest) (string, error) {
	const op = "create refund"
	c, err := p.client(acct.SecretKey)
	if err != nil {
		return "", upstream(op, err)
	}
	if in.Payment == "" {
		return "", upstream(op, errors.New("no payment to refund"))
	}
	if in.Amount.Minor <= 0 { // Stripe reads no amount as "everything"
		return "", upstream(op, fmt.Errorf("refund amount %d is not positive", in.Amount.Minor))
	}
	params := &stripe.RefundCreateParams{
		Amount:   stripe.Int64(in.Amount.Minor),
		Metadata: map[string]string{metaRefundID: strconv.FormatInt(in.RefundID, 10)},
	}
	if strings.HasPrefix(in.Payment, "ch_") || strings.HasPrefix(in.Payment, "py_") {
		params.Charge = stripe.String(in.Payment)
	} else {
		params.PaymentIntent = stripe.String(in.Payment)
	}
	params.IdempotencyKey = stripe.String("oe-refund-" + strconv.FormatInt(in.RefundID, 10))

	r, err := c.V1Refunds.Create(ctx, params)
	if err != nil {
		return "", upstream(op, err)
	}
	return r.ID, nil
}

// ParseWebhook verifies payload against the request's Stripe-Signature
// header and the account's signing secret (300 s tolerance) and only then
// reads it. Events of any API version are accepted: we read only fields
// that all versions share. A bad, missing or stale signature, an empty
// secret or a body that is not an event returns a
// *openentry.ValidationError (openentry.ErrInvalid).
func (p *Provider) ParseWebhook(acct openentry.ProviderAccount, payload []byte, header http.Header) (*openentry.PaymentEvent, error) {
	signature, secret := header.Get("Stripe-Signature"), acct.WebhookSecret
	if secret == "" {
		// Anyone can sign with an empty HMAC key: never accept that.
		return nil, fmt.Errorf("stripe: verify event: %w", openentry.Invalid("Stripe webhook secret is not configured"))
	}
	ev, err := webhook.ConstructEventWithOptions(payload, signature, secret, webhook.ConstructEventOptions{
		IgnoreAPIVersionMismatch: true,
	})
	if err != nil {
		msg := "invalid Stripe signature"
		switch {
		case errors.Is(err, webhook.ErrTooOld):
			msg = "stale Stripe signature timestamp"
		case errors.Is(err, webhook.ErrNotSigned):
			msg = "missing Stripe signature"
		case !errors.Is(err, webhook.ErrInvalidHeader) && !errors.Is(err, webhook.ErrNoValidSignature):
			msg = "malformed Stripe event" // signed, but not JSON
		}
		return nil, fmt.Errorf("stripe: verify event: %w: %w", openentry.Invalid(msg), err)
	}
	if ev.ID == "" || ev.Type == "" {
		return nil, fmt.Errorf("stripe: parse event: %w", openentry.Invalid("malformed Stripe event"))
	}
	out := &openentry.PaymentEvent{ID: ev.ID, Type: string(ev.Type), Kind: openentry.EventIgnored}
	if err := readEvent(&ev, out); err != nil {
		return nil, fmt.Errorf("stripe: parse event %s (%s): %w: %w", ev.ID, ev.Type, openentry.Invalid("malformed Stripe event"), err)
	}
	return out, nil
}

// readEvent fills in Kind and what the event's object tells about it.
func readEvent(ev *stripe.Event, out *openentry.PaymentEvent) error {
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted,
		stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded,
		stripe.EventTypeCheckoutSessionExpired:
		var s stripe.CheckoutSession
		if err := decodeObject(ev, &s); err != nil {
			return err
		}
		out.SessionID = sessionID(s.Metadata, s.ClientReferenceID)
		if s.PaymentIntent != nil {
			out.Payment = s.PaymentIntent.ID
		}
		switch ev.Type {
		case stripe.EventTypeCheckoutSessionCompleted:
			// Delayed methods (bank debits) complete unpaid and report
			// later with async_payment_succeeded or _failed.
			if s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid ||
				s.PaymentStatus == stripe.CheckoutSessionPaymentStatusNoPaymentRequired {
				out.Kind = openentry.EventPaid
			}
		case stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded:
			out.Kind = openentry.EventPaid
		case stripe.EventTypeCheckoutSessionExpired:
			out.Kind = openentry.EventExpired
		}

	case stripe.EventTypePaymentIntentSucceeded,
		stripe.EventTypePaymentIntentCanceled,
		stripe.EventTypePaymentIntentPaymentFailed:
		var pi stripe.PaymentIntent
		if err := decodeObject(ev, &pi); err != nil {
			return err
		}
		out.SessionID = sessionID(pi.Metadata, "")
		out.Payment = pi.ID
		switch ev.Type {
		case stripe.EventTypePaymentIntentSucceeded:
			out.Kind = openentry.EventPaid
		case stripe.EventTypePaymentIntentCanceled:
			out.Kind = openentry.EventCanceled
		case stripe.EventTypePaymentIntentPaymentFailed:
			out.Kind = openentry.EventPaymentFailed
			if pi.LastPaymentError != nil {
				out.Message = pi.LastPaymentError.Msg
			}
		}

	case stripe.EventTypeChargeRefunded:
		var ch stripe.Charge
		if err := decodeObject(ev, &ch); err != nil {
			return err
		}
		out.Kind = openentry.EventRefunded
		out.SessionID = sessionID(ch.Metadata, "")
		if ch.PaymentIntent != nil {
			out.Payment = ch.PaymentIntent.ID
		}
		out.Refunded = openentry.Money{Minor: ch.AmountRefunded, Currency: strings.ToUpper(string(ch.Currency))}
	}
	return nil
}

// decodeObject reads the event's data.object into v.
func decodeObject(ev *stripe.Event, v any) error {
	if ev.Data == nil || len(ev.Data.Raw) == 0 {
		return errors.New("event has no data.object")
	}
	return json.Unmarshal(ev.Data.Raw, v)
}

// sessionID reads our payment session id from metadata, else from a
// Checkout Session's client_reference_id; 0 when neither holds one.
func sessionID(meta map[string]string, clientReferenceID string) int64 {
	for _, s := range []string{meta[metaPaymentSessionID], clientReferenceID} {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			return id
		}
	}
	return 0
}

// stripeLogger passes stripe-go's log lines to slog. Its debug lines are
// dropped: they hold whole response bodies, client secrets included. Its
// error lines go out at debug level because the error is returned to the
// caller, who reports it once.
type stripeLogger struct{ l *slog.Logger }

func (s stripeLogger) Debugf(string, ...any) {}

func (s stripeLogger) Infof(format string, v ...any) {
	s.l.Debug(fmt.Sprintf(format, v...), "component", "stripe")
}

func (s stripeLogger) Warnf(format string, v ...any) {
	s.l.Warn(fmt.Sprintf(format, v...), "component", "stripe")
}

func (s stripeLogger) Errorf(format string, v ...any) {
	s.l.Debug(fmt.Sprintf(format, v...), "component", "stripe")
}
