package adminapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/apierror"
)

// maxBodyBytes bounds a JSON body; uploads have their own bound.
const maxBodyBytes = 1 << 20

// errorBody is the admin API's error: the Content API's shape without its
// page data.
type errorBody struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	Error      string `json:"error"`
}

func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	c := apierror.Classify(err)
	if c.RateLimit != nil {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((c.RateLimit.RetryAfter+time.Second-1)/time.Second), 10))
	}
	if c.ServerSide {
		logger.ErrorContext(r.Context(), "admin request failed", "method", r.Method, "route", r.Pattern, "status", c.Status, "err", c.Cause)
	}
	writeStatus(w, c.Status, c.Message)
}

func writeStatus(w http.ResponseWriter, status int, message string) {
	text := http.StatusText(status)
	if text == "" {
		text = "Error"
	}
	encode(w, status, errorBody{StatusCode: status, Message: message, Error: text})
}

// decode reads a JSON body into T, refusing unknown fields (the admin API
// has no SDK sending more than it reads: a typo must not pass silently),
// invalid UTF-8 and more than one value.
func decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return v, &openentry.Error{Code: openentry.ErrTooLarge, Message: "request body is larger than 1 MiB"}
		}
		return v, openentry.Invalid("could not read the request body")
	}
	if !utf8.Valid(body) {
		return v, openentry.Invalid("request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return v, openentry.Invalid("body field " + typeErr.Field + " has the wrong type")
		case errors.Is(err, io.EOF):
			return v, openentry.Invalid("a JSON body is required")
		}
		return v, openentry.Invalid("malformed JSON body: " + err.Error())
	}
	if dec.More() {
		return v, openentry.Invalid("malformed JSON body: more than one value")
	}
	return v, nil
}

func encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if status == http.StatusNoContent {
		return
	}
	_ = json.NewEncoder(w).Encode(v) // the client is gone if this fails
}

// list is a page of items with the count of all that match.
type list[T any] struct {
	Items []T   `json:"items"`
	Total int64 `json:"total"`
}

// pageOf reads offset and limit (default 30, at most openentry.MaxPageLimit).
func pageOf(r *http.Request) (openentry.Page, error) {
	p := openentry.Page{Limit: 30}
	for name, dst := range map[string]*int{"offset": &p.Offset, "limit": &p.Limit} {
		s := r.URL.Query().Get(name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return p, openentry.Invalid(name + " must be a whole number ≥ 0")
		}
		*dst = n
	}
	if p.Limit < 1 || p.Limit > openentry.MaxPageLimit {
		return p, openentry.Invalid("limit must be 1 to " + strconv.Itoa(openentry.MaxPageLimit))
	}
	return p, nil
}

// idOf reads a positive id path value.
func idOf(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, openentry.Invalid(name + " must be a positive whole number")
	}
	return n, nil
}

// timeOf reads an optional RFC 3339 time query value.
func timeOf(r *http.Request, name string) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, openentry.Invalid(name + " must be an RFC 3339 time (2026-01-31T00:00:00Z)")
	}
	return t, nil
}
