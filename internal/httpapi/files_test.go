package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// picturePNG draws a small picture.
func picturePNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{R: uint8(x * 16), G: uint8(y * 16), B: 128, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>alert(1)</script></svg>`

// picturedProject gives product 900 a picture and a logo, files next to
// the project file.
func picturedProject(pic []byte) *openentry.Project {
	title := map[string]string{"en_US": "Pictured"}
	return &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{Identifier: "pictured", Title: title, Attributes: []openentry.ProjectSetAttribute{
			{Marker: "pic", Type: "image", Title: title}, {Marker: "logo", Type: "image", Title: title}}}},
		Products: []openentry.ProjectProduct{{ID: 900, Title: title, Price: "1.00", Currency: "USD", AttributeSetIdentifier: "pictured",
			AttributeValues: openentry.AttributeValues{"en_US": {
				"pic": json.RawMessage(`{"file": "images/cosmo.png"}`), "logo": json.RawMessage(`{"file": "logo.svg"}`)}}}},
		Files: fstest.MapFS{"images/cosmo.png": {Data: pic}, "logo.svg": {Data: []byte(logoSVG)}},
	}
}

// fileID is the id of the stored file first named name.
func fileID(t *testing.T, srv *apptest.Server, name string) int64 {
	t.Helper()
	var id int64
	srv.QueryRow(t, "SELECT id FROM files WHERE name = '"+name+"'").Scan(t, &id)
	return id
}

// get sends a request with no app token, as a browser's <img> does.
func get(t *testing.T, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestServeFile(t *testing.T) {
	pic := picturePNG(t)
	srv := apptest.Start(t, apptest.WithProject(picturedProject(pic)))
	id := fileID(t, srv, "cosmo.png")
	url := fmt.Sprintf("%s/cloud-static/files/%d/cosmo.png", srv.BaseURL, id)
	sum := sha256.Sum256(pic)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`

	resp, body := get(t, "GET", url, nil)
	if resp.StatusCode != 200 || !bytes.Equal(body, pic) {
		t.Fatalf("GET: got %d with %d bytes, want 200 with the %d bytes stored", resp.StatusCode, len(body), len(pic))
	}
	for header, want := range map[string]string{
		"Content-Type":           "image/png",
		"Content-Length":         strconv.Itoa(len(pic)),
		"ETag":                   etag,
		"Cache-Control":          "public, max-age=31536000, immutable",
		"Accept-Ranges":          "bytes",
		"X-Content-Type-Options": "nosniff",
		"Content-Disposition":    `inline; filename=cosmo.png`,
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s: got %q, want %q", header, got, want)
		}
	}
	if resp.Header.Get("Last-Modified") == "" {
		t.Error("no Last-Modified")
	}

	tests := []struct {
		name, method, path string
		header             map[string]string
		status             int
		body               []byte
		contentRange       string
	}{
		{"cached copy", "GET", "", map[string]string{"If-None-Match": etag}, 304, nil, ""},
		{"cached copy among others", "GET", "", map[string]string{"If-None-Match": `"abc", ` + etag}, 304, nil, ""},
		{"stale copy", "GET", "", map[string]string{"If-None-Match": `"abc"`}, 200, pic, ""},
		{"first bytes", "GET", "", map[string]string{"Range": "bytes=0-9"}, 206, pic[:10], fmt.Sprintf("bytes 0-9/%d", len(pic))},
		{"last bytes", "GET", "", map[string]string{"Range": "bytes=-5"}, 206, pic[len(pic)-5:], fmt.Sprintf("bytes %d-%d/%d", len(pic)-5, len(pic)-1, len(pic))},
		{"range of this version", "GET", "", map[string]string{"Range": "bytes=0-3", "If-Range": etag}, 206, pic[:4], fmt.Sprintf("bytes 0-3/%d", len(pic))},
		{"range of another version", "GET", "", map[string]string{"Range": "bytes=0-3", "If-Range": `"abc"`}, 200, pic, ""},
		{"range past the end", "GET", "", map[string]string{"Range": "bytes=100000-"}, 416, nil, ""},
		{"HEAD", "HEAD", "", nil, 200, nil, ""},
		{"another name", "GET", fmt.Sprintf("/cloud-static/files/%d/other-name.png", id), nil, 200, pic, ""},
		{"with a wrong app token", "GET", "", map[string]string{"x-app-token": "wrong"}, 200, pic, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := url
			if tc.path != "" {
				u = srv.BaseURL + tc.path
			}
			resp, body := get(t, tc.method, u, tc.header)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status != 416 && !bytes.Equal(body, tc.body) {
				t.Errorf("body: got %d bytes, want %d", len(body), len(tc.body))
			}
			if got := resp.Header.Get("Content-Range"); got != tc.contentRange && tc.status != 416 {
				t.Errorf("Content-Range: got %q, want %q", got, tc.contentRange)
			}
			if tc.status == 304 || tc.status == 206 {
				if got := resp.Header.Get("ETag"); got != etag {
					t.Errorf("ETag: got %q, want %q", got, etag)
				}
			}
			if tc.method == "HEAD" && resp.Header.Get("Content-Length") != strconv.Itoa(len(pic)) {
				t.Errorf("HEAD Content-Length: got %q, want %d", resp.Header.Get("Content-Length"), len(pic))
			}
		})
	}
}

// TestServeSVGSandboxed: an SVG is served as an image that cannot run its
// scripts on the server's origin.
func TestServeSVGSandboxed(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(picturedProject(picturePNG(t))))
	resp, body := get(t, "GET", fmt.Sprintf("%s/cloud-static/files/%d/logo.svg", srv.BaseURL, fileID(t, srv, "logo.svg")), nil)
	if resp.StatusCode != 200 || string(body) != logoSVG {
		t.Fatalf("got %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("Content-Type: got %q, want image/svg+xml", ct)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy: got %q, want a sandbox that allows no scripts", csp)
	}
}

// TestServeFileMissing: an unknown or malformed id is a 404 with
// OneEntry's error body, never a 5xx.
func TestServeFileMissing(t *testing.T) {
	srv := apptest.Start(t)
	for _, path := range []string{
		"/cloud-static/files/999/x.png", "/cloud-static/files/0/x.png", "/cloud-static/files/-1/x.png",
		"/cloud-static/files/abc/x.png", "/cloud-static/files/99999999999999999999/x.png",
		"/cloud-static/files/1", "/cloud-static/files/1/", "/cloud-static/files/1/a/b.png", "/cloud-static/files/%00/x.png",
	} {
		resp, body := get(t, "GET", srv.BaseURL+path, nil)
		if resp.StatusCode >= 500 {
			t.Errorf("GET %s: got %d", path, resp.StatusCode)
		}
		if resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("GET %s: got %d, want 404", path, resp.StatusCode)
			continue
		}
		var e struct {
			StatusCode int `json:"statusCode"`
		}
		if err := json.Unmarshal(body, &e); err != nil || e.StatusCode != resp.StatusCode {
			t.Errorf("GET %s: got %s, want OneEntry's error body", path, body)
		}
	}
	if resp, _ := get(t, "POST", srv.BaseURL+"/cloud-static/files/1/x.png", nil); resp.StatusCode >= 500 {
		t.Errorf("POST: got %d", resp.StatusCode)
	}
}
