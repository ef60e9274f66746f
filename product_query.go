package openentry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ProductQuery is a product list request as the Content API receives it
// (JS SDK: Products.getProducts and its siblings): OneEntry's filter objects
// and query keys, parsed but not yet checked against the catalogue. Every
// filter holds, and within a filter every part that is set holds.
type ProductQuery struct {
	Lang    string
	Filters []ProductFilter
	// PageURL or PageID is the route's page (getProductsByPageUrl,
	// getProductsByPageId): only products listed on it directly. Both
	// empty: the whole catalogue.
	PageURL string
	PageID  int64
	// Unlisted keeps only the products listed on no page (getProductsEmptyPage).
	Unlisted bool
	// RelatedTo keeps only the products that product lists as related
	// (getRelatedProductsById); without a SortKey they come in its order.
	// ErrNotFound when that product is not visible.
	RelatedTo int64
	// SortKey is id, position, title, date, price or an attribute marker;
	// "" sorts by position. SortOrder is ASC or DESC; "" is DESC, as the
	// SDK documents.
	SortKey   string
	SortOrder string
	Offset    int
	Limit     int // 0: count only
}

// ProductFilter is one of OneEntry's filter objects (IFilterParams).
type ProductFilter struct {
	AttributeMarker string
	// ConditionMarker is one of the Cond* names; "" sets no condition
	// on the attribute (the template's in-stock filter names a marker and
	// a status only).
	ConditionMarker string
	// ConditionValue is the JSON the client sent; nil or null is no value.
	ConditionValue json.RawMessage
	PageURLs       []string // pageUrl and pageUrls together: listed on one of them
	IsNested       bool     // PageURLs include their descendant pages
	StatusMarker   string
	Title          string // part of the product's title, any case
}

// Filter conditions. The SDK (1.0.149) declares the first eight; pat and
// same are OneEntry's pattern and sameness tests. A null value makes eq and
// in test for no value, neq and nin for some value.
const (
	CondIn          = "in"   // the value, or one of them, is one of the given ones
	CondNotIn       = "nin"  // not in
	CondEqual       = "eq"   // equal, compared per the attribute's type
	CondNotEqual    = "neq"  // not eq
	CondGreater     = "mth"  // more than (numbers and dates by value, text by code point)
	CondLess        = "lth"  // less than
	CondExists      = "exs"  // has a value
	CondNotExists   = "nexs" // has none
	CondPattern     = "pat"  // text containing the given text, ignoring case
	CondSameAs      = "same" // equal ignoring case (text); eq for numbers and dates
	MaxProductLimit = 100    // the most products one list call returns
	// QuickSearchLimit is how many products searchProduct returns.
	QuickSearchLimit = 10
)

// IsProductCondition reports whether c is a filter condition.
func IsProductCondition(c string) bool {
	switch c {
	case CondIn, CondNotIn, CondEqual, CondNotEqual, CondGreater, CondLess, CondExists, CondNotExists, CondPattern, CondSameAs:
		return true
	}
	return false
}

// Product sort keys besides attribute markers.
const (
	SortID       = "id"
	SortPosition = "position"
	SortTitle    = "title"
	SortDate     = "date"
	SortPrice    = "price"
)

// ProductCounts is what the counts routes answer (ProductsCountSchema).
type ProductCounts struct {
	All            int64 // matching the filters, anywhere
	InPage         int64 // and listed on the route's page
	InPageOrNested int64 // and listed on it or one of its descendants
}

// ProductHit is one answer of the quick search.
type ProductHit struct {
	ID    int64
	Title string
}

// ProductPrice is one line of getProductsPriceByPageUrl.
type ProductPrice struct {
	ID    int64
	Price Money
}

