package openentry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ContentPage is a page of the site: a catalogue category, a common page,
// an error page. Pages form a tree by ParentID. OneEntry's "pages"; the
// name Page is taken by list windows.
type ContentPage struct {
	ID       int64
	ParentID int64 // 0: a top-level page
	PageURL  string
	Depth    int64 // 0 for a top-level page, its parent's plus one below
	Position int64 // order among the pages (the project file's)
	Type     string
	// IsVisible is false for a hidden page; reads never return one.
	IsVisible              bool
	LocalizeInfos          Localized // locale → the page's object: {"title", "menuTitle", "htmlContent", …}
	AttributeSetIdentifier string
	AttributeValues        AttributeValues
	// Attributes are the attributes of the page's set, to type the values
	// and give their positions; nil without a set.
	Attributes         []Attribute
	TemplateIdentifier string
	Config             map[string]int64 // display settings: rowsPerPage, productsPerRow
	Blocks             []string         // markers of the blocks it shows, in order
	Products           int64            // visible products listed on the page
	ChildrenCount      int64            // visible child pages
	UpdatedAt          time.Time
	Version            int64 // moves with every write; the precondition of admin writes
	// ParentURL is the parent's url; only admin reads fill it in.
	ParentURL string
}

// Page types a project may give; OneEntry's BlockType names them.
const (
	PageTypeCommon   = "common_page"
	PageTypeCatalog  = "catalog_page"
	PageTypeError    = "error_page"
	PageTypeExternal = "external_page"
)

// IsPageType reports whether t is a type a page may have.
func IsPageType(t string) bool {
	switch t {
	case PageTypeCommon, PageTypeCatalog, PageTypeError, PageTypeExternal:
		return true
	}
	return false
}

// pageURLPattern is a page url: one path segment, so that it fits
// /pages/url/{url} and /pages/{url}/children.
var pageURLPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// reservedPageURL cannot be a page's url: /pages/url/children would name
// both the page "children" and the children of the page "url".
const reservedPageURL = "url"

// ValidPageURL reports whether s can be a page's url.
func ValidPageURL(s string) bool { return pageURLPattern.MatchString(s) && s != reservedPageURL }

// Title returns the page's title in lang (with Localized.Resolve's
// fallback), or "".
func (p *ContentPage) Title(lang string) string {
	var info struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(p.LocalizeInfos.Resolve(lang), &info) // not an object: no title
	return info.Title
}

// PageStore reads the tree of pages; ApplyProject writes it. Reads see
// visible pages only: a hidden page is not found and not listed.
type PageStore interface {
	// Pages lists the visible pages, by position: all of them, or with
	// rootsOnly the top-level ones.
	Pages(ctx context.Context, rootsOnly bool) ([]ContentPage, error)
	// PageByID returns a visible page. ErrNotFound.
	PageByID(ctx context.Context, id int64) (*ContentPage, error)
	// PageByURL returns a visible page. ErrNotFound.
	PageByURL(ctx context.Context, pageURL string) (*ContentPage, error)
	// ChildPages lists the visible children of the visible page at
	// pageURL, by position. ErrNotFound for the parent.
	ChildPages(ctx context.Context, pageURL string) ([]ContentPage, error)
	// SearchPages lists the visible pages whose title in lang contains
	// name, ignoring case, by position; with underURL only the descendants
	// of that visible page (ErrNotFound).
	SearchPages(ctx context.Context, name, lang, underURL string) ([]ContentPage, error)
	// PageDescendants returns the id of the visible page at pageURL first
	// and, when nested, the ids of its visible descendants: a hidden page
	// hides its branch. ErrNotFound for an unknown or hidden url.
	PageDescendants(ctx context.Context, pageURL string, nested bool) ([]int64, error)
}

// PageService reads pages for the Content API (JS SDK: Pages). Pages carry
// every locale; the caller resolves the one it shows.
type PageService interface {
	// RootPages lists the visible top-level pages.
	RootPages(ctx context.Context) ([]ContentPage, error)
	// Pages lists every visible page.
	Pages(ctx context.Context) ([]ContentPage, error)
	// Page returns a visible page by id. ErrNotFound.
	Page(ctx context.Context, id int64) (*ContentPage, error)
	// PageByURL returns a visible page by url. ErrNotFound.
	PageByURL(ctx context.Context, pageURL string) (*ContentPage, error)
	// ChildPages lists a visible page's visible children. ErrNotFound.
	ChildPages(ctx context.Context, pageURL string) ([]ContentPage, error)
	// SearchPages finds visible pages by title in lang; underURL ("": the
	// whole site) limits the search to a page's descendants. ErrInvalid
	// without a name, ErrNotFound for underURL.
	SearchPages(ctx context.Context, name, lang, underURL string) ([]ContentPage, error)
}

