package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
)

const (
	webhookSecret = "whsec_openentry_test"
	webhookPath   = "/api/content/payments/webhook/stripe"
)

func startStripe(t *testing.T, apiURL string) (*apptest.Server, *api) {
	t.Helper()
	srv := apptest.Start(t, apptest.WithStripe(app.StripeConfig{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, APIURL: apiURL}))
	return srv, newAPI(t, srv)
}

func stripeOrder(a *api, bearer string) int64 {
	a.t.Helper()
	body := orderBody([2]int64{14, 1}, [2]int64{2, 2})
	body["paymentAccountIdentifier"] = "stripe"
	return id(a.t, a.expect("POST", ordersPath, bearer, body, 201).json(a.t))
}

// event is a Stripe event as Stripe would send it, signed with secret at ts.
func event(t *testing.T, id, typ string, object map[string]any, secret string, ts time.Time) (body []byte, signature string) {
	t.Helper()
	payload, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "api_version": stripe.APIVersion, "type": typ, "created": ts.Unix(),
		"data": map[string]any{"object": object},
	})
	if err != nil {
		t.Fatal(err)
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: ts})
	return signed.Payload, signed.Header
}

func checkoutObject(sessionID int64, paymentStatus string) map[string]any {
	return map[string]any{
		"id": fmt.Sprintf("cs_test_%d", sessionID), "object": "checkout.session", "payment_status": paymentStatus,
		"client_reference_id": fmt.Sprint(sessionID), "payment_intent": fmt.Sprintf("pi_test_%d", sessionID),
		"metadata": map[string]string{"payment_session_id": fmt.Sprint(sessionID)},
	}
}

func intentObject(sessionID int64) map[string]any {
	return map[string]any{
		"id": fmt.Sprintf("pi_test_%d", sessionID), "object": "payment_intent",
		"metadata":           map[string]string{"payment_session_id": fmt.Sprint(sessionID)},
		"last_payment_error": map[string]any{"message": "Your card was declined."},
	}
}

