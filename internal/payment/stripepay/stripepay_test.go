package stripepay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

const testKey = "sk_test_123"

// request is what a recording proxy saw of one call to Stripe.
type request struct {
	Method, Path   string
	Form           url.Values
	IdempotencyKey string
	Authorization  string
}

// recorder is an httptest server in front of stripe-mock that records each
// request's form body and headers before passing it on.
type recorder struct {
	URL string
	mu  sync.Mutex
	got []request
}

func newRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rec.mu.Lock()
		rec.got = append(rec.got, request{
			Method: r.Method, Path: r.URL.Path, Form: form,
			IdempotencyKey: r.Header.Get("Idempotency-Key"),
			Authorization:  r.Header.Get("Authorization"),
		})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rec.URL = srv.URL
	return rec
}

// only returns the one request the proxy saw.
func (rec *recorder) only(t *testing.T) request {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.got) != 1 {
		t.Fatalf("got %d requests to Stripe, want 1: %+v", len(rec.got), rec.got)
	}
	return rec.got[0]
}

// checkForm compares the given form fields; other fields may be present.
func checkForm(t *testing.T, got url.Values, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if g := got.Get(k); g != v {
			t.Errorf("form %s: got %q, want %q", k, g, v)
		}
	}
}

// account is the stripe account the calls are made for.
func account() openentry.ProviderAccount {
	return openentry.ProviderAccount{
		Identifier: "stripe",
		Type:       Type,
		SecretKey:  testKey,
		SuccessURL: "https://shop.example/paid",
		CancelURL:  "https://shop.example/cart",
	}
}

func checkoutRequest(typ string, now time.Time) openentry.CheckoutRequest {
	return openentry.CheckoutRequest{
		Type:      typ,
		SessionID: 42,
		OrderID:   7,
		Lines: []openentry.CheckoutLine{
			{Name: "Concert ticket", UnitPrice: openentry.Money{Minor: 2500, Currency: "EUR"}, Quantity: 2},
			{Name: "Programme", UnitPrice: openentry.Money{Minor: 450, Currency: "EUR"}, Quantity: 1},
		},
		Total:     openentry.Money{Minor: 5450, Currency: "EUR"},
		ExpiresAt: now.Add(2 * time.Hour),
	}
}

