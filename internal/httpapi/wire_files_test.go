package httpapi

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func TestLinkBase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, publicURL, host string
		tls                   bool
		want                  string
	}{
		{"the request's host", "", "127.0.0.1:8080", false, "http://127.0.0.1:8080"},
		{"the request's scheme", "", "api.shop.example", true, "https://api.shop.example"},
		{"the public URL", "https://cdn.shop.example", "10.0.0.7:8080", false, "https://cdn.shop.example"},
		{"the public URL with a prefix", "https://shop.example/oneentry", "10.0.0.7:8080", true, "https://shop.example/oneentry"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got string
			h := withLinkBase(tc.publicURL)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = linkBase(r) }))
			r := httptest.NewRequest("GET", "/api/content/products/1", nil)
			r.Host = tc.host
			// A proxy's headers are not trusted: only the public URL says where clients are.
			r.Header.Set("X-Forwarded-Host", "evil.example")
			r.Header.Set("X-Forwarded-Proto", "https")
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFileValue(t *testing.T) {
	t.Parallel()
	const base = "https://api.shop.example"
	ref := `{"fileId": 12, "filename": "cosmo front.png", "contentType": "image/png", "size": 2048}`
	tests := []struct {
		name, attrType, value, want string
	}{
		{"image", "image", ref,
			`{"filename": "files/12/cosmo front.png", "downloadLink": "https://api.shop.example/cloud-static/files/12/cosmo%20front.png",
			  "size": 2048, "previewLink": "https://api.shop.example/cloud-static/files/12/cosmo%20front.png", "params": {"isImageCompressed": false}}`},
		{"file", "file", `{"fileId": 3, "filename": "manual.pdf", "contentType": "application/pdf", "size": 10}`,
			`{"filename": "files/3/manual.pdf", "downloadLink": "https://api.shop.example/cloud-static/files/3/manual.pdf", "size": 10}`},
		{"group", "groupOfImages", `[` + ref + `, {"downloadLink": "https://cdn.example/x.png"}]`,
			`[{"filename": "files/12/cosmo front.png", "downloadLink": "https://api.shop.example/cloud-static/files/12/cosmo%20front.png",
			   "size": 2048, "previewLink": "https://api.shop.example/cloud-static/files/12/cosmo%20front.png", "params": {"isImageCompressed": false}},
			  {"downloadLink": "https://cdn.example/x.png"}]`},
		{"a link given as is", "image", `{"downloadLink": "https://cdn.example/x.png", "previewLink": ""}`,
			`{"downloadLink": "https://cdn.example/x.png", "previewLink": ""}`},
		{"not a reference", "image", `{"fileId": 0}`, `{"fileId": 0}`},
		{"empty list", "groupOfImages", `[]`, `[]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(fileValue(base, tc.attrType, json.RawMessage(tc.value)))
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.want), &w); err != nil {
				t.Fatal(err)
			}
			if gj, wj := mustMarshal(g), mustMarshal(w); gj != wj {
				t.Errorf("got  %s\nwant %s", gj, wj)
			}
		})
	}
	if got := fileValue(base, "image", nil); got != nil {
		t.Errorf("no value: got %v, want nil", got)
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestFileLinksMatchTheRoute: the links fileURL builds are the route that
// serves files.
func TestFileLinksMatchTheRoute(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	if route := `"GET ` + filesPath + `{id}/{name}"`; !strings.Contains(string(src), route) {
		t.Errorf("routes.go does not serve %s, where fileURL links", route)
	}
	if got, want := fileURL("https://x.example", 7, "a/b c.png"), "https://x.example/cloud-static/files/7/a%2Fb%20c.png"; got != want {
		t.Errorf("fileURL: got %q, want %q", got, want)
	}
}
