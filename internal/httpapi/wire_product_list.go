package httpapi

import (
	"bytes"
	"encoding/json"

	"github.com/openentry/openentry"
)

// wireProductCounts is the counts routes' answer (the SDK's ProductsCountSchema).
type wireProductCounts struct {
	TotalAll                  int64 `json:"totalAll"`
	TotalInCategory           int64 `json:"totalInCategory"`
	TotalInCategoryWithNested int64 `json:"totalInCategoryWithNested"`
}

func toWireProductCounts(c *openentry.ProductCounts) wireProductCounts {
	return wireProductCounts{TotalAll: c.All, TotalInCategory: c.InPage, TotalInCategoryWithNested: c.InPageOrNested}
}

// wireProductPrice is one item of getProductsPriceByPageUrl (IProductInfo).
type wireProductPrice struct {
	ID    int64       `json:"id"`
	Price json.Number `json:"price"`
}

func toWireProductPrice(p *openentry.ProductPrice, _ string) wireProductPrice {
	return wireProductPrice{ID: p.ID, Price: json.Number(p.Price.Number())}
}

// wireProductHit is one answer of the quick search: what the shop
// template's search box reads, before the SDK fetches each product.
type wireProductHit struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

func toWireProductHit(h *openentry.ProductHit, _ string) wireProductHit {
	return wireProductHit{ID: h.ID, Title: h.Title}
}

// wireProductGroup is one group of getProductsEmptyPage (IAggregatedProductGroup).
type wireProductGroup struct {
	AttrValue  string            `json:"attrValue"`
	Items      []json.RawMessage `json:"items"`
	ProductIDs []string          `json:"productIds"`
	Total      int64             `json:"total"`
}

// wireFilter is one filter object as clients send it (the SDK's
// IFilterParams); pointers tell absent and null from empty.
type wireFilter struct {
	AttributeMarker *string         `json:"attributeMarker"`
	ConditionMarker *string         `json:"conditionMarker"`
	ConditionValue  json.RawMessage `json:"conditionValue"`
	PageURL         *string         `json:"pageUrl"`
	PageURLs        []string        `json:"pageUrls"`
	StatusMarker    *string         `json:"statusMarker"`
	Title           *string         `json:"title"`
	IsNested        *bool           `json:"isNested"`
}

func (f wireFilter) toFilter() openentry.ProductFilter {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	out := openentry.ProductFilter{
		AttributeMarker: str(f.AttributeMarker), ConditionMarker: str(f.ConditionMarker), ConditionValue: f.ConditionValue,
		StatusMarker: str(f.StatusMarker), Title: str(f.Title), IsNested: f.IsNested != nil && *f.IsNested,
	}
	if u := str(f.PageURL); u != "" {
		out.PageURLs = append(out.PageURLs, u)
	}
	for _, u := range f.PageURLs {
		if u != "" {
			out.PageURLs = append(out.PageURLs, u)
		}
	}
	return out
}

// plainJSONString reports a JSON string literal without escapes, whose
// bytes between the quotes are its text.
func plainJSONString(s []byte) bool {
	return len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' && bytes.IndexByte(s, '\\') < 0 && bytes.IndexByte(s[1:len(s)-1], '"') < 0
}