func TestSetUp(t *testing.T) {
	t.Parallel()
	const (
		envKey     = "sk_test_env"
		envWebhook = "whsec_env"
	)
	projectAccount := func(mod func(*openentry.ProjectPaymentAccount)) openentry.ProjectPaymentAccount {
		a := openentry.ProjectPaymentAccount{
			Identifier: "stripe", Type: Type,
			Title:      map[string]string{"en_US": "Card"},
			SuccessURL: "https://shop.example/paid",
		}
		mod(&a)
		return a
	}
	same := func(*openentry.ProjectPaymentAccount) {}
	const (
		badTimeout    = "sessionTimeout must be 30 to 1440 minutes for stripe"
		badSuccessURL = "a stripe account needs a successUrl (http or https)"
	)
	tests := []struct {
		name     string
		cfg      Config
		account  openentry.ProjectPaymentAccount
		want     openentry.AccountSetup
		wantErrs []string // in order
	}{
		{
			name:    "keys and timeout from the defaults",
			cfg:     Config{SecretKey: envKey, WebhookSecret: envWebhook},
			account: projectAccount(same),
			want:    openentry.AccountSetup{Visible: true, SessionTimeout: 30, SecretKey: envKey, WebhookSecret: envWebhook},
		},
		{
			name: "the account's keys win",
			cfg:  Config{SecretKey: envKey, WebhookSecret: envWebhook},
			account: projectAccount(func(a *openentry.ProjectPaymentAccount) {
				a.SecretKey, a.WebhookSecret = "sk_test_acct", "whsec_acct"
			}),
			want: openentry.AccountSetup{Visible: true, SessionTimeout: 30, SecretKey: "sk_test_acct", WebhookSecret: "whsec_acct"},
		},
		{
			name:    "each key falls back alone",
			cfg:     Config{SecretKey: envKey, WebhookSecret: envWebhook},
			account: projectAccount(func(a *openentry.ProjectPaymentAccount) { a.SecretKey = "sk_test_acct" }),
			want:    openentry.AccountSetup{Visible: true, SessionTimeout: 30, SecretKey: "sk_test_acct", WebhookSecret: envWebhook},
		},
		{
			name:    "no key anywhere: hidden",
			account: projectAccount(same),
			want:    openentry.AccountSetup{Visible: false, SessionTimeout: 30},
		},
		{
			name:    "a webhook secret alone does not show it",
			cfg:     Config{WebhookSecret: envWebhook},
			account: projectAccount(same),
			want:    openentry.AccountSetup{Visible: false, SessionTimeout: 30, WebhookSecret: envWebhook},
		},
		{
			name:    "shortest timeout kept",
			cfg:     Config{SecretKey: envKey},
			account: projectAccount(func(a *openentry.ProjectPaymentAccount) { a.SessionTimeout = 30 }),
			want:    openentry.AccountSetup{Visible: true, SessionTimeout: 30, SecretKey: envKey},
		},
		{
			name: "longest timeout kept, http success URL",
			cfg:  Config{SecretKey: envKey},
			account: projectAccount(func(a *openentry.ProjectPaymentAccount) {
				a.SessionTimeout, a.SuccessURL = 1440, "http://localhost:3000/paid"
			}),
			want: openentry.AccountSetup{Visible: true, SessionTimeout: 1440, SecretKey: envKey},
		},
		{
			name:     "timeout too short",
			cfg:      Config{SecretKey: envKey},
			account:  projectAccount(func(a *openentry.ProjectPaymentAccount) { a.SessionTimeout = 29 }),
			wantErrs: []string{badTimeout},
		},
		{
			name:     "timeout too long",
			cfg:      Config{SecretKey: envKey},
			account:  projectAccount(func(a *openentry.ProjectPaymentAccount) { a.SessionTimeout = 1441 }),
			wantErrs: []string{badTimeout},
		},
		{
			name:     "no success URL",
			cfg:      Config{SecretKey: envKey},
			account:  projectAccount(func(a *openentry.ProjectPaymentAccount) { a.SuccessURL = "" }),
			wantErrs: []string{badSuccessURL},
		},
		{
			name:     "success URL not http",
			cfg:      Config{SecretKey: envKey},
			account:  projectAccount(func(a *openentry.ProjectPaymentAccount) { a.SuccessURL = "shop.example/paid" }),
			wantErrs: []string{badSuccessURL},
		},
		{
			name: "both errors",
			cfg:  Config{SecretKey: envKey},
			account: projectAccount(func(a *openentry.ProjectPaymentAccount) {
				a.SessionTimeout, a.SuccessURL = 10, "ftp://shop.example/paid"
			}),
			wantErrs: []string{badTimeout, badSuccessURL},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := New(tc.cfg, nil).SetUp(tc.account)
			var gotErrs []string
			if err != nil {
				errs := []error{err}
				if j, ok := err.(interface{ Unwrap() []error }); ok {
					errs = j.Unwrap()
				}
				for _, e := range errs {
					gotErrs = append(gotErrs, e.Error())
				}
			}
			if !reflect.DeepEqual(gotErrs, tc.wantErrs) {
				t.Fatalf("errors: got %q, want %q", gotErrs, tc.wantErrs)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestShopSettles(t *testing.T) {
	t.Parallel()
	if New(Config{}, nil).ShopSettles() {
		t.Errorf("got true, want false: Stripe reports payments by webhook")
	}
}

func TestCheckoutSession(t *testing.T) {
	mock := stripemock.Start(t)
	rec := newRecorder(t, mock.URL())
	now := time.Now().Truncate(time.Second)
	p := New(Config{APIURL: rec.URL, Now: func() time.Time { return now }}, nil)
	in := checkoutRequest(openentry.SessionTypeSession, now)

	got, err := p.Checkout(context.Background(), account(), in)
	if err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	if !strings.HasPrefix(got.Ref, "cs_") {
		t.Errorf("Ref: got %q, want cs_…", got.Ref)
	}
	if got.PaymentRef != "" { // the intent is known once the page is paid
		t.Errorf("PaymentRef: got %q, want none", got.PaymentRef)
	}
	if u, err := url.Parse(got.PaymentURL); err != nil || u.Scheme != "https" {
		t.Errorf("PaymentURL: got %q, want an https URL", got.PaymentURL)
	}
	if got.ClientSecret != "" {
		t.Errorf("ClientSecret: got %q, want none", got.ClientSecret)
	}

	req := rec.only(t)
	if req.Method != http.MethodPost || req.Path != "/v1/checkout/sessions" {
		t.Errorf("request: got %s %s, want POST /v1/checkout/sessions", req.Method, req.Path)
	}
	if req.IdempotencyKey != "oe-payment-session-42" {
		t.Errorf("Idempotency-Key: got %q, want %q", req.IdempotencyKey, "oe-payment-session-42")
	}
	if req.Authorization != "Bearer "+testKey {
		t.Errorf("Authorization: got %q, want the account's key", req.Authorization)
	}
	checkForm(t, req.Form, map[string]string{
		"mode":                         "payment",
		"client_reference_id":          "42",
		"success_url":                  "https://shop.example/paid",
		"cancel_url":                   "https://shop.example/cart",
		"expires_at":                   strconv.FormatInt(now.Add(2*time.Hour).Unix(), 10),
		"metadata[order_id]":           "7",
		"metadata[payment_session_id]": "42",
		"payment_intent_data[metadata][order_id]":           "7",
		"payment_intent_data[metadata][payment_session_id]": "42",
		"line_items[0][price_data][currency]":               "eur",
		"line_items[0][price_data][unit_amount]":            "2500",
		"line_items[0][price_data][product_data][name]":     "Concert ticket",
		"line_items[0][quantity]":                           "2",
		"line_items[1][price_data][currency]":               "eur",
		"line_items[1][price_data][unit_amount]":            "450",
		"line_items[1][price_data][product_data][name]":     "Programme",
		"line_items[1][quantity]":                           "1",
	})
	if _, ok := req.Form["line_items[2][quantity]"]; ok {
		t.Errorf("form: got a third line item, want two")
	}
}

func TestCheckoutSessionDefaults(t *testing.T) {
	mock := stripemock.Start(t)
	rec := newRecorder(t, mock.URL())
	p := New(Config{APIURL: rec.URL}, nil)
	acct := account()
	acct.SuccessURL, acct.CancelURL = "", ""
	// No Type: a hosted page, as the JS SDK's default.
	in := checkoutRequest("", time.Now())
	in.Lines = nil
	in.ExpiresAt = time.Time{}

	if _, err := p.Checkout(context.Background(), acct, in); err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	req := rec.only(t)
	checkForm(t, req.Form, map[string]string{
		"success_url":                                   DefaultSuccessURL,
		"line_items[0][price_data][currency]":           "eur",
		"line_items[0][price_data][unit_amount]":        "5450",
		"line_items[0][price_data][product_data][name]": "Order 7",
		"line_items[0][quantity]":                       "1",
	})
	for _, k := range []string{"cancel_url", "expires_at", "line_items[1][quantity]"} {
		if _, ok := req.Form[k]; ok {
			t.Errorf("form: got %s=%q, want none", k, req.Form.Get(k))
		}
	}
}

func TestCheckoutExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		now, want time.Time
		out       time.Time
	}{
		{"in range", now, now.Add(2 * time.Hour), now.Add(2 * time.Hour)},
		{"just above the minimum", now, now.Add(32 * time.Minute), now.Add(32 * time.Minute)},
		{"too soon rounds up", now, now.Add(10 * time.Minute), now.Add(35 * time.Minute)},
		{"in the past", now, now.Add(-time.Hour), now.Add(35 * time.Minute)},
		{"too soon, odd now", now.Add(7 * time.Second), now, now.Add(35 * time.Minute)},
		{"too late rounds down", now, now.Add(48 * time.Hour), now.Add(23*time.Hour + 55*time.Minute)},
		{"too late, odd now", now.Add(3 * time.Minute), now.Add(48 * time.Hour), now.Add(24 * time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := checkoutExpiry(tc.now, tc.want)
			if !got.Equal(tc.out) {
				t.Errorf("got %s, want %s", got, tc.out)
			}
			if d := got.Sub(tc.now); d < 30*time.Minute || d > 24*time.Hour {
				t.Errorf("got %s from now, outside Stripe's 30 min … 24 h", d)
			}
		})
	}
}

func TestCheckoutIntent(t *testing.T) {
	mock := stripemock.Start(t)
	rec := newRecorder(t, mock.URL())
	p := New(Config{APIURL: rec.URL}, nil)

	got, err := p.Checkout(context.Background(), account(), checkoutRequest(openentry.SessionTypeIntent, time.Now()))
	if err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	if !strings.HasPrefix(got.Ref, "pi_") {
		t.Errorf("Ref: got %q, want pi_…", got.Ref)
	}
	if got.PaymentRef != got.Ref { // the intent is the payment to refund
		t.Errorf("PaymentRef: got %q, want the intent %q", got.PaymentRef, got.Ref)
	}
	if !strings.Contains(got.ClientSecret, "_secret_") {
		t.Errorf("ClientSecret: got %q, want pi_…_secret_…", got.ClientSecret)
	}
	if got.PaymentURL != "" {
		t.Errorf("PaymentURL: got %q, want none", got.PaymentURL)
	}
	req := rec.only(t)
	if req.Method != http.MethodPost || req.Path != "/v1/payment_intents" {
		t.Errorf("request: got %s %s, want POST /v1/payment_intents", req.Method, req.Path)
	}
	if req.IdempotencyKey != "oe-payment-intent-42" {
		t.Errorf("Idempotency-Key: got %q, want %q", req.IdempotencyKey, "oe-payment-intent-42")
	}
	checkForm(t, req.Form, map[string]string{
		"amount":                             "5450",
		"currency":                           "eur",
		"automatic_payment_methods[enabled]": "true",
		"metadata[order_id]":                 "7",
		"metadata[payment_session_id]":       "42",
	})
}

func TestRefund(t *testing.T) {
	mock := stripemock.Start(t)
	tests := []struct {
		name, payment, field string
	}{
		{"payment intent", "pi_3PgafyB7WZ01zgkW0abcdefg", "payment_intent"},
		{"charge", "ch_3PgafyB7WZ01zgkW0abcdefg", "charge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, mock.URL())
			p := New(Config{APIURL: rec.URL}, nil)
			id, err := p.Refund(context.Background(), account(), openentry.RefundRequest{
				RefundID: 9,
				Payment:  tc.payment,
				Amount:   openentry.Money{Minor: 1200, Currency: "EUR"},
			})
			if err != nil {
				t.Fatalf("Refund: %v", err)
			}
			if !strings.HasPrefix(id, "re_") {
				t.Errorf("got %q, want re_…", id)
			}
			req := rec.only(t)
			if req.Method != http.MethodPost || req.Path != "/v1/refunds" {
				t.Errorf("request: got %s %s, want POST /v1/refunds", req.Method, req.Path)
			}
			if req.IdempotencyKey != "oe-refund-9" {
				t.Errorf("Idempotency-Key: got %q, want %q", req.IdempotencyKey, "oe-refund-9")
			}
			checkForm(t, req.Form, map[string]string{
				"amount":              "1200",
				tc.field:              tc.payment,
				"metadata[refund_id]": "9",
			})
		})
	}
}

// TestUpstreamErrors checks that every way a Stripe call can fail wraps
// openentry.ErrUpstream.
func TestUpstreamErrors(t *testing.T) {
	mock := stripemock.Start(t)
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":{"type":"api_error","message":"Something went wrong on Stripe's end."}}`)
	}))
	t.Cleanup(failing.Close)
	rejecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":{"type":"invalid_request_error","param":"currency","message":"Invalid currency: xx."}}`)
	}))
	t.Cleanup(rejecting.Close)
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hanging.Close)
	t.Cleanup(func() { close(release) })

	type call func(ctx context.Context, p *Provider) error
	checkoutOf := func(typ string) func(mod func(*openentry.ProviderAccount)) call {
		return func(mod func(*openentry.ProviderAccount)) call {
			return func(ctx context.Context, p *Provider) error {
				acct := account()
				mod(&acct)
				_, err := p.Checkout(ctx, acct, checkoutRequest(typ, time.Now()))
				return err
			}
		}
	}
	checkout := checkoutOf(openentry.SessionTypeSession)
	intent := checkoutOf(openentry.SessionTypeIntent)
	refund := func(mod func(*openentry.ProviderAccount, *openentry.RefundRequest)) call {
		return func(ctx context.Context, p *Provider) error {
			acct := account()
			in := openentry.RefundRequest{
				RefundID: 1, Payment: "pi_123", Amount: openentry.Money{Minor: 100, Currency: "EUR"},
			}
			mod(&acct, &in)
			_, err := p.Refund(ctx, acct, in)
			return err
		}
	}
	same := func(*openentry.ProviderAccount) {}
	sameRefund := func(*openentry.ProviderAccount, *openentry.RefundRequest) {}
	noKey := func(acct *openentry.ProviderAccount) { acct.SecretKey = "" }

	tests := []struct {
		name    string
		url     string
		timeout time.Duration
		call    call
		refused bool // Stripe answered no (or could not be asked): a configuration error
	}{
		{"checkout: Stripe down", stripemock.Down(t), 0, checkout(same), false},
		{"intent: Stripe down", stripemock.Down(t), 0, intent(same), false},
		{"refund: Stripe down", stripemock.Down(t), 0, refund(sameRefund), false},
		{"checkout: Stripe fails", failing.URL, 0, checkout(same), false},
		{"intent: Stripe fails", failing.URL, 0, intent(same), false},
		{"refund: Stripe fails", failing.URL, 0, refund(sameRefund), false},
		{"checkout: Stripe hangs", hanging.URL, 300 * time.Millisecond, checkout(same), false},
		{"intent: Stripe hangs", hanging.URL, 300 * time.Millisecond, intent(same), false},
		{"refund: Stripe hangs", hanging.URL, 300 * time.Millisecond, refund(sameRefund), false},
		{"checkout: Stripe rejects", rejecting.URL, 0, checkout(same), true},
		{"intent: Stripe rejects", rejecting.URL, 0, intent(same), true},
		{"refund: Stripe rejects", rejecting.URL, 0, refund(sameRefund), true},
		{"checkout: bad key", mock.URL(), 0, checkout(func(acct *openentry.ProviderAccount) { acct.SecretKey = "nonsense" }), true},
		{"checkout: no key", mock.URL(), 0, checkout(noKey), true},
		{"intent: no key", mock.URL(), 0, intent(noKey), true},
		{"refund: no key", mock.URL(), 0, refund(func(acct *openentry.ProviderAccount, _ *openentry.RefundRequest) { acct.SecretKey = "" }), true},
		{"refund: no payment", mock.URL(), 0, refund(func(_ *openentry.ProviderAccount, in *openentry.RefundRequest) { in.Payment = "" }), false},
		{"refund: zero amount", mock.URL(), 0, refund(func(_ *openentry.ProviderAccount, in *openentry.RefundRequest) { in.Amount.Minor = 0 }), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			err := tc.call(ctx, New(Config{APIURL: tc.url}, nil))
			if !errors.Is(err, openentry.ErrUpstream) {
				t.Fatalf("got %v, want an error wrapping ErrUpstream", err)
			}
			if got := errors.Is(err, openentry.ErrProviderRefused); got != tc.refused {
				t.Errorf("refused by the provider: got %v, want %v (%v)", got, tc.refused, err)
			}
		})
	}
}

