package openentry

import (
	"context"
	"fmt"
)

// Block is a piece of content a front end places by marker: a home page
// banner, a dictionary of texts, a row of products.
type Block struct {
	ID                     int64
	Identifier             string
	Type                   string
	LocalizeInfos          Localized
	Position               int64
	IsVisible              bool
	TemplateIdentifier     string
	AttributeSetIdentifier string
	AttributeValues        AttributeValues
	// Attributes are the attributes of the block's set, to type and place
	// its values; nil without a set.
	Attributes []Attribute
	// ProductIDs are the products a product or similar-products block shows.
	ProductIDs []int64
	PerRow     int64 // products per row a front end shows; 0: its own choice
	Quantity   int64 // how many products it shows; 0: all
	Version    int64
}

// Block types a project may give (OneEntry's BlockType names them).
const (
	BlockTypeCommon             = "common_block"
	BlockTypeProduct            = "product_block"
	BlockTypeSimilarProducts    = "similar_products_block"
	BlockTypeFrequentlyOrdered  = "frequently_ordered_block"
	defaultFrequentlyOrderedCap = 10
)

// ValidBlockType reports whether t is a block type projects may use.
func ValidBlockType(t string) bool {
	switch t {
	case BlockTypeCommon, BlockTypeProduct, BlockTypeSimilarProducts, BlockTypeFrequentlyOrdered:
		return true
	}
	return false
}

// FrequentlyOrderedLimit is how many products a frequently-ordered block
// shows: its Quantity, else 10.
func (b *Block) FrequentlyOrderedLimit() int {
	if b.Quantity > 0 {
		return int(b.Quantity)
	}
	return defaultFrequentlyOrderedCap
}

// BlockStore reads blocks.
type BlockStore interface {
	// Blocks returns a page of the visible blocks of a type ("" any), by
	// position, and their total.
	Blocks(ctx context.Context, typ string, page Page) ([]Block, int64, error)
	// Block returns a visible block. ErrNotFound.
	Block(ctx context.Context, marker string) (*Block, error)
	// BlocksByMarkers returns the visible blocks among markers, in their order.
	BlocksByMarkers(ctx context.Context, markers []string) ([]Block, error)
	// SearchBlocks returns up to limit visible blocks whose title in lang
	// (else the default locale) contains the folded text.
	SearchBlocks(ctx context.Context, lang, folded string, limit int) ([]Block, error)
	// FrequentlyOrdered returns up to limit products ordered with
	// productID, most often first (orders that were not canceled).
	FrequentlyOrdered(ctx context.Context, productID int64, limit int) ([]int64, error)
	// PageBlocks returns the markers a visible page lists. ErrNotFound.
	PageBlocks(ctx context.Context, pageURL string) ([]string, error)
}

// BlockService serves the Content API's Blocks module.
type BlockService interface {
	Blocks(ctx context.Context, typ string, page Page) ([]Block, int64, error)
	Block(ctx context.Context, marker string) (*Block, error)
	// BlockProducts returns a page of the visible products a block shows
	// and their total (product and similar-products blocks; none for others).
	BlockProducts(ctx context.Context, marker string, page Page) ([]Product, int64, error)
	// FrequentlyOrdered returns the visible products most often ordered
	// with productID, for a frequently-ordered block.
	FrequentlyOrdered(ctx context.Context, marker string, productID int64) ([]Product, error)
	// SearchBlocks finds up to 10 visible blocks by title.
	SearchBlocks(ctx context.Context, lang, name string) ([]Block, error)
	// PageBlocks returns the visible blocks a visible page lists, in its order.
	PageBlocks(ctx context.Context, pageURL string) ([]Block, error)
	// ProductBlocks returns the visible blocks a visible product lists, in
	// its order. ErrNotFound for an unknown or hidden product.
	ProductBlocks(ctx context.Context, productID int64) ([]Block, error)
}

// maxBlockProducts bounds the products a block lists: it is one query.
const maxBlockProducts = 1000

// validateBlocks checks the file's blocks: markers unique, types known,
// localizeInfos objects, products positive and bounded. Whether a set or a
// page's block exists is the store's check: it may be an earlier file's.
func (p *Project) validateBlocks() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	seen := map[string]bool{}
	for _, b := range p.Blocks {
		if !ValidMarker(b.Identifier) || seen[b.Identifier] {
			bad("block %q: identifier malformed or repeated", b.Identifier)
		}
		seen[b.Identifier] = true
		if b.Type != "" && !ValidBlockType(b.Type) {
			bad("block %q: type %q is not one of %s, %s, %s, %s", b.Identifier, b.Type,
				BlockTypeCommon, BlockTypeProduct, BlockTypeSimilarProducts, BlockTypeFrequentlyOrdered)
		}
		errs = append(errs, checkContent(fmt.Sprintf("block %q", b.Identifier), b.LocalizeInfos, b.AttributeSetIdentifier,
			b.AttributeValues, b.TemplateIdentifier)...)
		if len(b.Products) > maxBlockProducts {
			bad("block %q: products: at most %d", b.Identifier, maxBlockProducts)
		}
		for _, id := range b.Products {
			if id <= 0 {
				bad("block %q: products: %d is not a product id", b.Identifier, id)
			}
		}
		if b.PerRow < 0 || b.Quantity < 0 {
			bad("block %q: countElementsPerRow and quantity are whole numbers ≥ 0", b.Identifier)
		}
	}
	return errs
}
