package oneentry

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// ProductsService mirrors the JS module Products (the calls pricing needs).
type ProductsService service

// Product is a catalogue item (the fields pricing and display need).
type Product struct {
	ID            int64         `json:"id"`
	LocalizeInfos LocalizeInfos `json:"localizeInfos"`
	// Price mirrors the attribute flagged "contains price"; empty when null.
	Price            Decimal `json:"price"`
	SKU              string  `json:"sku"`
	StatusIdentifier string  `json:"statusIdentifier"`
	// AttributeValues maps attribute markers to {type, value, position, ...};
	// numbers inside are json.Number.
	AttributeValues map[string]any `json:"attributeValues"`
	IsVisible       bool           `json:"isVisible"`
	Position        int64          `json:"position"`
}

// Currency returns attributeValues.currency.value (falling back to the
// currency_products attribute of the platform's examples), or "" if neither is
// a string. The platform has no top-level currency and enforces no ISO codes.
func (p *Product) Currency() string {
	for _, key := range []string{"currency", "currency_products"} {
		attr, _ := p.AttributeValues[key].(map[string]any)
		if v, ok := attr["value"].(string); ok {
			return v
		}
	}
	return ""
}

// GetProductByID calls GET /api/content/products/{id} (JS: Products.getProductById).
func (s *ProductsService) GetProductByID(ctx context.Context, id int64, langCode string) (*Product, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, "/products/"+strconv.FormatInt(id, 10)+"?"+query("langCode", s.client.lang(langCode)), nil)
	if err != nil {
		return nil, err
	}
	out := new(Product)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetProductsByIDs calls GET /api/content/products/ids?ids=1,2 (JS: Products.getProductsByIds).
func (s *ProductsService) GetProductsByIDs(ctx context.Context, ids []int64, langCode string) ([]Product, error) {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	req, err := s.client.newRequest(ctx, http.MethodGet, "/products/ids?"+query("ids", strings.Join(parts, ","), "langCode", s.client.lang(langCode)), nil)
	if err != nil {
		return nil, err
	}
	var out []Product
	if err := s.client.do(req, &out); err != nil {
		return nil, err
	}
	return out, nil
}
