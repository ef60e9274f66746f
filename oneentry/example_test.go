package oneentry_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/openentry/openentry/oneentry"
)

// Example runs the seed scenario "pay for a registered user's order": sign in,
// create an order in storage "orders", open a payment session for it, then
// read the session back by order id.
func Example() {
	srv := newSeedServer() // stands in for https://your-project.oneentry.cloud
	defer srv.Close()
	ctx := context.Background()

	client, err := oneentry.New(srv.URL, oneentry.WithToken("your-app-token"))
	if err != nil {
		log.Fatal(err)
	}

	// 1. Sign in. The tokens are kept by the client and used by every module.
	user, err := client.AuthProvider.Auth(ctx, "email", []oneentry.AuthData{
		{Marker: "email_reg", Value: "your-user@email.com"},
		{Marker: "password_reg", Value: "123456"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in:", user.UserIdentifier)

	// 2. Create the order; the server prices the products.
	order, err := client.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{
		FormIdentifier:           "order",
		PaymentAccountIdentifier: "cash",
		FormData:                 oneentry.FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
		Products:                 []oneentry.OrderItem{{ProductID: 14, Quantity: 1}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("order %d: %s %s for %v, created %s\n",
		order.ID, order.TotalSum, order.Currency, order.FormData[0].Value, order.CreatedDate.Format(time.RFC3339Nano))

	// 3. Open a payment session. Cash has no checkout page, so no URL.
	session, err := client.Payments.CreateSession(ctx, order.ID, "session", false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("session %d for order %d: %s, payment URL set: %v\n",
		session.ID, session.OrderID, session.Status, session.PaymentURL != nil)

	// 4. Read it back by order id.
	byOrder, err := client.Payments.GetSessionByOrderID(ctx, order.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("session by order %d: %d %s\n", order.ID, byOrder.ID, byOrder.Status)

	// Output:
	// signed in: your-user@email.com
	// order 89: 340 USD for Christina Thomas, created 2025-04-30T20:15:29.254Z
	// session 46 for order 89: waiting, payment URL set: false
	// session by order 89: 46 waiting
}

// ExampleError shows how to branch on API errors without comparing numbers
// or strings.
func ExampleError() {
	srv := newSeedServer()
	defer srv.Close()
	client, err := oneentry.New(srv.URL, oneentry.WithToken("your-app-token"))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Orders.GetOrderByMarkerAndID(context.Background(), "orders", 1000, "en_US")
	var apiErr *oneentry.Error
	switch {
	case errors.Is(err, oneentry.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Println("not found:", apiErr.Message)
	case err != nil:
		log.Fatal(err)
	}

	// Output:
	// not found: Order not found
}

// ExampleOrdersService_AllOrdersByMarker walks all of the user's orders; the
// iterator fetches pages of 30 as needed.
func ExampleOrdersService_AllOrdersByMarker() {
	srv := newSeedServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := oneentry.New(srv.URL, oneentry.WithToken("your-app-token"))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.AuthProvider.Auth(ctx, "email", []oneentry.AuthData{
		{Marker: "email_reg", Value: "your-user@email.com"},
		{Marker: "password_reg", Value: "123456"},
	}); err != nil {
		log.Fatal(err)
	}

	for order, err := range client.Orders.AllOrdersByMarker(ctx, "orders", "") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("order %d: %s, total %s\n", order.ID, order.StatusIdentifier, order.TotalSum)
	}

	// Output:
	// order 89: inProgress, total 340.00
	// order 55: completed, total 4061.55
}

// ExampleAuthProviderService_ChangePassword recovers a forgotten password: the
// server mails a code, the user types it in with the new password, and signs in
// again. Asking for another code too soon is refused with a Retry-After.
func ExampleAuthProviderService_ChangePassword() {
	srv := newSeedServer()
	defer srv.Close()
	ctx := context.Background()
	client, err := oneentry.New(srv.URL, oneentry.WithToken("your-app-token"))
	if err != nil {
		log.Fatal(err)
	}

	// "reset" is the project's send_code event for password recovery.
	if err := client.AuthProvider.GenerateCode(ctx, "email", "your-user@email.com", "reset"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("code sent")

	err = client.AuthProvider.GenerateCode(ctx, "email", "your-user@email.com", "reset")
	var apiErr *oneentry.Error
	if errors.Is(err, oneentry.ErrTooManyRequests) && errors.As(err, &apiErr) {
		fmt.Println("asked again too soon, retry after", apiErr.RetryAfter)
	}

	ok, err := client.AuthProvider.ChangePassword(ctx, "email", oneentry.ChangePasswordRequest{
		UserIdentifier:  "your-user@email.com",
		EventIdentifier: "reset",
		Code:            "123456", // from the mail
		Type:            2,        // recovery
		Password1:       "new-secret",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("password changed:", ok)

	// Changing the password ends all sessions, so sign in with the new one.
	user, err := client.AuthProvider.Auth(ctx, "email", []oneentry.AuthData{
		{Marker: "email_reg", Value: "your-user@email.com"},
		{Marker: "password_reg", Value: "new-secret"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in:", user.UserIdentifier)

	// Output:
	// code sent
	// asked again too soon, retry after 30s
	// password changed: true
	// signed in: your-user@email.com
}

// newSeedServer answers the seed scenario's routes with testdata fixtures,
// and insists on the user token where the real API needs one.
func newSeedServer() *httptest.Server {
	const accessToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTYsImF1dGhQcm92aWRlcklkZW50aWZpZXIiOiJlbWFpbCJ9.c2ln"
	serve := func(status int, name string, needsUser bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.Header.Get("x-app-token") != "your-app-token" {
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"statusCode":403,"message":"Resource is closed"}`)
				return
			}
			if needsUser && r.Header.Get("Authorization") != "Bearer "+accessToken {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"statusCode":401,"message":"Unauthorized"}`)
				return
			}
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(status)
			_, _ = w.Write(b)
		}
	}
	// Only the first code is sent; the server refuses others for 30 s.
	var codes atomic.Int32
	sendCode := serve(http.StatusCreated, "true.json", false)
	tooSoon := serve(http.StatusTooManyRequests, "error_429.json", false)
	generateCode := func(w http.ResponseWriter, r *http.Request) {
		if codes.Add(1) == 1 {
			sendCode(w, r)
			return
		}
		w.Header().Set("Retry-After", "30")
		tooSoon(w, r)
	}

	mux := http.NewServeMux()
	mux.Handle("POST /api/content/users-auth-providers/marker/email/users/auth", serve(http.StatusCreated, "auth.json", false))
	mux.HandleFunc("POST /api/content/users-auth-providers/marker/email/users/generate-code", generateCode)
	mux.Handle("POST /api/content/users-auth-providers/marker/email/users/change-password", serve(http.StatusCreated, "true.json", false))
	mux.Handle("POST /api/content/orders-storage/marker/orders/orders", serve(http.StatusCreated, "order_created.json", true))
	mux.Handle("GET /api/content/orders-storage/marker/orders/orders", serve(http.StatusOK, "orders.json", true))
	mux.Handle("GET /api/content/orders-storage/marker/orders/orders/1000", serve(http.StatusNotFound, "error_404.json", false))
	mux.Handle("POST /api/content/payments/sessions", serve(http.StatusCreated, "payment_session.json", true))
	mux.Handle("GET /api/content/payments/sessions/order/89", serve(http.StatusOK, "payment_sessions_by_order.json", true))
	return httptest.NewServer(mux)
}
