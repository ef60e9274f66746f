package openentry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// AttributeSet is a named list of typed attributes that products (and
// later blocks, pages and forms) carry values of. OneEntry's
// "attributes-sets".
type AttributeSet struct {
	ID            int64
	Identifier    string
	Type          string // "forProducts", "forPages", …
	LocalizeInfos Localized
	Position      int64
	IsVisible     bool
	Version       int64
	Attributes    []Attribute
	// StockAttribute names the integer attribute that counts a product's
	// units; "" means stock is not tracked.
	StockAttribute string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Attribute is one typed field of an attribute set.
type Attribute struct {
	Marker        string      `json:"marker"`
	Type          string      `json:"type"`
	Position      int64       `json:"position"`
	IsVisible     bool        `json:"isVisible"`
	LocalizeInfos Localized   `json:"localizeInfos"`
	ListTitles    []ListTitle `json:"listTitles,omitempty"`
	Validators    Validators  `json:"validators"`
}

// ListTitle is one option of a list or radioButton attribute.
type ListTitle struct {
	Title    string          `json:"title"`
	Value    json.RawMessage `json:"value"` // a JSON string or number
	Position int64           `json:"position"`
	Extended ListExtended    `json:"extended"`
}

// ListExtended is what an option carries besides its value (a colour, an icon).
type ListExtended struct {
	Value *string `json:"value"`
	Type  *string `json:"type"`
}

// Validators are the checks an attribute's values must pass.
type Validators struct {
	Required  bool        `json:"required,omitempty"`
	Min       json.Number `json:"min,omitempty"`       // numbers: the smallest allowed
	Max       json.Number `json:"max,omitempty"`       // numbers: the largest allowed
	MaxLength int         `json:"maxLength,omitempty"` // strings: the most characters (not bytes)
	Pattern   string      `json:"pattern,omitempty"`   // strings: a Go regexp the whole value must match
}

// IsAttributeType reports whether t is an attribute type the SDK
// (oneentry 1.0.149, AttributeType) declares, or json.
func IsAttributeType(t string) bool {
	switch t {
	case "string", "text", "textWithHeader", "integer", "real", "float", "dateTime", "date", "time", "file", "image",
		"groupOfImages", "radioButton", "list", "button", "spam", "entity", "timeInterval", "json":
		return true
	}
	return false
}

// AttributeValues are an object's values per locale: locale → marker → value.
type AttributeValues map[string]map[string]json.RawMessage

// Attribute returns the set's attribute with marker, or nil.
func (s *AttributeSet) Attribute(marker string) *Attribute {
	for i := range s.Attributes {
		if s.Attributes[i].Marker == marker {
			return &s.Attributes[i]
		}
	}
	return nil
}

// CheckValues validates values of every locale against the set: markers
// must be the set's, values must suit their types and validators, and
// required attributes must have a value in every locale given.
func (s *AttributeSet) CheckValues(values AttributeValues) error {
	for lang, byMarker := range values {
		for marker, v := range byMarker {
			a := s.Attribute(marker)
			if a == nil {
				return Invalid(fmt.Sprintf("attributeValues.%s: set %q has no attribute %q", lang, s.Identifier, marker))
			}
			if err := a.CheckValue(v); err != nil {
				return Invalid(fmt.Sprintf("attributeValues.%s.%s: %v", lang, marker, err))
			}
		}
		for _, a := range s.Attributes {
			if a.Validators.Required && isEmptyValue(byMarker[a.Marker]) {
				return Invalid(fmt.Sprintf("attributeValues.%s.%s: a value is required", lang, a.Marker))
			}
		}
	}
	return nil
}

// CheckValue validates one value against the attribute's type and validators.
func (a *Attribute) CheckValue(v json.RawMessage) error {
	if isEmptyValue(v) {
		return nil
	}
	if !json.Valid(v) {
		return fmt.Errorf("not JSON")
	}
	switch a.Type {
	case "string":
		var s string
		if json.Unmarshal(v, &s) != nil {
			return fmt.Errorf("must be a string")
		}
		return a.checkString(s)
	case "date", "dateTime", "time":
		// A string, or OneEntry's own {fullDate, formattedValue, formatString}.
		var s string
		if json.Unmarshal(v, &s) == nil {
			return a.checkString(s)
		}
		var d struct {
			FullDate *string `json:"fullDate"`
		}
		if json.Unmarshal(v, &d) != nil || d.FullDate == nil {
			return fmt.Errorf("must be a string or {fullDate, formattedValue, formatString}")
		}
		return a.checkString(*d.FullDate)
	case "text", "textWithHeader":
		var s string
		if json.Unmarshal(v, &s) == nil {
			return a.checkString(s)
		}
		type part struct {
			HTMLValue  *string `json:"htmlValue"`
			PlainValue *string `json:"plainValue"`
		}
		var parts []part
		if json.Unmarshal(v, &parts) != nil {
			var one part // one block, as OneEntry's formData sends it
			if t := bytes.TrimSpace(v); t[0] != '{' || json.Unmarshal(v, &one) != nil {
				return fmt.Errorf("must be a string, a {htmlValue, plainValue} or a list of them")
			}
		}
	case "integer", "real", "float":
		return a.checkNumber(v)
	case "radioButton":
		// One choice: an option's value or {value, …}, never a list.
		if t := bytes.TrimSpace(v); t[0] == '[' {
			return fmt.Errorf("must be one option, not a list")
		}
		return a.checkOption(v)
	case "list":
		return a.checkOption(v)
	case "image", "groupOfImages", "file":
		if t := bytes.TrimSpace(v); t[0] != '{' && t[0] != '[' {
			return fmt.Errorf("must be a file object or a list of them")
		}
	}
	return nil
}

func (a *Attribute) checkString(s string) error {
	if n := a.Validators.MaxLength; n > 0 && utf8.RuneCountInString(s) > n {
		return fmt.Errorf("is longer than %d characters", n)
	}
	if a.Validators.Pattern != "" {
		re, err := regexp.Compile("^(?:" + a.Validators.Pattern + ")$")
		if err != nil {
			return fmt.Errorf("the attribute's pattern does not compile: %v", err)
		}
		if !re.MatchString(s) {
			return fmt.Errorf("does not match %s", a.Validators.Pattern)
		}
	}
	return nil
}

// checkNumber reads a JSON number (or a numeric string, as OneEntry sends
// them) exactly, and checks it against the type and the bounds.
func (a *Attribute) checkNumber(v json.RawMessage) error {
	n := strings.TrimSpace(string(v))
	var s string
	if json.Unmarshal(v, &s) == nil {
		n = s
	}
	pattern, want := numberPattern, "a number"
	if a.Type == "integer" {
		pattern, want = integerPattern, "an integer"
	}
	if !pattern.MatchString(n) {
		return fmt.Errorf("must be %s", want)
	}
	x, _ := new(big.Rat).SetString(n)
	for _, b := range []struct {
		bound json.Number
		bad   func(c int) bool
		word  string
	}{{a.Validators.Min, func(c int) bool { return c < 0 }, "at least"}, {a.Validators.Max, func(c int) bool { return c > 0 }, "at most"}} {
		if b.bound == "" {
			continue
		}
		y, ok := new(big.Rat).SetString(string(b.bound))
		if ok && b.bad(x.Cmp(y)) {
			return fmt.Errorf("must be %s %s", b.word, b.bound)
		}
	}
	return nil
}

// checkOption accepts a list value as an option's value, an object with
// one (OneEntry's {value, title}), or a list of either.
func (a *Attribute) checkOption(v json.RawMessage) error {
	var many []json.RawMessage
	if json.Unmarshal(v, &many) == nil {
		for _, one := range many {
			if err := a.checkOption(one); err != nil {
				return err
			}
		}
		return nil
	}
	var obj struct {
		Value json.RawMessage `json:"value"`
	}
	if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '{' {
		if json.Unmarshal(v, &obj) != nil || obj.Value == nil {
			return fmt.Errorf("must name one of the options")
		}
		v = obj.Value
	}
	for _, lt := range a.ListTitles {
		if sameScalar(lt.Value, v) {
			return nil
		}
	}
	return fmt.Errorf("%s is not one of the options", bytes.TrimSpace(v))
}

// sameScalar compares two JSON strings or numbers by value ("1" and 1 differ).
func sameScalar(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return fmt.Sprintf("%T:%v", x, x) == fmt.Sprintf("%T:%v", y, y)
}

// ProductStatus is a status a product can be in ("in_stock", "sold_out"…).
type ProductStatus struct {
	ID            int64
	Identifier    string
	LocalizeInfos Localized
	Position      int64
	IsDefault     bool
	// Purchasable is false for a status whose products cannot be ordered.
	Purchasable bool
	Version     int64 // the precondition of admin writes
}
