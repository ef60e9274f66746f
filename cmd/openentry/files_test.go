package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app/apptest"
)

const picturedProject = `{
  "attributeSets": [{"identifier": "pictured", "title": {"en_US": "Pictured"},
                     "attributes": [{"marker": "pic", "type": "image", "title": {"en_US": "Picture"}}]}],
  "products": [{"id": 500, "title": {"en_US": "Cosmo"}, "price": "2.00", "currency": "USD",
                "attributeSetIdentifier": "pictured", "attributeValues": {"en_US": {"pic": {"file": "PATH"}}}}]
}`

// writeProject writes a project naming path as product 500's picture, and
// images/cosmo.png next to it; it returns the project file's path.
func writeProject(t *testing.T, dir, path string) string {
	t.Helper()
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "images", "cosmo.png"), pic.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(dir, "project.json")
	if err := os.WriteFile(project, []byte(strings.Replace(picturedProject, "PATH", path, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return project
}

// TestServeProjectFiles: serve reads the files a project names from the
// project file's directory and serves them without an app token.
func TestServeProjectFiles(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"OPENENTRY_APP_TOKEN":  "serve-test-token",
		"OPENENTRY_DB":         "sqlite:" + filepath.Join(t.TempDir(), "shop.db"),
		"OPENENTRY_PROJECT":    writeProject(t, filepath.Join(dir, "shop"), "images/cosmo.png"),
		"OPENENTRY_PUBLIC_URL": "https://api.shop.example/",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr apptest.Buffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"openentry", "serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	base := "http://" + listenAddr(t, &stderr, errc)
	resp, err := http.Get(base + "/cloud-static/files/1/cosmo.png")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want, _ := os.ReadFile(filepath.Join(dir, "shop", "images", "cosmo.png"))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, want) {
		t.Errorf("GET the picture: got %d %s with %d bytes, want 200 image/png with %d", resp.StatusCode, resp.Header.Get("Content-Type"), len(body), len(want))
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// TestServeRefusesBadFiles: a project naming a file outside its directory,
// or a malformed public URL, stops serve from starting.
func TestServeRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "outside.png"), []byte("\x89PNG\r\n\x1a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		path string
		want string
	}{
		{"parent directory", nil, "../outside.png", `file "../outside.png": must be a relative path inside the project file's directory`},
		{"public URL without a scheme", []string{"--public-url", "api.shop.example"}, "images/cosmo.png", `public URL "api.shop.example"`},
		{"public URL with a query", []string{"--public-url", "https://api.shop.example/?x=1"}, "images/cosmo.png", `public URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"OPENENTRY_APP_TOKEN": "tok", "OPENENTRY_PROJECT": writeProject(t, filepath.Join(dir, tc.name), tc.path)}
			argv := append([]string{"openentry", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "r.db")}, tc.args...)
			err := run(context.Background(), argv, func(k string) string { return env[k] }, &apptest.Buffer{}, &apptest.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %s", err, tc.want)
			}
		})
	}
}
