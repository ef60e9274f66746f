package oneentry_test

// These tests drive the real OpenEntry server (SQLite, real SMTP to an
// in-process listener) through the SDK, so SDK and server are checked
// against each other, not only against fixtures.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
	"github.com/openentry/openentry/oneentry"
)

type liveServer struct {
	url    string
	dsn    string
	app    *app.App // for what only the shop does (settling, approving refunds)
	smtp   *mailtest.Server
	offset atomic.Int64 // how far the server's clock is ahead
}

// startLive starts the demo project; opts come after the test's own options.
func startLive(t *testing.T, opts ...apptest.Option) *liveServer {
	t.Helper()
	s := &liveServer{smtp: mailtest.Start(t)}
	mailer, err := mail.NewSMTP(s.smtp.URL(), "shop@example.com")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	srv := apptest.Start(t, append([]apptest.Option{apptest.WithMailer(mailer),
		apptest.WithClock(func() time.Time { return start.Add(time.Duration(s.offset.Load())) }),
		apptest.WithProject(&openentry.Project{AuthProviders: []openentry.ProjectAuthProvider{{
			Identifier: "email_short", Type: "email", FormIdentifier: "reg", Title: map[string]string{"en_US": "Short"},
			Config: map[string]string{"accessTokenTtlSec": "60"},
		}}})}, opts...)...)
	s.url, s.dsn, s.app = srv.BaseURL, srv.DSN, srv.App
	return s
}

func (s *liveServer) client(t *testing.T) *oneentry.Client {
	t.Helper()
	c, err := oneentry.New(s.url, oneentry.WithToken(apptest.AppToken))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func creds(login, password string) []oneentry.AuthData {
	return []oneentry.AuthData{{Marker: "email_reg", Value: login}, {Marker: "password_reg", Value: password}}
}

// must(f())(t) returns f's value, failing t on f's error.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var e *oneentry.Error
	if !errors.As(err, &e) || e.StatusCode != status {
		t.Fatalf("got error %v, want status %d", err, status)
	}
}

func TestLiveSeedScenario(t *testing.T) {
	ctx := context.Background()
	s := startLive(t)
	c := s.client(t)
	must(c.AuthProvider.Auth(ctx, "email", creds("your-user@email.com", "123456")))(t)
	order := must(c.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{
		FormIdentifier: "order", PaymentAccountIdentifier: "cash",
		FormData: oneentry.FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
		Products: []oneentry.OrderItem{{ProductID: 14, Quantity: 1}, {ProductID: 3, Quantity: 1}},
	}))(t)
	if order.TotalSum.String() != "359.99" || order.Currency != "USD" {
		t.Errorf("created order: got %s %s, want 359.99 USD", order.TotalSum, order.Currency)
	}
	read := must(c.Orders.GetOrderByMarkerAndID(ctx, "orders", order.ID, "en_US"))(t)
	if read.TotalSum.String() != "359.99" || len(read.Products) != 2 || read.Products[0].Title != "Cosmo" {
		t.Errorf("order read: got %+v", read)
	}
	session := must(c.Payments.CreateSession(ctx, order.ID, "session", false))(t)
	got := must(c.Payments.GetSessionByOrderID(ctx, order.ID))(t)
	if got.ID != session.ID || got.Status != "waiting" || got.PaymentURL != nil {
		t.Errorf("session: got %+v, want the waiting session %d", got, session.ID)
	}
	var n int
	for o, err := range c.Orders.AllOrdersByMarker(ctx, "orders", "en_US") {
		if err != nil {
			t.Fatal(err)
		}
		if o.ID != order.ID {
			t.Errorf("listed order %d, want only %d", o.ID, order.ID)
		}
		n++
	}
	if n != 1 {
		t.Errorf("AllOrdersByMarker: got %d orders, want 1", n)
	}
	_, err := c.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{FormIdentifier: "order", PaymentAccountIdentifier: "cash",
		FormData: oneentry.FormData{{Marker: "name", Value: "A"}}, Products: []oneentry.OrderItem{{ProductID: 999, Quantity: 1}}})
	if !errors.Is(err, oneentry.ErrBadRequest) {
		t.Errorf("unknown product: got %v, want ErrBadRequest", err)
	}
}