func TestClientPerKey(t *testing.T) {
	t.Parallel()
	p := New(Config{APIURL: "http://127.0.0.1:1"}, nil)
	var wg sync.WaitGroup
	clients := make([]*stripe.Client, 8)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := p.client([]string{"sk_test_a", "sk_test_b"}[i%2])
			if err != nil {
				t.Error(err)
			}
			clients[i] = c
		}()
	}
	wg.Wait()
	if clients[0] != clients[2] || clients[1] != clients[3] {
		t.Errorf("got a new client for a key already seen, want the cached one")
	}
	if clients[0] == clients[1] {
		t.Errorf("got one client for two keys, want one per key")
	}
}

const whsec = "whsec_test_secret"

// event builds a Stripe event body around a data.object.
func event(id, typ, object string) []byte {
	return []byte(fmt.Sprintf(`{
  "id": %q,
  "object": "event",
  "api_version": %q,
  "created": 1714564800,
  "livemode": false,
  "pending_webhooks": 1,
  "request": {"id": null, "idempotency_key": null},
  "type": %q,
  "data": {"object": %s}
}`, id, stripe.APIVersion, typ, object))
}

func checkoutSessionObject(paymentStatus, status, paymentIntent, metadata string) string {
	return fmt.Sprintf(`{
    "id": "cs_test_a1b2c3",
    "object": "checkout.session",
    "amount_total": 5450,
    "currency": "eur",
    "client_reference_id": "42",
    "expires_at": 1714651200,
    "livemode": false,
    "metadata": %s,
    "mode": "payment",
    "payment_intent": %s,
    "payment_status": %q,
    "status": %q,
    "success_url": "https://shop.example/paid",
    "url": null
  }`, metadata, paymentIntent, paymentStatus, status)
}

