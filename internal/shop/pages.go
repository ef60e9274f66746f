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

// checkPageValues validates each page's attribute values against its set,
// taken from sets (this file's, added to by earlier lookups) or the store.
// It returns the pages' errors, and an error of the store on its own.
func (s *Projects) checkPageValues(ctx context.Context, pages []openentry.ProjectPage, sets map[string]*openentry.AttributeSet) ([]error, error) {
	var errs []error
	for _, pg := range pages {
		if pg.AttributeSetIdentifier == "" {
			continue
		}
		set, ok := sets[pg.AttributeSetIdentifier]
		if !ok {
			stored, err := s.store.AttributeSet(ctx, pg.AttributeSetIdentifier)
			if errors.Is(err, openentry.ErrNotFound) {
				continue // the store reports the missing set with the other references
			}
			if err != nil {
				return nil, err
			}
			set, sets[pg.AttributeSetIdentifier] = stored, stored
		}
		if err := set.CheckValues(pg.AttributeValues); err != nil {
			errs = append(errs, fmt.Errorf("page %q: %w", pg.PageURL, err))
		}
	}
	return errs, nil
}

// checkBlockValues checks the file's blocks' and templates' values against
// their sets, as checkPageValues does pages'.
func (s *Projects) checkBlockValues(ctx context.Context, blocks []openentry.ProjectBlock, templates []openentry.ProjectTemplate,
	sets map[string]*openentry.AttributeSet) ([]error, error) {
	var all []error
	for _, group := range []struct {
		kind  string
		pages []openentry.ProjectPage
	}{{"block", asPages(blocks, func(b openentry.ProjectBlock) (string, string, openentry.AttributeValues) {
		return b.Identifier, b.AttributeSetIdentifier, b.AttributeValues
	})}, {"template", asPages(templates, func(t openentry.ProjectTemplate) (string, string, openentry.AttributeValues) {
		return t.Identifier, t.AttributeSetIdentifier, t.AttributeValues
	})}} {
		errs, err := s.checkPageValues(ctx, group.pages, sets)
		if err != nil {
			return nil, err
		}
		for _, e := range errs {
			all = append(all, errors.New(group.kind+strings.TrimPrefix(e.Error(), "page")))
		}
	}
	return all, nil
}

// asPages lends checkPageValues what it reads of other valued things.
func asPages[T any](items []T, parts func(T) (string, string, openentry.AttributeValues)) []openentry.ProjectPage {
	out := make([]openentry.ProjectPage, 0, len(items))
	for _, it := range items {
		id, set, values := parts(it)
		out = append(out, openentry.ProjectPage{PageURL: id, AttributeSetIdentifier: set, AttributeValues: values})
	}
	return out
}
