package conformance

import (
	"encoding/json"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKProducts calls the SDK's product list, count, price and
// search methods, with OneEntry's e-commerce template's call shapes,
// against a catalogue laid out the way the template reads one
// (listsProject); see js/products.mjs.
func TestOfficialSDKProducts(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithProject(listsProject()))
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "products.mjs")
}

// listsProject is a small shop for the template: set "product" (price,
// color, stickers, the stock count units_product, a date), statuses
// in_stock and sold_out, page shop listing every product and categories
// chairs and lamps below page category, and a delivery service without a
// sku on no page.
//
//	501 Oak chair      40.00  red    new       chairs  12 units
//	502 Pine chair     25.50  blue   sale      chairs   3 units
//	503 Desk lamp      19.99  red    sale      lamps    8 units
//	504 Floor lamp     89.00  green  new,sale  lamps    0 units  sold_out
//	505 Reading lamp   35.00  blue             lamps    5 units
//	506 Delivery       10.00                   (no page, no sku)
func listsProject() *openentry.Project {
	both := func(en, fr string) map[string]string { return map[string]string{"en_US": en, "fr_FR": fr} }
	infos := func(title string) map[string]json.RawMessage {
		return map[string]json.RawMessage{"en_US": json.RawMessage(`{"title":"` + title + `"}`)}
	}
	option := func(v, title string) openentry.ListTitle {
		return openentry.ListTitle{Title: title, Value: json.RawMessage(`"` + v + `"`)}
	}
	product := func(id int64, en, fr, price, color string, stickers []string, units int, pages ...string) openentry.ProjectProduct {
		values := map[string]any{"units_product": units, "released": "2025-0" + string(rune('0'+id%10)) + "-01"}
		if color != "" {
			values["color"] = map[string]string{"value": color, "title": color}
		}
		if stickers != nil {
			values["stickers"] = stickers
		}
		raw := map[string]json.RawMessage{}
		for k, v := range values {
			raw[k], _ = json.Marshal(v)
		}
		p := openentry.ProjectProduct{ID: id, Title: both(en, fr), Price: json.Number(price), Currency: "USD", Sku: "SKU-" + en[:3],
			AttributeSetIdentifier: "product", AttributeValues: openentry.AttributeValues{"en_US": raw}, Pages: append([]string{"shop"}, pages...)}
		if units == 0 {
			p.Status = "sold_out"
		}
		return p
	}
	return &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{
			Identifier: "product", Title: both("Product", "Produit"), StockAttribute: "units_product",
			Attributes: []openentry.ProjectSetAttribute{
				{Marker: "price", Type: "float", Title: both("Price", "Prix")},
				{Marker: "color", Type: "list", Title: both("Colour", "Couleur"),
					ListTitles: []openentry.ListTitle{option("red", "Red"), option("blue", "Blue"), option("green", "Green")}},
				{Marker: "stickers", Type: "list", Title: both("Stickers", "Badges"),
					ListTitles: []openentry.ListTitle{option("new", "New"), option("sale", "Sale")}},
				{Marker: "units_product", Type: "integer", Title: both("Units", "Unités")},
				{Marker: "released", Type: "date", Title: both("Released", "Sortie")},
			},
		}},
		ProductStatuses: []openentry.ProjectProductStatus{
			{Identifier: "in_stock", Title: both("In stock", "En stock"), IsDefault: true},
			{Identifier: "sold_out", Title: both("Sold out", "Épuisé"), NotForSale: true},
		},
		Pages: []openentry.ProjectPage{
			{PageURL: "shop", Type: openentry.PageTypeCatalog, LocalizeInfos: infos("Shop")},
			{PageURL: "category", Type: openentry.PageTypeCatalog, LocalizeInfos: infos("Categories")},
			{PageURL: "chairs", ParentURL: "category", Type: openentry.PageTypeCatalog, LocalizeInfos: infos("Chairs")},
			{PageURL: "lamps", ParentURL: "category", Type: openentry.PageTypeCatalog, LocalizeInfos: infos("Lamps")},
		},
		Products: []openentry.ProjectProduct{
			product(501, "Oak chair", "Chaise en chêne", "40.00", "red", []string{"new"}, 12, "chairs"),
			product(502, "Pine chair", "Chaise en pin", "25.50", "blue", []string{"sale"}, 3, "chairs"),
			product(503, "Desk lamp", "Lampe de bureau", "19.99", "red", []string{"sale"}, 8, "lamps"),
			product(504, "Floor lamp", "Lampadaire", "89.00", "green", []string{"new", "sale"}, 0, "lamps"),
			product(505, "Reading lamp", "Liseuse", "35.00", "blue", nil, 5, "lamps"),
			{ID: 506, Title: both("Delivery", "Livraison"), Price: "10.00", Currency: "USD"},
		},
	}
}