func paymentIntentObject(status, lastError string) string {
	return fmt.Sprintf(`{
    "id": "pi_3Pq1",
    "object": "payment_intent",
    "amount": 5450,
    "amount_received": 0,
    "currency": "eur",
    "client_secret": "pi_3Pq1_secret_xyz",
    "last_payment_error": %s,
    "metadata": {"order_id": "7", "payment_session_id": "42"},
    "status": %q
  }`, lastError, status)
}

func chargeObject(metadata, paymentIntent string) string {
	return fmt.Sprintf(`{
    "id": "ch_3Pq1",
    "object": "charge",
    "amount": 5450,
    "amount_captured": 5450,
    "amount_refunded": 1200,
    "captured": true,
    "currency": "eur",
    "metadata": %s,
    "paid": true,
    "payment_intent": %s,
    "refunded": false,
    "status": "succeeded"
  }`, metadata, paymentIntent)
}

const ourMeta = `{"order_id": "7", "payment_session_id": "42"}`

// signatureHeader is a webhook request's header carrying signature; none
// for "".
func signatureHeader(signature string) http.Header {
	h := http.Header{}
	if signature != "" {
		h.Set("Stripe-Signature", signature)
	}
	return h
}

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payload []byte
		want    openentry.PaymentEvent
	}{
		{
			"checkout completed, paid",
			event("evt_1", "checkout.session.completed", checkoutSessionObject("paid", "complete", `"pi_3Pq1"`, ourMeta)),
			openentry.PaymentEvent{ID: "evt_1", Type: "checkout.session.completed", Kind: openentry.EventPaid, SessionID: 42, Payment: "pi_3Pq1"},
		},
		{
			"checkout completed, no payment required",
			event("evt_2", "checkout.session.completed", checkoutSessionObject("no_payment_required", "complete", `null`, ourMeta)),
			openentry.PaymentEvent{ID: "evt_2", Type: "checkout.session.completed", Kind: openentry.EventPaid, SessionID: 42},
		},
		{
			"checkout completed, unpaid (delayed method)",
			event("evt_3", "checkout.session.completed", checkoutSessionObject("unpaid", "complete", `"pi_3Pq1"`, ourMeta)),
			openentry.PaymentEvent{ID: "evt_3", Type: "checkout.session.completed", Kind: openentry.EventIgnored, SessionID: 42, Payment: "pi_3Pq1"},
		},
		{
			"checkout completed, session id from client_reference_id",
			event("evt_4", "checkout.session.completed", checkoutSessionObject("paid", "complete", `{"id": "pi_3Pq1", "object": "payment_intent"}`, `{}`)),
			openentry.PaymentEvent{ID: "evt_4", Type: "checkout.session.completed", Kind: openentry.EventPaid, SessionID: 42, Payment: "pi_3Pq1"},
		},
		{
			"checkout async payment succeeded",
			event("evt_5", "checkout.session.async_payment_succeeded", checkoutSessionObject("paid", "complete", `"pi_3Pq1"`, ourMeta)),
			openentry.PaymentEvent{ID: "evt_5", Type: "checkout.session.async_payment_succeeded", Kind: openentry.EventPaid, SessionID: 42, Payment: "pi_3Pq1"},
		},
		{
			"checkout expired",
			event("evt_6", "checkout.session.expired", checkoutSessionObject("unpaid", "expired", `null`, ourMeta)),
			openentry.PaymentEvent{ID: "evt_6", Type: "checkout.session.expired", Kind: openentry.EventExpired, SessionID: 42},
		},
		{
			"payment intent succeeded",
			event("evt_7", "payment_intent.succeeded", paymentIntentObject("succeeded", `null`)),
			openentry.PaymentEvent{ID: "evt_7", Type: "payment_intent.succeeded", Kind: openentry.EventPaid, SessionID: 42, Payment: "pi_3Pq1"},
		},
		{
			"payment intent canceled",
			event("evt_8", "payment_intent.canceled", paymentIntentObject("canceled", `null`)),
			openentry.PaymentEvent{ID: "evt_8", Type: "payment_intent.canceled", Kind: openentry.EventCanceled, SessionID: 42, Payment: "pi_3Pq1"},
		},
		{
			"payment intent failed",
			event("evt_9", "payment_intent.payment_failed", paymentIntentObject("requires_payment_method",
				`{"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds."}`)),
			openentry.PaymentEvent{ID: "evt_9", Type: "payment_intent.payment_failed", Kind: openentry.EventPaymentFailed, SessionID: 42, Payment: "pi_3Pq1", Message: "Your card has insufficient funds."},
		},
		{
			"charge refunded",
			event("evt_10", "charge.refunded", chargeObject(ourMeta, `"pi_3Pq1"`)),
			openentry.PaymentEvent{ID: "evt_10", Type: "charge.refunded", Kind: openentry.EventRefunded, SessionID: 42, Payment: "pi_3Pq1", Refunded: openentry.Money{Minor: 1200, Currency: "EUR"}},
		},
		{
			"charge refunded, no metadata",
			event("evt_11", "charge.refunded", chargeObject(`{}`, `"pi_3Pq1"`)),
			openentry.PaymentEvent{ID: "evt_11", Type: "charge.refunded", Kind: openentry.EventRefunded, Payment: "pi_3Pq1", Refunded: openentry.Money{Minor: 1200, Currency: "EUR"}},
		},
		{
			"garbage session id",
			event("evt_12", "payment_intent.succeeded", strings.Replace(paymentIntentObject("succeeded", `null`), `"payment_session_id": "42"`, `"payment_session_id": "x42"`, 1)),
			openentry.PaymentEvent{ID: "evt_12", Type: "payment_intent.succeeded", Kind: openentry.EventPaid, Payment: "pi_3Pq1"},
		},
		{
			"other event",
			event("evt_13", "customer.created", `{"id": "cus_1", "object": "customer"}`),
			openentry.PaymentEvent{ID: "evt_13", Type: "customer.created", Kind: openentry.EventIgnored},
		},
		{
			"other API version",
			[]byte(strings.Replace(string(event("evt_14", "payment_intent.succeeded", paymentIntentObject("succeeded", `null`))), stripe.APIVersion, "2020-08-27", 1)),
			openentry.PaymentEvent{ID: "evt_14", Type: "payment_intent.succeeded", Kind: openentry.EventPaid, SessionID: 42, Payment: "pi_3Pq1"},
		},
	}
	p := New(Config{}, nil)
	acct := openentry.ProviderAccount{Identifier: "stripe", Type: Type, WebhookSecret: whsec}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
				Payload: tc.payload, Secret: whsec, Timestamp: time.Now(),
			})
			got, err := p.ParseWebhook(acct, signed.Payload, signatureHeader(signed.Header))
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if *got != tc.want {
				t.Errorf("got %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestParseWebhookRejects(t *testing.T) {
	t.Parallel()
	payload := event("evt_1", "payment_intent.succeeded", paymentIntentObject("succeeded", `null`))
	sign := func(payload []byte, secret string, at time.Time) string {
		return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
	}
	good := sign(payload, whsec, time.Now())
	notJSON := []byte("not json")
	notEvent := []byte(`{"hello": "world"}`)
	noData := []byte(`{"id": "evt_1", "object": "event", "type": "charge.refunded"}`)
	tests := []struct {
		name      string
		payload   []byte
		signature string
		secret    string
		wantMsg   string
	}{
		{"bad signature", payload, strings.Replace(good, "v1=", "v1=00", 1), whsec, "invalid Stripe signature"},
		{"tampered body", bytes.Replace(payload, []byte(`"amount": 5450`), []byte(`"amount": 1`), 1), good, whsec, "invalid Stripe signature"},
		{"wrong secret", payload, sign(payload, "whsec_other", time.Now()), whsec, "invalid Stripe signature"},
		{"missing header", payload, "", whsec, "missing Stripe signature"},
		{"garbled header", payload, "nonsense", whsec, "invalid Stripe signature"},
		{"no v1 signature", payload, fmt.Sprintf("t=%d", time.Now().Unix()), whsec, "invalid Stripe signature"},
		{"stale timestamp", payload, sign(payload, whsec, time.Now().Add(-301*time.Second)), whsec, "stale Stripe signature timestamp"},
		{"empty secret", payload, sign(payload, "", time.Now()), "", "Stripe webhook secret is not configured"},
		{"signed, not JSON", notJSON, sign(notJSON, whsec, time.Now()), whsec, "malformed Stripe event"},
		{"signed, not an event", notEvent, sign(notEvent, whsec, time.Now()), whsec, "malformed Stripe event"},
		{"signed, data missing", noData, sign(noData, whsec, time.Now()), whsec, "malformed Stripe event"},
	}
	p := New(Config{}, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			acct := openentry.ProviderAccount{Identifier: "stripe", Type: Type, WebhookSecret: tc.secret}
			got, err := p.ParseWebhook(acct, tc.payload, signatureHeader(tc.signature))
			if !errors.Is(err, openentry.ErrInvalid) {
				t.Fatalf("got %+v, %v; want an error wrapping ErrInvalid", got, err)
			}
			var verr *openentry.ValidationError
			if !errors.As(err, &verr) || verr.Message != tc.wantMsg {
				t.Errorf("got %v, want a *ValidationError saying %q", err, tc.wantMsg)
			}
		})
	}
}

