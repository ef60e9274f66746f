package storefront

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandlerServesFiles(t *testing.T) {
	h := Handler("demo-token")
	tests := []struct {
		name, path, wantType, wantCache, wantBody string
	}{
		{"page", "/demo/", "text/html; charset=utf-8", "no-cache", `<script defer src="app.js">`},
		{"script", "/demo/app.js", "text/javascript; charset=utf-8", "no-cache", "oneentry@"},
		{"stylesheet", "/demo/style.css", "text/css; charset=utf-8", "no-cache", ".status-waiting"},
		{"config", "/demo/config.json", "application/json", "no-store", `{"appToken":"demo-token"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: got %d, want 200", tc.path, rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type: got %q, want %q", got, tc.wantType)
			}
			if got := rec.Header().Get("Cache-Control"); got != tc.wantCache {
				t.Errorf("Cache-Control: got %q, want %q", got, tc.wantCache)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options: got %q, want nosniff", got)
			}
			if body := rec.Body.String(); !strings.Contains(body, tc.wantBody) {
				t.Errorf("body lacks %q:\n%.300s", tc.wantBody, body)
			}
		})
	}
}

func TestHandlerPageHasCSP(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler("tok").ServeHTTP(rec, httptest.NewRequest("GET", "/demo/", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
}

func TestHandlerConfigIsJSON(t *testing.T) {
	// A token with quotes must still give valid JSON.
	rec := httptest.NewRecorder()
	Handler(`a"b\c`).ServeHTTP(rec, httptest.NewRequest("GET", "/demo/config.json", nil))
	var got struct {
		AppToken string `json:"appToken"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("config.json: %v: %s", err, rec.Body)
	}
	if got.AppToken != `a"b\c` {
		t.Errorf("appToken: got %q, want %q", got.AppToken, `a"b\c`)
	}
}

func TestHandlerGzipAndETag(t *testing.T) {
	h := Handler("tok")
	plain := httptest.NewRecorder()
	h.ServeHTTP(plain, httptest.NewRequest("GET", "/demo/app.js", nil))
	if plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("without Accept-Encoding: got Content-Encoding %q", plain.Header().Get("Content-Encoding"))
	}

	req := httptest.NewRequest("GET", "/demo/app.js", nil)
	req.Header.Set("Accept-Encoding", "br, gzip")
	zipped := httptest.NewRecorder()
	h.ServeHTTP(zipped, req)
	if got := zipped.Header().Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Content-Encoding: got %q, want gzip", got)
	}
	if zipped.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzipped %d bytes, plain %d: want smaller", zipped.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Error("gunzipped body differs from the plain one")
	}
	etag := zipped.Header().Get("ETag")
	if etag == "" || etag == plain.Header().Get("ETag") {
		t.Errorf("ETags: gzip %q, plain %q: want two different ones", etag, plain.Header().Get("ETag"))
	}

	req = httptest.NewRequest("GET", "/demo/app.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("If-None-Match", etag)
	again := httptest.NewRecorder()
	h.ServeHTTP(again, req)
	if again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: got %d, want 304", again.Code)
	}

	req = httptest.NewRequest("GET", "/demo/app.js", nil)
	req.Header.Set("Accept-Encoding", "gzip;q=0, identity")
	refused := httptest.NewRecorder()
	h.ServeHTTP(refused, req)
	if got := refused.Header().Get("Content-Encoding"); got != "" {
		t.Errorf("gzip;q=0: got Content-Encoding %q, want none", got)
	}
}

func TestHandlerUnknownPaths(t *testing.T) {
	h := Handler("tok")
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/demo/nope.js", http.StatusNotFound},
		{"GET", "/demo/dist/app.js", http.StatusNotFound},
		{"GET", "/demo/index.html", http.StatusNotFound},
		{"POST", "/demo/config.json", http.StatusMethodNotAllowed},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s %s: got %d, want %d", tc.method, tc.path, rec.Code, tc.want)
		}
	}
}
