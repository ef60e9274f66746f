package shop

import (
	"context"
	"fmt"
	"sync"

	"github.com/openentry/openentry"
)

// Sitemaps generates and reads the sitemaps.
type Sitemaps struct {
	store   openentry.Store
	origins []string
	// mu runs one generation at a time in this process: a burst of
	// updateSitemap calls queues instead of reading the catalogue in
	// parallel. Several processes each write the same bytes.
	mu sync.Mutex
}

var _ openentry.SitemapService = (*Sitemaps)(nil)

// NewSitemaps returns the sitemap use cases over store. origins are the
// project's CORS origins: when they name explicit ones, base urls must be
// on one of them.
func NewSitemaps(store openentry.Store, origins []string) *Sitemaps {
	return &Sitemaps{store: store, origins: origins}
}

// Sitemaps lists the generated sitemaps' names.
func (s *Sitemaps) Sitemaps(ctx context.Context) ([]string, error) { return s.store.SitemapNames(ctx) }

// UpdateSitemap checks the base urls, lists the visible pages and products
// under them and replaces the stored sitemaps with what that gives. The
// result depends only on the content and the bases, so calling it again
// rewrites nothing.
func (s *Sitemaps) UpdateSitemap(ctx context.Context, baseURLs map[string]string) ([]string, error) {
	if len(baseURLs) == 0 {
		return nil, openentry.Invalid(`baseUrls: give the storefront's base url per locale, {"en_US": "https://shop.example/"}`)
	}
	if len(baseURLs) > openentry.MaxSitemapBaseURLs {
		return nil, openentry.Invalid(fmt.Sprintf("baseUrls: at most %d locales", openentry.MaxSitemapBaseURLs))
	}
	bases := make(map[string]string, len(baseURLs))
	for lang, base := range baseURLs {
		b, err := openentry.SitemapBase(lang, base, s.origins)
		if err != nil {
			return nil, err
		}
		bases[lang] = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pages, err := s.store.Pages(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("sitemap pages: %w", err)
	}
	products, err := s.store.SitemapProductIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("sitemap products: %w", err)
	}
	files := openentry.RenderSitemaps(openentry.SitemapURLs(bases, pages, products))
	if err := s.store.ReplaceSitemaps(ctx, files); err != nil {
		return nil, fmt.Errorf("store sitemaps: %w", err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return names, nil
}

// SitemapFile returns a generated sitemap by name.
func (s *Sitemaps) SitemapFile(ctx context.Context, name string) (*openentry.SitemapFile, error) {
	if !openentry.ValidSitemapName(name) {
		return nil, openentry.NotFound(fmt.Sprintf("Sitemap %q not found", name))
	}
	return s.store.SitemapFile(ctx, name)
}
