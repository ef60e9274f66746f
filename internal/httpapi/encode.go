package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/openentry/openentry"
)

// maxBodyBytes bounds every request body; larger bodies get 413.
const maxBodyBytes = 1 << 20

var errBodyTooLarge = errors.New("request body is larger than 1 MiB")

// decode reads a JSON body into T. An empty body decodes to T's zero value:
// the JS SDK sends Content-Type: application/json even with no body. Unknown
// fields are allowed, because SDKs send more than we read. A body with
// invalid UTF-8 or a NUL anywhere is refused whole (checkBody), read or not.
func decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return v, errBodyTooLarge
		}
		return v, badRequest("could not read the request body")
	}
	if len(body) == 0 {
		return v, nil
	}
	if err := checkBody(body); err != nil {
		return v, err
	}
	if err := json.Unmarshal(body, &v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return v, badRequest("body field " + typeErr.Field + " has the wrong type")
		}
		return v, badRequest("malformed JSON body")
	}
	return v, nil
}

// encode writes v as JSON with the given status.
func encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if b, ok := v.(encoded); ok {
		_, _ = w.Write(append(b, '\n'))
		return
	}
	_ = json.NewEncoder(w).Encode(v) // the client is gone if this fails; nothing to do
}

// encoded is an answer already written as compact JSON by encoding/json
// (as the products' renders are): encode sends it as it is, where
// encoding/json would scan and compact every byte of it again.
type encoded []byte

// encodedList is OneEntry's {items, total} of encoded items.
func encodedList(items []json.RawMessage, total int64) encoded {
	n := 32
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"items":[`...)
	b = appendJoined(b, items)
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, total, 10)
	return append(b, '}')
}

// encodedArray is a JSON array of encoded items.
func encodedArray(items []json.RawMessage) encoded {
	return append(appendJoined(append(make([]byte, 0, 64), '['), items), ']')
}

func appendJoined(b []byte, items []json.RawMessage) []byte {
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return b
}

// handle adapts fn to an http.Handler: a result is encoded with status, an
// error goes through writeError. POSTs answer 201 on OneEntry, reads 200.
func handle[T any](logger *slog.Logger, status int, fn func(w http.ResponseWriter, r *http.Request) (T, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(w, r)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		encode(w, status, v)
	})
}

// userHandler serves a signed-in user, who comes as an argument. It is not
// an http.Handler: the only way to serve it is behind requireUser, so no
// route can reach it without a user.
type userHandler func(w http.ResponseWriter, r *http.Request, p openentry.Principal)

// handleUser is handle for routes behind requireUser.
func handleUser[T any](logger *slog.Logger, status int, fn func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (T, error)) userHandler {
	return func(w http.ResponseWriter, r *http.Request, p openentry.Principal) {
		v, err := fn(w, r, p)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		encode(w, status, v)
	}
}
