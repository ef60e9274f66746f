package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/apierror"
)

// errorBody is OneEntry's error shape; the JS SDK requires a numeric statusCode.
type errorBody struct {
	StatusCode int            `json:"statusCode"`
	Message    string         `json:"message"`
	Error      string         `json:"error"`
	PageData   any            `json:"pageData"`
	Timestamp  openentry.Time `json:"timestamp"`
}

// badRequest is a 400 raised by the HTTP layer itself (query, headers, JSON).
func badRequest(message string) error { return openentry.Invalid(message) }

// writeError is the one place that maps errors to statuses; it follows
// wrapped errors. Messages of domain errors are meant for clients; a 5xx
// says nothing of its cause, which goes to the log with the route pattern
// (never the path: it can carry device tokens).
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	if errors.Is(err, errBodyTooLarge) {
		writeErrorStatus(w, r, http.StatusRequestEntityTooLarge, errBodyTooLarge.Error())
		return
	}
	c := apierror.Classify(err)
	if c.RateLimit != nil {
		// Retry-After is in whole seconds, rounded up so a client never retries too early.
		w.Header().Set("Retry-After", strconv.FormatInt(int64((c.RateLimit.RetryAfter+time.Second-1)/time.Second), 10))
	}
	if c.ServerSide {
		logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "route", route(r), "status", c.Status, "err", c.Cause)
	}
	writeErrorStatus(w, r, c.Status, c.Message)
}

func writeErrorStatus(w http.ResponseWriter, r *http.Request, status int, message string) {
	text := http.StatusText(status)
	if text == "" {
		text = "Error"
	}
	var now time.Time
	if clock, ok := r.Context().Value(clockKey{}).(func() time.Time); ok {
		now = clock()
	}
	encode(w, status, errorBody{StatusCode: status, Message: message, Error: text, Timestamp: openentry.Time(now)})
}
