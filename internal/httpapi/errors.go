package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/openentry/openentry"
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
	status, message := http.StatusInternalServerError, "Internal server error"
	cause := err
	var (
		verr *openentry.ValidationError
		oerr *openentry.Error
		rerr *openentry.RateLimitError
	)
	switch {
	case errors.Is(err, errBodyTooLarge):
		status, message = http.StatusRequestEntityTooLarge, errBodyTooLarge.Error()
	case errors.As(err, &verr):
		status, message = http.StatusBadRequest, verr.Error()
	case errors.As(err, &rerr):
		status, message = http.StatusTooManyRequests, rerr.Message
		// Retry-After is in whole seconds, rounded up so a client never retries too early.
		w.Header().Set("Retry-After", strconv.FormatInt(int64((rerr.RetryAfter+time.Second-1)/time.Second), 10))
	case errors.As(err, &oerr) && sentinelStatus(oerr.Code) != 0:
		status, message, cause = sentinelStatus(oerr.Code), oerr.Message, oerr.Cause
	case errors.Is(err, context.Canceled):
		status, message = 499, "Client closed request" // nginx's code; the client is gone anyway
	case sentinelStatus(err) != 0:
		// A bare sentinel wrapped with context: the context is ours, not a
		// secret, but a 5xx still says nothing of its cause.
		status, message = sentinelStatus(err), err.Error()
		if status >= 500 {
			message = http.StatusText(status)
		}
	}
	if status >= 500 {
		logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "route", route(r), "status", status, "err", cause)
	}
	writeErrorStatus(w, r, status, message)
}

// sentinelStatus is the status of the root sentinel err is or wraps; 0 for none.
func sentinelStatus(err error) int {
	switch {
	case errors.Is(err, openentry.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, openentry.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, openentry.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, openentry.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, openentry.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, openentry.ErrTooManyRequests):
		return http.StatusTooManyRequests
	case errors.Is(err, openentry.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, openentry.ErrUpstream):
		return http.StatusBadGateway
	}
	return 0
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