// post delivers a webhook and returns the status and the outcome.
func (a *api) deliver(body []byte, signature string) (int, string) {
	a.t.Helper()
	req, _ := http.NewRequest("POST", a.base+webhookPath, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("Stripe-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Outcome string }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.Outcome
}

func (a *api) sessionStatus(bearer string, sessionID int64) string {
	a.t.Helper()
	return fmt.Sprint(a.expect("GET", fmt.Sprintf("%s/%d", sessionsPath, sessionID), bearer, nil, 200).json(a.t)["status"])
}

func TestStripeCheckoutAndIntent(t *testing.T) {
	mock := stripemock.Start(t)
	srv, a := startStripe(t, mock.URL())
	tk := a.loginDemo()

	accounts := a.expect("GET", "/api/content/payments/accounts", tk.Access, nil, 200)
	if strings.Contains(string(accounts.raw), "sk_test") || strings.Contains(string(accounts.raw), webhookSecret) {
		t.Fatalf("accounts leak a secret: %s", accounts.raw)
	}
	if !strings.Contains(string(accounts.raw), `"identifier":"stripe"`) {
		t.Fatalf("the stripe account is not enabled with a key: %s", accounts.raw)
	}

	order := stripeOrder(a, tk.Access)
	s := a.expect("POST", sessionsPath, tk.Access, map[string]any{"orderId": order, "type": "session"}, 201).json(t)
	url, _ := s["paymentUrl"].(string)
	if s["status"] != "waiting" || !strings.HasPrefix(url, "https://") {
		t.Errorf("checkout session: got %v, want waiting with a checkout URL", s)
	}
	if again := a.createSession(tk.Access, order, "session").json(t); again["id"] != s["id"] {
		t.Errorf("second createSession: got %v, want the waiting session", again["id"])
	}
	if o := a.expect("GET", fmt.Sprintf("%s/%d", ordersPath, order), tk.Access, nil, 200).json(t); o["paymentUrl"] != url {
		t.Errorf("order paymentUrl: got %v, want %q", o["paymentUrl"], url)
	}

	other := stripeOrder(a, tk.Access)
	in := a.expect("POST", sessionsPath, tk.Access, map[string]any{"orderId": other, "type": "intent"}, 201).json(t)
	secret, _ := in["clientSecret"].(string)
	if in["amount"] != float64(365) || secret == "" || in["paymentUrl"] != nil {
		t.Errorf("intent: got %v, want amount 365 and a client secret", in)
	}
	if n := count(t, srv, "payment_sessions WHERE status = 'creating'"); n != 0 {
		t.Errorf("%d sessions left creating", n)
	}
}

func TestStripeDown(t *testing.T) {
	srv, a := startStripe(t, stripemock.Down(t))
	tk := a.loginDemo()
	order := stripeOrder(a, tk.Access)
	for range 2 { // the failed attempt leaves nothing behind, so a retry is a fresh try
		checkError(t, a.createSession(tk.Access, order, "session"), 502, "payment provider")
	}
	if n := count(t, srv, "payment_sessions"); n != 0 {
		t.Errorf("payment_sessions after Stripe failed: %d rows, want 0", n)
	}
	checkError(t, a.do("GET", fmt.Sprintf("%s/order/%d", sessionsPath, order), tk.Access, nil), 404, "")
}

func TestStripeWebhook(t *testing.T) {
	mock := stripemock.Start(t)
	srv, a := startStripe(t, mock.URL())
	tk := a.loginDemo()
	newSession := func() (order, session int64) {
		order = stripeOrder(a, tk.Access)
		return order, id(t, a.createSession(tk.Access, order, "session").json(t))
	}
	now := time.Now()

	t.Run("signature and timestamp are checked before anything else", func(t *testing.T) {
		_, sid := newSession()
		body, sig := event(t, "evt_sig", "checkout.session.completed", checkoutObject(sid, "paid"), "whsec_wrong", now)
		if status, _ := a.deliver(body, sig); status != 400 {
			t.Errorf("wrong secret: got %d, want 400", status)
		}
		if status, _ := a.deliver(body, ""); status != 400 {
			t.Errorf("no signature: got %d, want 400", status)
		}
		body, sig = event(t, "evt_stale", "checkout.session.completed", checkoutObject(sid, "paid"), webhookSecret, now.Add(-10*time.Minute))
		if status, _ := a.deliver(body, sig); status != 400 {
			t.Errorf("stale timestamp: got %d, want 400", status)
		}
		good, sig := event(t, "evt_tampered", "checkout.session.completed", checkoutObject(sid, "paid"), webhookSecret, now)
		tampered := []byte(strings.Replace(string(good), `"paid"`, `"unpaid"`, 1))
		if status, _ := a.deliver(tampered, sig); status != 400 {
			t.Errorf("tampered body: got %d, want 400", status)
		}
		if got := a.sessionStatus(tk.Access, sid); got != "waiting" {
			t.Errorf("after refused events: got %s, want waiting", got)
		}
		if n := count(t, srv, "payment_events"); n != 0 {
			t.Errorf("refused events were recorded: %d", n)
		}
	})

	t.Run("checkout completed, replayed, then late events", func(t *testing.T) {
		order, sid := newSession()
		body, sig := event(t, "evt_paid_1", "checkout.session.completed", checkoutObject(sid, "paid"), webhookSecret, now)
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "applied" {
			t.Fatalf("completed: got %d %q", status, outcome)
		}
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "replayed" {
			t.Errorf("replay: got %d %q, want 200 replayed", status, outcome)
		}
		o := a.expect("GET", fmt.Sprintf("%s/%d", ordersPath, order), tk.Access, nil, 200).json(t)
		if a.sessionStatus(tk.Access, sid) != "completed" || o["isCompleted"] != true || o["statusIdentifier"] != "completed" {
			t.Errorf("after payment: session %s, order %v %v", a.sessionStatus(tk.Access, sid), o["isCompleted"], o["statusIdentifier"])
		}
		for i, typ := range []string{"checkout.session.expired", "payment_intent.canceled"} {
			obj := checkoutObject(sid, "unpaid")
			if i == 1 {
				obj = intentObject(sid)
			}
			body, sig := event(t, "evt_late_"+typ, typ, obj, webhookSecret, now)
			if status, outcome := a.deliver(body, sig); status != 200 || outcome != "stale" {
				t.Errorf("late %s: got %d %q, want 200 stale", typ, status, outcome)
			}
		}
		if got := a.sessionStatus(tk.Access, sid); got != "completed" {
			t.Errorf("late events moved a completed session to %s", got)
		}
		checkError(t, a.createSession(tk.Access, order, "session"), 409, "already paid")
	})

	t.Run("unpaid checkout completion changes nothing", func(t *testing.T) {
		_, sid := newSession()
		body, sig := event(t, "evt_unpaid", "checkout.session.completed", checkoutObject(sid, "unpaid"), webhookSecret, now)
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "ignored" {
			t.Errorf("unpaid completion: got %d %q", status, outcome)
		}
		if got := a.sessionStatus(tk.Access, sid); got != "waiting" {
			t.Errorf("got %s, want waiting", got)
		}
	})

	t.Run("payment failed is recorded, the session stays open, then intent succeeds", func(t *testing.T) {
		order, sid := newSession()
		body, sig := event(t, "evt_failed", "payment_intent.payment_failed", intentObject(sid), webhookSecret, now)
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "recorded" {
			t.Errorf("failed: got %d %q", status, outcome)
		}
		if n := count(t, srv, fmt.Sprintf("payment_sessions WHERE id = %d AND status = 'waiting' AND last_error = 'Your card was declined.'", sid)); n != 1 {
			t.Error("the failure was not recorded on the waiting session")
		}
		body, sig = event(t, "evt_pi_ok", "payment_intent.succeeded", intentObject(sid), webhookSecret, now)
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "applied" {
			t.Errorf("succeeded: got %d %q", status, outcome)
		}
		if o := a.expect("GET", fmt.Sprintf("%s/%d", ordersPath, order), tk.Access, nil, 200).json(t); o["isCompleted"] != true {
			t.Error("intent succeeded but the order is not completed")
		}
	})

	t.Run("expired, then a new session; completion after expiry is stale", func(t *testing.T) {
		order, sid := newSession()
		body, sig := event(t, "evt_exp", "checkout.session.expired", checkoutObject(sid, "unpaid"), webhookSecret, now)
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "applied" {
			t.Errorf("expired: got %d %q", status, outcome)
		}
		body, sig = event(t, "evt_paid_late", "checkout.session.completed", checkoutObject(sid, "paid"), webhookSecret, now)
		if _, outcome := a.deliver(body, sig); outcome != "stale" || a.sessionStatus(tk.Access, sid) != "expired" {
			t.Errorf("completion after expiry: got %q, session %s", outcome, a.sessionStatus(tk.Access, sid))
		}
		if next := id(t, a.createSession(tk.Access, order, "session").json(t)); next == sid {
			t.Error("createSession after expiry returned the expired session")
		}
	})

	t.Run("canceled intent", func(t *testing.T) {
		_, sid := newSession()
		body, sig := event(t, "evt_cancel", "payment_intent.canceled", intentObject(sid), webhookSecret, now)
		if _, outcome := a.deliver(body, sig); outcome != "applied" || a.sessionStatus(tk.Access, sid) != "canceled" {
			t.Errorf("canceled: got %q, session %s", outcome, a.sessionStatus(tk.Access, sid))
		}
	})

	t.Run("events for no session of ours are acknowledged", func(t *testing.T) {
		body, sig := event(t, "evt_foreign", "checkout.session.completed", checkoutObject(987654, "paid"), webhookSecret, now)
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "unmatched" {
			t.Errorf("foreign: got %d %q", status, outcome)
		}
		body, sig = event(t, "evt_other_type", "customer.created", map[string]any{"id": "cus_1", "object": "customer"}, webhookSecret, now)
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "ignored" {
			t.Errorf("other type: got %d %q", status, outcome)
		}
	})

	t.Run("refund approved, then charge.refunded", func(t *testing.T) {
		order, sid := newSession()
		body, sig := event(t, "evt_paid_r", "checkout.session.completed", checkoutObject(sid, "paid"), webhookSecret, now)
		a.deliver(body, sig)
		refunds := fmt.Sprintf("/api/content/orders/%d/refund", order)
		a.expect("POST", refunds, tk.Access, map[string]any{"products": map[string]any{"2": map[string]int{"quantity": 1}}}, 201)
		rid := id(t, a.expect("GET", refunds, tk.Access, nil, 200).list(t)[0].(map[string]any))
		r, err := srv.App.ApproveRefund(context.Background(), rid)
		if err != nil || r.Status != "approved" || r.Amount.Fixed() != "12.50" {
			t.Fatalf("approve: got %+v, %v; want approved 12.50", r, err)
		}
		charge := map[string]any{"id": "ch_1", "object": "charge", "payment_intent": fmt.Sprintf("pi_test_%d", sid),
			"amount_refunded": 1250, "currency": "usd"}
		body, sig = event(t, "evt_refunded", "charge.refunded", charge, webhookSecret, now)
		if status, outcome := a.deliver(body, sig); status != 200 || outcome != "applied" {
			t.Errorf("charge.refunded: got %d %q", status, outcome)
		}
		if got := a.expect("GET", refunds, tk.Access, nil, 200).list(t)[0].(map[string]any)["status"]; got != "refunded" {
			t.Errorf("refund after charge.refunded: got %v", got)
		}
	})
}

// TestStripeWebhookRacesClientReads runs under -race in CI: events, replays
// and reads of the same session at once must leave one consistent answer.
func TestStripeWebhookRacesClientReads(t *testing.T) {
	mock := stripemock.Start(t)
	srv, a := startStripe(t, mock.URL())
	tk := a.loginDemo()
	order := stripeOrder(a, tk.Access)
	sid := id(t, a.createSession(tk.Access, order, "session").json(t))
	paid, paidSig := event(t, "evt_race_paid", "checkout.session.completed", checkoutObject(sid, "paid"), webhookSecret, time.Now())
	expired, expiredSig := event(t, "evt_race_exp", "checkout.session.expired", checkoutObject(sid, "unpaid"), webhookSecret, time.Now())
	var wg sync.WaitGroup
	applied := make(chan string, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 4 {
			case 0:
				_, outcome := a.deliver(paid, paidSig)
				applied <- "paid:" + outcome
			case 1:
				_, outcome := a.deliver(expired, expiredSig)
				applied <- "expired:" + outcome
			default:
				a.expect("GET", fmt.Sprintf("%s/order/%d", sessionsPath, order), tk.Access, nil, 200)
			}
		}()
	}
	wg.Wait()
	close(applied)
	var wins int
	for outcome := range applied {
		if strings.HasSuffix(outcome, ":applied") {
			wins++
		}
	}
	final := a.sessionStatus(tk.Access, sid)
	if wins != 1 || (final != "completed" && final != "expired") {
		t.Errorf("got %d applied transitions and final status %s; want exactly one", wins, final)
	}
	if n := count(t, srv, "payment_events"); n != 2 {
		t.Errorf("payment_events: got %d, want 2 (each event id once)", n)
	}
}

// TestWebhookProviders: the webhook route serves each registered provider
// under its account type; any other name is a 404 and never becomes a
// metrics label.
func TestWebhookProviders(t *testing.T) {
	srv, a := startStripe(t, "http://127.0.0.1:1") // no Stripe call is made
	body, sig := event(t, "evt_providers", "checkout.session.completed", checkoutObject(999, "paid"), webhookSecret, time.Now())
	for _, tc := range []struct {
		provider string
		want     int
	}{
		{"paypal", http.StatusNotFound},
		{"custom", http.StatusNotFound}, // cash takes no webhooks
		{"stripe", http.StatusOK},
	} {
		req, _ := http.NewRequest("POST", srv.BaseURL+"/api/content/payments/webhook/"+tc.provider, strings.NewReader(string(body)))
		req.Header.Set("Stripe-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("webhook/%s: got %d %v, want %d", tc.provider, resp.StatusCode, out, tc.want)
		}
		if tc.want != http.StatusOK && out["statusCode"] != float64(tc.want) {
			t.Errorf("webhook/%s: got body %v, want OneEntry's error shape", tc.provider, out)
		}
	}
	metrics := a.metricsText()
	if strings.Contains(metrics, `provider="paypal"`) || strings.Contains(metrics, `provider="custom"`) {
		t.Errorf("/metrics labels an unregistered or refused provider:\n%s", metrics)
	}
	if !strings.Contains(metrics, `openentry_payment_webhook_events_total{outcome="unmatched",provider="stripe"`) {
		t.Errorf("/metrics does not count the stripe event:\n%s", metrics)
	}
}

func (a *api) metricsText() string {
	a.t.Helper()
	resp, err := http.Get(a.base + "/metrics")
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return string(b)
}

// TestStripeRefusesKey: a key Stripe refuses is the shop's configuration to
// fix, not a network failure: the client is told so, and the log says so.
func TestStripeRefusesKey(t *testing.T) {
	var logs apptest.Buffer
	srv := apptest.Start(t, apptest.WithLogs(&logs),
		apptest.WithStripe(app.StripeConfig{SecretKey: "nonsense", WebhookSecret: webhookSecret, APIURL: stripemock.Start(t).URL()}))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	r := a.createSession(tk.Access, stripeOrder(a, tk.Access), "session")
	checkError(t, r, 502, "refused the request")
	if strings.Contains(string(r.raw), "reached") {
		t.Errorf("a refusal answered as unreachable: %s", r.raw)
	}
	if !strings.Contains(logs.String(), "payment provider configuration error") {
		t.Errorf("the log does not name the configuration error:\n%s", logs.String())
	}
	if n := count(t, srv, "payment_sessions"); n != 0 {
		t.Errorf("a refused checkout left %d session rows", n)
	}
}
