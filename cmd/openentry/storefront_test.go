package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestServeDemoHasStorefront(t *testing.T) {
	base, _ := startServe(t, map[string]string{"OPENENTRY_APP_TOKEN": "shop-token"}, "--demo")
	if code, body := getBody(t, base+"/demo/"); code != 200 || !strings.Contains(body, "OpenEntry storefront demo") {
		t.Errorf("GET /demo/: got %d %.200q, want the storefront page", code, body)
	}
	if code, body := getBody(t, base+"/demo/config.json"); code != 200 || body != `{"appToken":"shop-token"}` {
		t.Errorf("GET /demo/config.json: got %d %q, want the app token", code, body)
	}
}

func TestServeWithoutDemoHasNoStorefront(t *testing.T) {
	// The demo's project from a file: everything but --demo.
	project := filepath.Join(t.TempDir(), "p.json")
	demoFile, err := os.ReadFile("../../internal/demo/project.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(project, demoFile, 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, map[string]string{"OPENENTRY_APP_TOKEN": "shop-token"}, "--project", project)
	for _, path := range []string{"/demo/", "/demo/config.json"} {
		if code, body := getBody(t, base+path); code != 404 || strings.Contains(body, "shop-token") {
			t.Errorf("GET %s without --demo: got %d %q, want 404", path, code, body)
		}
	}
}
