// Package apierror maps the domain's errors to HTTP statuses and
// client-facing messages, once for both APIs (content and admin).
package apierror

import (
	"context"
	"errors"
	"net/http"

	"github.com/openentry/openentry"
)

// Classified is what an error means to an HTTP client.
type Classified struct {
	Status     int
	Message    string // for the client; a 5xx says nothing of its cause
	Cause      error  // for the server's log
	RateLimit  *openentry.RateLimitError
	ServerSide bool // a 5xx: log it
}

// Classify follows wrapped errors to the status and message they stand for.
func Classify(err error) Classified {
	c := Classified{Status: http.StatusInternalServerError, Message: "Internal server error", Cause: err}
	var (
		verr *openentry.ValidationError
		oerr *openentry.Error
		rerr *openentry.RateLimitError
	)
	switch {
	case errors.As(err, &verr):
		c.Status, c.Message = http.StatusBadRequest, verr.Error()
	case errors.As(err, &rerr):
		c.Status, c.Message, c.RateLimit = http.StatusTooManyRequests, rerr.Message, rerr
	case errors.As(err, &oerr) && SentinelStatus(oerr.Code) != 0:
		c.Status, c.Message, c.Cause = SentinelStatus(oerr.Code), oerr.Message, oerr.Cause
	case errors.Is(err, context.Canceled):
		c.Status, c.Message = 499, "Client closed request" // nginx's code; the client is gone anyway
	case SentinelStatus(err) != 0:
		// A bare sentinel wrapped with context: the context is ours, not a
		// secret, but a 5xx still says nothing of its cause.
		c.Status, c.Message = SentinelStatus(err), err.Error()
		if c.Status >= 500 {
			c.Message = http.StatusText(c.Status)
		}
	}
	c.ServerSide = c.Status >= 500
	return c
}

// SentinelStatus is the status of the root sentinel err is or wraps; 0 for none.
func SentinelStatus(err error) int {
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
