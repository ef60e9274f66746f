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

// sentinels pairs each root sentinel with its status, in the order they
// are tested (an error may wrap more than one).
var sentinels = []struct {
	err    error
	status int
}{
	{openentry.ErrInvalid, http.StatusBadRequest},
	{openentry.ErrUnauthorized, http.StatusUnauthorized},
	{openentry.ErrForbidden, http.StatusForbidden},
	{openentry.ErrNotFound, http.StatusNotFound},
	{openentry.ErrConflict, http.StatusConflict},
	{openentry.ErrTooManyRequests, http.StatusTooManyRequests},
	{openentry.ErrTooLarge, http.StatusRequestEntityTooLarge},
	{openentry.ErrUpstream, http.StatusBadGateway},
}

// SentinelStatus is the status of the root sentinel err is or wraps; 0 for none.
func SentinelStatus(err error) int {
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.status
		}
	}
	return 0
}

// FromStatus is the domain error an HTTP answer's status and message stand
// for (the inverse of Classify), or nil for a status no sentinel has.
func FromStatus(status int, message string) error {
	for _, s := range sentinels {
		if s.status == status {
			return &openentry.Error{Code: s.err, Message: message}
		}
	}
	return nil
}
