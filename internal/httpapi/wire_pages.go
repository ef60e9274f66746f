package httpapi

import (
	"encoding/json"
	"strconv"

	"github.com/openentry/openentry"
)

// wirePage is the SDK's IPagesEntity (PageEntitySchema).
type wirePage struct {
	ID                     int64                    `json:"id"`
	ParentID               *int64                   `json:"parentId"`
	PageURL                string                   `json:"pageUrl"`
	Depth                  int64                    `json:"depth"`
	LocalizeInfos          json.RawMessage          `json:"localizeInfos"`
	IsVisible              bool                     `json:"isVisible"`
	Type                   string                   `json:"type"`
	TemplateIdentifier     *string                  `json:"templateIdentifier"`
	AttributeSetIdentifier *string                  `json:"attributeSetIdentifier"`
	AttributeValues        map[string]wirePageValue `json:"attributeValues"`
	ModuleFormConfigs      []any                    `json:"moduleFormConfigs"`
	IsSync                 bool                     `json:"isSync"`
	Blocks                 []string                 `json:"blocks"` // markers of the blocks it shows
	Position               int64                    `json:"position"`
	Config                 map[string]int64         `json:"config"`
	Products               int64                    `json:"products"`
	ChildrenCount          string                   `json:"childrenCount"` // a string in the SDK's schema
}

// wirePageValue is one attribute value, as the SDK keys them by marker.
type wirePageValue struct {
	Type             string `json:"type"`
	Value            any    `json:"value"`
	Position         int64  `json:"position"`
	AdditionalFields []any  `json:"additionalFields"`
}

// toWirePage shapes pages whose file values link under base (linkBase).
func toWirePage(base string) func(p *openentry.ContentPage, lang string) wirePage {
	return func(p *openentry.ContentPage, lang string) wirePage { return wirePageAt(p, lang, base) }
}

func wirePageAt(p *openentry.ContentPage, lang, base string) wirePage {
	w := wirePage{
		ID: p.ID, PageURL: p.PageURL, Depth: p.Depth, LocalizeInfos: p.LocalizeInfos.Resolve(lang),
		IsVisible: p.IsVisible, Type: p.Type, AttributeValues: pageValues(p, lang, base), ModuleFormConfigs: []any{},
		IsSync: true, Blocks: p.Blocks, Position: p.Position, Config: p.Config, Products: p.Products,
		ChildrenCount: strconv.FormatInt(p.ChildrenCount, 10),
	}
	if w.Config == nil {
		w.Config = map[string]int64{}
	}
	if w.Blocks == nil {
		w.Blocks = []string{}
	}
	if p.ParentID != 0 {
		w.ParentID = &p.ParentID
	}
	if p.TemplateIdentifier != "" {
		w.TemplateIdentifier = &p.TemplateIdentifier
	}
	if p.AttributeSetIdentifier != "" {
		w.AttributeSetIdentifier = &p.AttributeSetIdentifier
	}
	return w
}

// pageValues gives the page's values in lang, each attribute falling back
// to the default locale's value, typed and placed by the page's set. A
// value whose attribute the set no longer has is left out.
func pageValues(p *openentry.ContentPage, lang, base string) map[string]wirePageValue {
	return contentValues(p.Attributes, p.AttributeValues, lang, base)
}

// contentValues shapes the values of a page or a block by its set's
// attributes (see pageValues).
func contentValues(attrs []openentry.Attribute, values openentry.AttributeValues, lang, base string) map[string]wirePageValue {
	out := map[string]wirePageValue{}
	for _, a := range attrs {
		v, ok := values[lang][a.Marker]
		if !ok {
			v, ok = values[openentry.DefaultLocale][a.Marker]
		}
		if !ok {
			continue
		}
		value := any(v)
		switch a.Type {
		case "image", "groupOfImages", "file":
			value = fileValue(base, a.Type, v)
		}
		out[a.Marker] = wirePageValue{Type: a.Type, Value: value, Position: a.Position, AdditionalFields: []any{}}
	}
	return out
}

// wirePageConfig is the SDK's IPageConfig.
type wirePageConfig struct {
	RowsPerPage    *int64 `json:"rowsPerPage"`
	ProductsPerRow *int64 `json:"productsPerRow"`
}

func toWirePageConfig(p *openentry.ContentPage) wirePageConfig {
	var w wirePageConfig
	if n, ok := p.Config["rowsPerPage"]; ok {
		w.RowsPerPage = &n
	}
	if n, ok := p.Config["productsPerRow"]; ok {
		w.ProductsPerRow = &n
	}
	return w
}

// wirePageHit is one answer of the quick search: enough for the SDK, which
// then reads each page by id.
type wirePageHit struct {
	ID      int64  `json:"id"`
	PageURL string `json:"pageUrl"`
	Title   string `json:"title"`
}

func toWirePageHit(p *openentry.ContentPage, lang string) wirePageHit {
	return wirePageHit{ID: p.ID, PageURL: p.PageURL, Title: p.Title(lang)}
}
