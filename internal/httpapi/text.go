package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text the API stores or looks up must be storable by both databases:
// PostgreSQL refuses invalid UTF-8 and NUL in text (SQLSTATE 22021), and
// SQLite would store them and later answer JSON that is not UTF-8. So it is
// checked once, here at the edge, and refused with 400 before anything runs.

// textRule ends every message about such text.
const textRule = "must be valid UTF-8 without NUL characters"

// validText reports whether s is valid UTF-8 without NUL.
func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// validJSONText reports whether raw JSON is valid UTF-8 with no NUL, neither
// a raw byte nor the escape \u0000 (which decodes to one).
func validJSONText(raw []byte) bool {
	return utf8.Valid(raw) && bytes.IndexByte(raw, 0) < 0 && !hasNULEscape(raw)
}

// hasNULEscape reports whether raw holds the JSON escape \u0000. Escapes are
// skipped whole, so an escaped backslash followed by "u0000" is plain text.
func hasNULEscape(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+6 <= len(raw) && raw[i+1] == 'u' && string(raw[i+2:i+6]) == "0000" {
			return true
		}
		i++ // the escaped character
	}
	return false
}

// checkText refuses, with 400, a request whose decoded path or any query
// parameter (name or value) is not valid text, before any handler sees it:
// path values are markers and tokens the store looks up. It passes r on
// unchanged, so the route pattern the mux sets reaches the access log.
func checkText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if adminPath(r.URL.Path) {
			next.ServeHTTP(w, r) // the admin side checks its own, in its own error shape
			return
		}
		if !validText(r.URL.Path) {
			writeErrorStatus(w, r, http.StatusBadRequest, "path "+textRule)
			return
		}
		if name, ok := badQueryParam(r.URL.RawQuery); ok {
			writeErrorStatus(w, r, http.StatusBadRequest, fmt.Sprintf("query parameter %q %s", name, textRule))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// badQueryParam returns the name of the first query parameter whose decoded
// name or value is not valid text. It splits the query as url.ParseQuery
// does, in order, so the answer does not depend on map iteration; pairs
// ParseQuery drops (bad escapes, semicolons) reach no handler and are skipped.
func badQueryParam(query string) (string, bool) {
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if strings.Contains(pair, ";") {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		if err1 != nil || err2 != nil {
			continue
		}
		if !validText(name) || !validText(value) {
			return name, true
		}
	}
	return "", false
}

// checkBody returns a 400 error when a raw JSON body holds invalid UTF-8 or
// a NUL. It must see the raw bytes: encoding/json silently turns invalid
// UTF-8 into U+FFFD, and json.RawMessage fields keep the bytes as they are.
func checkBody(body []byte) error {
	if validJSONText(body) {
		return nil
	}
	path, found := badField(body)
	switch {
	case found && path != "":
		return badRequest(fmt.Sprintf("body field %q %s", path, textRule))
	case !found && !json.Valid(maskNUL(body)):
		return badRequest("malformed JSON body")
	}
	return badRequest("request body " + textRule)
}

// maskNUL copies raw with each NUL byte replaced by 0xFF, which is as bad
// for a database but which encoding/json's scanner accepts inside strings,
// so that the walk can reach the string holding it. Offsets do not change.
func maskNUL(raw []byte) []byte {
	if bytes.IndexByte(raw, 0) < 0 {
		return raw
	}
	out := bytes.Clone(raw)
	for i, c := range out {
		if c == 0 {
			out[i] = 0xFF
		}
	}
	return out
}

// jsonFrame is one open object or array on the walk's stack.
type jsonFrame struct {
	array     bool
	index     int    // in an array: index of the current element, -1 before the first
	key       string // in an object: the current key
	expectKey bool   // in an object: the next token is a key
}

// badField walks raw JSON and returns the path of the first string, key or
// value, that is not valid text, e.g. "formData.en_US[0].value". A bad key
// names itself, as sent: "a.b\xff". found is true with an empty path when the
// whole body is such a string, and false when no string is to blame or the
// JSON is malformed before one is reached.
func badField(raw []byte) (path string, found bool) {
	masked := maskNUL(raw)
	dec := json.NewDecoder(bytes.NewReader(masked))
	dec.UseNumber() // any number will do; don't fail on ones a float64 cannot hold
	var stack []jsonFrame
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "", false // io.EOF: every string is fine; anything else: malformed
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				if top != nil && top.array {
					top.index++
				}
				stack = append(stack, jsonFrame{array: tok == '[', index: -1, expectKey: tok == '{'})
			case '}', ']':
				stack = stack[:len(stack)-1]
				valueDone(stack)
			}
		case string:
			// Between tokens there is only white space, ':' and ',', so the
			// string's opening quote is the first one since the last token.
			end := dec.InputOffset()
			start := before + int64(bytes.IndexByte(masked[before:end], '"'))
			isKey := top != nil && !top.array && top.expectKey
			switch {
			case isKey:
				top.key, top.expectKey = tok, false
			case top != nil && top.array:
				top.index++
			}
			if !validJSONText(raw[start:end]) {
				if isKey {
					top.key = string(raw[start+1 : end-1]) // the decoded key hides the bad bytes
				}
				return jsonPath(stack), true
			}
			if !isKey {
				valueDone(stack)
			}
		default: // number, bool, null
			if top != nil && top.array {
				top.index++
			}
			valueDone(stack)
		}
	}
}

// valueDone records that the innermost open object got its member's value.
func valueDone(stack []jsonFrame) {
	if n := len(stack); n > 0 && !stack[n-1].array {
		stack[n-1].expectKey = true
	}
}

// jsonPath renders the walk's position: keys joined by dots, indexes in brackets.
func jsonPath(stack []jsonFrame) string {
	var b strings.Builder
	for _, f := range stack {
		if f.array {
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(f.key)
	}
	return b.String()
}