func TestLiveActivationAndRecovery(t *testing.T) {
	ctx := context.Background()
	s := startLive(t)
	c := s.client(t)
	const email = "go@example.com"
	u := must(c.AuthProvider.SignUp(ctx, "email_confirm", oneentry.SignUpRequest{
		FormIdentifier: "reg", AuthData: creds(email, "pass1234"),
		FormData:         oneentry.FormData{{Marker: "name_reg", Type: "string", Value: "Go"}},
		NotificationData: oneentry.NotificationData{Email: email, PhonePush: []string{}},
	}))(t)
	if u.IsActive {
		t.Fatal("user on email_confirm is active before activation")
	}
	_, err := c.AuthProvider.Auth(ctx, "email_confirm", creds(email, "pass1234"))
	wantStatus(t, err, 403)
	if ok := must(c.AuthProvider.ActivateUser(ctx, "email_confirm", email, s.smtp.Code(t, email)))(t); !ok {
		t.Fatal("ActivateUser: got false")
	}
	must(c.AuthProvider.Auth(ctx, "email_confirm", creds(email, "pass1234")))(t)

	if err := c.AuthProvider.GenerateCode(ctx, "email_confirm", email, "reset"); err != nil {
		t.Fatal(err)
	}
	err = c.AuthProvider.GenerateCode(ctx, "email_confirm", email, "reset")
	var e *oneentry.Error
	if !errors.As(err, &e) || !errors.Is(err, oneentry.ErrTooManyRequests) || e.RetryAfter != 30*time.Second {
		t.Errorf("second code within 30 s: got %v, want 429 with RetryAfter 30s", err)
	}
	code := s.smtp.Code(t, email)
	if ok := must(c.AuthProvider.CheckCode(ctx, "email_confirm", email, "reset", code))(t); !ok {
		t.Error("CheckCode: got false")
	}
	must(c.AuthProvider.ChangePassword(ctx, "email_confirm", oneentry.ChangePasswordRequest{
		UserIdentifier: email, EventIdentifier: "reset", Code: code, Type: 2, Password1: "new-pass-1",
	}))(t)
	_, err = c.Users.GetUser(ctx, "en_US") // the session was closed, and so was its refresh token
	wantStatus(t, err, 401)
	fresh := s.client(t)
	_, err = fresh.AuthProvider.Auth(ctx, "email_confirm", creds(email, "pass1234"))
	wantStatus(t, err, 401)
	must(fresh.AuthProvider.Auth(ctx, "email_confirm", creds(email, "new-pass-1")))(t)
}

func TestLiveUserAndSessions(t *testing.T) {
	ctx := context.Background()
	s := startLive(t)
	phone, laptop := s.client(t), s.client(t)
	for _, c := range []*oneentry.Client{phone, laptop} {
		must(c.AuthProvider.Auth(ctx, "email", creds("your-user@email.com", "123456")))(t)
	}
	sessions := must(phone.AuthProvider.GetActiveSessionsByMarker(ctx, "email"))(t)
	if len(sessions) != 2 || sessions[0].DeviceInfo.Browser != "openentry-go" {
		t.Errorf("sessions: got %+v, want two Go clients", sessions)
	}
	must(phone.Users.UpdateUser(ctx, oneentry.UserUpdate{
		FormIdentifier: "reg",
		FormData:       oneentry.FormData{{Marker: "name_reg", Type: "string", Value: "Chris"}},
		State:          map[string]any{"cart": []any{14}},
	}))(t)
	me := must(laptop.Users.GetUser(ctx, "en_US"))(t)
	if len(me.FormData) != 1 || me.FormData[0].Value != "Chris" || len(me.State["cart"].([]any)) != 1 {
		t.Errorf("user after update: got %+v", me)
	}
	for _, call := range []func(context.Context, string) (bool, error){laptop.Users.AddFCMToken, laptop.Users.AddFCMToken, laptop.Users.DeleteFCMToken} {
		if ok := must(call(ctx, "fcm:token/with slash"))(t); !ok {
			t.Error("FCM token call: got false")
		}
	}
	must(laptop.AuthProvider.LogoutAll(ctx, "email"))(t)
	_, err := phone.Users.GetUser(ctx, "en_US")
	wantStatus(t, err, 401)

	// Deleting the account frees the login.
	c := s.client(t)
	must(c.AuthProvider.Auth(ctx, "email", creds("your-user@email.com", "123456")))(t)
	must(c.Users.DeleteUser(ctx))(t)
	_, err = s.client(t).AuthProvider.Auth(ctx, "email", creds("your-user@email.com", "123456"))
	wantStatus(t, err, 401)
}

