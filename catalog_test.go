package openentry_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/openentry/openentry"
)

func TestAttributeCheckValue(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	colors := []openentry.ListTitle{
		{Title: "Red", Value: json.RawMessage(`"red"`), Position: 1, Extended: openentry.ListExtended{Value: str("#ff0000"), Type: str("color")}},
		{Title: "One", Value: json.RawMessage(`1`), Position: 2},
	}
	tests := []struct {
		name    string
		attr    openentry.Attribute
		value   string
		wantErr string // "" for a valid value
	}{
		// Empty values are always valid here: Required is CheckValues' business.
		{"empty null", openentry.Attribute{Type: "integer"}, `null`, ""},
		{"empty string", openentry.Attribute{Type: "string", Validators: openentry.Validators{Pattern: "[0-9]+"}}, `""`, ""},
		{"empty list", openentry.Attribute{Type: "list", ListTitles: colors}, `[]`, ""},
		{"not JSON", openentry.Attribute{Type: "string"}, `{"a":`, "not JSON"},

		{"string", openentry.Attribute{Type: "string"}, `"hello"`, ""},
		{"string not a string", openentry.Attribute{Type: "string"}, `12`, "must be a string"},
		{"string maxLength", openentry.Attribute{Type: "string", Validators: openentry.Validators{MaxLength: 5}}, `"hello"`, ""},
		{"string maxLength counts characters", openentry.Attribute{Type: "string", Validators: openentry.Validators{MaxLength: 5}}, `"épées"`, ""},
		{"string too long", openentry.Attribute{Type: "string", Validators: openentry.Validators{MaxLength: 4}}, `"hello"`, "longer than 4 characters"},
		{"string pattern", openentry.Attribute{Type: "string", Validators: openentry.Validators{Pattern: `[A-Z]+-[0-9]+`}}, `"BOX-1"`, ""},
		{"string pattern matches whole", openentry.Attribute{Type: "string", Validators: openentry.Validators{Pattern: `[A-Z]+-[0-9]+`}}, `"xBOX-1"`, "does not match"},
		{"string bad pattern", openentry.Attribute{Type: "string", Validators: openentry.Validators{Pattern: `(`}}, `"x"`, "does not compile"},

		{"text string", openentry.Attribute{Type: "text"}, `"Soft & round"`, ""},
		{"text blocks", openentry.Attribute{Type: "text"}, `[{"htmlValue":"<p>x</p>","plainValue":"x"}]`, ""},
		{"text one block", openentry.Attribute{Type: "text"}, `{"htmlValue":"<p>x</p>","plainValue":"x","params":{}}`, ""},
		{"text maxLength", openentry.Attribute{Type: "text", Validators: openentry.Validators{MaxLength: 3}}, `"four"`, "longer than 3"},
		{"text number", openentry.Attribute{Type: "text"}, `3`, "must be a string"},
		{"textWithHeader", openentry.Attribute{Type: "textWithHeader"}, `[{"header":"H","htmlValue":"x","plainValue":"x"}]`, ""},

		{"integer", openentry.Attribute{Type: "integer"}, `12`, ""},
		{"integer as a string", openentry.Attribute{Type: "integer"}, `"12"`, ""},
		{"integer negative", openentry.Attribute{Type: "integer"}, `-3`, ""},
		{"integer fraction", openentry.Attribute{Type: "integer"}, `1.5`, "must be an integer"},
		{"integer exponent", openentry.Attribute{Type: "integer"}, `1e3`, "must be an integer"},
		{"integer word", openentry.Attribute{Type: "integer"}, `"ten"`, "must be an integer"},
		{"integer bool", openentry.Attribute{Type: "integer"}, `true`, "must be an integer"},
		{"integer min", openentry.Attribute{Type: "integer", Validators: openentry.Validators{Min: "0"}}, `0`, ""},
		{"integer below min", openentry.Attribute{Type: "integer", Validators: openentry.Validators{Min: "0"}}, `-1`, "at least 0"},
		{"integer max", openentry.Attribute{Type: "integer", Validators: openentry.Validators{Max: "10"}}, `10`, ""},
		{"integer above max", openentry.Attribute{Type: "integer", Validators: openentry.Validators{Max: "10"}}, `11`, "at most 10"},
		{"float", openentry.Attribute{Type: "float"}, `19.99`, ""},
		{"float exponent", openentry.Attribute{Type: "float"}, `1.5e2`, ""},
		{"float as a string", openentry.Attribute{Type: "float"}, `"340.00"`, ""},
		{"float exact bound", openentry.Attribute{Type: "float", Validators: openentry.Validators{Max: "0.3"}}, `0.30`, ""},
		{"float just above bound", openentry.Attribute{Type: "float", Validators: openentry.Validators{Max: "0.3"}}, `0.3000000000000000001`, "at most 0.3"},
		{"float leading zero", openentry.Attribute{Type: "float"}, `"012"`, "must be a number"},
		{"float not JSON", openentry.Attribute{Type: "float"}, `012`, "not JSON"},
		{"real", openentry.Attribute{Type: "real", Validators: openentry.Validators{Min: "-1.5"}}, `-1.5`, ""},
		{"real below min", openentry.Attribute{Type: "real", Validators: openentry.Validators{Min: "-1.5"}}, `-1.51`, "at least -1.5"},

		{"date", openentry.Attribute{Type: "date"}, `"2025-05-08"`, ""},
		{"date OneEntry's object", openentry.Attribute{Type: "date"}, `{"fullDate":"2025-05-08T00:00:00.000Z","formattedValue":"08-05-2025","formatString":"DD-MM-YYYY"}`, ""},
		{"date object without fullDate", openentry.Attribute{Type: "date"}, `{"formattedValue":"08-05-2025"}`, "fullDate"},
		{"date number", openentry.Attribute{Type: "date"}, `20250508`, "must be a string"},
		{"date pattern", openentry.Attribute{Type: "date", Validators: openentry.Validators{Pattern: `[0-9]{4}-[0-9]{2}-[0-9]{2}`}}, `"8 May"`, "does not match"},
		{"dateTime", openentry.Attribute{Type: "dateTime"}, `"2025-05-08T10:30:00Z"`, ""},
		{"time", openentry.Attribute{Type: "time"}, `"10:30"`, ""},

		{"list option", openentry.Attribute{Type: "list", ListTitles: colors}, `"red"`, ""},
		{"list number option", openentry.Attribute{Type: "list", ListTitles: colors}, `1`, ""},
		{"list number is not its string", openentry.Attribute{Type: "list", ListTitles: colors}, `"1"`, "not one of the options"},
		{"list {value, title}", openentry.Attribute{Type: "list", ListTitles: colors}, `{"value":"red","title":"Red"}`, ""},
		{"list of options", openentry.Attribute{Type: "list", ListTitles: colors}, `["red", {"value": 1}]`, ""},
		{"list unknown option", openentry.Attribute{Type: "list", ListTitles: colors}, `"blue"`, "not one of the options"},
		{"list unknown in a list", openentry.Attribute{Type: "list", ListTitles: colors}, `["red","blue"]`, "not one of the options"},
		{"list object without value", openentry.Attribute{Type: "list", ListTitles: colors}, `{"title":"Red"}`, "must name one of the options"},
		{"list with no options", openentry.Attribute{Type: "list"}, `"red"`, "not one of the options"},
		{"radioButton", openentry.Attribute{Type: "radioButton", ListTitles: colors}, `"red"`, ""},
		{"radioButton {value}", openentry.Attribute{Type: "radioButton", ListTitles: colors}, `{"value":1}`, ""},
		{"radioButton unknown", openentry.Attribute{Type: "radioButton", ListTitles: colors}, `"blue"`, "not one of the options"},
		{"radioButton takes one", openentry.Attribute{Type: "radioButton", ListTitles: colors}, `["red"]`, "one option, not a list"},

		{"image object", openentry.Attribute{Type: "image"}, `{"downloadLink":"https://x/y.png"}`, ""},
		{"image list", openentry.Attribute{Type: "image"}, `[{"downloadLink":"https://x/y.png"}]`, ""},
		{"image string", openentry.Attribute{Type: "image"}, `"y.png"`, "file object"},
		{"groupOfImages", openentry.Attribute{Type: "groupOfImages"}, `[{"downloadLink":"a"},{"downloadLink":"b"}]`, ""},
		{"groupOfImages number", openentry.Attribute{Type: "groupOfImages"}, `1`, "file object"},
		{"file", openentry.Attribute{Type: "file"}, `{"downloadLink":"https://x/y.pdf"}`, ""},
		{"file string", openentry.Attribute{Type: "file"}, `"y.pdf"`, "file object"},

		// Types without a shape of their own take any JSON.
		{"entity", openentry.Attribute{Type: "entity"}, `["mouse","cable"]`, ""},
		{"timeInterval", openentry.Attribute{Type: "timeInterval"}, `[{"id":"x"}]`, ""},
		{"json", openentry.Attribute{Type: "json"}, `{"a":[1,2]}`, ""},
		{"button", openentry.Attribute{Type: "button"}, `"Buy"`, ""},
		{"spam", openentry.Attribute{Type: "spam"}, `"token"`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.attr.CheckValue(json.RawMessage(tc.value))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("CheckValue(%s): got %v, want no error", tc.value, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("CheckValue(%s): got %v, want an error containing %q", tc.value, err, tc.wantErr)
			}
		})
	}
}

