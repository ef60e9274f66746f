package httpapi

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/openentry/openentry"
)

// Wire shapes of the catalogue: products with their attribute values,
// attribute sets with their attributes, product statuses. The zod schemas
// of oneentry@1.0.149 (productsSchemas.js, attributeSetsSchemas.js,
// productStatusesSchemas.js) are the contract; localized texts are resolved
// to the request's locale.

type wireAttributeValue struct {
	Type             string `json:"type"`
	Value            any    `json:"value"`
	Position         int64  `json:"position"`
	IsIcon           bool   `json:"isIcon"`
	IsProductPreview bool   `json:"isProductPreview"`
	AdditionalFields []any  `json:"additionalFields"`
}

type wirePrices struct {
	Min json.Number `json:"min"`
	Max json.Number `json:"max"`
}

type wireProduct struct {
	ID                     int64                         `json:"id"`
	LocalizeInfos          json.RawMessage               `json:"localizeInfos"`
	StatusIdentifier       *string                       `json:"statusIdentifier"`
	StatusLocalizeInfos    json.RawMessage               `json:"statusLocalizeInfos"`
	AttributeSetIdentifier *string                       `json:"attributeSetIdentifier"`
	Position               int64                         `json:"position"`
	Price                  json.Number                   `json:"price"`
	Additional             map[string]wirePrices         `json:"additional"`
	Sku                    *string                       `json:"sku"`
	IsSync                 bool                          `json:"isSync"`
	AttributeValues        map[string]wireAttributeValue `json:"attributeValues"`
	Categories             []string                      `json:"categories"`
	IsVisible              bool                          `json:"isVisible"`
	ProductPages           []wireProductPage             `json:"productPages"`
	Blocks                 []string                      `json:"blocks"`
	RelatedIDs             []int64                       `json:"relatedIds"`
}

// wireProductPage is one page a product is listed on. A listing has no id
// of its own here (product and page are its key): the page's stands in.
type wireProductPage struct {
	ID           int64  `json:"id"`
	PageID       int64  `json:"pageId"`
	ProductID    int64  `json:"productId"`
	PositionID   int64  `json:"positionId"`
	CategoryPath string `json:"categoryPath"`
}

// wireProductAt is the product entity of every product route, single or
// listed: the price the way OneEntry shows it (top-level, a min/max range
// and the price and currency attributes) and the values of the product's
// attribute set in lang, falling back to the default locale.
// Its file values link under base (linkBase of the request).
func wireProductAt(p *openentry.Product, lang, base string) wireProduct {
	price := json.Number(p.Price.Number())
	related := p.RelatedIDs
	pages := make([]wireProductPage, 0, len(p.Pages))
	for _, pg := range p.Pages {
		pages = append(pages, wireProductPage{ID: pg.PageID, PageID: pg.PageID, ProductID: p.ID, PositionID: pg.Position, CategoryPath: pg.PageURL})
	}
	if related == nil {
		related = []int64{}
	}
	if p.Blocks == nil {
		p.Blocks = []string{}
	}
	w := wireProduct{
		ID: p.ID, LocalizeInfos: p.LocalizeInfos.Resolve(lang), StatusLocalizeInfos: p.StatusLocalizeInfos.Resolve(lang),
		Position: p.Position, Price: price, Additional: map[string]wirePrices{"prices": {Min: price, Max: price}},
		AttributeValues: productValues(p, lang, price, base), Categories: p.Categories(), IsVisible: p.IsVisible,
		ProductPages: pages, Blocks: p.Blocks, RelatedIDs: related,
	}
	if p.StatusIdentifier != "" {
		w.StatusIdentifier = &p.StatusIdentifier
	}
	if p.AttributeSetIdentifier != "" {
		w.AttributeSetIdentifier = &p.AttributeSetIdentifier
	}
	if p.Sku != "" {
		w.Sku = &p.Sku
	}
	return w
}