// validatePages checks the file's pages and the page urls its products
// name: urls well formed and unique, parents not the page itself or one of
// its descendants in the file, types known. Whether a parent or a product's
// page exists is the store's check: it may be an earlier file's.
func (p *Project) validatePages() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	parents := make(map[string]string, len(p.Pages))
	for _, pg := range p.Pages {
		if !ValidPageURL(pg.PageURL) {
			bad("page %q: pageUrl must match %s and not be %q", pg.PageURL, pageURLPattern, reservedPageURL)
		}
		if _, dup := parents[pg.PageURL]; dup {
			bad("page %q: defined twice", pg.PageURL)
		}
		parents[pg.PageURL] = pg.ParentURL
		if pg.ParentURL != "" && !ValidPageURL(pg.ParentURL) {
			bad("page %q: parentUrl %q is not a page url", pg.PageURL, pg.ParentURL)
		}
		if pg.Type != "" && !IsPageType(pg.Type) {
			bad("page %q: type %q is not one of %s, %s, %s, %s", pg.PageURL, pg.Type,
				PageTypeCommon, PageTypeCatalog, PageTypeError, PageTypeExternal)
		}
		errs = append(errs, checkContent(fmt.Sprintf("page %q", pg.PageURL), pg.LocalizeInfos, pg.AttributeSetIdentifier,
			pg.AttributeValues, pg.TemplateIdentifier)...)
		blocks := map[string]bool{}
		for _, m := range pg.Blocks {
			if !ValidMarker(m) || blocks[m] {
				bad("page %q: blocks: %q is malformed or repeated", pg.PageURL, m)
			}
			blocks[m] = true
		}
		for k, v := range pg.Config {
			if !ValidMarker(k) || v < 0 {
				bad("page %q: config %q: keys are markers, values whole numbers ≥ 0", pg.PageURL, k)
			}
		}
	}
	// Follow each page's parents within the file: coming back to the page
	// is a cycle. Cycles through an earlier file's pages are the store's.
	for _, pg := range p.Pages {
		seen := map[string]bool{pg.PageURL: true}
		for up := pg.ParentURL; up != ""; up = parents[up] {
			if seen[up] {
				if up == pg.PageURL {
					bad("page %q: is its own ancestor", pg.PageURL)
				}
				break // a cycle above this page, reported for its pages
			}
			seen[up] = true
		}
	}
	for _, pr := range p.Products {
		urls := map[string]bool{}
		for _, u := range pr.Pages {
			if !ValidPageURL(u) || urls[u] {
				bad("product %d: pages: %q is malformed or repeated", pr.ID, u)
			}
			urls[u] = true
		}
	}
	return errs
}

// PageTitleMatches reports whether title contains name, ignoring case: the
// rule of searchPage.
func PageTitleMatches(title, name string) bool {
	return strings.Contains(strings.ToLower(title), strings.ToLower(name))
}

// checkContent checks what pages and blocks share: localizeInfos an object
// per locale (the SDK's schema wants one), values only with a set, locale
// codes, the template's marker.
func checkContent(owner string, infos map[string]json.RawMessage, set string, values AttributeValues, template string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(owner+": "+format, args...)) }
	for lang, info := range infos {
		if !localePattern.MatchString(lang) {
			bad("localizeInfos: %q is not a locale code like en_US", lang)
		}
		if t := bytes.TrimSpace(info); len(t) == 0 || t[0] != '{' || !json.Valid(t) {
			bad("localizeInfos.%s must be an object", lang)
		}
	}
	if len(values) > 0 && set == "" {
		bad("attributeValues need an attributeSetIdentifier")
	}
	for lang := range values {
		if !localePattern.MatchString(lang) {
			bad("attributeValues: %q is not a locale code like en_US", lang)
		}
	}
	if template != "" && !ValidMarker(template) {
		bad("templateIdentifier %q is malformed", template)
	}
	return errs
}
