// Package openentry holds the domain of a self-hosted server that speaks the
// OneEntry Content API: its types, the service interfaces the HTTP layer
// calls, and the errors those services return.
package openentry

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Sentinel errors. Services wrap them with context; the HTTP layer maps them
// to status codes with errors.Is.
var (
	ErrNotFound     = errors.New("not found")
	ErrInvalid      = errors.New("invalid")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	// ErrTooManyRequests is wrapped by *RateLimitError.
	ErrTooManyRequests = errors.New("too many requests")
	// ErrUpstream means a service we depend on (mail server, payment
	// provider) failed or could not be reached.
	ErrUpstream = errors.New("upstream service failed")
	// ErrTooLarge means a request or a file in it is over a size limit.
	ErrTooLarge = errors.New("too large")
	// ErrProviderRefused means a payment provider answered and refused the
	// request (a wrong key, a setting it does not take): the shop's
	// configuration, not the network, needs attention. It wraps ErrUpstream.
	ErrProviderRefused = fmt.Errorf("%w: the payment provider refused the request", ErrUpstream)
)

// RateLimitError refuses a request for a while; RetryAfter is when trying
// again may succeed.
type RateLimitError struct {
	Message    string
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrTooManyRequests) true.
func (e *RateLimitError) Unwrap() error { return ErrTooManyRequests }

// ValidationError reports bad input. Message is what the client sees; Fields
// names the offending inputs when there are several.
type ValidationError struct {
	Message string
	Fields  map[string]string
}

// Invalid returns a *ValidationError with the given message.
func Invalid(message string) *ValidationError { return &ValidationError{Message: message} }

func (e *ValidationError) Error() string {
	if e.Message != "" || len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Error is a domain error whose Message is meant for the client; Code is
// the sentinel it stands for.
type Error struct {
	Code    error
	Message string
	Cause   error // for the server's log only, never shown to the client
}

func (e *Error) Error() string { return e.Message }

// Unwrap makes errors.Is(err, e.Code) true.
func (e *Error) Unwrap() error { return e.Code }

// NotFound returns an ErrNotFound with a client-facing message.
func NotFound(message string) *Error { return &Error{Code: ErrNotFound, Message: message} }

// Unauthorized returns an ErrUnauthorized with a client-facing message.
func Unauthorized(message string) *Error { return &Error{Code: ErrUnauthorized, Message: message} }

// Forbidden returns an ErrForbidden with a client-facing message.
func Forbidden(message string) *Error { return &Error{Code: ErrForbidden, Message: message} }

// Page selects a window of a list.
type Page struct {
	Offset int
	Limit  int
}

// MaxPageLimit caps every list request so that one call cannot read a whole table.
const MaxPageLimit = 100