// productValues keys the product's values by marker, each with its
// attribute's type and position. The stock attribute shows the units
// left, not the file's figure; price and currency are always there (a set
// without those attributes still gets them, after its own): the currency
// orders are priced in, and the file's price value, else the price orders
// are priced at (the top-level price, always). Other hidden
// attributes and attributes without a value are left out.
func productValues(p *openentry.Product, lang string, price json.Number, base string) map[string]wireAttributeValue {
	out := map[string]wireAttributeValue{}
	var last int64
	own := map[string]bool{}
	for i := range p.SetAttributes {
		a := &p.SetAttributes[i]
		last, own[a.Marker] = max(last, a.Position), true
		raw, ok := p.AttributeValues[lang][a.Marker]
		if !ok {
			raw, ok = p.AttributeValues[openentry.DefaultLocale][a.Marker]
		}
		var v any
		switch {
		case a.Marker == "price" && ok && !isEmptyJSON(raw):
			v = wireValue(a, raw, base) // the file's (a price before a sale, say); orders pay the top-level price
		case a.Marker == "price":
			v = price
		case a.Marker == "currency":
			v = p.Price.Currency
		case !a.IsVisible:
			continue
		case a.Marker == p.StockAttribute && p.Stock != nil:
			v = *p.Stock
		case !ok || isEmptyJSON(raw):
			continue
		default:
			v = wireValue(a, raw, base)
		}
		out[a.Marker] = wireAttributeValue{Type: a.Type, Value: v, Position: a.Position, AdditionalFields: []any{}}
	}
	if !own["price"] {
		last++
		out["price"] = wireAttributeValue{Type: "float", Value: price, Position: last, AdditionalFields: []any{}}
	}
	if !own["currency"] {
		last++
		out["currency"] = wireAttributeValue{Type: "string", Value: p.Price.Currency, Position: last, AdditionalFields: []any{}}
	}
	return out
}

func isEmptyJSON(v json.RawMessage) bool {
	switch s := string(bytes.TrimSpace(v)); s {
	case "", "null", `""`, "[]", "{}":
		return true
	}
	return false
}

// wireValue gives a stored value the shape OneEntry sends for its type, so
// that a project file may write the short forms: "red" for a list option,
// "Soft cotton" for a text, "2025-05-08" for a date, one image object.
func wireValue(a *openentry.Attribute, raw json.RawMessage, base string) any {
	raw = bytes.TrimSpace(raw)
	s, isString := jsonString(raw)
	switch a.Type {
	case "integer", "real", "float":
		if !isString {
			s = string(raw)
		}
		if numberLike(s) {
			return json.Number(s) // "120" arrives as 120: the SDK would coerce it anyway
		}
	case "text", "textWithHeader":
		if isString {
			block := map[string]any{"htmlValue": html.EscapeString(s), "plainValue": s, "params": map[string]any{"editorMode": "plain"}}
			if a.Type == "textWithHeader" {
				block["header"] = ""
			}
			return []any{block}
		}
		if raw[0] == '{' {
			return []json.RawMessage{raw} // blocks are a list on the wire
		}
	case "date", "dateTime", "time":
		if isString {
			if d, ok := wireDate(a.Type, s); ok {
				return d
			}
		}
	case "image", "groupOfImages", "file":
		v := fileValue(base, a.Type, raw) // stored files become the SDK's objects with links
		if list, ok := v.([]any); ok {
			return list
		}
		return []any{v} // files are a list on the wire; the SDK unwraps a single image
	case "list":
		return wireOptions(a, raw)
	case "radioButton":
		var obj struct {
			Value json.RawMessage `json:"value"`
		}
		if raw[0] == '{' && json.Unmarshal(raw, &obj) == nil && obj.Value != nil {
			return obj.Value // a radio button's value is the chosen option's value
		}
	}
	return raw
}

// jsonNumber is a JSON number literal, which json.Number must hold to encode.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func numberLike(s string) bool { return jsonNumber.MatchString(s) }

// wireOptions turns a list value (an option's value, {value, …}, or a list
// of either) into the chosen options, each {title, value, position,
// extended}: one option stays one object, a list stays a list. A title the
// value gives (a locale's own, {"value": "white", "title": "Blanc"}) wins
// over the option's. An option without an extended value has no extended
// (the SDK declares it optional): storefronts read extended.value.… of
// whatever extended they get, an image link on OneEntry's stickers.
func wireOptions(a *openentry.Attribute, raw json.RawMessage) any {
	if raw[0] == '[' {
		var many []json.RawMessage
		if json.Unmarshal(raw, &many) != nil {
			return raw
		}
		out := make([]any, len(many))
		for i, one := range many {
			out[i] = wireOptions(a, bytes.TrimSpace(one))
		}
		return out
	}
	value, title := raw, ""
	if raw[0] == '{' {
		var obj struct {
			Value json.RawMessage `json:"value"`
			Title string          `json:"title"`
		}
		if json.Unmarshal(raw, &obj) != nil || obj.Value == nil {
			return raw
		}
		value, title = obj.Value, strings.TrimSpace(obj.Title)
	}
	for i, lt := range a.ListTitles {
		if sameJSONScalar(lt.Value, value) {
			o := toWireListTitle(lt, i)
			chosen := wireChosenOption{Title: o.Title, Value: o.Value, Position: o.Position}
			if title != "" {
				chosen.Title = title
			}
			if o.Extended.Value != nil || o.Extended.Type != nil {
				chosen.Extended = &o.Extended
			}
			return chosen
		}
	}
	return raw
}

