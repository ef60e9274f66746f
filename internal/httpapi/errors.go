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

// writeError is the one place that maps errors to statuses. Messages of
// domain errors are meant for clients; a 5xx says nothing of its cause.
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status, message := http.StatusInternalServerError, "Internal server error"
	var (
		verr *openentry.ValidationError
		oerr *openentry.Error
		rerr *openentry.RateLimitError
	)
	switch {
	case errors.Is(err, errBodyTooLarge):
		status, message = http.StatusRequestEntityTooLarge, err.Error()
	case errors.As(err, &verr):
		status, message = http.StatusBadRequest, verr.Error()
	case errors.As(err, &rerr):
		status, message = http.StatusTooManyRequests, rerr.Message
		// Retry-After is in whole seconds, rounded up so a client never retries too early.
		w.Header().Set("Retry-After", strconv.FormatInt(int64((rerr.RetryAfter+time.Second-1)/time.Second), 10))
	case errors.As(err, &oerr) && codeStatus(oerr.Code) != 0:
		status, message = codeStatus(oerr.Code), oerr.Message
		if status >= 500 {
			logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", oerr.Cause)
		}
	case errors.Is(err, context.Canceled):
		status, message = 499, "Client closed request" // nginx's code; the client is gone anyway
	default:
		logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeErrorStatus(w, status, message)
}

func codeStatus(code error) int {
	switch code {
	case openentry.ErrInvalid:
		return http.StatusBadRequest
	case openentry.ErrUnauthorized:
		return http.StatusUnauthorized
	case openentry.ErrForbidden:
		return http.StatusForbidden
	case openentry.ErrNotFound:
		return http.StatusNotFound
	case openentry.ErrConflict:
		return http.StatusConflict
	case openentry.ErrUpstream:
		return http.StatusBadGateway
	}
	return 0
}

func writeErrorStatus(w http.ResponseWriter, status int, message string) {
	text := http.StatusText(status)
	if text == "" {
		text = "Error"
	}
	encode(w, status, errorBody{StatusCode: status, Message: message, Error: text, Timestamp: openentry.Time(time.Now())})
}
