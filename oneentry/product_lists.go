package oneentry

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// ProductFilter is one filter object of the product lists (JS:
// IFilterParams). Every part that is set must hold, and so must every
// filter of a call.
type ProductFilter struct {
	// AttributeMarker names the attribute ConditionMarker tests: an
	// attribute of the product sets, or price, currency or sku.
	AttributeMarker string `json:"attributeMarker"`
	// ConditionMarker is in, nin, eq, neq, mth, lth, exs, nexs, pat or
	// same; "" tests nothing (the filter may still name a status or pages).
	ConditionMarker string `json:"conditionMarker,omitempty"`
	// ConditionValue is a string, a number, a list of them for in and nin,
	// or nil, which JSON sends as null: eq and in null test for no value.
	ConditionValue any      `json:"conditionValue"`
	PageURL        string   `json:"pageUrl,omitempty"`
	PageURLs       []string `json:"pageUrls,omitempty"`
	IsNested       bool     `json:"isNested"` // PageURL(s) include their descendant pages
	StatusMarker   string   `json:"statusMarker,omitempty"`
	Title          string   `json:"title"` // part of the title, any case
}

// ProductsQuery is the query of the product lists (JS: IProductsQuery).
// Zero values are left out; Limit 0 asks for 30, the SDK's default.
type ProductsQuery struct {
	Offset, Limit int
	SortOrder     string // ASC or DESC (the default)
	SortKey       string // id, position, title, date, price or an attribute marker; "": position
	StatusMarker  string
	// AttributeMarker, ConditionMarker and ConditionValue add one more filter.
	AttributeMarker, ConditionMarker, ConditionValue string
}

