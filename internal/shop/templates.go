package shop

import (
	"context"
	"fmt"

	"github.com/openentry/openentry"
)

// Templates reads templates.
type Templates struct{ store openentry.Store }

var _ openentry.TemplateService = (*Templates)(nil)

// NewTemplates returns the template use cases over store.
func NewTemplates(store openentry.Store) *Templates { return &Templates{store: store} }

// Templates lists the templates of a general type ("" all).
func (t *Templates) Templates(ctx context.Context, typ string) ([]openentry.Template, error) {
	if typ != "" && openentry.GeneralTypeID(typ) == 0 {
		return nil, openentry.Invalid(fmt.Sprintf("type: %q is not a general type", typ))
	}
	return t.store.Templates(ctx, typ)
}

// Template returns a template by marker.
func (t *Templates) Template(ctx context.Context, marker string) (*openentry.Template, error) {
	return t.store.Template(ctx, marker)
}
