package shop

import (
	"context"

	"github.com/openentry/openentry"
)

// Catalogue reads forms and products.
type Catalogue struct{ store openentry.Store }

var (
	_ openentry.FormService    = (*Catalogue)(nil)
	_ openentry.ProductService = (*Catalogue)(nil)
)

// NewCatalogue returns the catalogue use cases over store.
func NewCatalogue(store openentry.Store) *Catalogue { return &Catalogue{store: store} }

// Forms returns a page of forms and the total count.
func (c *Catalogue) Forms(ctx context.Context, page openentry.Page) ([]openentry.Form, int64, error) {
	return c.store.Forms(ctx, page)
}

// Form returns a form by marker.
func (c *Catalogue) Form(ctx context.Context, marker string) (*openentry.Form, error) {
	return c.store.Form(ctx, marker)
}

// Product returns a visible product by id.
func (c *Catalogue) Product(ctx context.Context, id int64) (*openentry.Product, error) {
	return c.store.Product(ctx, id)
}

// ProductsByIDs returns the visible products among ids, in the order asked.
func (c *Catalogue) ProductsByIDs(ctx context.Context, ids []int64) ([]openentry.Product, error) {
	byID, err := c.store.ProductsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]openentry.Product, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}
