package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func getDemo(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestDemoStorefrontIsOffByDefault(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	for _, path := range []string{"/demo/", "/demo/app.js", "/demo/config.json"} {
		resp, body := getDemo(t, srv.BaseURL+path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s without the storefront: got %d, want 404", path, resp.StatusCode)
		}
		if !strings.Contains(body, "Cannot GET "+path) {
			t.Errorf("GET %s: got %s, want the API's 404", path, body)
		}
	}
}

func TestDemoStorefrontNeedsNoAppToken(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, apptest.WithStorefront())
	tests := []struct {
		path, wantType, wantBody string
	}{
		{"/demo/", "text/html; charset=utf-8", "<title>OpenEntry storefront demo</title>"},
		{"/demo/app.js", "text/javascript; charset=utf-8", "oneentry@1.0.149"},
		{"/demo/style.css", "text/css; charset=utf-8", ".card"},
		{"/demo/config.json", "application/json", `{"appToken":"` + apptest.AppToken + `"}`},
	}
	for _, tc := range tests {
		resp, body := getDemo(t, srv.BaseURL+tc.path) // no x-app-token
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: got %d, want 200", tc.path, resp.StatusCode)
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != tc.wantType {
			t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.wantType)
		}
		if !strings.Contains(body, tc.wantBody) {
			t.Errorf("GET %s: body lacks %q", tc.path, tc.wantBody)
		}
	}
	if resp, _ := getDemo(t, srv.BaseURL+"/demo"); resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/demo/" {
		t.Errorf("GET /demo: got %d to %q, want a redirect to /demo/", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The API still wants its token.
	if resp, _ := getDemo(t, srv.BaseURL+"/api/content/forms"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET /api/content/forms without x-app-token: got %d, want 403", resp.StatusCode)
	}
}