// ProductListService lists, counts and searches the catalogue for the
// Content API. Hidden products never appear. Bad input (an unknown
// condition, marker, status or sort key, a value of the wrong type, an
// offset or limit out of range, an unknown page in a filter) is
// ErrInvalid naming what is wrong; an unknown route page is ErrNotFound.
type ProductListService interface {
	// Products returns a page of the products q selects and their total.
	Products(ctx context.Context, q ProductQuery) ([]Product, int64, error)
	// ProductCounts counts the products the filters select: all of them,
	// on the route's page, and on it or below it.
	ProductCounts(ctx context.Context, q ProductQuery) (*ProductCounts, error)
	// ProductPrices is Products reduced to ids and prices.
	ProductPrices(ctx context.Context, q ProductQuery) ([]ProductPrice, int64, error)
	// SearchProducts finds up to QuickSearchLimit products whose title in
	// lang contains name, ignoring case. ErrInvalid without a name.
	SearchProducts(ctx context.Context, lang, name string) ([]ProductHit, error)
}

// ProductListStore finds products by the derived search index the store
// keeps next to them (rebuilt for the products each apply writes).
type ProductListStore interface {
	// ProductSchema returns what checking a query needs: the locale the
	// index answers lang in, the product attribute markers and statuses.
	ProductSchema(ctx context.Context, lang string) (*ProductSchema, error)
	// FindProducts returns the ids of a page of the products q selects, in
	// order, and their total.
	FindProducts(ctx context.Context, q ProductSearch) ([]int64, int64, error)
	// ListProducts returns the visible products among ids, in their order.
	ListProducts(ctx context.Context, ids []int64) ([]Product, error)
	// SearchTitles returns up to limit visible products whose folded title
	// in the index locale contains the folded text, exact-word hits first,
	// with their titles in lang.
	SearchTitles(ctx context.Context, locale, lang, folded string, limit int) ([]ProductHit, error)
}

// ProductSchema is the catalogue's shape, as checking a query needs it.
type ProductSchema struct {
	// Locale is the index's locale for the requested one: it, else the
	// default locale, else the first the index has.
	Locale string
	// Markers are the attribute markers of the product sets, with price,
	// currency and sku, which every product has.
	Markers map[string]MarkerInfo
	// Statuses are the product statuses' markers.
	Statuses map[string]bool
}

// MarkerInfo is what one attribute marker is across the product sets.
type MarkerInfo struct {
	Kinds []byte // the key kinds its values have (KindNumber …), one per distinct kind
	Stock bool   // some set counts stock in it: tests read the live stock
}

// ProductSearch is a checked query, as the store runs it: a conjunction.
type ProductSearch struct {
	Locale   string
	Statuses []string  // the product's status is each of these
	Titles   []string  // folded texts the folded title contains
	Pages    [][]int64 // each: listed on one of these pages
	Unlisted bool      // listed on no page
	IDs      []int64   // nil: any product; else one of these
	Values   []ValueCond
	Sort     string // a Sort* key, or SortMarker
	Marker   string // the attribute to sort by, with Sort == SortMarker
	Desc     bool
	Offset   int
	Limit    int // 0: count only
}

// SortMarker sorts by an attribute's values (ProductSearch.Marker).
const SortMarker = "marker"

// ValueCond tests a marker's values. Without Not, some value of the
// product passes Test; with Not, none does (a product without a value
// passes a Not test).
type ValueCond struct {
	Marker string
	Not    bool
	Test   KeyTest
	// Stock tests the live units of a stock attribute instead of keys:
	// StockOp is ">", "<", "=" or "" (has a count), against StockArgs.
	Stock     bool
	StockOp   string
	StockArgs []int64
}

// KeyTest passes a value key that is one of Keys, inside one of Ranges or
// LIKE one of Likes; Any passes every key.
type KeyTest struct {
	Any    bool
	Keys   []string
	Ranges []KeyRange
	Likes  []string // SQL LIKE patterns with \ as the escape
}

// KeyRange is an open interval of keys.
type KeyRange struct{ Above, Below string }