func TestLiveRefreshAfterExpiry(t *testing.T) {
	ctx := context.Background()
	s := startLive(t)
	c := s.client(t)
	must(c.AuthProvider.SignUp(ctx, "email_short", oneentry.SignUpRequest{AuthData: creds("short@example.com", "pass1234")}))(t)
	must(c.AuthProvider.Auth(ctx, "email_short", creds("short@example.com", "pass1234")))(t)
	before := must(c.Tokens(ctx))(t)
	s.offset.Add(int64(2 * time.Minute)) // past accessTokenTtlSec 60
	must(c.Users.GetUser(ctx, "en_US"))(t)
	after := must(c.Tokens(ctx))(t)
	if after.AccessToken == before.AccessToken || after.RefreshToken == before.RefreshToken {
		t.Error("the SDK did not refresh its tokens after the access token expired")
	}
}

func TestLiveRefunds(t *testing.T) {
	ctx := context.Background()
	s := startLive(t)
	c := s.client(t)
	must(c.AuthProvider.Auth(ctx, "email", creds("your-user@email.com", "123456")))(t)
	order := must(c.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{
		FormIdentifier: "order", PaymentAccountIdentifier: "cash",
		FormData: oneentry.FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
		Products: []oneentry.OrderItem{{ProductID: 14, Quantity: 2}, {ProductID: 2, Quantity: 3}},
	}))(t)

	_, err := c.Orders.CreateRefundRequest(ctx, order.ID, oneentry.RefundRequest{})
	var e *oneentry.Error
	if !errors.As(err, &e) || e.StatusCode != 404 || e.Message != "You cannot refund uncompleted order" {
		t.Fatalf("refund of an unpaid order: got %v, want 404 You cannot refund uncompleted order", err)
	}

	// The shop confirms the cash.
	session := must(c.Payments.CreateSession(ctx, order.ID, "session", false))(t)
	if err := s.app.SettleSession(ctx, session.ID, openentry.SessionCompleted); err != nil {
		t.Fatal(err)
	}
	paid := must(c.Orders.GetOrderByMarkerAndID(ctx, "orders", order.ID, ""))(t)
	if paid.IsCompleted == nil || !*paid.IsCompleted || paid.StatusIdentifier != "completed" {
		t.Fatalf("settled order: got isCompleted %v status %q", paid.IsCompleted, paid.StatusIdentifier)
	}
	_, err = c.Payments.CreateSession(ctx, order.ID, "session", false)
	wantStatus(t, err, 409)

	if got := must(c.Orders.GetRefunds(ctx, order.ID))(t); got == nil || len(got) != 0 {
		t.Errorf("refunds before any request: got %#v, want an empty list", got)
	}
	if ok := must(c.Orders.CreateRefundRequest(ctx, order.ID, oneentry.RefundRequest{Products: map[int64]int64{14: 1}, Note: "broken"}))(t); !ok {
		t.Fatal("CreateRefundRequest: got false")
	}
	refunds := must(c.Orders.GetRefunds(ctx, order.ID))(t)
	if len(refunds) != 1 {
		t.Fatalf("refunds: got %+v, want one", refunds)
	}
	r := refunds[0]
	if r.ID == 0 || r.Status != "waiting" || r.Amount.String() != "340" || r.Note != "broken" || len(r.Products) != 1 || r.Products[14] != 1 ||
		r.OrderID != order.ID || r.OrderStorageID != paid.StorageID || r.OrderStorage.ID != paid.StorageID || r.OrderStorage.Identifier != "orders" ||
		r.UserID == 0 || r.User.ID != r.UserID || r.User.Identifier != "your-user@email.com" || time.Since(r.CreatedDate).Abs() > time.Minute {
		t.Errorf("refund: got %+v", r)
	}
	// Product 14 has one left to ask for.
	_, err = c.Orders.CreateRefundRequest(ctx, order.ID, oneentry.RefundRequest{Products: map[int64]int64{14: 2}})
	wantStatus(t, err, 400)
	_, err = c.Orders.CreateRefundRequest(ctx, order.ID, oneentry.RefundRequest{Products: map[int64]int64{}})
	wantStatus(t, err, 400)

	if ok := must(c.Orders.CancelRefundRequest(ctx, order.ID))(t); !ok {
		t.Fatal("CancelRefundRequest: got false")
	}
	if got := must(c.Orders.GetRefunds(ctx, order.ID))(t); len(got) != 1 || got[0].Status != "canceled" {
		t.Errorf("after cancel: got %+v, want the request canceled", got)
	}
	_, err = c.Orders.CancelRefundRequest(ctx, order.ID)
	wantStatus(t, err, 404)

	// Nil products: everything not yet asked for, which the canceled request no longer holds.
	must(c.Orders.CreateRefundRequest(ctx, order.ID, oneentry.RefundRequest{}))(t)
	refunds = must(c.Orders.GetRefunds(ctx, order.ID))(t)
	if len(refunds) != 2 || refunds[0].Status != "waiting" || refunds[0].Amount.String() != "717.5" ||
		len(refunds[0].Products) != 2 || refunds[0].Products[14] != 2 || refunds[0].Products[2] != 3 || refunds[1].ID != r.ID {
		t.Fatalf("whole-order refund: got %+v, want it first, waiting, 717.5 for 14×2 and 2×3", refunds)
	}
	approved := must(s.app.ApproveRefund(ctx, refunds[0].ID))(t)
	if approved.Status != openentry.RefundRefunded {
		t.Errorf("approved cash refund: got %s, want refunded", approved.Status)
	}
	if got := must(c.Orders.GetRefunds(ctx, order.ID))(t); got[0].Status != "refunded" {
		t.Errorf("after approval: got %s, want refunded", got[0].Status)
	}
	_, err = c.Orders.CreateRefundRequest(ctx, order.ID, oneentry.RefundRequest{})
	wantStatus(t, err, 400) // nothing left

	// Another user's order is not found, whatever the call.
	other := s.client(t)
	must(other.AuthProvider.SignUp(ctx, "email", oneentry.SignUpRequest{FormIdentifier: "reg", AuthData: creds("other@example.com", "pass1234")}))(t)
	must(other.AuthProvider.Auth(ctx, "email", creds("other@example.com", "pass1234")))(t)
	_, err = other.Orders.GetRefunds(ctx, order.ID)
	wantStatus(t, err, 404)
	_, err = other.Orders.CancelRefundRequest(ctx, order.ID)
	wantStatus(t, err, 404)
}

