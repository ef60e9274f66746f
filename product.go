package openentry

import "context"

// Product is something a shop sells, priced in one currency.
type Product struct {
	ID                     int64
	LocalizeInfos          Localized
	Price                  Money
	Sku                    string
	StatusIdentifier       string
	AttributeSetIdentifier string
	Position               int64
	IsVisible              bool
	// Pages are the visible pages (categories) the product is listed on,
	// by page id.
	Pages               []ProductPage
	StatusLocalizeInfos Localized
	// NotForSale is set by a status whose products cannot be ordered.
	NotForSale      bool
	AttributeValues AttributeValues
	RelatedIDs      []int64
	// Blocks are the markers of the blocks the product shows.
	Blocks []string
	// Revision is the catalogue's revision the product was read at: every
	// change of the catalogue moves it. With Stock, read live, it names
	// what the product looks like.
	Revision int64
	// Stock is the units left when the product's set tracks stock, else nil.
	Stock          *int64
	StockAttribute string // the attribute Stock is shown in
	// SetAttributes are the definitions of the product's set (types,
	// positions, options), read with it so that its values can be shown.
	SetAttributes []Attribute
}

// ProductPage is one page a product is listed on, at its position there.
type ProductPage struct {
	PageID   int64
	PageURL  string
	Position int64
}

// Categories are the urls of the product's pages.
func (p *Product) Categories() []string {
	out := make([]string, 0, len(p.Pages))
	for _, pg := range p.Pages {
		out = append(out, pg.PageURL)
	}
	return out
}

// ProductService reads the catalogue.
type ProductService interface {
	// Product returns a visible product, or ErrNotFound.
	Product(ctx context.Context, id int64) (*Product, error)
	// ProductsByIDs returns the visible products among ids, in the order asked.
	ProductsByIDs(ctx context.Context, ids []int64) ([]Product, error)
}
