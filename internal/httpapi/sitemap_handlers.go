package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/openentry/openentry"
)

// sitemapsPath is where generated sitemaps are served, as OneEntry's
// cloud-static links to them.
const sitemapsPath = "/cloud-static/files/project/sitemap/"

func sitemapURLs(r *http.Request, names []string) []string {
	base := linkBase(r)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = base + sitemapsPath + n
	}
	return out
}

// handleGetSitemap serves GET /sitemap/ (JS: Sitemap.getSitemap): the links
// to the generated sitemaps, [] before the first updateSitemap.
func handleGetSitemap(logger *slog.Logger, sitemaps openentry.SitemapService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]string, error) {
		names, err := sitemaps.Sitemaps(r.Context())
		if err != nil {
			return nil, err
		}
		return sitemapURLs(r, names), nil
	})
}

// handleUpdateSitemap serves POST /sitemap/ (JS: Sitemap.updateSitemap):
// it regenerates the sitemaps for the storefront's baseUrls and answers
// their links. The SDK's other ISitemapQuery fields (url, lastmod…) name
// single entries and are not read.
func handleUpdateSitemap(logger *slog.Logger, sitemaps openentry.SitemapService) http.Handler {
	type request struct {
		BaseURLs map[string]string `json:"baseUrls"`
	}
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) ([]string, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return nil, err
		}
		names, err := sitemaps.UpdateSitemap(r.Context(), in.BaseURLs)
		if err != nil {
			return nil, err
		}
		return sitemapURLs(r, names), nil
	})
}

// serveXML sends a sitemap document; ServeContent answers If-None-Match
// and HEAD.
func serveXML(w http.ResponseWriter, r *http.Request, body []byte) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", "application/xml; charset=utf-8")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// handleSitemapFile serves GET /cloud-static/files/project/sitemap/{name}:
// a generated sitemap, to crawlers, so with no app token.
func handleSitemapFile(logger *slog.Logger, sitemaps openentry.SitemapService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := sitemaps.SitemapFile(r.Context(), r.PathValue("name"))
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		serveXML(w, r, f.Body)
	})
}

// handleSitemapXML serves GET /sitemap.xml: the one generated sitemap, or
// an index of them when there are several; 404 before the first
// updateSitemap.
func handleSitemapXML(logger *slog.Logger, sitemaps openentry.SitemapService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		names, err := sitemaps.Sitemaps(r.Context())
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		switch len(names) {
		case 0:
			writeErrorStatus(w, r, http.StatusNotFound, "No sitemap yet: call updateSitemap")
		case 1:
			f, err := sitemaps.SitemapFile(r.Context(), names[0])
			if err != nil {
				writeError(w, r, logger, err)
				return
			}
			serveXML(w, r, f.Body)
		default:
			serveXML(w, r, openentry.RenderSitemapIndex(sitemapURLs(r, names)))
		}
	})
}
