package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
)

func TestCORS(t *testing.T) {
	srv := apptest.Start(t, apptest.WithConfig(func(c *app.Config) { c.CORSOrigins = []string{"https://shop.example"} }))
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", srv.BaseURL+ordersPath, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,authorization,x-app-token,x-device-metadata")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := preflight("https://shop.example")
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("preflight from an allowed origin: %d %v", resp.StatusCode, resp.Header)
	}
	allowHeaders := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"x-app-token", "authorization", "x-device-metadata", "content-type"} {
		if !strings.Contains(allowHeaders, h) {
			t.Errorf("preflight does not allow header %s: %q", h, allowHeaders)
		}
	}
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		if !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), m) {
			t.Errorf("preflight does not allow %s", m)
		}
	}
	if resp := preflight("https://evil.example"); resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("another origin got CORS headers: %v", resp.Header)
	}

	get := func(origin string) http.Header {
		req, _ := http.NewRequest("GET", srv.BaseURL+"/api/content/forms", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("x-app-token", apptest.AppToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header
	}
	if h := get("https://shop.example"); h.Get("Access-Control-Allow-Origin") != "https://shop.example" || !strings.Contains(h.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Errorf("GET from an allowed origin: %v", h)
	}
	if h := get("https://evil.example"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from another origin: %v", h)
	}
}

func metricsText(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	return string(b)
}

func TestMetrics(t *testing.T) {
	mock := stripemock.Start(t)
	srv, a := startStripe(t, mock.URL())
	tk := a.loginDemo()
	a.createOrder(tk.Access, [2]int64{14, 1})
	order := a.createOrder(tk.Access, [2]int64{1, 1})
	a.createSession(tk.Access, id(t, order), "session")
	checkError(t, a.do("POST", authPath, "", authBody("your-user@email.com", "wrong-pw")), 401, "")
	sid := id(t, a.createSession(tk.Access, stripeOrder(a, tk.Access), "session").json(t))
	body, sig := event(t, "evt_metrics", "checkout.session.completed", checkoutObject(sid, "paid"), webhookSecret, time.Now())
	a.deliver(body, sig)
	a.deliver(body, sig)
	for range 10 {
		a.do("POST", authPath, "", authBody("ghost@example.com", "x"))
	}
	if n := srv.Count(t, "payment_events"); n != 1 {
		t.Errorf("payment_events: %d, want 1", n)
	}

	text := metricsText(t, a.base)
	for _, want := range []string{
		`openentry_http_requests_total{code="201",method="POST",route="POST /api/content/orders-storage/marker/{marker}/orders"} 3`,
		`openentry_http_request_duration_seconds_bucket{method="POST",route="POST /api/content/orders-storage/marker/{marker}/orders",le="+Inf"} 3`,
		`openentry_orders_created_total 3`,
		`openentry_payment_sessions{status="waiting"} 1`,
		`openentry_payment_sessions{status="completed"} 1`,
		`openentry_payment_webhook_events_total{outcome="applied",provider="stripe",type="checkout.session.completed"} 1`,
		`openentry_payment_webhook_events_total{outcome="replayed",provider="stripe",type="checkout.session.completed"} 1`,
		`openentry_login_failures_total 11`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	a.do("POST", authPath, "", authBody("ghost@example.com", "x")) // the 11th: limited
	if text := metricsText(t, a.base); !strings.Contains(text, `openentry_rate_limit_rejections_total{route="POST /api/content/users-auth-providers/marker/{marker}/users/auth"} 1`) {
		t.Error("/metrics does not count the rate-limited login")
	}
}

// TestLogsHoldNoSecrets runs every kind of call that carries a secret and
// then greps the whole log, every level, for each secret it used.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs apptest.Buffer
	smtp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(smtp.URL(), "shop@example.com")
	if err != nil {
		t.Fatal(err)
	}
	mock := stripemock.Start(t)
	const stripeKey = "sk_test_logsecret4242"
	srv := apptest.Start(t, apptest.WithLogs(&logs), apptest.WithMailer(mailer),
		apptest.WithStripe(app.StripeConfig{SecretKey: stripeKey, WebhookSecret: webhookSecret, APIURL: mock.URL()}))
	a := newAPI(t, srv)
	secrets := []string{apptest.AppToken, stripeKey, webhookSecret, "123456", "secret-pw", "new-pass-99"}

	tk := a.loginDemo()
	other := a.signUpAndLogin("logs@example.com")
	var next tokens
	r := a.expect("POST", providers+"email/users/refresh", "", map[string]string{"refreshToken": tk.Refresh}, 201)
	if err := jsonUnmarshal(r.raw, &next); err != nil {
		t.Fatal(err)
	}
	a.expect("POST", providers+"email/users/generate-code", "", codeBody("logs@example.com", "reset", ""), 201)
	code := smtp.Code(t, "logs@example.com")
	a.expect("POST", providers+"email/users/change-password", "", map[string]any{"userIdentifier": "logs@example.com",
		"eventIdentifier": "reset", "code": code, "type": 2, "password1": "new-pass-99", "password2": "new-pass-99"}, 201)
	a.expect("POST", "/api/content/users/me/fcm-token/fcm-device-token-secret", next.Access, nil, 201)
	a.createOrder(next.Access, [2]int64{14, 1})
	sid := id(t, a.createSession(next.Access, stripeOrder(a, next.Access), "intent").json(t))
	body, sig := event(t, "evt_logs", "payment_intent.succeeded", intentObject(sid), webhookSecret, time.Now())
	a.deliver(body, sig)
	a.do("GET", "/api/content/users/me", "forged."+tk.Access, nil)
	a.do("POST", authPath, "", authBody("your-user@email.com", "wrong-password-secret"))
	_, _ = srv.App.ExpireSessions(context.Background())

	secrets = append(secrets, tk.Access, tk.Refresh, next.Access, next.Refresh, other.Access, other.Refresh, code,
		"fcm-device-token-secret", "wrong-password-secret", sig)
	out := logs.String()
	if !strings.Contains(out, `"msg":"request"`) {
		t.Fatalf("no access log captured:\n%s", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the log holds the secret %q", s)
		}
	}
	if t.Failed() {
		fmt.Println(out)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
