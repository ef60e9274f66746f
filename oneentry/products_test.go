package oneentry

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

func TestProductsService(t *testing.T) {
	t.Parallel()
	runAPICases(t, []apiCase{
		{
			name: "GetProductByID", method: http.MethodGet,
			path: "/products/14", query: "langCode=en_US", fixture: "product.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Products.GetProductByID(ctx, 14, "") },
			want: &Product{
				ID: 14, LocalizeInfos: LocalizeInfos{"title": "Cosmo"}, Price: "340", SKU: "COSMO-14",
				StatusIdentifier: "sale", IsVisible: true, Position: 3,
				AttributeValues: map[string]any{
					"price": map[string]any{"type": "float", "value": json.Number("340"), "position": json.Number("1"),
						"isIcon": false, "isProductPreview": false, "additionalFields": []any{}},
					"currency": map[string]any{"type": "string", "value": "USD", "position": json.Number("2"),
						"isIcon": false, "isProductPreview": false, "additionalFields": []any{}},
				},
			},
		},
		{
			name: "GetProductsByIDs", method: http.MethodGet,
			path: "/products/ids", query: "ids=14,15&langCode=en_US", fixture: "products.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProductsByIDs(ctx, []int64{14, 15}, "")
			},
			want: []Product{
				{
					ID: 14, LocalizeInfos: LocalizeInfos{"title": "Cosmo"}, Price: "340", SKU: "COSMO-14",
					StatusIdentifier: "sale", IsVisible: true, Position: 3,
					AttributeValues: map[string]any{"currency": map[string]any{"type": "string", "value": "USD", "position": json.Number("2")}},
				},
				{
					ID: 15, LocalizeInfos: LocalizeInfos{"title": "Box"}, Price: "19.99", Position: 4,
					AttributeValues: map[string]any{"currency_products": map[string]any{"type": "string", "value": "usd", "position": json.Number("2")}},
				},
			},
		},
	})
}

func TestProductCurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		attrs map[string]any
		want  string
	}{
		{"currency attribute", map[string]any{"currency": map[string]any{"value": "USD"}}, "USD"},
		{"currency_products attribute", map[string]any{"currency_products": map[string]any{"value": "usd"}}, "usd"},
		{"currency wins", map[string]any{"currency": map[string]any{"value": "EUR"}, "currency_products": map[string]any{"value": "usd"}}, "EUR"},
		{"not a string", map[string]any{"currency": map[string]any{"value": json.Number("1")}}, ""},
		{"none", nil, ""},
	}
	for _, tc := range tests {
		p := Product{AttributeValues: tc.attrs}
		if got := p.Currency(); got != tc.want {
			t.Errorf("%s: Currency() got %q, want %q", tc.name, got, tc.want)
		}
	}
}
