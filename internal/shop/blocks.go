package shop

import (
	"context"
	"strings"

	"github.com/openentry/openentry"
)

// Blocks reads blocks and the products they show.
type Blocks struct{ store openentry.Store }

var _ openentry.BlockService = (*Blocks)(nil)

// NewBlocks returns the block use cases over store.
func NewBlocks(store openentry.Store) *Blocks { return &Blocks{store: store} }

// blockSearchLimit is how many blocks searchBlock returns.
const blockSearchLimit = 10

// Blocks returns a page of visible blocks of a type.
func (b *Blocks) Blocks(ctx context.Context, typ string, page openentry.Page) ([]openentry.Block, int64, error) {
	if typ != "" && !openentry.ValidBlockType(typ) && !openentry.IsPageType(typ) {
		return nil, 0, openentry.Invalid("type: " + typ + " is not a block type")
	}
	return b.store.Blocks(ctx, typ, page)
}

// Block returns a visible block.
func (b *Blocks) Block(ctx context.Context, marker string) (*openentry.Block, error) {
	return b.store.Block(ctx, marker)
}

// BlockProducts returns a page of the visible products a block lists, in
// its order: the products of a product block, and those a similar-products
// block names (OneEntry computes those by rules; a project lists them).
func (b *Blocks) BlockProducts(ctx context.Context, marker string, page openentry.Page) ([]openentry.Product, int64, error) {
	block, err := b.store.Block(ctx, marker)
	if err != nil {
		return nil, 0, err
	}
	if page.Limit <= 0 || page.Limit > openentry.MaxProductLimit {
		page.Limit = openentry.MaxProductLimit
	}
	ids := block.ProductIDs
	if block.Quantity > 0 && int64(len(ids)) > block.Quantity {
		ids = ids[:block.Quantity]
	}
	found, err := b.store.ProductsByID(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	visible := make([]openentry.Product, 0, len(found))
	for _, id := range ids {
		if p, ok := found[id]; ok {
			visible = append(visible, p)
			delete(found, id) // listed twice: shown once
		}
	}
	from := min(max(page.Offset, 0), len(visible))
	return visible[from:min(from+page.Limit, len(visible))], int64(len(visible)), nil
}

// FrequentlyOrdered returns the visible products most often ordered with
// productID, from the shop's orders, as many as the block shows.
func (b *Blocks) FrequentlyOrdered(ctx context.Context, marker string, productID int64) ([]openentry.Product, error) {
	block, err := b.store.Block(ctx, marker)
	if err != nil {
		return nil, err
	}
	if _, err := b.store.Product(ctx, productID); err != nil {
		return nil, err
	}
	ids, err := b.store.FrequentlyOrdered(ctx, productID, block.FrequentlyOrderedLimit())
	if err != nil {
		return nil, err
	}
	found, err := b.store.ProductsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]openentry.Product, 0, len(ids))
	for _, id := range ids {
		if p, ok := found[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// SearchBlocks finds visible blocks by title.
func (b *Blocks) SearchBlocks(ctx context.Context, lang, name string) ([]openentry.Block, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, openentry.Invalid("name: give the text to search block titles for")
	}
	return b.store.SearchBlocks(ctx, lang, name, blockSearchLimit)
}

// ProductBlocks returns the visible blocks a visible product lists, in its order.
func (b *Blocks) ProductBlocks(ctx context.Context, productID int64) ([]openentry.Block, error) {
	p, err := b.store.Product(ctx, productID)
	if err != nil {
		return nil, err
	}
	return b.store.BlocksByMarkers(ctx, p.Blocks)
}

// PageBlocks returns the visible blocks a visible page lists, in its order.
func (b *Blocks) PageBlocks(ctx context.Context, pageURL string) ([]openentry.Block, error) {
	markers, err := b.store.PageBlocks(ctx, pageURL)
	if err != nil {
		return nil, err
	}
	return b.store.BlocksByMarkers(ctx, markers)
}
