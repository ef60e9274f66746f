package shop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openentry/openentry"
)

// ProductLists lists, counts and searches the catalogue (JS SDK:
// Products.getProducts and its siblings): it checks a query against the
// catalogue's markers, statuses and pages, and has the store's search
// index run it.
type ProductLists struct{ store openentry.Store }

var _ openentry.ProductListService = (*ProductLists)(nil)

// NewProductLists returns the product list use cases over store.
func NewProductLists(store openentry.Store) *ProductLists { return &ProductLists{store: store} }

// Products returns a page of the products q selects and their total.
func (l *ProductLists) Products(ctx context.Context, q openentry.ProductQuery) ([]openentry.Product, int64, error) {
	s, err := l.search(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	if q.RelatedTo != 0 && q.SortKey == "" {
		return l.inRelatedOrder(ctx, s)
	}
	return l.find(ctx, s)
}

// inRelatedOrder runs a search among a product's related ones and pages
// them in the order the product lists them. The list is bounded
// (openentry.MaxRelated), so all of them are found at once.
func (l *ProductLists) inRelatedOrder(ctx context.Context, s openentry.ProductSearch) ([]openentry.Product, int64, error) {
	page := s
	s.Offset, s.Limit, s.Sort, s.Desc = 0, max(len(s.IDs), 1), openentry.SortID, false
	found, total, err := l.store.FindProducts(ctx, s)
	if err != nil {
		return nil, 0, err
	}
	visible := make(map[int64]bool, len(found))
	for _, id := range found {
		visible[id] = true
	}
	ids := make([]int64, 0, len(found))
	for _, id := range s.IDs {
		if visible[id] {
			ids = append(ids, id)
			visible[id] = false // listed twice: shown once
		}
	}
	from := min(page.Offset, len(ids))
	products, err := l.store.ListProducts(ctx, ids[from:min(from+page.Limit, len(ids))])
	return products, total, err
}

// ProductPrices returns the ids and prices of a page of the products q
// selects and their total.
func (l *ProductLists) ProductPrices(ctx context.Context, q openentry.ProductQuery) ([]openentry.ProductPrice, int64, error) {
	products, total, err := l.Products(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	out := make([]openentry.ProductPrice, len(products))
	for i, p := range products {
		out[i] = openentry.ProductPrice{ID: p.ID, Price: p.Price}
	}
	return out, total, nil
}

// ProductCounts counts what q's filters select: anywhere, on the route's
// page, and on it or its descendants; without a route page all three are
// the catalogue's.
func (l *ProductLists) ProductCounts(ctx context.Context, q openentry.ProductQuery) (*openentry.ProductCounts, error) {
	q.Offset, q.Limit, q.SortKey, q.SortOrder = 0, 0, "", ""
	s, err := l.search(ctx, q)
	if err != nil {
		return nil, err
	}
	routePage := s.Pages[:0:0]
	if q.PageURL != "" || q.PageID != 0 {
		routePage, s.Pages = s.Pages[:1], s.Pages[1:] // search puts the route's page first
	}
	count := func(pages [][]int64) (int64, error) {
		c := s
		c.Pages = append(slices.Clone(pages), s.Pages...)
		_, n, err := l.store.FindProducts(ctx, c)
		return n, err
	}
	var out openentry.ProductCounts
	if out.All, err = count(nil); err != nil {
		return nil, err
	}
	if len(routePage) == 0 {
		out.InPage, out.InPageOrNested = out.All, out.All
		return &out, nil
	}
	if out.InPage, err = count(routePage); err != nil {
		return nil, err
	}
	nested, err := l.routePage(ctx, q, true)
	if err != nil {
		return nil, err
	}
	if out.InPageOrNested, err = count([][]int64{nested}); err != nil {
		return nil, err
	}
	return &out, nil
}

// SearchProducts finds up to QuickSearchLimit visible products whose
// title in lang contains name, ignoring case.
func (l *ProductLists) SearchProducts(ctx context.Context, lang, name string) ([]openentry.ProductHit, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, openentry.Invalid("name: give the text to search product titles for")
	}
	schema, err := l.store.ProductSchema(ctx, lang)
	if err != nil {
		return nil, err
	}
	return l.store.SearchTitles(ctx, schema.Locale, lang, openentry.Fold(name), openentry.QuickSearchLimit)
}

// find runs a search and loads its page of products in order.
func (l *ProductLists) find(ctx context.Context, s openentry.ProductSearch) ([]openentry.Product, int64, error) {
	ids, total, err := l.store.FindProducts(ctx, s)
	if err != nil {
		return nil, 0, err
	}
	products, err := l.store.ListProducts(ctx, ids) // one hidden since the search is left out
	return products, total, err
}

// routePage returns the ids of q's route page and, when nested, its
// descendants. ErrNotFound for an unknown or hidden page.
func (l *ProductLists) routePage(ctx context.Context, q openentry.ProductQuery, nested bool) ([]int64, error) {
	url := q.PageURL
	if q.PageID != 0 {
		p, err := l.store.PageByID(ctx, q.PageID)
		if err != nil {
			return nil, err
		}
		if !nested {
			return []int64{p.ID}, nil
		}
		url = p.PageURL
	}
	return l.store.PageDescendants(ctx, url, nested)
}

// search checks q and turns it into the store's search. The route's page,
// if any, is the first of Pages.
func (l *ProductLists) search(ctx context.Context, q openentry.ProductQuery) (openentry.ProductSearch, error) {
	s := openentry.ProductSearch{Offset: q.Offset, Limit: q.Limit, Unlisted: q.Unlisted}
	if q.Offset < 0 {
		return s, openentry.Invalid("offset must be 0 or more")
	}
	if q.Limit < 0 || q.Limit > openentry.MaxProductLimit {
		return s, openentry.Invalid(fmt.Sprintf("limit must be from 0 to %d", openentry.MaxProductLimit))
	}
	switch strings.ToUpper(q.SortOrder) {
	case "", "DESC":
		s.Desc = true
	case "ASC":
	default:
		return s, openentry.Invalid(fmt.Sprintf("sortOrder must be ASC or DESC, not %q", q.SortOrder))
	}
	schema, err := l.store.ProductSchema(ctx, q.Lang)
	if err != nil {
		return s, err
	}
	s.Locale = schema.Locale
	switch q.SortKey {
	case "":
		s.Sort = openentry.SortPosition
	case openentry.SortID, openentry.SortPosition, openentry.SortTitle, openentry.SortDate, openentry.SortPrice:
		s.Sort = q.SortKey
	default:
		if _, ok := schema.Markers[q.SortKey]; !ok {
			return s, openentry.Invalid(fmt.Sprintf("sortKey %q is neither id, position, title, date, price nor a product attribute", q.SortKey))
		}
		s.Sort, s.Marker = openentry.SortMarker, q.SortKey
	}
	if q.RelatedTo != 0 {
		p, err := l.store.Product(ctx, q.RelatedTo)
		if err != nil {
			return s, err
		}
		s.IDs = append([]int64{}, p.RelatedIDs...)
	}
	if q.PageURL != "" || q.PageID != 0 {
		ids, err := l.routePage(ctx, q, false)
		if err != nil {
			return s, err
		}
		s.Pages = append(s.Pages, ids)
	}
	for i, f := range q.Filters {
		at := fmt.Sprintf("filter[%d]", i)
		if f.StatusMarker != "" && !slices.Contains(s.Statuses, f.StatusMarker) {
			if !schema.Statuses[f.StatusMarker] {
				return s, openentry.Invalid(fmt.Sprintf("%s.statusMarker: product status %q not found", at, f.StatusMarker))
			}
			s.Statuses = append(s.Statuses, f.StatusMarker)
		}
		if t := strings.TrimSpace(f.Title); t != "" {
			s.Titles = append(s.Titles, openentry.Fold(t))
		}
		if len(f.PageURLs) > 0 {
			var set []int64
			for _, url := range f.PageURLs {
				ids, err := l.store.PageDescendants(ctx, url, f.IsNested)
				if errors.Is(err, openentry.ErrNotFound) {
					return s, openentry.Invalid(fmt.Sprintf("%s.pageUrls: page %q not found", at, url))
				} else if err != nil {
					return s, err
				}
				for _, id := range ids {
					if !slices.Contains(set, id) {
						set = append(set, id)
					}
				}
			}
			s.Pages = append(s.Pages, set)
		}
		if f.ConditionMarker == "" {
			if f.AttributeMarker != "" {
				if _, ok := schema.Markers[f.AttributeMarker]; !ok {
					return s, openentry.Invalid(fmt.Sprintf("%s.attributeMarker: %q is not a product attribute", at, f.AttributeMarker))
				}
			}
			continue // no condition: the marker goes with a status or a title only
		}
		c, err := valueCond(at, f, schema)
		if err != nil {
			return s, err
		}
		s.Values = append(s.Values, c)
	}
	s.Values = mergeRanges(s.Values, schema)
	return s, nil
}

// mergeRanges makes one test of two ranges on the same number or date
// marker (the template's price mth and lth): a product has one such value
// per locale, so "above lo" and "below hi" is "between".
func mergeRanges(conds []openentry.ValueCond, schema *openentry.ProductSchema) []openentry.ValueCond {
	out := conds[:0:0]
	merged := map[string]int{} // marker → its range's place in out
	for _, c := range conds {
		kinds := schema.Markers[c.Marker].Kinds
		single := len(kinds) == 1 && (kinds[0] == openentry.KindNumber || kinds[0] == openentry.KindDate)
		if !single || c.Not || c.Stock || len(c.Test.Ranges) != 1 || len(c.Test.Keys)+len(c.Test.Likes) > 0 || c.Test.Any {
			out = append(out, c)
			continue
		}
		i, ok := merged[c.Marker]
		if !ok {
			merged[c.Marker] = len(out)
			out = append(out, c)
			continue
		}
		r, n := &out[i].Test.Ranges[0], c.Test.Ranges[0]
		r.Above, r.Below = max(r.Above, n.Above), min(r.Below, n.Below)
	}
	return out
}

// valueCond checks one filter's condition and turns its value into keys,
// per the kinds of the marker's attributes: a number must be a number for
// a number attribute, a date a date, and anything scalar is text for text.
func valueCond(at string, f openentry.ProductFilter, schema *openentry.ProductSchema) (openentry.ValueCond, error) {
	c := openentry.ValueCond{Marker: f.AttributeMarker}
	op := f.ConditionMarker
	if !openentry.IsProductCondition(op) {
		return c, openentry.Invalid(fmt.Sprintf("%s.conditionMarker %q is not one of in, nin, eq, neq, mth, lth, exs, nexs, pat, same", at, op))
	}
	if f.AttributeMarker == "" {
		return c, openentry.Invalid(fmt.Sprintf("%s.attributeMarker: a condition needs the attribute it tests", at))
	}
	info, ok := schema.Markers[f.AttributeMarker]
	if !ok {
		return c, openentry.Invalid(fmt.Sprintf("%s.attributeMarker: %q is not a product attribute", at, f.AttributeMarker))
	}
	values, err := conditionValues(f.ConditionValue)
	if err != nil {
		return c, openentry.Invalid(fmt.Sprintf("%s.conditionValue: %v", at, err))
	}
	switch op {
	case openentry.CondNotIn, openentry.CondNotEqual, openentry.CondNotExists:
		c.Not = true
	}
	switch op {
	case openentry.CondExists, openentry.CondNotExists:
		values = nil // the value plays no part
	case openentry.CondIn, openentry.CondNotIn, openentry.CondEqual, openentry.CondNotEqual, openentry.CondSameAs:
		if values == nil { // eq null: has no value; neq null: has one
			c.Not = !c.Not
			op = openentry.CondExists
		}
	default:
		if values == nil {
			return c, openentry.Invalid(fmt.Sprintf("%s.conditionValue: %s needs a value", at, op))
		}
	}
	if len(values) > 1 && op != openentry.CondIn && op != openentry.CondNotIn {
		return c, openentry.Invalid(fmt.Sprintf("%s.conditionValue: %s takes one value, not a list", at, op))
	}
	if op == openentry.CondExists || op == openentry.CondNotExists {
		if info.Stock {
			c.Stock = true
		} else {
			c.Test.Any = true
		}
		return c, nil
	}
	if info.Stock {
		return stockCond(at, op, values, c)
	}
	var tried []string
	for _, kind := range info.Kinds {
		for _, v := range values {
			key, err := kindKey(kind, v)
			if err != nil {
				tried = append(tried, err.Error())
				continue
			}
			switch op {
			case openentry.CondIn, openentry.CondNotIn, openentry.CondEqual, openentry.CondNotEqual:
				c.Test.Keys = append(c.Test.Keys, key)
			case openentry.CondSameAs:
				if kind == openentry.KindText {
					key = openentry.FoldedKey(v)
				}
				c.Test.Keys = append(c.Test.Keys, key)
			case openentry.CondGreater:
				c.Test.Ranges = append(c.Test.Ranges, openentry.KeyRange{Above: key, Below: openentry.KindEnd(kind)})
			case openentry.CondLess:
				c.Test.Ranges = append(c.Test.Ranges, openentry.KeyRange{Above: string(kind), Below: key})
			case openentry.CondPattern:
				if kind == openentry.KindText {
					c.Test.Likes = append(c.Test.Likes, openentry.LikeContains(string(openentry.KindFolded), openentry.Fold(v)))
				} else {
					tried = append(tried, "pat tests text attributes")
				}
			}
		}
	}
	if len(c.Test.Keys)+len(c.Test.Ranges)+len(c.Test.Likes) == 0 {
		return c, openentry.Invalid(fmt.Sprintf("%s.conditionValue does not suit attribute %q: %s", at, f.AttributeMarker, strings.Join(tried, "; ")))
	}
	return c, nil
}

// kindKey is the key a condition value has in a kind of keys.
func kindKey(kind byte, v string) (string, error) {
	switch kind {
	case openentry.KindNumber:
		k, err := openentry.NumberKey(v)
		if err != nil {
			return "", fmt.Errorf("%q is not a number", v)
		}
		return k, nil
	case openentry.KindDate:
		return openentry.DateKey(v)
	case openentry.KindText:
		return openentry.TextKey(v), nil
	}
	return "", errors.New("the attribute's values (files, images, json …) can only be tested with exs and nexs")
}

// stockCond tests a stock attribute's live units, a whole number.
func stockCond(at, op string, values []string, c openentry.ValueCond) (openentry.ValueCond, error) {
	c.Stock = true
	sign := map[string]string{openentry.CondGreater: ">", openentry.CondLess: "<"}[op]
	if op == openentry.CondPattern {
		return c, openentry.Invalid(fmt.Sprintf("%s: pat tests text; %q counts units", at, c.Marker))
	}
	if sign == "" {
		sign = "="
	}
	c.StockOp = sign
	c.StockArgs = []int64{}
	for _, v := range values {
		n, ok, err := openentry.StockBound(sign, v)
		if err != nil {
			return c, openentry.Invalid(fmt.Sprintf("%s.conditionValue: %v", at, err))
		}
		if ok {
			c.StockArgs = append(c.StockArgs, n)
		}
	}
	if sign != "=" && len(c.StockArgs) == 0 {
		return c, openentry.Invalid(fmt.Sprintf("%s.conditionValue: a number", at))
	}
	return c, nil
}

// conditionValues reads a conditionValue: nil for none (absent or null),
// else its scalars as text. A list option {value, title} is its value; a
// list of them, or of scalars, gives several.
func conditionValues(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var many []json.RawMessage
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &many); err != nil {
			return nil, errors.New("malformed list")
		}
		if len(many) == 0 {
			return nil, errors.New("an empty list")
		}
		var out []string
		for _, one := range many {
			vs, err := conditionValues(one)
			if err != nil {
				return nil, err
			}
			if vs == nil || bytes.TrimSpace(one)[0] == '[' {
				return nil, errors.New("a list holds strings, numbers or {value} options")
			}
			out = append(out, vs...)
		}
		return out, nil
	}
	if raw[0] == '{' {
		var obj struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil || len(obj.Value) == 0 || bytes.TrimSpace(obj.Value)[0] == '{' {
			return nil, errors.New("an object must be a list option {value, title}")
		}
		return conditionValues(obj.Value)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}, nil
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return []string{n.String()}, nil
	}
	return nil, fmt.Errorf("%s is neither a string nor a number", raw)
}
