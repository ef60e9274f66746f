package openentry

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Form is a OneEntry form: registration forms, order forms and so on.
type Form struct {
	ID             int64
	Identifier     string
	Type           string // "order", "sing_in_up" (sic), "data", …
	LocalizeInfos  Localized
	Version        int64
	Position       int64
	ProcessingType string
	Attributes     []FormAttribute
	EntryStatuses  []string  // statuses a sender may give an entry; the first is the default
	EntriesPublic  bool      // anyone may list its entries
	SuccessMessage Localized // postFormsData's actionMessage
}

// FormAttribute is one field of a form.
type FormAttribute struct {
	Marker              string    `json:"marker"`
	Type                string    `json:"type"`
	Position            int64     `json:"position"`
	IsRequired          bool      `json:"isRequired,omitempty"`
	IsLogin             bool      `json:"isLogin,omitempty"`
	IsPassword          bool      `json:"isPassword,omitempty"`
	IsNotificationEmail bool      `json:"isNotificationEmail,omitempty"`
	LocalizeInfos       Localized `json:"localizeInfos"`
}

// FormField is one submitted value: {"marker":"name","type":"string","value":"…"}.
// Value is kept as raw JSON so that what a client sent is stored unchanged.
type FormField struct {
	Marker string          `json:"marker"`
	Type   string          `json:"type"`
	Value  json.RawMessage `json:"value"`
}

// FormData is submitted form data per locale, OneEntry's stored shape:
// {"en_US": [{"marker":"name",…}]}.
type FormData map[string][]FormField

// LoginAttribute is the attribute that holds a user's login, if any.
func (f *Form) LoginAttribute() *FormAttribute {
	for i := range f.Attributes {
		if f.Attributes[i].IsLogin {
			return &f.Attributes[i]
		}
	}
	return nil
}

// PasswordAttribute is the attribute that holds a user's password, if any.
func (f *Form) PasswordAttribute() *FormAttribute {
	for i := range f.Attributes {
		if f.Attributes[i].IsPassword {
			return &f.Attributes[i]
		}
	}
	return nil
}

// CheckData validates submitted fields against the form: every marker must be
// one of the form's attributes, values must suit their type, and required
// attributes must be present and non-empty. It returns the fields to store,
// each one's type taken from the form. The login and notification-email
// attributes may come along and are kept (shops repeat them in formData and
// read them back); a password attribute is dropped, never stored.
func (f *Form) CheckData(fields []FormField) ([]FormField, error) {
	byMarker := make(map[string]FormAttribute, len(f.Attributes))
	for _, a := range f.Attributes {
		byMarker[a.Marker] = a
	}
	out := make([]FormField, 0, len(fields))
	seen := make(map[string]bool, len(fields))
	for _, field := range fields {
		if field.Marker == "" {
			return nil, Invalid("formData: every field needs a marker")
		}
		attr, ok := byMarker[field.Marker]
		if !ok {
			return nil, Invalid(fmt.Sprintf("formData: form %q has no attribute %q", f.Identifier, field.Marker))
		}
		if seen[field.Marker] {
			return nil, Invalid(fmt.Sprintf("formData: attribute %q is given twice", field.Marker))
		}
		seen[field.Marker] = true
		if attr.IsPassword {
			continue
		}
		if err := checkValue(attr, field.Value); err != nil {
			return nil, err
		}
		field.Type = attr.Type
		out = append(out, field)
	}
	var missing []string
	for _, a := range f.Attributes {
		if !a.IsRequired || a.IsLogin || a.IsPassword {
			continue
		}
		if !seen[a.Marker] || isEmptyValue(valueOf(out, a.Marker)) {
			missing = append(missing, a.Marker)
		}
	}
	if len(missing) > 0 {
		return nil, Invalid("required values are missing or incorrect: " + strings.Join(missing, ", "))
	}
	return out, nil
}

// WithRequired returns a copy of the form whose attributes named in markers
// are required too.
func (f *Form) WithRequired(markers []string) *Form {
	if len(markers) == 0 {
		return f
	}
	c := *f
	c.Attributes = slices.Clone(f.Attributes)
	for i := range c.Attributes {
		if slices.Contains(markers, c.Attributes[i].Marker) {
			c.Attributes[i].IsRequired = true
		}
	}
	return &c
}

// CheckFormData checks each locale's fields against the form (see
// CheckData). Data with no locale at all is checked for required fields and
// returned empty.
func (f *Form) CheckFormData(data FormData) (FormData, error) {
	out := make(FormData, len(data))
	for lang, fields := range data {
		checked, err := f.CheckData(fields)
		if err != nil {
			return nil, err
		}
		out[lang] = checked
	}
	if len(out) == 0 {
		if _, err := f.CheckData(nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func valueOf(fields []FormField, marker string) json.RawMessage {
	for _, f := range fields {
		if f.Marker == marker {
			return f.Value
		}
	}
	return nil
}

func isEmptyValue(v json.RawMessage) bool {
	s := strings.TrimSpace(string(v))
	return s == "" || s == "null" || s == `""` || s == "[]" || s == "{}"
}

// textParts reads a text value as OneEntry's editors and the shop template
// send it, [{"plainValue": "…", "htmlValue": "…", "mdValue": "…"}], and
// returns its strings; ok is false for any other shape.
func textParts(v json.RawMessage) (parts []string, ok bool) {
	var blocks []map[string]json.RawMessage
	if json.Unmarshal(v, &blocks) != nil || len(blocks) == 0 {
		return nil, false
	}
	for _, b := range blocks {
		if len(b) == 0 {
			return nil, false
		}
		for key, raw := range b {
			var s string
			if (key != "plainValue" && key != "htmlValue" && key != "mdValue") || json.Unmarshal(raw, &s) != nil {
				return nil, false
			}
			parts = append(parts, s)
		}
	}
	return parts, true
}

func checkValue(a FormAttribute, v json.RawMessage) error {
	if isEmptyValue(v) {
		return nil
	}
	switch a.Type {
	case "string", "text", "textarea":
		var s string
		if json.Unmarshal(v, &s) != nil {
			if a.Type == "string" {
				return Invalid(fmt.Sprintf("formData: %q must be a string", a.Marker))
			}
			parts, ok := textParts(v)
			if !ok {
				return Invalid(fmt.Sprintf(`formData: %q must be a string or a text ([{"plainValue": "…"}])`, a.Marker))
			}
			s = strings.Join(parts, "")
		}
		if len(s) > 10000 {
			return Invalid(fmt.Sprintf("formData: %q is longer than 10000 bytes", a.Marker))
		}
	case "integer", "float", "real":
		// OneEntry sends numbers as JSON numbers or numeric strings; either
		// must be a JSON number literal ("NaN", "1_0" are not).
		n := string(v)
		var s string
		if json.Unmarshal(v, &s) == nil {
			n = s
		}
		pattern, want := numberPattern, "a number"
		if a.Type == "integer" {
			pattern, want = integerPattern, "an integer"
		}
		if !pattern.MatchString(n) {
			return Invalid(fmt.Sprintf("formData: %q must be %s", a.Marker, want))
		}
	}
	return nil
}

var (
	integerPattern = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
	numberPattern  = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
)

// FormService reads forms.
type FormService interface {
	// Forms returns a page of forms and the total count.
	Forms(ctx context.Context, page Page) ([]Form, int64, error)
	// Form returns the form with the marker, or ErrNotFound.
	Form(ctx context.Context, marker string) (*Form, error)
}