func TestIsAttributeType(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"string", "text", "textWithHeader", "integer", "real", "float", "dateTime", "date", "time", "file",
		"image", "groupOfImages", "radioButton", "list", "button", "spam", "entity", "timeInterval", "json"} {
		if !openentry.IsAttributeType(typ) {
			t.Errorf("IsAttributeType(%q): got false, want true", typ)
		}
	}
	for _, typ := range []string{"", "String", "number", "textarea", "select"} {
		if openentry.IsAttributeType(typ) {
			t.Errorf("IsAttributeType(%q): got true, want false", typ)
		}
	}
}

func TestAttributeSetCheckValues(t *testing.T) {
	t.Parallel()
	set := &openentry.AttributeSet{Identifier: "product", Attributes: []openentry.Attribute{
		{Marker: "price", Type: "float", Validators: openentry.Validators{Required: true, Min: "0"}},
		{Marker: "color", Type: "list", ListTitles: []openentry.ListTitle{{Title: "Red", Value: json.RawMessage(`"red"`)}}},
		{Marker: "note", Type: "string", Validators: openentry.Validators{MaxLength: 3}},
	}}
	values := func(s string) openentry.AttributeValues {
		var v openentry.AttributeValues
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name    string
		values  string
		wantErr string
	}{
		{"none", `{}`, ""},
		{"all fine", `{"en_US": {"price": 1, "color": "red", "note": "abc"}}`, ""},
		{"two locales", `{"en_US": {"price": 1}, "fr_FR": {"price": "1.50", "color": "red"}}`, ""},
		{"unknown marker", `{"en_US": {"price": 1, "size": "M"}}`, `attributeValues.en_US: set "product" has no attribute "size"`},
		{"bad value", `{"en_US": {"price": -1}}`, "attributeValues.en_US.price: must be at least 0"},
		{"bad option", `{"en_US": {"price": 1, "color": "blue"}}`, `attributeValues.en_US.color: "blue" is not one of the options`},
		{"too long", `{"en_US": {"price": 1, "note": "abcd"}}`, "attributeValues.en_US.note: is longer than 3 characters"},
		{"required missing", `{"en_US": {"color": "red"}}`, "attributeValues.en_US.price: a value is required"},
		{"required null", `{"en_US": {"price": null}}`, "attributeValues.en_US.price: a value is required"},
		{"required empty string", `{"en_US": {"price": ""}}`, "attributeValues.en_US.price: a value is required"},
		{"required in every locale given", `{"en_US": {"price": 1}, "fr_FR": {"color": "red"}}`, "attributeValues.fr_FR.price: a value is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := set.CheckValues(values(tc.values))
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("got %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tc.wantErr)
			}
			if !errors.Is(err, openentry.ErrInvalid) {
				t.Errorf("got %v, want it to be ErrInvalid", err)
			}
		})
	}
}

