package apptest

import (
	"encoding/json"

	"github.com/openentry/openentry"
)

// CatalogProject is a catalogue the way OneEntry's shop template reads it:
// attribute set "product" (a list "color" with options, the stock attribute
// "units_product", price, currency, sale, a text, a date, an image, a hidden
// note), statuses in_stock (the default) and sold_out (not for sale), and
// products 201–204 with values in en_US and some in fr_FR. Apply it after
// the demo project with WithProject(CatalogProject()).
//
//	201 Cosmo chair   340.00 USD  in_stock  12 units  related 202, 203, 204 (204 is hidden)
//	202 Luna lamp      19.99 USD  in_stock   0 units  no fr_FR values
//	203 Nova sofa     999.00 USD  sold_out   3 units
//	204 Hidden stool    5.00 USD  hidden
func CatalogProject() *openentry.Project {
	str := func(s string) *string { return &s }
	option := func(value, title string, pos int64, hex *string) openentry.ListTitle {
		lt := openentry.ListTitle{Title: title, Value: json.RawMessage(`"` + value + `"`), Position: pos}
		if hex != nil {
			lt.Extended = openentry.ListExtended{Value: hex, Type: str("color")}
		}
		return lt
	}
	values := func(v map[string]any) map[string]json.RawMessage {
		out := make(map[string]json.RawMessage, len(v))
		for k, x := range v {
			b, err := json.Marshal(x)
			if err != nil {
				panic(err)
			}
			out[k] = b
		}
		return out
	}
	titles := func(en, fr string) map[string]string { return map[string]string{"en_US": en, "fr_FR": fr} }
	return &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{
			Identifier: "product", Type: "forProducts", Title: titles("Product", "Produit"), StockAttribute: "units_product",
			Attributes: []openentry.ProjectSetAttribute{
				{Marker: "price", Type: "float", Title: titles("Price", "Prix"), Validators: openentry.Validators{Required: true, Min: "0"}},
				{Marker: "currency", Type: "string", Title: titles("Currency", "Devise")},
				{Marker: "sale", Type: "float", Title: titles("Sale price", "Prix soldé")},
				{Marker: "units_product", Type: "integer", Title: titles("Units", "Unités"), Validators: openentry.Validators{Min: "0"}},
				{Marker: "color", Type: "list", Title: titles("Color", "Couleur"), ListTitles: []openentry.ListTitle{
					option("red", "Red", 1, str("#ff0000")), option("blue", "Blue", 2, str("#0000ff")), option("green", "Green", 3, nil),
				}},
				{Marker: "description", Type: "text", Title: titles("Description", "Description"), Validators: openentry.Validators{MaxLength: 500}},
				{Marker: "release", Type: "date", Title: titles("Release date", "Date de sortie")},
				{Marker: "pic", Type: "image", Title: titles("Picture", "Image")},
				{Marker: "sku_code", Type: "string", Title: titles("SKU", "Référence"), Validators: openentry.Validators{Pattern: `[A-Z]+-[0-9]+`}},
				{Marker: "supplier_note", Type: "string", Title: titles("Supplier note", "Note"), Hidden: true},
			},
		}},
		ProductStatuses: []openentry.ProjectProductStatus{
			{Identifier: "in_stock", Title: titles("In stock", "En stock"), IsDefault: true},
			{Identifier: "sold_out", Title: titles("Sold out", "Épuisé"), NotForSale: true},
		},
		Products: []openentry.ProjectProduct{
			{
				ID: 201, Title: titles("Cosmo chair", "Chaise Cosmo"), Price: "340.00", Currency: "USD", Sku: "COSMO-201",
				Status: "in_stock", AttributeSetIdentifier: "product", RelatedIDs: []int64{202, 203, 204},
				AttributeValues: openentry.AttributeValues{
					"en_US": values(map[string]any{
						"price": 340, "currency": "USD", "sale": "299.5", "units_product": 12, "color": "red",
						"description": "Soft & round", "release": "2025-05-08", "sku_code": "COSMO-201", "supplier_note": "call Bob",
						"pic": map[string]any{"downloadLink": "https://example.test/cosmo.png", "previewLink": ""},
					}),
					"fr_FR": values(map[string]any{"price": 340, "color": map[string]any{"value": "blue"}, "description": "Douce et ronde"}),
				},
			},
			{
				ID: 202, Title: titles("Luna lamp", "Lampe Luna"), Price: "19.99", Currency: "USD",
				Status: "in_stock", AttributeSetIdentifier: "product",
				AttributeValues: openentry.AttributeValues{"en_US": values(map[string]any{
					"price": 19.99, "units_product": 0, "color": []string{"green", "blue"},
				})},
			},
			{
				ID: 203, Title: titles("Nova sofa", "Canapé Nova"), Price: "999.00", Currency: "USD",
				Status: "sold_out", AttributeSetIdentifier: "product",
				AttributeValues: openentry.AttributeValues{"en_US": values(map[string]any{"price": 999, "units_product": 3})},
			},
			{
				ID: 204, Title: titles("Hidden stool", "Tabouret caché"), Price: "5.00", Currency: "USD", Hidden: true,
				AttributeSetIdentifier: "product",
				AttributeValues:        openentry.AttributeValues{"en_US": values(map[string]any{"price": 5})},
			},
		},
	}
}
