package oneentry_test

// These tests drive the real OpenEntry server (SQLite, real SMTP to an
// in-process listener) through the SDK, so SDK and server are checked
// against each other, not only against fixtures.

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
	"github.com/openentry/openentry/oneentry"
)

type liveServer struct {
	url    string
	smtp   *mailtest.Server
	offset atomic.Int64 // how far the server's clock is ahead
}

func startLive(t *testing.T) *liveServer {
	t.Helper()
	s := &liveServer{smtp: mailtest.Start(t)}
	mailer, err := mail.NewSMTP(s.smtp.URL(), "shop@example.com")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	srv := apptest.Start(t, apptest.WithMailer(mailer),
		apptest.WithClock(func() time.Time { return start.Add(time.Duration(s.offset.Load())) }),
		apptest.WithProject(&openentry.Project{AuthProviders: []openentry.ProjectAuthProvider{{
			Identifier: "email_short", Type: "email", FormIdentifier: "reg", Title: map[string]string{"en_US": "Short"},
			Config: map[string]string{"accessTokenTtlSec": "60"},
		}}}))
	s.url = srv.BaseURL
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
