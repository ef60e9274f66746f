package oneentry

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinels for errors.Is. An *Error matches the one for its status code, so
// callers need not compare numbers.
var (
	// ErrBadRequest matches a 400 answer (validation, bad refresh token, ...).
	ErrBadRequest = errors.New("oneentry: bad request")
	// ErrUnauthorized matches a 401 answer (missing or expired user token, wrong credentials).
	ErrUnauthorized = errors.New("oneentry: unauthorized")
	// ErrForbidden matches a 403 answer (bad app token, route not granted).
	ErrForbidden = errors.New("oneentry: forbidden")
	// ErrNotFound matches a 404 answer.
	ErrNotFound = errors.New("oneentry: not found")
	// ErrConflict matches a 409 answer.
	ErrConflict = errors.New("oneentry: conflict")
	// ErrTooManyRequests matches a 429 answer (codes re-requested too soon, too many wrong codes).
	ErrTooManyRequests = errors.New("oneentry: too many requests")
)

// Error is a non-2xx answer from the API.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the server's message; an array of messages is joined with "; ".
	Message string
	// Body is the raw response body, for fields this package does not decode.
	Body []byte
	// RetryAfter is how long the server asks to wait before trying again, from
	// the Retry-After header (a 429 when a code is re-requested within 30 s or
	// after too many wrong codes); 0 when the header is absent or unusable.
	RetryAfter time.Duration
}

// Error formats the status and message.
func (e *Error) Error() string {
	s := fmt.Sprintf("oneentry: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes errors.Is(err, ErrNotFound) and the other sentinels work.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrTooManyRequests:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// newError decodes the server's error JSON
// {"statusCode":404,"message":"Order not found","error":"Not Found",...}. The
// body may be anything (a proxy's HTML page), so decoding failures only leave
// Message empty.
func newError(status int, header http.Header, body []byte, now time.Time) *Error {
	e := &Error{StatusCode: status, Body: body, RetryAfter: retryAfter(header.Get("Retry-After"), now)}
	var wire struct {
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(body, &wire) != nil || len(wire.Message) == 0 {
		return e
	}
	var one string
	if json.Unmarshal(wire.Message, &one) == nil {
		e.Message = one
		return e
	}
	// class-validator answers an array of messages.
	var many []string
	if json.Unmarshal(wire.Message, &many) == nil {
		e.Message = strings.Join(many, "; ")
	}
	return e
}

// retryAfter parses a Retry-After value: delay-seconds, or an HTTP date, which
// is measured from now. Anything else, and a time already past, gives 0.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 || secs > int64(math.MaxInt64/time.Second) { // would overflow Duration
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