const liveWebhookSecret = "whsec_oneentry_sdk_test"

// stripePaid delivers a signed checkout.session.completed for the payment
// session, as Stripe would.
func (s *liveServer) stripePaid(t *testing.T, sessionID int64) {
	t.Helper()
	payload, err := json.Marshal(map[string]any{
		"id": fmt.Sprintf("evt_sdk_%d", sessionID), "object": "event", "api_version": stripe.APIVersion,
		"type": "checkout.session.completed", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{
			"id": fmt.Sprintf("cs_test_%d", sessionID), "object": "checkout.session", "payment_status": "paid",
			"payment_intent": fmt.Sprintf("pi_test_%d", sessionID),
			"metadata":       map[string]string{"payment_session_id": fmt.Sprint(sessionID)},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: liveWebhookSecret, Timestamp: time.Now()})
	req, err := http.NewRequest(http.MethodPost, s.url+"/api/content/payments/webhook/stripe", bytes.NewReader(signed.Payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"applied"`) {
		t.Fatalf("webhook: got %d %s, want 200 applied", resp.StatusCode, body)
	}
}

func TestLiveStripe(t *testing.T) {
	ctx := context.Background()
	mock := stripemock.Start(t)
	s := startLive(t, apptest.WithStripe(app.StripeConfig{SecretKey: "sk_test_123", WebhookSecret: liveWebhookSecret, APIURL: mock.URL()}))
	c := s.client(t)
	must(c.AuthProvider.Auth(ctx, "email", creds("your-user@email.com", "123456")))(t)

	accounts := must(c.Payments.GetAccounts(ctx))(t)
	var ids []string
	for _, a := range accounts {
		ids = append(ids, a.Identifier+"/"+a.Type)
	}
	if strings.Join(ids, ",") != "cash/custom,stripe/stripe" {
		t.Errorf("accounts: got %v, want cash/custom and stripe/stripe", ids)
	}
	storage := must(c.Orders.GetOrdersStorageByMarker(ctx, "orders", ""))(t)
	if len(storage.PaymentAccountIdentifiers) != 2 || storage.PaymentAccountIdentifiers[1].Identifier != "stripe" {
		t.Errorf("storage accounts: got %+v, want cash and stripe", storage.PaymentAccountIdentifiers)
	}

	stripeOrder := func() *oneentry.Order {
		t.Helper()
		return must(c.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{
			FormIdentifier: "order", PaymentAccountIdentifier: "stripe",
			FormData: oneentry.FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
			Products: []oneentry.OrderItem{{ProductID: 14, Quantity: 1}, {ProductID: 2, Quantity: 2}},
		}))(t)
	}

	// Hosted checkout: a Stripe URL, the same session on a second call, and the URL on the order.
	order := stripeOrder()
	checkout := must(c.Payments.CreateSession(ctx, order.ID, "session", false))(t)
	if checkout.Status != "waiting" || checkout.PaymentURL == nil || !strings.HasPrefix(*checkout.PaymentURL, "https://") || checkout.ClientSecret != "" {
		t.Fatalf("checkout session: got %+v, want waiting with an https:// payment URL", checkout)
	}
	if again := must(c.Payments.CreateSession(ctx, order.ID, "session", false))(t); again.ID != checkout.ID {
		t.Errorf("second CreateSession: got session %d, want %d", again.ID, checkout.ID)
	}
	read := must(c.Orders.GetOrderByMarkerAndID(ctx, "orders", order.ID, ""))(t)
	if read.PaymentURL == nil || *read.PaymentURL != *checkout.PaymentURL || read.PaymentAccountIdentifier != "stripe" {
		t.Errorf("order: got paymentUrl %v account %q, want the checkout URL and stripe", read.PaymentURL, read.PaymentAccountIdentifier)
	}

	// In-page payment: an amount and a client secret, no URL.
	intent := must(c.Payments.CreateSession(ctx, stripeOrder().ID, "intent", false))(t)
	if intent.Type != "intent" || intent.Amount == nil || intent.Amount.String() != "365" || intent.ClientSecret == "" || intent.PaymentURL != nil {
		t.Errorf("intent: got %+v, want amount 365 and a client secret", intent)
	}

	// Stripe reports the checkout paid.
	s.stripePaid(t, checkout.ID)
	if got := must(c.Payments.GetSessionByOrderID(ctx, order.ID))(t); got.ID != checkout.ID || got.Status != "completed" {
		t.Errorf("session after the webhook: got %d %s, want %d completed", got.ID, got.Status, checkout.ID)
	}
	read = must(c.Orders.GetOrderByMarkerAndID(ctx, "orders", order.ID, ""))(t)
	if read.IsCompleted == nil || !*read.IsCompleted || read.StatusIdentifier != "completed" {
		t.Errorf("order after the webhook: got isCompleted %v status %q", read.IsCompleted, read.StatusIdentifier)
	}
	_, err := c.Payments.CreateSession(ctx, order.ID, "session", false)
	if !errors.Is(err, oneentry.ErrConflict) {
		t.Errorf("CreateSession on the paid order: got %v, want ErrConflict", err)
	}

	// A refund of a Stripe payment goes to Stripe and waits there.
	must(c.Orders.CreateRefundRequest(ctx, order.ID, oneentry.RefundRequest{Products: map[int64]int64{2: 1}}))(t)
	refunds := must(c.Orders.GetRefunds(ctx, order.ID))(t)
	if len(refunds) != 1 || refunds[0].Amount.String() != "12.5" || refunds[0].Status != "waiting" {
		t.Fatalf("refunds: got %+v, want one waiting for 12.5", refunds)
	}
	must(s.app.ApproveRefund(ctx, refunds[0].ID))(t)
	if got := must(c.Orders.GetRefunds(ctx, order.ID))(t); got[0].Status != "approved" {
		t.Errorf("after approval: got %s, want approved (until Stripe reports charge.refunded)", got[0].Status)
	}
}

// TestLiveEvents subscribes through the SDK and reads the mail the server
// sends when the price drops.
func TestLiveEvents(t *testing.T) {
	t.Parallel()
	events := &openentry.Project{Events: []openentry.ProjectEvent{{Marker: "product_price", Trigger: openentry.TriggerPriceDrop,
		Subject: map[string]string{"en_US": "{title}: {price}"}}}}
	s := startLive(t, apptest.WithProject(events))
	c := s.client(t)
	ctx := context.Background()
	if _, err := c.Events.GetAllSubscriptions(ctx, 0, 0); !errors.Is(err, oneentry.ErrUnauthorized) {
		t.Errorf("as a guest: %v, want ErrUnauthorized", err)
	}
	must(c.AuthProvider.Auth(ctx, "email", creds("your-user@email.com", "123456")))(t)
	if ok := must(c.Events.SubscribeByMarker(ctx, "product_price", 14, ""))(t); !ok {
		t.Error("SubscribeByMarker: false")
	}
	if _, err := c.Events.SubscribeByMarker(ctx, "nope", 14, ""); !errors.Is(err, oneentry.ErrNotFound) {
		t.Errorf("unknown event: %v, want ErrNotFound", err)
	}
	got := must(c.Events.GetAllSubscriptions(ctx, 0, 10))(t)
	if got.Total != 1 || len(got.Items) != 1 || got.Items[0] != (oneentry.Subscription{EventMarker: "product_price", ProductID: 14}) {
		t.Errorf("subscriptions: %+v", got)
	}

	cheaper, err := demoProjectWith(func(p *openentry.Project) {
		for i := range p.Products {
			if p.Products[i].ID == 14 {
				p.Products[i].Price = "299.00"
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := apptest.Open(s.dsn, cheaper, events)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	s.offset.Add(int64(time.Minute)) // the server's clock stood still while the other instance wrote the change
	if _, err := s.app.DispatchOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	if m := s.smtp.WaitFor(t, "your-user@email.com", 5*time.Second); m.Subject != "Cosmo: 299.00 USD" {
		t.Errorf("mail subject %q", m.Subject)
	}

	if ok := must(c.Events.UnsubscribeByMarker(ctx, "product_price", 14, ""))(t); !ok {
		t.Error("UnsubscribeByMarker: false")
	}
	if got := must(c.Events.GetAllSubscriptions(ctx, 0, 10))(t); got.Total != 0 {
		t.Errorf("after unsubscribing: %+v", got)
	}
}

func demoProjectWith(change func(*openentry.Project)) (*openentry.Project, error) {
	p, err := demo.Project()
	if err == nil {
		change(p)
	}
	return p, err
}