func (q *ProductsQuery) values(langCode string) url.Values {
	v := url.Values{}
	v.Set("langCode", langCode)
	if q == nil {
		q = &ProductsQuery{}
	}
	off, lim := page(q.Offset, q.Limit)
	v.Set("offset", off)
	v.Set("limit", lim)
	for k, s := range map[string]string{"sortOrder": q.SortOrder, "sortKey": q.SortKey, "statusMarker": q.StatusMarker,
		"attributeMarker": q.AttributeMarker, "conditionMarker": q.ConditionMarker, "conditionValue": q.ConditionValue} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// ProductPrice is one product of GetProductsPriceByPageURL.
type ProductPrice struct {
	ID    int64   `json:"id"`
	Price Decimal `json:"price"`
}

// ProductHit is one product the quick search found.
type ProductHit struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// ProductsCount is what the count calls answer.
type ProductsCount struct {
	TotalAll                  int64 `json:"totalAll"`
	TotalInCategory           int64 `json:"totalInCategory"`
	TotalInCategoryWithNested int64 `json:"totalInCategoryWithNested"`
}

// ProductGroup is one group of GetProductsEmptyPage.
type ProductGroup struct {
	AttrValue  string    `json:"attrValue"`
	Items      []Product `json:"items"`
	ProductIDs []string  `json:"productIds"`
	Total      int64     `json:"total"`
}

type filterBody struct {
	Filter []ProductFilter `json:"filter"`
}

func filters(f []ProductFilter) []ProductFilter {
	if f == nil {
		return []ProductFilter{}
	}
	return f
}

func (s *ProductsService) list(ctx context.Context, path string, body any, out any) error {
	req, err := s.client.newRequest(ctx, http.MethodPost, path, body)
	if err != nil {
		return err
	}
	return s.client.do(req, out)
}

// GetProducts calls POST /api/content/products/all (JS: Products.getProducts).
func (s *ProductsService) GetProducts(ctx context.Context, f []ProductFilter, langCode string, q *ProductsQuery) (*List[Product], error) {
	out := new(List[Product])
	err := s.list(ctx, "/products/all?"+q.values(s.client.lang(langCode)).Encode(), filterBody{filters(f)}, out)
	return out, err
}

// GetProductsByPageID calls POST /api/content/products/page/{id} (JS:
// Products.getProductsByPageId): the products listed on the page.
func (s *ProductsService) GetProductsByPageID(ctx context.Context, pageID int64, f []ProductFilter, langCode string, q *ProductsQuery) (*List[Product], error) {
	out := new(List[Product])
	path := "/products/page/" + strconv.FormatInt(pageID, 10) + "?" + q.values(s.client.lang(langCode)).Encode()
	err := s.list(ctx, path, filterBody{filters(f)}, out)
	return out, err
}

// GetProductsByPageURL calls POST /api/content/products/page/url/{url} (JS:
// Products.getProductsByPageUrl): the products listed on the page.
func (s *ProductsService) GetProductsByPageURL(ctx context.Context, pageURL string, f []ProductFilter, langCode string, q *ProductsQuery) (*List[Product], error) {
	out := new(List[Product])
	path := "/products/page/url/" + url.PathEscape(pageURL) + "?" + q.values(s.client.lang(langCode)).Encode()
	err := s.list(ctx, path, filterBody{filters(f)}, out)
	return out, err
}

// GetProductsEmptyPage calls POST /api/content/products/empty-page (JS:
// Products.getProductsEmptyPage): the products listed on no page.
func (s *ProductsService) GetProductsEmptyPage(ctx context.Context, langCode string, q *ProductsQuery) ([]ProductGroup, error) {
	var out []ProductGroup
	err := s.list(ctx, "/products/empty-page?"+q.values(s.client.lang(langCode)).Encode(), struct{}{}, &out)
	return out, err
}

// GetProductsPriceByPageURL calls GET /api/content/products/page/{url}/prices
// (JS: Products.getProductsPriceByPageUrl).
func (s *ProductsService) GetProductsPriceByPageURL(ctx context.Context, pageURL, langCode string, q *ProductsQuery) (*List[ProductPrice], error) {
	path := "/products/page/" + url.PathEscape(pageURL) + "/prices?" + q.values(s.client.lang(langCode)).Encode()
	req, err := s.client.newRequest(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	out := new(List[ProductPrice])
	return out, s.client.do(req, out)
}

// SearchProduct calls GET /api/content/products/quick/search (JS:
// Products.searchProduct): up to ten products whose title contains name.
// The JS SDK then fetches each product; call GetProductByID for that.
func (s *ProductsService) SearchProduct(ctx context.Context, name, langCode string) ([]ProductHit, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, "/products/quick/search?"+query("langCode", s.client.lang(langCode), "name", name), nil)
	if err != nil {
		return nil, err
	}
	var out []ProductHit
	return out, s.client.do(req, &out)
}

func (s *ProductsService) count(ctx context.Context, path string, f []ProductFilter) (*ProductsCount, error) {
	out := new(ProductsCount)
	return out, s.list(ctx, path, filters(f), out) // the JS SDK sends these filters bare
}

// GetProductsCount calls POST /api/content/products/all/counts (JS: Products.getProductsCount).
func (s *ProductsService) GetProductsCount(ctx context.Context, f []ProductFilter) (*ProductsCount, error) {
	return s.count(ctx, "/products/all/counts", f)
}

// GetProductsCountByPageID calls POST /api/content/products/page/{id}/counts
// (JS: Products.getProductsCountByPageId).
func (s *ProductsService) GetProductsCountByPageID(ctx context.Context, pageID int64, f []ProductFilter) (*ProductsCount, error) {
	return s.count(ctx, "/products/page/"+strconv.FormatInt(pageID, 10)+"/counts", f)
}

// GetProductsCountByPageURL calls POST /api/content/products/page/url/{url}/counts
// (JS: Products.getProductsCountByPageUrl).
func (s *ProductsService) GetProductsCountByPageURL(ctx context.Context, pageURL string, f []ProductFilter) (*ProductsCount, error) {
	return s.count(ctx, "/products/page/url/"+url.PathEscape(pageURL)+"/counts", f)
}
