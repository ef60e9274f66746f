package oneentry

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
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
func newError(status int, body []byte) *Error {
	e := &Error{StatusCode: status, Body: body}
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
