// Package storefront serves the storefront demo at /demo/ (openentry serve
// --demo): a page that logs in as the demo user, orders and pays through
// the official oneentry JS SDK in the browser.
//
// The page's source is web/storefront; dist/ holds its build (the SDK bundled
// by esbuild), committed so that the server builds with the Go toolchain
// alone. Rebuild it after changing web/storefront or the SDK pin (needs Node
// and npm):
//
//	go generate ./internal/storefront
package storefront

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

//go:generate npm ci --prefix ../conformance/js --no-audit --no-fund --loglevel=error
//go:generate node ../../web/storefront/build.mjs

//go:embed dist
var dist embed.FS

// contentSecurityPolicy lets the page load only its own files and talk only
// to this server. Zod probes for eval (new Function) once and, refused,
// validates without it.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the page under /demo/: index.html, app.js, style.css, and
// config.json, which hands the page the project's app token. Only the demo
// mounts it: the demo's app token is no secret of a real shop.
func Handler(appToken string) http.Handler {
	config, err := json.Marshal(struct {
		AppToken string `json:"appToken"`
	}{appToken})
	if err != nil {
		panic(err) // a struct of one string always marshals
	}
	mux := http.NewServeMux()
	mux.Handle("GET /demo/{$}", mustAsset("index.html", "text/html; charset=utf-8"))
	mux.Handle("GET /demo/app.js", mustAsset("app.js", "text/javascript; charset=utf-8"))
	mux.Handle("GET /demo/style.css", mustAsset("style.css", "text/css; charset=utf-8"))
	mux.Handle("GET /demo/config.json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Write(config)
	}))
	return mux
}

// asset is one file of dist, gzipped once when the handler is built.
type asset struct {
	name, contentType, etag string
	body, gz                []byte
}

func mustAsset(name, contentType string) *asset {
	body, err := dist.ReadFile("dist/" + name)
	if err != nil {
		panic(fmt.Sprintf("storefront: dist/%s is not embedded: %v (run go generate ./internal/storefront)", name, err))
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // the level is valid
	zw.Write(body)
	zw.Close()
	sum := sha256.Sum256(body)
	return &asset{
		name: name, contentType: contentType, body: body, gz: gz.Bytes(),
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
	}
}

// ServeHTTP answers with the file, gzipped when the client takes gzip, and
// lets the browser revalidate it by ETag (304) instead of caching it blind.
func (a *asset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if a.contentType == "text/html; charset=utf-8" {
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "no-referrer")
	}
	body, etag := a.body, a.etag
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body, etag = a.gz, strings.TrimSuffix(etag, `"`)+`-gz"`
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether Accept-Encoding lists gzip without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
