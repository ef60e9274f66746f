package shop

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/openentry/openentry"
)

// Catalogue reads forms and products.
type Catalogue struct{ store openentry.Store }

var (
	_ openentry.FormService          = (*Catalogue)(nil)
	_ openentry.ProductService       = (*Catalogue)(nil)
	_ openentry.AttributeSetService  = (*Catalogue)(nil)
	_ openentry.ProductStatusService = (*Catalogue)(nil)
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

// AttributeSets returns a page of attribute sets and the total.
func (c *Catalogue) AttributeSets(ctx context.Context, q openentry.AttributeSetQuery) ([]openentry.AttributeSet, int64, error) {
	if !openentry.ValidAttributeSetSort(q.SortBy) {
		return nil, 0, openentry.Invalid("sortBy must be id, identifier, position, createdDate or updatedDate")
	}
	sets, total, err := c.store.AttributeSets(ctx, q)
	for i := range sets {
		sortAttributes(sets[i].Attributes)
	}
	return sets, total, err
}

// AttributeSet returns a set by marker, its attributes in position order.
func (c *Catalogue) AttributeSet(ctx context.Context, marker string) (*openentry.AttributeSet, error) {
	s, err := c.store.AttributeSet(ctx, marker)
	if err != nil {
		return nil, err
	}
	sortAttributes(s.Attributes)
	return s, nil
}

// SetAttribute returns the attribute marker of set setMarker.
func (c *Catalogue) SetAttribute(ctx context.Context, setMarker, marker string) (*openentry.Attribute, error) {
	s, err := c.store.AttributeSet(ctx, setMarker)
	if err != nil {
		return nil, err
	}
	a := s.Attribute(marker)
	if a == nil {
		return nil, openentry.NotFound(fmt.Sprintf("Attribute %q not found in set %q", marker, setMarker))
	}
	return a, nil
}

func sortAttributes(attrs []openentry.Attribute) {
	sort.SliceStable(attrs, func(i, j int) bool { return attrs[i].Position < attrs[j].Position })
}

// ProductStatuses lists the product statuses in position order.
func (c *Catalogue) ProductStatuses(ctx context.Context) ([]openentry.ProductStatus, error) {
	return c.store.ProductStatuses(ctx)
}

// ProductStatus returns a product status by marker.
func (c *Catalogue) ProductStatus(ctx context.Context, marker string) (*openentry.ProductStatus, error) {
	return c.store.ProductStatus(ctx, marker)
}

// ProductStatusExists reports whether a product status has the marker.
func (c *Catalogue) ProductStatusExists(ctx context.Context, marker string) (bool, error) {
	_, err := c.store.ProductStatus(ctx, marker)
	if errors.Is(err, openentry.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