// TestCancel expires a hosted checkout or cancels an intent, and reads
// Stripe's refusal (it was completed meanwhile) as a conflict.
func TestCancel(t *testing.T) {
	t.Parallel()
	mock := stripemock.Start(t)
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":{"type":"invalid_request_error","message":"Only Checkout Sessions with a status in [\"open\"] can be expired."}}`)
	}))
	t.Cleanup(refusing.Close)
	for _, tc := range []struct {
		name     string
		in       openentry.CancelRequest
		wantPath string
	}{
		{"checkout", openentry.CancelRequest{Type: openentry.SessionTypeSession, Ref: "cs_test_1"}, "/v1/checkout/sessions/cs_test_1/expire"},
		{"intent", openentry.CancelRequest{Type: openentry.SessionTypeIntent, Ref: "pi_test_1"}, "/v1/payment_intents/pi_test_1/cancel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder(t, mock.URL())
			if err := New(Config{APIURL: rec.URL}, nil).Cancel(context.Background(), account(), tc.in); err != nil {
				t.Fatal(err)
			}
			if got := rec.only(t); got.Method != http.MethodPost || got.Path != tc.wantPath {
				t.Errorf("request: got %s %s, want POST %s", got.Method, got.Path, tc.wantPath)
			}
			err := New(Config{APIURL: refusing.URL}, nil).Cancel(context.Background(), account(), tc.in)
			if !errors.Is(err, openentry.ErrConflict) || errors.Is(err, openentry.ErrUpstream) {
				t.Errorf("a checkout Stripe will not close: got %v, want ErrConflict", err)
			}
		})
	}
	if err := New(Config{APIURL: stripemock.Down(t)}, nil).Cancel(context.Background(), account(),
		openentry.CancelRequest{Ref: "cs_test_1"}); !errors.Is(err, openentry.ErrUpstream) {
		t.Errorf("Stripe down: got %v, want ErrUpstream", err)
	}
}
