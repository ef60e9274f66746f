package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry"
)

// TestWriteError maps every sentinel and error type, bare and wrapped twice
// with context, to its status and OneEntry's error body.
func TestWriteError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		err        error
		status     int
		message    string // of the bare error
		wrappedMsg string // of the error wrapped twice; "" means the same as message
		retryAfter string
	}{
		{name: "ErrInvalid", err: openentry.ErrInvalid, status: 400, message: "invalid", wrappedMsg: "outer: inner: invalid"},
		{name: "ErrUnauthorized", err: openentry.ErrUnauthorized, status: 401, message: "unauthorized", wrappedMsg: "outer: inner: unauthorized"},
		{name: "ErrForbidden", err: openentry.ErrForbidden, status: 403, message: "forbidden", wrappedMsg: "outer: inner: forbidden"},
		{name: "ErrNotFound", err: openentry.ErrNotFound, status: 404, message: "not found", wrappedMsg: "outer: inner: not found"},
		{name: "ErrConflict", err: openentry.ErrConflict, status: 409, message: "conflict", wrappedMsg: "outer: inner: conflict"},
		{name: "ErrTooManyRequests", err: openentry.ErrTooManyRequests, status: 429, message: "too many requests", wrappedMsg: "outer: inner: too many requests"},
		{name: "ErrUpstream", err: openentry.ErrUpstream, status: 502, message: "Bad Gateway"},
		{name: "ValidationError", err: openentry.Invalid("name is required"), status: 400, message: "name is required"},
		{name: "ValidationError with fields", err: &openentry.ValidationError{Fields: map[string]string{"b": "bad", "a": "worse"}},
			status: 400, message: "a: worse; b: bad"},
		{name: "RateLimitError", err: &openentry.RateLimitError{Message: "slow down", RetryAfter: 1500 * time.Millisecond},
			status: 429, message: "slow down", retryAfter: "2"},
		{name: "Error NotFound", err: openentry.NotFound("Order 7 not found"), status: 404, message: "Order 7 not found"},
		{name: "Error Unauthorized", err: openentry.Unauthorized("Session is closed"), status: 401, message: "Session is closed"},
		{name: "Error Forbidden", err: openentry.Forbidden("User is archived"), status: 403, message: "User is archived"},
		{name: "Error Invalid", err: &openentry.Error{Code: openentry.ErrInvalid, Message: "bad"}, status: 400, message: "bad"},
		{name: "Error Conflict", err: &openentry.Error{Code: openentry.ErrConflict, Message: "Order 7 is already paid"}, status: 409, message: "Order 7 is already paid"},
		{name: "Error TooManyRequests", err: &openentry.Error{Code: openentry.ErrTooManyRequests, Message: "later"}, status: 429, message: "later"},
		{name: "Error Upstream", err: &openentry.Error{Code: openentry.ErrUpstream, Message: "The payment provider could not be reached: try again",
			Cause: errors.New("dial tcp: secret-cause")}, status: 502, message: "The payment provider could not be reached: try again"},
		{name: "body too large", err: errBodyTooLarge, status: 413, message: "request body is larger than 1 MiB"},
		{name: "client gone", err: context.Canceled, status: 499, message: "Client closed request"},
		{name: "unknown", err: errors.New("driver: secret-cause"), status: 500, message: "Internal server error"},
	}
	now := time.Date(2026, 12, 1, 20, 15, 29, 254e6, time.UTC)
	for _, tc := range cases {
		for _, wrapped := range []bool{false, true} {
			name := tc.name
			err, want := tc.err, tc.message
			if wrapped {
				name += " wrapped twice"
				err = fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", tc.err))
				if tc.wrappedMsg != "" {
					want = tc.wrappedMsg
				}
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var logs bytes.Buffer
				logger := slog.New(slog.NewJSONHandler(&logs, nil))
				r := httptest.NewRequest(http.MethodGet, "/api/content/users/me/fcm-token/device-secret-123", nil)
				r.Pattern = "GET /api/content/users/me/fcm-token/{token}"
				r = r.WithContext(context.WithValue(r.Context(), clockKey{}, func() time.Time { return now }))
				w := httptest.NewRecorder()
				writeError(w, r, logger, err)

				if w.Code != tc.status {
					t.Errorf("status: got %d, want %d", w.Code, tc.status)
				}
				var body map[string]any
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
					t.Fatalf("body %q: %v", w.Body, err)
				}
				text := http.StatusText(tc.status)
				if text == "" {
					text = "Error"
				}
				wantBody := map[string]any{"statusCode": float64(tc.status), "message": want, "error": text,
					"pageData": nil, "timestamp": "2026-12-01T20:15:29.254Z"}
				if fmt.Sprint(body) != fmt.Sprint(wantBody) {
					t.Errorf("body:\ngot  %v\nwant %v", body, wantBody)
				}
				if got := w.Header().Get("Retry-After"); got != tc.retryAfter {
					t.Errorf("Retry-After: got %q, want %q", got, tc.retryAfter)
				}
				if strings.Contains(w.Body.String(), "secret-cause") {
					t.Errorf("the answer shows the cause of a 5xx: %s", w.Body)
				}
				if tc.status >= 500 {
					if !strings.Contains(logs.String(), `"route":"GET /api/content/users/me/fcm-token/{token}"`) {
						t.Errorf("the error log names no route pattern: %s", logs.String())
					}
					cause := "secret-cause"
					if errors.Is(tc.err, openentry.ErrUpstream) && tc.name == "ErrUpstream" {
						cause = "upstream service failed"
					}
					if !strings.Contains(logs.String(), cause) {
						t.Errorf("the error log lacks the cause %q: %s", cause, logs.String())
					}
				}
				if strings.Contains(logs.String(), "device-secret-123") {
					t.Errorf("the log shows the request path: %s", logs.String())
				}
			})
		}
	}
}

// TestRecovererLogsRoute: a panic's log line names the route, never the path.
func TestRecovererLogsRoute(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom/{token}", func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := withClock(time.Now)(recoverer(logger)(mux))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/boom/device-secret-123", nil))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status: got %d, want 500", w.Code)
	}
	if !strings.Contains(logs.String(), `"route":"GET /boom/{token}"`) || strings.Contains(logs.String(), "device-secret-123") {
		t.Errorf("panic log: got %s, want the route pattern and not the path", logs.String())
	}
}
