package oneentry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Decimal is an exact decimal amount as sent on the wire (e.g. "340", "4061.55",
// "340.00"). OneEntry sends money sometimes as a JSON number and sometimes as a
// string (order totalSum), so Decimal accepts both and keeps the digits
// verbatim; it never goes through float64. The empty Decimal means absent/null.
type Decimal string

// String returns the digits as received.
func (d Decimal) String() string { return string(d) }

// UnmarshalJSON accepts a JSON number, a numeric string, "" or null.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("oneentry: decimal: %w", err)
		}
		s = strings.TrimSpace(s)
		if s != "" && !isJSONNumber(s) {
			return fmt.Errorf("oneentry: decimal: %q is not a number", s)
		}
		*d = Decimal(s)
		return nil
	}
	if !isJSONNumber(string(b)) {
		return fmt.Errorf("oneentry: decimal: %s is not a number", b)
	}
	*d = Decimal(b)
	return nil
}

// MarshalJSON writes a JSON number (null when empty), the form requests use.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	if !isJSONNumber(string(d)) {
		return nil, fmt.Errorf("oneentry: decimal: %q is not a number", string(d))
	}
	return []byte(d), nil
}

func isJSONNumber(s string) bool {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	return json.Valid([]byte(s))
}

// List is one page of a list endpoint that answers {"items":[...],"total":n}.
type List[T any] struct {
	// Items is this page.
	Items []T `json:"items"`
	// Total counts all items, not just this page.
	Total int64 `json:"total"`
}

// LocalizeInfos holds an entity's texts in the requested language, e.g.
// {"title":"Cash"}. It is a map because the keys differ per entity (forms add
// successMessage, products htmlContent, ...).
type LocalizeInfos map[string]any

// Title returns the "title" text, or "" if absent.
func (l LocalizeInfos) Title() string {
	s, _ := l["title"].(string)
	return s
}

// FormField is one form value, as in formData and in requests that carry it.
type FormField struct {
	// Marker names the form attribute, e.g. "name".
	Marker string `json:"marker"`
	// Type is the attribute type, e.g. "string", "integer", "date".
	Type string `json:"type"`
	// Value is a string, json.Number, object or array depending on Type.
	Value any `json:"value"`
}

// FormData is a list of form values. The server stores it per locale
// ({"en_US":[...]}) and may send it either way; responses are flattened to the
// client's language, and a map with a single locale is taken as is.
type FormData []FormField

// UnmarshalJSON accepts an array, a locale map or a single field object.
func (f *FormData) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = nil
		return nil
	}
	if b[0] != '{' {
		var fields []FormField
		if err := decodeJSON(b, &fields); err != nil {
			return fmt.Errorf("oneentry: formData: %w", err)
		}
		*f = fields
		return nil
	}
	var m map[string]json.RawMessage
	if err := decodeJSON(b, &m); err != nil {
		return fmt.Errorf("oneentry: formData: %w", err)
	}
	if _, ok := m["marker"]; ok { // one field, which the JS SDK would wrap
		var one FormField
		if err := decodeJSON(b, &one); err != nil {
			return fmt.Errorf("oneentry: formData: %w", err)
		}
		*f = FormData{one}
		return nil
	}
	switch len(m) {
	case 0:
		*f = FormData{}
		return nil
	case 1:
		for _, raw := range m {
			return f.UnmarshalJSON(raw)
		}
	}
	locales := slices.Sorted(maps.Keys(m))
	return fmt.Errorf("oneentry: formData holds locales %s but none is the client's language", strings.Join(locales, ", "))
}

// decodeJSON decodes with UseNumber, so numbers inside `any` stay exact
// (json.Number, never float64).
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// normalize mirrors the JS SDK's _normalizeData: any object that has a key equal
// to a wanted language is replaced by that key's value, so
// {"localizeInfos":{"en_US":{"title":"Box"}}} reads as {"localizeInfos":{"title":"Box"}}.
// langs are tried in order (the requested langCode, then the client's). The
// body is returned untouched when nothing matches or it is not JSON.
func normalize(body []byte, langs ...string) []byte {
	var wanted []string
	for _, l := range langs {
		if l != "" && !slices.Contains(wanted, l) && bytes.Contains(body, []byte(`"`+l+`"`)) {
			wanted = append(wanted, l)
		}
	}
	if len(wanted) == 0 {
		return body
	}
	var v any
	if decodeJSON(body, &v) != nil {
		return body
	}
	changed := false
	v = collapse(v, wanted, &changed)
	if !changed {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

func collapse(v any, langs []string, changed *bool) any {
	switch x := v.(type) {
	case map[string]any:
		for _, l := range langs {
			if inner, ok := x[l]; ok {
				*changed = true
				return collapse(inner, langs, changed)
			}
		}
		for k, e := range x {
			x[k] = collapse(e, langs, changed)
		}
	case []any:
		for i, e := range x {
			x[i] = collapse(e, langs, changed)
		}
	}
	return v
}
