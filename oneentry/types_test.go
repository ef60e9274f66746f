package oneentry

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecimalUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Decimal
		wantErr bool
	}{
		{name: "integer number", in: `340`, want: "340"},
		{name: "decimal number", in: `4061.55`, want: "4061.55"},
		{name: "string keeps zeros", in: `"340.00"`, want: "340.00"},
		{name: "large number exact", in: `12345678901234567890.12`, want: "12345678901234567890.12"},
		{name: "negative", in: `-19.99`, want: "-19.99"},
		{name: "null", in: `null`, want: ""},
		{name: "empty string", in: `""`, want: ""},
		{name: "not a number", in: `"abc"`, wantErr: true},
		{name: "bool", in: `true`, wantErr: true},
		{name: "object", in: `{}`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got struct {
				V Decimal `json:"v"`
			}
			err := json.Unmarshal([]byte(`{"v":`+tc.in+`}`), &got)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tc.wantErr)
			}
			if got.V != tc.want {
				t.Errorf("got %q, want %q", got.V, tc.want)
			}
		})
	}
}

func TestDecimalMarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      Decimal
		want    string
		wantErr bool
	}{
		{in: "19.99", want: `19.99`},
		{in: "340.00", want: `340.00`},
		{in: "", want: `null`},
		{in: "1,5", wantErr: true},
	}
	for _, tc := range tests {
		got, err := json.Marshal(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("Marshal(%q): error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if !tc.wantErr && string(got) != tc.want {
			t.Errorf("Marshal(%q): got %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := Decimal("340.00").String(); got != "340.00" {
		t.Errorf("String: got %q, want %q", got, "340.00")
	}
}

func TestFormDataUnmarshal(t *testing.T) {
	t.Parallel()
	name := FormField{Marker: "name", Type: "string", Value: "Christina Thomas"}
	tests := []struct {
		name    string
		in      string
		want    FormData
		wantErr bool
	}{
		{name: "array", in: `[{"marker":"name","type":"string","value":"Christina Thomas"}]`, want: FormData{name}},
		{name: "single locale map", in: `{"ru_RU":[{"marker":"name","type":"string","value":"Christina Thomas"}]}`, want: FormData{name}},
		{name: "single field object", in: `{"marker":"name","type":"string","value":"Christina Thomas"}`, want: FormData{name}},
		{name: "numbers stay exact", in: `[{"marker":"n","type":"float","value":0.1}]`, want: FormData{{Marker: "n", Type: "float", Value: json.Number("0.1")}}},
		{name: "empty map", in: `{}`, want: FormData{}},
		{name: "null", in: `null`, want: nil},
		{name: "ambiguous locales", in: `{"ru_RU":[],"de_DE":[]}`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got FormData
			err := got.UnmarshalJSON([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestFormAttributesUnmarshal(t *testing.T) {
	t.Parallel()
	want := FormAttributes{
		{Marker: "email_reg", Type: "string", Position: 1, IsLogin: true},
		{Marker: "password_reg", Type: "string", Position: 2, IsPassword: true},
	}
	tests := []struct{ name, in string }{
		{"array", `[{"marker":"email_reg","type":"string","position":1,"isLogin":true},{"marker":"password_reg","type":"string","position":2,"isPassword":true}]`},
		{"object keyed by marker, sorted by position", `{"password_reg":{"type":"string","position":2,"isPassword":true},"email_reg":{"marker":"email_reg","type":"string","position":1,"isLogin":true}}`},
	}
	for _, tc := range tests {
		var got FormAttributes
		if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		langs []string
		want  string
	}{
		{name: "localizeInfos", in: `{"localizeInfos":{"en_US":{"title":"Box"}}}`, langs: []string{"", "en_US"}, want: `{"localizeInfos":{"title":"Box"}}`},
		{name: "requested lang first", in: `{"l":{"en_US":{"title":"Box"},"ru_RU":{"title":"Korobka"}}}`, langs: []string{"ru_RU", "en_US"}, want: `{"l":{"title":"Korobka"}}`},
		{name: "falls back to client lang", in: `{"formData":{"en_US":[1]}}`, langs: []string{"ru_RU", "en_US"}, want: `{"formData":[1]}`},
		{name: "in arrays", in: `[{"a":{"en_US":1}},{"a":2}]`, langs: []string{"en_US"}, want: `[{"a":1},{"a":2}]`},
		{name: "flat untouched", in: `{"title":"en_US"}`, langs: []string{"en_US"}, want: `{"title":"en_US"}`},
		{name: "numbers exact", in: `{"p":{"en_US":{"v":4061.55}}}`, langs: []string{"en_US"}, want: `{"p":{"v":4061.55}}`},
		{name: "not JSON", in: `<html>`, langs: []string{"en_US"}, want: `<html>`},
	}
	for _, tc := range tests {
		if got := string(normalize([]byte(tc.in), tc.langs...)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestLocalizeInfosTitle(t *testing.T) {
	t.Parallel()
	if got := (LocalizeInfos{"title": "Cash"}).Title(); got != "Cash" {
		t.Errorf("Title: got %q, want %q", got, "Cash")
	}
	if got := LocalizeInfos(nil).Title(); got != "" {
		t.Errorf("Title of nil: got %q, want empty", got)
	}
}
