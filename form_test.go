package openentry_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/openentry/openentry"
)

// testForm is a form with every kind of attribute CheckData treats apart.
func testForm() *openentry.Form {
	return &openentry.Form{
		ID:         1,
		Identifier: "order",
		Type:       "order",
		Attributes: []openentry.FormAttribute{
			{Marker: "name", Type: "string", Position: 1, IsRequired: true},
			{Marker: "age", Type: "integer", Position: 2},
			{Marker: "note", Type: "text", Position: 3},
			{Marker: "email", Type: "string", Position: 4, IsLogin: true, IsRequired: true},
			{Marker: "pw", Type: "string", Position: 5, IsPassword: true, IsRequired: true},
		},
	}
}

func field(marker, typ, value string) openentry.FormField {
	return openentry.FormField{Marker: marker, Type: typ, Value: json.RawMessage(value)}
}

func TestFormCheckData(t *testing.T) {
	t.Parallel()
	const missingName = "required values are missing or incorrect: name"
	tests := []struct {
		name    string
		fields  []openentry.FormField
		want    []openentry.FormField
		wantErr string
	}{
		{
			name:   "all fields",
			fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `42`), field("note", "text", `"ring twice"`)},
			want:   []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `42`), field("note", "text", `"ring twice"`)},
		},
		{
			name:   "only the required field",
			fields: []openentry.FormField{field("name", "string", `"Ann"`)},
			want:   []openentry.FormField{field("name", "string", `"Ann"`)},
		},
		{
			name:   "types come from the form",
			fields: []openentry.FormField{field("age", "string", `42`), field("name", "", `"Ann"`), field("note", "integer", `"x"`)},
			want:   []openentry.FormField{field("age", "integer", `42`), field("name", "string", `"Ann"`), field("note", "text", `"x"`)},
		},
		{
			name:   "numeric string for integer",
			fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `"42"`)},
			want:   []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `"42"`)},
		},
		{
			name:   "null optional value is kept",
			fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "string", `null`)},
			want:   []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `null`)},
		},
		{
			name:   "empty optional values",
			fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "", `""`), field("note", "", `[]`)},
			want:   []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `""`), field("note", "text", `[]`)},
		},
		{
			name:   "longest string",
			fields: []openentry.FormField{field("name", "string", `"`+strings.Repeat("a", 10000)+`"`)},
			want:   []openentry.FormField{field("name", "string", `"`+strings.Repeat("a", 10000)+`"`)},
		},
		{name: "no marker", fields: []openentry.FormField{field("", "string", `"Ann"`)}, wantErr: "formData: every field needs a marker"},
		{name: "zero field", fields: []openentry.FormField{{}}, wantErr: "formData: every field needs a marker"},
		{name: "unknown marker", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("phone", "string", `"555"`)}, wantErr: `formData: form "order" has no attribute "phone"`},
		{
			name:   "login marker is kept",
			fields: []openentry.FormField{field("name", "string", `"Ann"`), field("email", "", `"a@b.c"`)},
			want:   []openentry.FormField{field("name", "string", `"Ann"`), field("email", "string", `"a@b.c"`)},
		},
		{
			name:   "password marker is dropped",
			fields: []openentry.FormField{field("name", "string", `"Ann"`), field("pw", "string", `"secret1"`)},
			want:   []openentry.FormField{field("name", "string", `"Ann"`)},
		},
		{name: "password marker twice", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("pw", "string", `"a"`), field("pw", "string", `"b"`)},
			wantErr: `formData: attribute "pw" is given twice`},
		{name: "duplicate marker", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("name", "string", `"Bob"`)}, wantErr: `formData: attribute "name" is given twice`},
		{name: "non-numeric string for integer", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `"forty"`)}, wantErr: `formData: "age" must be an integer`},
		{name: "bool for integer", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `true`)}, wantErr: `formData: "age" must be an integer`},
		{name: "object for integer", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `{"n":1}`)}, wantErr: `formData: "age" must be an integer`},
		{name: "NaN for integer", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `"NaN"`)}, wantErr: `formData: "age" must be an integer`},
		{name: "underscore digits for integer", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `"1_0"`)}, wantErr: `formData: "age" must be an integer`},
		{name: "fraction for integer", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("age", "integer", `1.5`)}, wantErr: `formData: "age" must be an integer`},
		{name: "number for string", fields: []openentry.FormField{field("name", "string", `42`)}, wantErr: `formData: "name" must be a string`},
		{name: "array for text", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("note", "text", `["a"]`)}, wantErr: `formData: "note" must be a string or a text ([{"plainValue": "…"}])`},
		{name: "text as the template sends it", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("note", "text", `[{"plainValue": "Fine."}]`)},
			want: []openentry.FormField{field("name", "string", `"Ann"`), field("note", "text", `[{"plainValue": "Fine."}]`)}},
		{name: "text with an unknown key", fields: []openentry.FormField{field("name", "string", `"Ann"`), field("note", "text", `[{"plain": "Fine."}]`)}, wantErr: `formData: "note" must be a string or a text ([{"plainValue": "…"}])`},
		{name: "text blocks for a string", fields: []openentry.FormField{field("name", "string", `[{"plainValue": "Ann"}]`)}, wantErr: `formData: "name" must be a string`},
		{name: "string too long", fields: []openentry.FormField{field("name", "string", `"`+strings.Repeat("a", 10001)+`"`)}, wantErr: `formData: "name" is longer than 10000 bytes`},
		{name: "required missing", fields: []openentry.FormField{field("age", "integer", `42`)}, wantErr: missingName},
		{name: "no fields", fields: nil, wantErr: missingName},
		{name: "required empty string", fields: []openentry.FormField{field("name", "string", `""`)}, wantErr: missingName},
		{name: "required null", fields: []openentry.FormField{field("name", "string", `null`)}, wantErr: missingName},
		{name: "required without value", fields: []openentry.FormField{field("name", "string", ``)}, wantErr: missingName},
		{name: "required empty list", fields: []openentry.FormField{field("name", "string", `[]`)}, wantErr: missingName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := testForm().CheckData(tc.fields)
			checkInvalid(t, err, tc.wantErr)
			if tc.wantErr != "" {
				if got != nil {
					t.Errorf("on error: got fields %+v, want nil", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %s, want %s", mustJSON(t, got), mustJSON(t, tc.want))
			}
		})
	}
}

