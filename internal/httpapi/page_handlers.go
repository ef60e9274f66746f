package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

// handleGetPageList serves a list of pages through read: GET /pages/root
// (JS: Pages.getRootPages) and GET /pages (JS: Pages.getPages).
func handleGetPageList(logger *slog.Logger, read func(context.Context) ([]openentry.ContentPage, error)) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wirePage, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		pages, err := read(r.Context())
		if err != nil {
			return nil, err
		}
		return wireAll(pages, q.Lang, toWirePage(linkBase(r))), nil
	})
}

// handleGetPage serves GET /pages/{id} (JS: Pages.getPageById).
func handleGetPage(logger *slog.Logger, pages openentry.PageService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wirePage, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		p, err := pages.Page(r.Context(), id)
		if err != nil {
			return nil, err
		}
		out := wirePageAt(p, q.Lang, linkBase(r))
		return &out, nil
	})
}

// handleGetPageByURL serves GET /pages/url/{url} (JS: Pages.getPageByUrl).
func handleGetPageByURL(logger *slog.Logger, pages openentry.PageService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wirePage, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		p, err := pages.PageByURL(r.Context(), r.PathValue("url"))
		if err != nil {
			return nil, err
		}
		out := wirePageAt(p, q.Lang, linkBase(r))
		return &out, nil
	})
}

// handleGetChildPages serves GET /pages/{url}/children (JS: Pages.getChildPagesByParentUrl).
func handleGetChildPages(logger *slog.Logger, pages openentry.PageService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wirePage, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		children, err := pages.ChildPages(r.Context(), r.PathValue("url"))
		if err != nil {
			return nil, err
		}
		return wireAll(children, q.Lang, toWirePage(linkBase(r))), nil
	})
}

// handleGetPageConfig serves GET /pages/{url}/config (JS: Pages.getConfigPageByUrl).
func handleGetPageConfig(logger *slog.Logger, pages openentry.PageService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wirePageConfig, error) {
		p, err := pages.PageByURL(r.Context(), r.PathValue("url"))
		if err != nil {
			return nil, err
		}
		out := toWirePageConfig(p)
		return &out, nil
	})
}

// handleSearchPages serves GET /pages/quick/search?url=…&lang=…&name=… (JS:
// Pages.searchPage). The SDK names the locale "lang", not "langCode", and
// sends "undefined" as a bare key when no url is given; it then reads each
// hit with getPageById, so a hit carries little.
func handleSearchPages(logger *slog.Logger, pages openentry.PageService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wirePageHit, error) {
		query := r.URL.Query()
		lang := openentry.DefaultLocale
		for _, key := range []string{"lang", "langCode"} {
			if v := query.Get(key); v != "" {
				if !langPattern.MatchString(v) {
					return nil, badRequest(key + " must match /^[a-zA-Z_]{2,5}$/")
				}
				lang = canonicalLang(v)
				break
			}
		}
		found, err := pages.SearchPages(r.Context(), query.Get("name"), lang, query.Get("url"))
		if err != nil {
			return nil, err
		}
		return wireAll(found, lang, toWirePageHit), nil
	})
}

// noRoute answers a path no route serves, as the main mux's fallback does.
func noRoute(w http.ResponseWriter, r *http.Request) {
	writeErrorStatus(w, r, http.StatusNotFound, "Cannot "+r.Method+" "+r.URL.Path) // NestJS's wording
}
