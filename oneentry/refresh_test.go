package oneentry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	newAccess  = "access-2"
	newRefresh = "refresh-2"
)

// handleRefresh registers the refresh route for provider "email". It answers
// the new pair when given wantToken, and counts calls.
func handleRefresh(t *testing.T, mux *http.ServeMux, wantToken string, status int) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	mux.HandleFunc("/users-auth-providers/marker/email/users/refresh", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "Authorization", "")
		testHeader(t, r, "x-app-token", testAppToken)
		testHeader(t, r, "x-device-metadata", testDevice)
		testBody(t, r, fmt.Sprintf(`{"refreshToken":%q}`, wantToken))
		if status != http.StatusCreated {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"statusCode":%d,"message":"Refresh token is invalid"}`, status)
			return
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"userIdentifier":"your-user@email.com","authProviderIdentifier":"email","accessToken":%q,"refreshToken":%q}`, newAccess, newRefresh)
	})
	return &n
}

func tokensOf(t *testing.T, c *Client) Tokens {
	t.Helper()
	got, err := c.Tokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestRefreshOn401 covers the JS SDK flow: 401 → refresh → store the new pair →
// replay the same request (same body) once with the new bearer.
func TestRefreshOn401(t *testing.T) {
	t.Parallel()
	const orderBody = `{"formIdentifier":"order","paymentAccountIdentifier":"cash","formData":{"en_US":[]},"products":[{"productId":14,"quantity":1}]}`
	tests := []struct {
		name     string
		path     string
		wantBody string
		fixture  string
		call     func(context.Context, *Client) error
	}{
		{
			name: "GET", path: "/users/me", fixture: "user.json",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Users.GetUser(ctx, "")
				return err
			},
		},
		{
			name: "POST body replayed", path: "/orders-storage/marker/orders/orders", wantBody: orderBody, fixture: "order_created.json",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.Orders.CreateOrder(ctx, "orders", OrderCreate{
					FormIdentifier: "order", PaymentAccountIdentifier: "cash",
					Products: []OrderItem{{ProductID: 14, Quantity: 1}},
				})
				return err
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			login(t, c)
			refreshes := handleRefresh(t, mux, testRefresh, http.StatusCreated)
			var calls atomic.Int32
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				testBody(t, r, tc.wantBody)
				switch auth := r.Header.Get("Authorization"); auth {
				case "Bearer " + testAccess:
					reply(t, w, http.StatusUnauthorized, "error_401.json")
				case "Bearer " + newAccess:
					if n != 2 {
						t.Errorf("new token on call %d, want call 2", n)
					}
					reply(t, w, http.StatusOK, tc.fixture)
				default:
					t.Errorf("Authorization: got %q", auth)
				}
			})
			if err := tc.call(context.Background(), c); err != nil {
				t.Fatalf("call: got %v, want success after refresh", err)
			}
			if got := calls.Load(); got != 2 {
				t.Errorf("calls: got %d, want 2", got)
			}
			if got := refreshes.Load(); got != 1 {
				t.Errorf("refreshes: got %d, want 1", got)
			}
			want := Tokens{AccessToken: newAccess, RefreshToken: newRefresh, ProviderMarker: "email"}
			if got := tokensOf(t, c); got != want {
				t.Errorf("tokens: got %+v, want %+v", got, want)
			}
		})
	}
}

func TestRefreshSecond401Returned(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	login(t, c)
	refreshes := handleRefresh(t, mux, testRefresh, http.StatusCreated)
	var calls atomic.Int32
	mux.HandleFunc("/users/me", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		reply(t, w, http.StatusUnauthorized, "error_401.json")
	})
	_, err := c.Users.GetUser(context.Background(), "")
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("error: got %v, want ErrUnauthorized", err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("calls: got %d, want 2 (one retry, no loop)", got)
	}
	if got := refreshes.Load(); got != 1 {
		t.Errorf("refreshes: got %d, want 1", got)
	}
}

func TestRefreshNotPossible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		tokens        Tokens
		refreshStatus int
		wantRefreshes int32
		wantTokens    Tokens
	}{
		{
			name:          "no refresh token held",
			tokens:        Tokens{AccessToken: testAccess, ProviderMarker: "email"},
			refreshStatus: http.StatusCreated,
			wantRefreshes: 0,
			wantTokens:    Tokens{AccessToken: testAccess, ProviderMarker: "email"},
		},
		{
			name:          "refresh rejected returns the original 401",
			tokens:        Tokens{AccessToken: testAccess, RefreshToken: testRefresh, ProviderMarker: "email"},
			refreshStatus: http.StatusBadRequest,
			wantRefreshes: 1,
			wantTokens:    Tokens{AccessToken: testAccess, RefreshToken: testRefresh, ProviderMarker: "email"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			_ = c.tokens.SetTokens(context.Background(), tc.tokens)
			refreshes := handleRefresh(t, mux, testRefresh, tc.refreshStatus)
			var calls atomic.Int32
			mux.HandleFunc("/payments/sessions/46", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				reply(t, w, http.StatusUnauthorized, "error_401.json")
			})
			_, err := c.Payments.GetSessionByID(context.Background(), 46)
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
				t.Fatalf("error: got %v, want the original 401", err)
			}
			if got := calls.Load(); got != 1 {
				t.Errorf("calls: got %d, want 1", got)
			}
			if got := refreshes.Load(); got != tc.wantRefreshes {
				t.Errorf("refreshes: got %d, want %d", got, tc.wantRefreshes)
			}
			if got := tokensOf(t, c); got != tc.wantTokens {
				t.Errorf("tokens: got %+v, want %+v", got, tc.wantTokens)
			}
		})
	}
}

