package oneentry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrorDecoding(t *testing.T) {
	t.Parallel()
	sentinels := []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrTooManyRequests}
	tests := []struct {
		name    string
		status  int
		fixture string // body from testdata, or
		raw     string // a literal body
		wantMsg string
		wantIs  error // the one sentinel that must match; nil for none
	}{
		{name: "404 order not found", status: 404, fixture: "error_404.json", wantMsg: "Order not found", wantIs: ErrNotFound},
		{name: "400 message array", status: 400, fixture: "error_400_array.json",
			wantMsg: "formData.en_US.0.value must be a string; products should not be empty", wantIs: ErrBadRequest},
		{name: "401 without refresh token", status: 401, fixture: "error_401.json", wantMsg: "Unauthorized", wantIs: ErrUnauthorized},
		{name: "403 bare message", status: 403, raw: `{"message":"Resource is closed"}`, wantMsg: "Resource is closed", wantIs: ErrForbidden},
		{name: "409", status: 409, raw: `{"statusCode":409,"message":"Identifier already exists","error":"Conflict"}`, wantMsg: "Identifier already exists", wantIs: ErrConflict},
		{name: "429", status: 429, raw: `{"statusCode":429,"message":"Too many attempts","error":"Too Many Requests"}`, wantMsg: "Too many attempts", wantIs: ErrTooManyRequests},
		{name: "502 html", status: 502, raw: `<html>Bad Gateway</html>`},
		{name: "500 empty body", status: 500},
		{name: "400 message of odd type", status: 400, raw: `{"statusCode":400,"message":{"a":1}}`, wantIs: ErrBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			body := []byte(tc.raw)
			if tc.fixture != "" {
				body = fixture(t, tc.fixture)
			}
			mux.HandleFunc("/orders-storage/marker/orders/orders/89", func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write(body)
			})
			order, err := c.Orders.GetOrderByMarkerAndID(context.Background(), "orders", 89, "")
			if order != nil {
				t.Errorf("order: got %+v, want nil", order)
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error: got %T %v, want *Error", err, err)
			}
			if apiErr.StatusCode != tc.status {
				t.Errorf("StatusCode: got %d, want %d", apiErr.StatusCode, tc.status)
			}
			if apiErr.Message != tc.wantMsg {
				t.Errorf("Message: got %q, want %q", apiErr.Message, tc.wantMsg)
			}
			if string(apiErr.Body) != string(body) {
				t.Errorf("Body: got %q, want %q", apiErr.Body, body)
			}
			for _, s := range sentinels {
				if got, want := errors.Is(err, s), s == tc.wantIs; got != want {
					t.Errorf("errors.Is(err, %v): got %v, want %v", s, got, want)
				}
			}
			if !strings.Contains(err.Error(), http.StatusText(tc.status)) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("Error(): got %q, want status text and message", err.Error())
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{StatusCode: 404, Message: "Order not found"}, "oneentry: 404 Not Found: Order not found"},
		{&Error{StatusCode: 500}, "oneentry: 500 Internal Server Error"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error(): got %q, want %q", got, tc.want)
		}
	}
}

// TestErrorWrapped checks errors.Is/As still work through fmt.Errorf wrapping,
// which is how callers add context.
func TestErrorWrapped(t *testing.T) {
	t.Parallel()
	err := error(&Error{StatusCode: 404, Message: "Order not found"})
	wrapped := errors.Join(errors.New("checkout"), err)
	if !errors.Is(wrapped, ErrNotFound) {
		t.Errorf("errors.Is(wrapped, ErrNotFound): got false, want true")
	}
	var apiErr *Error
	if !errors.As(wrapped, &apiErr) || apiErr.Message != "Order not found" {
		t.Errorf("errors.As: got %v, want the *Error", apiErr)
	}
}

// TestErrorRetryAfter: a 429 from generate-code carries the server's
// Retry-After, and still matches ErrTooManyRequests.
func TestErrorRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		header string // Retry-After; "" sends none
		raw    string // body; "" sends error_429.json
		want   time.Duration
		wantIs error
	}{
		{name: "429 seconds", status: 429, header: "30", want: 30 * time.Second, wantIs: ErrTooManyRequests},
		{name: "429 padded", status: 429, header: " 7 ", want: 7 * time.Second, wantIs: ErrTooManyRequests},
		{name: "429 no header", status: 429, wantIs: ErrTooManyRequests},
		{name: "429 garbage", status: 429, header: "soon", wantIs: ErrTooManyRequests},
		{name: "429 past date", status: 429, header: "Wed, 30 Apr 2025 20:15:29 GMT", wantIs: ErrTooManyRequests},
		{name: "404 unknown event", status: 404, raw: `{"statusCode":404,"message":"Event \"x\" with formType \"send_code\" not found"}`, wantIs: ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("/users-auth-providers/marker/email/users/generate-code", func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				if tc.raw == "" {
					reply(t, w, tc.status, "error_429.json")
					return
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.raw))
			})
			err := c.AuthProvider.GenerateCode(context.Background(), "email", "your-user@email.com", "reset")
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error: got %T %v, want *Error", err, err)
			}
			if apiErr.RetryAfter != tc.want {
				t.Errorf("RetryAfter: got %v, want %v", apiErr.RetryAfter, tc.want)
			}
			if !errors.Is(err, tc.wantIs) {
				t.Errorf("errors.Is(err, %v): got false, want true", tc.wantIs)
			}
		})
	}
}

func TestRetryAfterParse(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 4, 30, 20, 15, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"30", 30 * time.Second},
		{"0", 0},
		{"-5", 0},
		{"1.5", 0},
		{"", 0},
		{"99999999999999999999", 0},
		{"9223372037", 0}, // seconds beyond what a Duration holds
		{"Wed, 30 Apr 2025 20:15:45 GMT", 45 * time.Second},
		{"Wed, 30 Apr 2025 20:14:00 GMT", 0},
		{"tomorrow", 0},
	}
	for _, tc := range tests {
		if got := retryAfter(tc.in, now); got != tc.want {
			t.Errorf("retryAfter(%q): got %v, want %v", tc.in, got, tc.want)
		}
	}
}