// Value keys: what product lists compare. A key is a kind byte and an
// encoding whose byte order is the value order, so that one B-tree index
// over (locale, marker, page, key) answers equality and ranges for every
// type, exactly: numbers are decimal, never floats.
const (
	KindDate    = 'd' // an instant: NumberKey of its Unix milliseconds
	KindNumber  = 'n' // integer, real, float: the decimal, exactly
	KindText    = 't' // string, text, list option values, as they are
	KindFolded  = 'v' // the same texts lower-cased, for pat and same
	KindPresent = 'w' // a value that only exists (images, files, json …)
	// maxKeyText bounds the text in a key (PostgreSQL's B-tree takes rows
	// up to about 2.7 kB); longer texts compare by their first bytes.
	maxKeyText = 512
)

// AttributeKinds returns the key kinds an attribute type's values have,
// the first being the one equality and ranges use.
func AttributeKinds(typ string) []byte {
	switch typ {
	case "integer", "real", "float":
		return []byte{KindNumber}
	case "date", "dateTime":
		return []byte{KindDate}
	case "string", "text", "textWithHeader", "time", "list", "radioButton":
		return []byte{KindText, KindFolded}
	}
	return []byte{KindPresent}
}

var decimalPattern = regexp.MustCompile(`^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$`)

// NumberKey is the key of a decimal number ("12.50", "-3", "1e3"): a sign
// class (0 negative, 1 zero, 2 positive), for non-zero numbers a five-digit
// exponent and the significant digits, all complemented for negative
// numbers and closed by '~' so that a shorter one sorts after. Equal
// numbers have equal keys (1.50 and 1.5).
func NumberKey(s string) (string, error) {
	m := decimalPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", fmt.Errorf("%q is not a number", s)
	}
	digits := m[2] + m[3]
	exp := len(m[2]) // value = 0.digits × 10^exp
	if m[4] != "" {
		e, err := strconv.Atoi(m[4])
		if err != nil || e < -20000 || e > 20000 {
			return "", fmt.Errorf("%q is out of range", s)
		}
		exp += e
	}
	trimmed := strings.TrimLeft(digits, "0")
	exp -= len(digits) - len(trimmed)
	trimmed = strings.TrimRight(trimmed, "0")
	if trimmed == "" {
		return string(KindNumber) + "1", nil
	}
	if exp < -49999 || exp > 49999 {
		return "", fmt.Errorf("%q is out of range", s)
	}
	if m[1] == "" {
		return fmt.Sprintf("%c2%05d%s", KindNumber, exp+50000, trimmed), nil
	}
	b := []byte(fmt.Sprintf("%05d%s", 50000-exp, trimmed))
	for i := 5; i < len(b); i++ {
		b[i] = '9' - (b[i] - '0')
	}
	return fmt.Sprintf("%c0%s~", KindNumber, b), nil
}

// numberText reads a JSON number, or a string holding one, as OneEntry
// sends numbers both ways.
func numberText(v json.RawMessage) (string, bool) {
	t := strings.TrimSpace(string(v))
	var s string
	if json.Unmarshal(v, &s) == nil {
		t = strings.TrimSpace(s)
	}
	return t, decimalPattern.MatchString(t)
}

// DateKey is the key of a date or an instant: "2025-05-08", an RFC 3339
// time ("2025-05-08T10:00:00Z"; without an offset it is UTC), or Unix
// milliseconds.
func DateKey(s string) (string, error) {
	s = strings.TrimSpace(s)
	var t time.Time
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		t = time.UnixMilli(ms)
	} else {
		var perr error
		for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
			if t, perr = time.Parse(layout, s); perr == nil {
				break
			}
		}
		if perr != nil {
			return "", fmt.Errorf("%q is not a date (2006-01-02 or RFC 3339)", s)
		}
	}
	k, err := NumberKey(strconv.FormatInt(t.UnixMilli(), 10))
	if err != nil {
		return "", err
	}
	return string(KindDate) + k[1:], nil
}

// TextKey is the key of a text as it is; FoldedKey of the text lower-cased.
func TextKey(s string) string   { return string(KindText) + clip(s) }
func FoldedKey(s string) string { return string(KindFolded) + clip(Fold(s)) }

// Fold is how product lists ignore case: Unicode lower case.
func Fold(s string) string { return strings.ToLower(s) }

