package httpapi

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/openentry/openentry"
)

// projectLocales resolves a request's langCode against the project's
// locales, so that every route reads the same code: a bare language ("fr")
// becomes the project's locale of that language (fr_CA when that is the
// one it has), and any case is the project's spelling. The list is read at
// most every ttl, as another instance's apply may change it.
type projectLocales struct {
	locales openentry.LocaleService
	now     func() time.Time
	ttl     time.Duration

	mu      sync.Mutex
	codes   []string
	fetched time.Time
}

func (p *projectLocales) current(ctx context.Context) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := p.now(); p.codes == nil || now.Sub(p.fetched) > p.ttl {
		locales, err := p.locales.Locales(ctx)
		if err != nil {
			return p.codes // keep the last list; the request resolves by the fixed rule if there is none
		}
		codes := make([]string, len(locales))
		for i, l := range locales {
			codes[i] = l.Code
		}
		p.codes, p.fetched = codes, now
	}
	return p.codes
}

// resolve returns the project's locale for lang, or lang when none fits.
func (p *projectLocales) resolve(ctx context.Context, lang string) string {
	base, _, hasRegion := strings.Cut(lang, "_")
	var sameLanguage string
	for _, code := range p.current(ctx) {
		if strings.EqualFold(code, lang) {
			return code
		}
		if l, _, _ := strings.Cut(code, "_"); !hasRegion && sameLanguage == "" && strings.EqualFold(l, base) {
			sameLanguage = code
		}
	}
	if sameLanguage != "" {
		return sameLanguage
	}
	return lang
}

// withProjectLocales rewrites a valid langCode query parameter of Content
// API requests to the project's locale it names (see projectLocales);
// parseQuery then reads it like any other.
func withProjectLocales(p *projectLocales) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/api/content/") || !strings.Contains(r.URL.RawQuery, "langCode=") {
				next.ServeHTTP(w, r)
				return
			}
			q := r.URL.Query()
			lang := q.Get("langCode")
			if !langPattern.MatchString(lang) {
				next.ServeHTTP(w, r) // parseQuery refuses it
				return
			}
			if resolved := p.resolve(r.Context(), lang); resolved != lang {
				q.Set("langCode", resolved)
				r2 := r.Clone(r.Context())
				r2.URL.RawQuery = q.Encode()
				r = r2
			}
			next.ServeHTTP(w, r)
		})
	}
}