func TestAttributeSetTypes(t *testing.T) {
	t.Parallel()
	seen := map[int64]bool{}
	for _, typ := range openentry.AttributeSetTypes() {
		if seen[typ.ID] {
			t.Errorf("typeId %d is used twice", typ.ID)
		}
		seen[typ.ID] = true
		id, ok := openentry.AttributeSetTypeID(typ.Name)
		name, ok2 := openentry.AttributeSetTypeName(typ.ID)
		if !ok || !ok2 || id != typ.ID || name != typ.Name {
			t.Errorf("%d %s: got %d %v, %q %v", typ.ID, typ.Name, id, ok, name, ok2)
		}
	}
	// The documented numbers are part of the API.
	for name, want := range map[string]int64{"forProducts": 5, "forPages": 3, "forBlocks": 2, "forForms": 4, "forUsers": 6, "forAdmins": 1} {
		if got, _ := openentry.AttributeSetTypeID(name); got != want {
			t.Errorf("typeId of %s: got %d, want %d", name, got, want)
		}
	}
	if _, ok := openentry.AttributeSetTypeID("forWidgets"); ok {
		t.Error("forWidgets has a typeId")
	}
	if _, ok := openentry.AttributeSetTypeName(0); ok {
		t.Error("typeId 0 has a name")
	}
}

func TestProjectAttributeSetType(t *testing.T) {
	t.Parallel()
	for typ, wantErr := range map[string]bool{"": false, "forProducts": false, "forPages": false, "forWidgets": true, "products": true} {
		p := &openentry.Project{AttributeSets: []openentry.ProjectAttributeSet{{Identifier: "s", Type: typ, Title: map[string]string{"en_US": "S"}}}}
		err := p.Validate(func(openentry.ProjectPaymentAccount) error { return nil })
		if got := err != nil && strings.Contains(err.Error(), "is not one of forProducts"); got != wantErr {
			t.Errorf("set type %q: got %v, want an error: %v", typ, err, wantErr)
		}
	}
}
