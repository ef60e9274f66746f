package openentry

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SitemapFile is one generated sitemap document (sitemaps.org's urlset).
type SitemapFile struct {
	Name string // sitemap-000.xml, sitemap-001.xml…
	Body []byte
}

// Sitemap limits: the protocol's URLs per file, and the locales one
// generation may name.
const (
	MaxSitemapURLs     = 50000
	MaxSitemapBaseURLs = 50
)

var sitemapNamePattern = regexp.MustCompile(`^sitemap-[0-9]{3,}\.xml$`)

// ValidSitemapName reports whether name can be a generated sitemap's.
func ValidSitemapName(name string) bool { return sitemapNamePattern.MatchString(name) }

// SitemapStore keeps the generated sitemaps and reads what they list.
type SitemapStore interface {
	// SitemapProductIDs lists the ids of the visible products, by id.
	SitemapProductIDs(ctx context.Context) ([]int64, error)
	// ReplaceSitemaps makes files the generated sitemaps in one
	// transaction: others are removed, unchanged ones left as they are.
	ReplaceSitemaps(ctx context.Context, files []SitemapFile) error
	// SitemapNames lists the generated sitemaps' names, in order.
	SitemapNames(ctx context.Context) ([]string, error)
	// SitemapFile returns a generated sitemap by name. ErrNotFound.
	SitemapFile(ctx context.Context, name string) (*SitemapFile, error)
}

// SitemapService serves the Sitemap module and the sitemap files.
type SitemapService interface {
	// Sitemaps lists the names of the generated sitemaps (none before the
	// first UpdateSitemap).
	Sitemaps(ctx context.Context) ([]string, error)
	// UpdateSitemap regenerates the sitemaps from the visible pages and
	// products, their urls under baseURLs (locale → the storefront's base
	// url in it), and returns their names. ErrInvalid for a malformed or
	// foreign base url.
	UpdateSitemap(ctx context.Context, baseURLs map[string]string) ([]string, error)
	// SitemapFile returns a generated sitemap by name. ErrNotFound.
	SitemapFile(ctx context.Context, name string) (*SitemapFile, error)
}

// SitemapBase checks a storefront base url for lang and returns it ending
// in "/": absolute http(s), no query, fragment or credentials, and, when
// origins lists explicit origins (not "*"), one of them.
func SitemapBase(lang, base string, origins []string) (string, error) {
	if !localePattern.MatchString(lang) {
		return "", Invalid(fmt.Sprintf("baseUrls: %q is not a locale code like en_US", lang))
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", Invalid(fmt.Sprintf("baseUrls.%s: %q must be an absolute http(s) url without query or fragment", lang, base))
	}
	if explicit := slices.DeleteFunc(slices.Clone(origins), func(o string) bool { return o == "*" }); len(explicit) > 0 &&
		!slices.Contains(origins, "*") && !slices.Contains(explicit, u.Scheme+"://"+u.Host) {
		return "", Invalid(fmt.Sprintf("baseUrls.%s: %s is not one of the project's corsOrigins", lang, u.Scheme+"://"+u.Host))
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/"
	u.RawPath = ""
	return u.String(), nil
}

// SitemapURLs lists the urls a sitemap gives, for each base (by locale
// code) in turn: the visible common and catalogue pages at their path in
// the tree of pages (base + "catalog/furniture"), then the visible products
// at base + "product/{id}". A page below a hidden page is left out with its
// branch; error and external pages are not for indexing. pages are the
// visible pages by position, bases checked by SitemapBase.
func SitemapURLs(bases map[string]string, pages []ContentPage, products []int64) []string {
	byID := make(map[int64]*ContentPage, len(pages))
	for i := range pages {
		byID[pages[i].ID] = &pages[i]
	}
	var paths []string
	for i := range pages {
		pg := &pages[i]
		if pg.Type != PageTypeCommon && pg.Type != PageTypeCatalog {
			continue
		}
		segs, ok := []string{pg.PageURL}, true
		for up := pg.ParentID; up != 0 && ok; {
			parent, found := byID[up]
			if !found || len(segs) > len(pages) {
				ok = false // hidden above (or a loop: never a path)
				break
			}
			segs = append(segs, parent.PageURL)
			up = parent.ParentID
		}
		if !ok {
			continue
		}
		slices.Reverse(segs)
		paths = append(paths, strings.Join(segs, "/"))
	}
	for _, id := range products {
		paths = append(paths, "product/"+strconv.FormatInt(id, 10))
	}
	langs := make([]string, 0, len(bases))
	for lang := range bases {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	seen := map[string]bool{}
	out := []string{}
	for _, lang := range langs {
		for _, p := range paths {
			if u := bases[lang] + p; !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	return out
}

// RenderSitemaps writes urls into sitemap documents of at most
// MaxSitemapURLs each, named sitemap-000.xml on; no urls still give one
// (empty) document. The same urls always give the same bytes.
func RenderSitemaps(urls []string) []SitemapFile {
	var files []SitemapFile
	for i := 0; i == 0 || i < len(urls); i += MaxSitemapURLs {
		chunk := urls[i:min(i+MaxSitemapURLs, len(urls))]
		var b bytes.Buffer
		b.WriteString(xml.Header)
		b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		for _, u := range chunk {
			b.WriteString("  <url><loc>")
			_ = xml.EscapeText(&b, []byte(u)) // a bytes.Buffer does not fail
			b.WriteString("</loc></url>\n")
		}
		b.WriteString("</urlset>\n")
		files = append(files, SitemapFile{Name: fmt.Sprintf("sitemap-%03d.xml", len(files)), Body: b.Bytes()})
	}
	return files
}

// RenderSitemapIndex writes a sitemap index (sitemaps.org's sitemapindex)
// of the sitemaps at locs.
func RenderSitemapIndex(locs []string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, u := range locs {
		b.WriteString("  <sitemap><loc>")
		_ = xml.EscapeText(&b, []byte(u))
		b.WriteString("</loc></sitemap>\n")
	}
	b.WriteString("</sitemapindex>\n")
	return b.Bytes()
}