func clip(s string) string {
	if len(s) <= maxKeyText {
		return s
	}
	s = s[:maxKeyText]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// KindEnd is the smallest key above every key of kind k.
func KindEnd(k byte) string { return string(k + 1) }

// ProductEntry is what product lists find a visible product by in one
// locale; the store keeps one per product and indexed locale.
type ProductEntry struct {
	Locale string
	Title  string // folded
	Sku    string // "" without one
	Price  string // NumberKey of the price
	Values []MarkerKey
}

// MarkerKey is one value key of a marker.
type MarkerKey struct {
	Marker string
	Key    string
}

// SearchEntries derives a product's entries for the given locales, values
// resolved as reads show them: a marker's value in the locale, else in the
// default locale; the title by Localized.Resolve. Price and currency are
// the product's own (the price attribute shows the price orders are
// priced at), sku its own unless its set has a sku attribute, and the
// stock attribute is left out: tests read the live units.
func SearchEntries(p *Product, locales []string) []ProductEntry {
	price, _ := NumberKey(p.Price.Number())
	out := make([]ProductEntry, 0, len(locales))
	for _, lang := range locales {
		e := ProductEntry{Locale: lang, Title: Fold(ProductTitle(p.LocalizeInfos, lang)), Sku: p.Sku, Price: price}
		e.Values = append(e.Values, MarkerKey{"price", price})
		if p.Price.Currency != "" {
			e.Values = append(e.Values, MarkerKey{"currency", TextKey(p.Price.Currency)}, MarkerKey{"currency", FoldedKey(p.Price.Currency)})
		}
		ownSku := false
		for i := range p.SetAttributes {
			a := &p.SetAttributes[i]
			switch a.Marker {
			case "price", "currency", p.StockAttribute:
				continue
			}
			raw, ok := p.AttributeValues[lang][a.Marker]
			if !ok || isEmptyValue(raw) {
				raw, ok = p.AttributeValues[DefaultLocale][a.Marker]
			}
			if !ok || isEmptyValue(raw) {
				continue
			}
			keys := ValueKeys(a.Type, raw)
			for _, k := range keys {
				e.Values = append(e.Values, MarkerKey{a.Marker, k})
			}
			if a.Marker == "sku" {
				ownSku = true
				e.Sku = ""
				for _, k := range keys {
					if k[0] == KindText {
						e.Sku = k[1:]
						break
					}
				}
			}
		}
		if !ownSku && p.Sku != "" {
			e.Values = append(e.Values, MarkerKey{"sku", TextKey(p.Sku)}, MarkerKey{"sku", FoldedKey(p.Sku)})
		}
		out = append(out, e)
	}
	return out
}

// ProductTitle is the title of localizeInfos in lang (Localized.Resolve's
// fallback), or "".
func ProductTitle(infos Localized, lang string) string {
	var t struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(infos.Resolve(lang), &t) // a title-less product has the title ""
	return t.Title
}

// ValueKeys returns the keys of one stored value of an attribute type, in
// the shapes project files and OneEntry write: numbers or numeric strings,
// date strings or {fullDate}, texts or [{plainValue}], an option's value,
// {value, title} or a list of them.
func ValueKeys(typ string, raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	kinds := AttributeKinds(typ)
	switch kinds[0] {
	case KindNumber:
		if n, ok := numberText(raw); ok {
			if k, err := NumberKey(n); err == nil {
				return []string{k}
			}
		}
		return nil
	case KindDate:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			var d struct {
				FullDate string `json:"fullDate"`
			}
			_ = json.Unmarshal(raw, &d)
			s = d.FullDate
		}
		if k, err := DateKey(s); err == nil {
			return []string{k}
		}
		if s != "" {
			return []string{TextKey(s), FoldedKey(s)}
		}
		return nil
	case KindText:
		var texts []string
		switch typ {
		case "list", "radioButton":
			texts = optionValues(raw)
		case "text", "textWithHeader":
			texts = []string{plainText(raw)}
		default:
			var s string
			if json.Unmarshal(raw, &s) == nil {
				texts = []string{s}
			}
		}
		var keys []string
		seen := map[string]bool{}
		for _, s := range texts {
			if s == "" || seen[s] {
				continue
			}
			seen[s] = true
			keys = append(keys, TextKey(s), FoldedKey(s))
		}
		return keys
	}
	return []string{string(KindPresent)}
}

