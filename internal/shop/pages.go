package shop

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// Pages reads the tree of pages.
type Pages struct{ store openentry.Store }

var _ openentry.PageService = (*Pages)(nil)

// NewPages returns the page use cases over store.
func NewPages(store openentry.Store) *Pages { return &Pages{store: store} }

// RootPages lists the visible top-level pages.
func (s *Pages) RootPages(ctx context.Context) ([]openentry.ContentPage, error) {
	return s.store.Pages(ctx, true)
}

// Pages lists every visible page.
func (s *Pages) Pages(ctx context.Context) ([]openentry.ContentPage, error) {
	return s.store.Pages(ctx, false)
}

// Page returns a visible page by id.
func (s *Pages) Page(ctx context.Context, id int64) (*openentry.ContentPage, error) {
	return s.store.PageByID(ctx, id)
}

// PageByURL returns a visible page by url.
func (s *Pages) PageByURL(ctx context.Context, pageURL string) (*openentry.ContentPage, error) {
	return s.store.PageByURL(ctx, pageURL)
}

// ChildPages lists a visible page's visible children.
func (s *Pages) ChildPages(ctx context.Context, pageURL string) ([]openentry.ContentPage, error) {
	return s.store.ChildPages(ctx, pageURL)
}

// maxSearchName bounds searchPage's name.
const maxSearchName = 200

// SearchPages finds visible pages whose title in lang contains name.
func (s *Pages) SearchPages(ctx context.Context, name, lang, underURL string) ([]openentry.ContentPage, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > maxSearchName {
		return nil, openentry.Invalid(fmt.Sprintf("name must have 1 to %d characters", maxSearchName))
	}
	return s.store.SearchPages(ctx, name, lang, underURL)
}

// valued is one thing of a project file with values of an attribute set:
// a page, a block, a template.
type valued struct {
	owner  string // how errors name it: page "shop"
	set    string
	values openentry.AttributeValues
}

// contentValued lists the file's pages, blocks, templates and preview
// templates that have a set.
func contentValued(p *openentry.Project) []valued {
	var out []valued
	for _, pg := range p.Pages {
		out = append(out, valued{fmt.Sprintf("page %q", pg.PageURL), pg.AttributeSetIdentifier, pg.AttributeValues})
	}
	for _, b := range p.Blocks {
		out = append(out, valued{fmt.Sprintf("block %q", b.Identifier), b.AttributeSetIdentifier, b.AttributeValues})
	}
	for _, t := range p.Templates {
		out = append(out, valued{fmt.Sprintf("template %q", t.Identifier), t.AttributeSetIdentifier, t.AttributeValues})
	}
	for _, t := range p.TemplatePreviews {
		out = append(out, valued{fmt.Sprintf("template preview %q", t.Identifier), t.AttributeSetIdentifier, t.AttributeValues})
	}
	return out
}

// checkValued validates each item's attribute values against its set,
// taken from sets (this file's, added to by earlier lookups) or the store.
// It returns the items' errors, and an error of the store on its own.
func (s *Projects) checkValued(ctx context.Context, items []valued, sets map[string]*openentry.AttributeSet) ([]error, error) {
	var errs []error
	for _, it := range items {
		if it.set == "" {
			continue
		}
		set, ok := sets[it.set]
		if !ok {
			stored, err := s.store.AttributeSet(ctx, it.set)
			if errors.Is(err, openentry.ErrNotFound) {
				continue // the store reports the missing set with the other references
			}
			if err != nil {
				return nil, err
			}
			set, sets[it.set] = stored, stored
		}
		if err := set.CheckValues(it.values); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", it.owner, err))
		}
	}
	return errs, nil
}
