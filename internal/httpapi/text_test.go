package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBadField(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		path  string
		found bool
	}{
		{"all fine", `{"a":"x","b":[1,"y",{"c":"é"}],"d":null}`, "", false},
		{"top-level field", `{"a":"ok","b":"x` + "\xff" + `"}`, "b", true},
		{"nested objects", `{"a":{"b":{"c":"` + "\xfe" + `"}}}`, "a.b.c", true},
		{"array element", `{"a":{"b":["x","y` + "\xff" + `"]}}`, "a.b[1]", true},
		{"form value", `{"formData":{"en_US":[{"marker":"name","value":"ok"},{"marker":"x","value":"` + "\xc3" + `"}]}}`,
			"formData.en_US[1].value", true},
		{"raw NUL", `{"login":"a` + "\x00" + `b"}`, "login", true},
		{"NUL escape", `{"login":"a\u0000b"}`, "login", true},
		{"NUL escape after an escaped backslash", `{"login":"a\\\u0000"}`, "login", true},
		{"escaped backslash then u0000 is text", `{"login":"a\\u0000"}`, "", false},
		{"other escapes are fine", `{"login":"\u00ff\u0001\ud83d\ude00\"\/"}`, "", false},
		{"bad key", `{"a":{"b` + "\xff" + `":1}}`, "a.b\xff", true},
		{"key with NUL escape", `{"k\u0000":1}`, `k\u0000`, true},
		{"key with raw NUL", `{"a":[{"k` + "\x00" + `":1}]}`, "a[0].k\x00", true},
		{"after numbers, bools, null", `{"n":1e999,"t":true,"z":null,"s":"` + "\xff" + `"}`, "s", true},
		{"after a closed object", `{"a":{"b":1},"c":"` + "\xff" + `"}`, "c", true},
		{"after a closed array", `{"a":[1,[2]],"c":"` + "\xff" + `"}`, "c", true},
		{"arrays of arrays", `[[1,2],[3,"` + "\xff" + `"]]`, "[1][1]", true},
		{"objects in an array", `[{"a":1},{"b":"` + "\xff" + `"}]`, "[1].b", true},
		{"values after an array element object", `{"x":[{"a":"ok"},"` + "\xff" + `"]}`, "x[1]", true},
		{"whole body is the string", `"` + "\xff" + `"`, "", true},
		{"bad bytes outside strings", `{"a":1` + "\xff" + `}`, "", false},
		{"malformed before the bad string", `{"a" 1, "b":"` + "\xff" + `"}`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, found := badField([]byte(tc.body))
			if path != tc.path || found != tc.found {
				t.Errorf("badField(%q): got %q %v, want %q %v", tc.body, path, found, tc.path, tc.found)
			}
		})
	}
}

func TestCheckBody(t *testing.T) {
	cases := []struct {
		name string
		body string
		want string // "" for no error
	}{
		{"fine", `{"a":"x\\u0000"}`, ""},
		{"field", `{"formData":{"en_US":[{"value":"` + "\xff" + `"}]}}`,
			`body field "formData.en_US[0].value" must be valid UTF-8 without NUL characters`},
		{"bad key is quoted", `{"b` + "\xff" + `":1}`, `body field "b\xff" must be valid UTF-8 without NUL characters`},
		{"whole body", `"` + "\x00" + `"`, "request body must be valid UTF-8 without NUL characters"},
		{"outside strings", "{}\xff", "malformed JSON body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkBody([]byte(tc.body))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("got %v, want %s", err, tc.want)
			case err != nil && !utf8.ValidString(err.Error()):
				t.Errorf("message is not UTF-8: %q", err.Error())
			}
		})
	}
}

// TestCheckText refuses bad paths and query parameters before the handler
// runs, and lets everything else through untouched.
func TestCheckText(t *testing.T) {
	cases := []struct {
		name    string
		target  string
		status  int
		message string
	}{
		{"fine", "/api/content/forms/marker/r%C3%A9g?langCode=en_US&q=%C3%A9", 200, ""},
		{"invalid UTF-8 in the path", "/api/content/forms/marker/%FF", 400, "path must be valid UTF-8 without NUL characters"},
		{"NUL in the path", "/api/content/forms/marker/a%00", 400, "path must be valid UTF-8 without NUL characters"},
		{"invalid UTF-8 in a value", "/x?langCode=en_US&marker=%FF", 400, `query parameter "marker" must be valid UTF-8 without NUL characters`},
		{"NUL in a value", "/x?q=a%00", 400, `query parameter "q" must be valid UTF-8 without NUL characters`},
		{"first bad parameter is named", "/x?b=%00&a=%FF", 400, `query parameter "b"`},
		{"bad name", "/x?%FF=1", 400, `query parameter "\xff"`},
		{"plus is a space", "/x?q=a+b", 200, ""},
		{"pairs net/http drops are ignored", "/x?q=%zz%00&s=%00;&r=1", 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ran := false
			h := checkText(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ran = true }))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", tc.target, nil))
			if rec.Code != tc.status || ran != (tc.status == 200) {
				t.Fatalf("got %d (handler ran: %v), want %d: %s", rec.Code, ran, tc.status, rec.Body)
			}
			if tc.status == 200 {
				return
			}
			var body struct {
				StatusCode int    `json:"statusCode"`
				Message    string `json:"message"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !utf8.Valid(rec.Body.Bytes()) {
				t.Fatalf("body is not UTF-8 JSON: %v: %q", err, rec.Body)
			}
			if !strings.HasPrefix(body.Message, tc.message) || body.StatusCode != 400 {
				t.Errorf("body: got %s, want a message starting %q", rec.Body, tc.message)
			}
		})
	}
}

func TestDeviceIgnoresBadText(t *testing.T) {
	cases := []struct {
		name, header, fingerprint string
	}{
		{"fine", `{"fingerprint":"fp","deviceInfo":{"browser":"b"}}`, "fp"},
		{"invalid UTF-8 in the fingerprint", `{"fingerprint":"fp` + "\xff" + `"}`, ""},
		{"NUL escape in the fingerprint", `{"fingerprint":"fp\u0000"}`, ""},
		{"invalid UTF-8 in the device info", `{"fingerprint":"fp","deviceInfo":{"browser":"` + "\xff" + `"}}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			r.Header.Set("x-device-metadata", tc.header)
			d := device(r)
			if d.Fingerprint != tc.fingerprint || (tc.fingerprint == "" && d.Info != nil) || d.Address != "192.0.2.1" {
				t.Errorf("got %+v, want fingerprint %q and the peer's address", d, tc.fingerprint)
			}
		})
	}
}