// TestNoRefreshForAuthCalls: a 401 from auth means bad credentials and a 401
// from refresh must not recurse.
func TestNoRefreshForAuthCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		call func(context.Context, *Client) error
	}{
		{
			name: "auth", path: "/users-auth-providers/marker/email/users/auth",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.AuthProvider.Auth(ctx, "email", []AuthData{{"email_reg", "a@b"}, {"password_reg", "wrong"}})
				return err
			},
		},
		{
			name: "refresh", path: "/users-auth-providers/marker/email/users/refresh",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.AuthProvider.Refresh(ctx, "email", testRefresh)
				return err
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			login(t, c)
			var calls atomic.Int32
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				reply(t, w, http.StatusUnauthorized, "error_401.json")
			})
			if err := tc.call(context.Background(), c); !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("error: got %v, want ErrUnauthorized", err)
			}
			if got := calls.Load(); got != 1 {
				t.Errorf("calls: got %d, want 1", got)
			}
			want := Tokens{AccessToken: testAccess, RefreshToken: testRefresh, ProviderMarker: "email"}
			if got := tokensOf(t, c); got != want {
				t.Errorf("tokens: got %+v, want %+v (unchanged)", got, want)
			}
		})
	}
}

// TestRefreshFromSavedRefreshToken: a client holding only a refresh token
// (restored from storage, no marker) refreshes at the JS default provider
// "email" on the first 401.
func TestRefreshFromSavedRefreshToken(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	_ = c.tokens.SetTokens(context.Background(), Tokens{RefreshToken: testRefresh})
	refreshes := handleRefresh(t, mux, testRefresh, http.StatusCreated)
	mux.HandleFunc("/users/me", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			reply(t, w, http.StatusUnauthorized, "error_401.json")
			return
		}
		testHeader(t, r, "Authorization", "Bearer "+newAccess)
		reply(t, w, http.StatusOK, "user.json")
	})
	if _, err := c.Users.GetUser(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if got := refreshes.Load(); got != 1 {
		t.Errorf("refreshes: got %d, want 1", got)
	}
}

// TestConcurrent401sRefreshOnce holds n requests until all have been sent with
// the expired token, answers each 401, and checks that only one refresh runs
// while every request succeeds on its retry.
func TestConcurrent401sRefreshOnce(t *testing.T) {
	t.Parallel()
	const n = 8
	c, mux := setup(t)
	login(t, c)
	refreshes := handleRefresh(t, mux, testRefresh, http.StatusCreated)
	var arrived atomic.Int32
	allIn := make(chan struct{})
	mux.HandleFunc("/users/me", func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Authorization") {
		case "Bearer " + testAccess:
			if arrived.Add(1) == n {
				close(allIn)
			}
			select {
			case <-allIn:
			case <-time.After(5 * time.Second):
				t.Error("not all requests arrived with the old token")
			}
			reply(t, w, http.StatusUnauthorized, "error_401.json")
		case "Bearer " + newAccess:
			reply(t, w, http.StatusOK, "user.json")
		default:
			t.Errorf("Authorization: got %q", r.Header.Get("Authorization"))
		}
	})
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = c.Users.GetUser(context.Background(), "")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	if got := refreshes.Load(); got != 1 {
		t.Errorf("refreshes: got %d, want 1", got)
	}
}

// TestResponseBodiesClosed checks every response body is closed, including
// the 401 before a retry and error answers, so connections are not leaked.
func TestResponseBodiesClosed(t *testing.T) {
	t.Parallel()
	cc := &closeCounter{}
	c, mux := setup(t)
	cc.rt = c.httpClient.Transport
	c.httpClient = &http.Client{Transport: cc, Timeout: 5 * time.Second}
	login(t, c)
	handleRefresh(t, mux, testRefresh, http.StatusCreated)
	mux.HandleFunc("/users/me", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+testAccess {
			reply(t, w, http.StatusUnauthorized, "error_401.json")
			return
		}
		reply(t, w, http.StatusOK, "user.json")
	})
	mux.HandleFunc("/payments/sessions/1", func(w http.ResponseWriter, r *http.Request) {
		reply(t, w, http.StatusNotFound, "error_404.json")
	})
	ctx := context.Background()
	if _, err := c.Users.GetUser(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Payments.GetSessionByID(ctx, 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("error: got %v, want ErrNotFound", err)
	}
	if opened, closed := cc.opened.Load(), cc.closed.Load(); opened != 4 || closed != opened {
		t.Errorf("bodies: got %d opened, %d closed; want 4 and 4", opened, closed)
	}
}

type closeCounter struct {
	rt             http.RoundTripper
	opened, closed atomic.Int32
}

func (c *closeCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err == nil {
		c.opened.Add(1)
		resp.Body = &countingBody{ReadCloser: resp.Body, closed: &c.closed}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	closed *atomic.Int32
}

func (b *countingBody) Close() error {
	b.closed.Add(1)
	return b.ReadCloser.Close()
}