// wireChosenOption is a list option as a product's value shows it.
type wireChosenOption struct {
	Title    string            `json:"title"`
	Value    json.RawMessage   `json:"value"`
	Position int64             `json:"position"`
	Extended *wireListExtended `json:"extended,omitempty"`
}

func sameJSONScalar(a, b json.RawMessage) bool {
	// Two strings without escapes are the same text when their bytes are:
	// no decoding for the common case, an option value against each
	// option of a list (a page of products compares thousands).
	if a, b := bytes.TrimSpace(a), bytes.TrimSpace(b); plainJSONString(a) && plainJSONString(b) {
		return bytes.Equal(a, b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	switch x.(type) {
	case string, float64, bool:
		return x == y // by value and type: "1" is not 1
	}
	return false // objects and lists are not option values
}

// wireDate is OneEntry's date value {fullDate, formattedValue,
// formatString} for a date, dateTime or time written as an ISO string
// (2025-05-08, 2025-05-08T10:30:00Z, 10:30); times without an offset are UTC.
func wireDate(typ, s string) (map[string]string, bool) {
	layouts, format, goFormat := []string{"2006-01-02", time.RFC3339}, "DD-MM-YYYY", "02-01-2006"
	switch typ {
	case "dateTime":
		layouts, format, goFormat = []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"}, "DD-MM-YYYY HH:mm", "02-01-2006 15:04"
	case "time":
		layouts, format, goFormat = []string{"15:04", "15:04:05"}, "HH:mm", "15:04"
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			if typ == "time" {
				t = time.Date(1970, 1, 1, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
			}
			t = t.UTC()
			return map[string]string{"fullDate": t.Format(openentry.TimeLayout), "formattedValue": t.Format(goFormat), "formatString": format}, true
		}
	}
	return nil, false
}

type wireListExtended struct {
	Value *string `json:"value"`
	Type  *string `json:"type"`
}

type wireListTitle struct {
	Title    string           `json:"title"`
	Value    json.RawMessage  `json:"value"`
	Position int64            `json:"position"`
	Extended wireListExtended `json:"extended"`
}

// toWireListTitles are an attribute's options; one without a position
// takes its place in the list.
func toWireListTitles(a *openentry.Attribute) []wireListTitle {
	out := make([]wireListTitle, len(a.ListTitles))
	for i, lt := range a.ListTitles {
		out[i] = toWireListTitle(lt, i)
	}
	return out
}

// toWireListTitle is option i of a list.
func toWireListTitle(lt openentry.ListTitle, i int) wireListTitle {
	out := wireListTitle{Title: lt.Title, Value: lt.Value, Position: lt.Position,
		Extended: wireListExtended{Value: lt.Extended.Value, Type: lt.Extended.Type}}
	if lt.Position == 0 {
		out.Position = int64(i + 1)
	}
	return out
}

// jsonString decodes raw when it is a JSON string, reading one without
// escapes in place (most values are): products have many string values.
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 {
		return string(inner), true
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// toWireValidators spells an attribute's checks the way OneEntry names its
// validators where it has one (requiredValidator, stringInspectionValidator);
// bounds and patterns, which it names otherwise or not at all, keep
// OpenEntry's names (numberInspectionValidator, patternValidator).
func toWireValidators(v openentry.Validators) map[string]any {
	out := map[string]any{}
	if v.Required {
		out["requiredValidator"] = map[string]bool{"strict": true}
	}
	if v.MaxLength > 0 {
		out["stringInspectionValidator"] = map[string]int{"stringMin": 0, "stringMax": v.MaxLength, "stringLength": 0}
	}
	if v.Min != "" || v.Max != "" {
		bounds := map[string]json.Number{}
		if v.Min != "" {
			bounds["min"] = v.Min
		}
		if v.Max != "" {
			bounds["max"] = v.Max
		}
		out["numberInspectionValidator"] = bounds
	}
	if v.Pattern != "" {
		out["patternValidator"] = map[string]string{"pattern": v.Pattern}
	}
	return out
}

// wireSetAttribute is one attribute of a set (AttributeEntitySchema): its
// definition; values live on the products.
type wireSetAttribute struct {
	Type             string          `json:"type"`
	Value            any             `json:"value"`
	InitialValue     any             `json:"initialValue"`
	Marker           string          `json:"marker"`
	Position         int64           `json:"position"`
	IsVisible        bool            `json:"isVisible"`
	ListTitles       []wireListTitle `json:"listTitles"`
	Validators       map[string]any  `json:"validators"`
	LocalizeInfos    json.RawMessage `json:"localizeInfos"`
	AdditionalFields []any           `json:"additionalFields"`
	Settings         map[string]any  `json:"settings"`
}

func toWireSetAttribute(a *openentry.Attribute, lang string) wireSetAttribute {
	return wireSetAttribute{
		Type: a.Type, Marker: a.Marker, Position: a.Position, IsVisible: a.IsVisible, ListTitles: toWireListTitles(a),
		Validators: toWireValidators(a.Validators), LocalizeInfos: a.LocalizeInfos.Resolve(lang),
		AdditionalFields: []any{}, Settings: map[string]any{},
	}
}

// wireSchemaItem is an attribute inside a set's schema (IAttributeSchemaItem).
type wireSchemaItem struct {
	ID               int64           `json:"id"`
	Identifier       string          `json:"identifier"`
	Type             string          `json:"type"`
	InitialValue     any             `json:"initialValue"`
	IsPrice          bool            `json:"isPrice"`
	IsVisible        bool            `json:"isVisible"`
	Original         bool            `json:"original"`
	Position         int64           `json:"position"`
	LocalizeInfos    json.RawMessage `json:"localizeInfos"`
	ListTitles       []wireListTitle `json:"listTitles"`
	Validators       map[string]any  `json:"validators"`
	AdditionalFields map[string]any  `json:"additionalFields"`
}

type wireSetType struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

// wireAttributeSet is an attribute set (AttributeSetEntitySchema).
type wireAttributeSet struct {
	ID            int64                     `json:"id"`
	CreatedDate   openentry.Time            `json:"createdDate"`
	UpdatedDate   openentry.Time            `json:"updatedDate"`
	Version       int64                     `json:"version"`
	Identifier    string                    `json:"identifier"`
	TypeID        int64                     `json:"typeId"`
	Title         string                    `json:"title"`
	LocalizeInfos json.RawMessage           `json:"localizeInfos"`
	Schema        map[string]wireSchemaItem `json:"schema"`
	IsVisible     bool                      `json:"isVisible"`
	Properties    map[string]any            `json:"properties"`
	Type          wireSetType               `json:"type"`
	Position      int64                     `json:"position"`
}

func toWireAttributeSet(s *openentry.AttributeSet, lang string) wireAttributeSet {
	typeID, _ := openentry.AttributeSetTypeID(s.Type) // Project.Validate admits known types only
	infos := s.LocalizeInfos.Resolve(lang)
	var title struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(infos, &title) // a title-less set is titled ""
	w := wireAttributeSet{
		ID: s.ID, CreatedDate: openentry.Time(s.CreatedAt), UpdatedDate: openentry.Time(s.UpdatedAt), Version: s.Version,
		Identifier: s.Identifier, TypeID: typeID, Title: title.Title, LocalizeInfos: infos,
		Schema: make(map[string]wireSchemaItem, len(s.Attributes)), IsVisible: s.IsVisible, Properties: map[string]any{},
		Type: wireSetType{ID: typeID, Type: s.Type}, Position: s.Position,
	}
	for i := range s.Attributes {
		a := &s.Attributes[i]
		w.Schema[a.Marker] = wireSchemaItem{
			ID: a.Position, Identifier: a.Marker, Type: a.Type, IsPrice: a.Marker == "price", IsVisible: a.IsVisible,
			Original: true, Position: a.Position, LocalizeInfos: a.LocalizeInfos.Resolve(lang), ListTitles: toWireListTitles(a),
			Validators: toWireValidators(a.Validators), AdditionalFields: map[string]any{},
		}
	}
	return w
}

// wireProductStatus is a product status (ProductStatusEntitySchema).
type wireProductStatus struct {
	ID            int64           `json:"id"`
	Identifier    string          `json:"identifier"`
	LocalizeInfos json.RawMessage `json:"localizeInfos"`
	IsDefault     bool            `json:"isDefault"`
	Version       int64           `json:"version"`
	Position      int64           `json:"position"`
}

// toWireProductStatus resolves localizeInfos to lang; lang "" keeps every
// locale, keyed by code, for the SDK's calls that send no langCode and pick
// their locale themselves.
func toWireProductStatus(st *openentry.ProductStatus, lang string) wireProductStatus {
	infos := st.LocalizeInfos.Resolve(lang)
	if lang == "" {
		infos, _ = json.Marshal(st.LocalizeInfos)
		if st.LocalizeInfos == nil {
			infos = json.RawMessage(`{}`)
		}
	}
	return wireProductStatus{ID: st.ID, Identifier: st.Identifier, LocalizeInfos: infos, IsDefault: st.IsDefault, Position: st.Position}
}