// optionValues returns the option values a list value names, as text: a
// number option 2 is "2".
func optionValues(raw json.RawMessage) []string {
	var many []json.RawMessage
	if json.Unmarshal(raw, &many) == nil {
		var out []string
		for _, one := range many {
			out = append(out, optionValues(one)...)
		}
		return out
	}
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
		var obj struct {
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(raw, &obj) != nil || obj.Value == nil {
			return nil
		}
		return optionValues(obj.Value)
	}
	if s, ok := scalarText(raw); ok {
		return []string{s}
	}
	return nil
}

// scalarText is a JSON string's text or a JSON number's literal.
func scalarText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), true
	}
	return "", false
}

// plainText is a text attribute's plain text: the string, or the
// plainValue of each block joined by spaces.
func plainText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	type block struct {
		PlainValue string `json:"plainValue"`
	}
	var blocks []block
	if json.Unmarshal(raw, &blocks) != nil {
		var one block
		if json.Unmarshal(raw, &one) != nil {
			return ""
		}
		blocks = []block{one}
	}
	parts := make([]string, 0, len(blocks))
	for _, b := range blocks {
		if b.PlainValue != "" {
			parts = append(parts, b.PlainValue)
		}
	}
	return strings.Join(parts, " ")
}

// maxWordSuffix bounds the suffixes TitleSuffixes returns: a search word
// longer than that is looked up by its first maxWordSuffix bytes and
// checked against the whole title.
const maxWordSuffix = 32

// TitleSuffixes returns every suffix of every word (a run of non-space) of
// a folded title, each clipped to maxWordSuffix bytes, without repeats:
// text contained in a title is a prefix of one of them, so a range scan
// over an index of them finds the titles that may contain it.
func TitleSuffixes(folded string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(folded, unicode.IsSpace) {
		for i := range w {
			if !utf8.RuneStart(w[i]) {
				continue
			}
			s := clipTo(w[i:], maxWordSuffix)
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// SearchWord returns the word of a folded search text to look up in the
// suffix index (its longest word, clipped like the suffixes) and false
// when the text has no word.
func SearchWord(folded string) (string, bool) {
	var best string
	for _, w := range strings.FieldsFunc(folded, unicode.IsSpace) {
		if len(w) > len(best) {
			best = w
		}
	}
	return clipTo(best, maxWordSuffix), best != ""
}

func clipTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// PrefixEnd is the smallest string above every string that starts with
// prefix, for range scans: prefix followed by the largest code point.
func PrefixEnd(prefix string) string { return prefix + string(utf8.MaxRune) }

// LikeContains is a LIKE pattern (escape \) matching texts containing s.
func LikeContains(prefix, s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(prefix) + "%" + r.Replace(s) + "%"
}

// StockBound turns a number into the integer comparison a stock count
// (a whole number) passes exactly when it passes the original: more than
// 2.5 is more than 2, less than 2.5 less than 3; equal to 2.5 is nothing.
func StockBound(op, n string) (int64, bool, error) {
	x, ok := new(big.Rat).SetString(n)
	if !ok {
		return 0, false, fmt.Errorf("%q is not a number", n)
	}
	q := new(big.Int).Quo(x.Num(), x.Denom()) // toward zero
	floor := new(big.Int).Set(q)
	if x.Sign() < 0 && !x.IsInt() {
		floor.Sub(floor, big.NewInt(1))
	}
	v := floor
	switch op {
	case "<":
		if !x.IsInt() {
			v = new(big.Int).Add(floor, big.NewInt(1))
		}
	case "=":
		if !x.IsInt() {
			return 0, false, nil
		}
	}
	if !v.IsInt64() {
		return 0, false, fmt.Errorf("%q is out of range", n)
	}
	return v.Int64(), true, nil
}
