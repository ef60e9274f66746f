package oneentry

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

func TestProductListMethods(t *testing.T) {
	t.Parallel()
	cosmo := Product{ID: 14, LocalizeInfos: LocalizeInfos{"title": "Cosmo"}, Price: "340", SKU: "COSMO-14", StatusIdentifier: "sale",
		IsVisible: true, Position: 3, AttributeValues: map[string]any{"currency": map[string]any{"type": "string", "value": "USD", "position": json.Number("2")}}}
	list := &List[Product]{Items: []Product{cosmo}, Total: 7}
	counts := &ProductsCount{TotalAll: 12, TotalInCategory: 3, TotalInCategoryWithNested: 5}
	template := []ProductFilter{
		{AttributeMarker: "sku", ConditionMarker: "nin", ConditionValue: nil},
		{AttributeMarker: "price", ConditionMarker: "mth", ConditionValue: "10", PageURL: "shop"},
	}
	templateBody := `{"filter": [{"attributeMarker": "sku", "conditionMarker": "nin", "conditionValue": null, "isNested": false, "title": ""},
		{"attributeMarker": "price", "conditionMarker": "mth", "conditionValue": "10", "pageUrl": "shop", "isNested": false, "title": ""}]}`
	runAPICases(t, []apiCase{
		{
			name: "GetProducts", method: http.MethodPost, path: "/products/all",
			query: "langCode=en_US&limit=10&offset=0&sortKey=date&sortOrder=ASC", body: templateBody, fixture: "product_list.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProducts(ctx, template, "", &ProductsQuery{Limit: 10, SortKey: "date", SortOrder: "ASC"})
			},
			want: list,
		},
		{
			name: "GetProducts without filters or query", method: http.MethodPost, path: "/products/all",
			query: "langCode=fr_FR&limit=30&offset=0", body: `{"filter": []}`, fixture: "product_list.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProducts(ctx, nil, "fr_FR", nil)
			},
			want: list,
		},
		{
			name: "GetProductsByPageURL", method: http.MethodPost, path: "/products/page/url/lamps",
			query: "attributeMarker=color&conditionMarker=in&conditionValue=red&langCode=en_US&limit=30&offset=0&sortKey=date&sortOrder=DESC&statusMarker=in_stock",
			body:  `{"filter": []}`, fixture: "product_list.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProductsByPageURL(ctx, "lamps", nil, "", &ProductsQuery{SortKey: "date", SortOrder: "DESC",
					StatusMarker: "in_stock", AttributeMarker: "color", ConditionMarker: "in", ConditionValue: "red"})
			},
			want: list,
		},
		{
			name: "GetProductsByPageID", method: http.MethodPost, path: "/products/page/4",
			query: "langCode=en_US&limit=5&offset=10", body: `{"filter": [{"attributeMarker": "color", "conditionMarker": "in", "conditionValue": ["red", "blue"], "isNested": false, "title": ""}]}`,
			fixture: "product_list.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProductsByPageID(ctx, 4, []ProductFilter{{AttributeMarker: "color", ConditionMarker: "in",
					ConditionValue: []string{"red", "blue"}}}, "", &ProductsQuery{Offset: 10, Limit: 5})
			},
			want: list,
		},
		{
			name: "GetProductsEmptyPage", method: http.MethodPost, path: "/products/empty-page",
			query: "langCode=en_US&limit=30&offset=0", body: `{}`, fixture: "product_groups.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProductsEmptyPage(ctx, "", nil)
			},
			want: []ProductGroup{{AttrValue: "", Items: []Product{}, ProductIDs: []string{"506"}, Total: 1}},
		},
		{
			name: "GetProductsPriceByPageURL", method: http.MethodGet, path: "/products/page/lamps/prices",
			query: "langCode=en_US&limit=2&offset=0&sortKey=price&sortOrder=ASC", fixture: "product_prices.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProductsPriceByPageURL(ctx, "lamps", "", &ProductsQuery{Limit: 2, SortKey: "price", SortOrder: "ASC"})
			},
			want: &List[ProductPrice]{Items: []ProductPrice{{ID: 503, Price: "19.99"}, {ID: 505, Price: "35"}}, Total: 3},
		},
		{
			name: "SearchProduct", method: http.MethodGet, path: "/products/quick/search",
			query: "langCode=en_US&name=oak+chair", fixture: "product_hits.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.SearchProduct(ctx, "oak chair", "")
			},
			want: []ProductHit{{ID: 501, Title: "Oak chair"}, {ID: 502, Title: "Pine chair"}},
		},
		{
			name: "GetProductsCount", method: http.MethodPost, path: "/products/all/counts",
			body:    `[{"attributeMarker": "color", "conditionMarker": "eq", "conditionValue": "red", "isNested": false, "title": ""}]`,
			fixture: "product_counts.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProductsCount(ctx, []ProductFilter{{AttributeMarker: "color", ConditionMarker: "eq", ConditionValue: "red"}})
			},
			want: counts,
		},
		{
			name: "GetProductsCountByPageID", method: http.MethodPost, path: "/products/page/4/counts", body: `[]`, fixture: "product_counts.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProductsCountByPageID(ctx, 4, nil)
			},
			want: counts,
		},
		{
			name: "GetProductsCountByPageURL", method: http.MethodPost, path: "/products/page/url/category/counts", body: `[]`,
			fixture: "product_counts.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Products.GetProductsCountByPageURL(ctx, "category", nil)
			},
			want: counts,
		},
	})
}