func TestFormCheckDataListsAllMissing(t *testing.T) {
	t.Parallel()
	f := &openentry.Form{Identifier: "signup", Attributes: []openentry.FormAttribute{
		{Marker: "first", Type: "string", IsRequired: true},
		{Marker: "city", Type: "string"},
		{Marker: "last", Type: "string", IsRequired: true},
	}}
	_, err := f.CheckData([]openentry.FormField{field("city", "string", `"Oslo"`)})
	checkInvalid(t, err, "required values are missing or incorrect: first, last")
}

func TestFormCredentialAttributes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		form         *openentry.Form
		wantLogin    string // marker, "" for none
		wantPassword string
	}{
		{name: "both", form: testForm(), wantLogin: "email", wantPassword: "pw"},
		{name: "none", form: &openentry.Form{Attributes: []openentry.FormAttribute{{Marker: "name", Type: "string"}}}},
		{name: "no attributes", form: &openentry.Form{}},
		{
			name: "first of several",
			form: &openentry.Form{Attributes: []openentry.FormAttribute{
				{Marker: "phone", IsLogin: true}, {Marker: "email", IsLogin: true}, {Marker: "pin", IsPassword: true},
			}},
			wantLogin:    "phone",
			wantPassword: "pin",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			check := func(what string, got *openentry.FormAttribute, want string) {
				t.Helper()
				switch {
				case want == "" && got != nil:
					t.Errorf("%s: got %+v, want nil", what, *got)
				case want != "" && got == nil:
					t.Errorf("%s: got nil, want %q", what, want)
				case want != "" && got.Marker != want:
					t.Errorf("%s: got %q, want %q", what, got.Marker, want)
				}
			}
			check("LoginAttribute", tc.form.LoginAttribute(), tc.wantLogin)
			check("PasswordAttribute", tc.form.PasswordAttribute(), tc.wantPassword)
		})
	}
}

func TestFormCredentialAttributesPointIntoForm(t *testing.T) {
	t.Parallel()
	f := testForm()
	if got, want := f.LoginAttribute(), &f.Attributes[3]; got != want {
		t.Errorf("LoginAttribute: got %p, want %p (the form's own attribute)", got, want)
	}
	if got, want := f.PasswordAttribute(), &f.Attributes[4]; got != want {
		t.Errorf("PasswordAttribute: got %p, want %p (the form's own attribute)", got, want)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	return string(b)
}
