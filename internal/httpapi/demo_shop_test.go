package httpapi_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestDemoShopOrders: with the demo shop applied, the template's checkout
// (storage "order", its date, interval and address, delivery product 83)
// and the seed's (storage "orders", a name) share form "order".
func TestDemoShopOrders(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	a := newAPI(t, srv)
	tk := a.loginDemo()
	template := map[string]any{
		"formIdentifier": "order", "paymentAccountIdentifier": "cash",
		"formData": map[string]any{"en_US": []map[string]any{
			{"marker": "date", "type": "date", "value": map[string]any{"fullDate": "2026-12-24T00:00:00.000Z", "formattedValue": "24-12-2026 00:00", "formatString": "DD-MM-YYYY HH:mm"}},
			{"marker": "shipping_interval", "type": "string", "value": "10:00 - 12:00"},
			{"marker": "order_address", "type": "string", "value": "1 Main St"},
		}},
		"products": []map[string]any{{"productId": 100, "quantity": 2}, {"productId": 83, "quantity": 1}},
	}
	got := a.expect("POST", "/api/content/orders-storage/marker/order/orders", tk.Access, template, 201).json(t)
	if got["statusIdentifier"] != "created" {
		t.Errorf("template order: got %v, want status created", got)
	}
	delete(template["formData"].(map[string]any), "en_US")
	checkError(t, a.do("POST", "/api/content/orders-storage/marker/order/orders", tk.Access, template), 400, "order_address")
	a.createOrder(tk.Access, [2]int64{14, 1}) // the seed's storage, with a name
	checkError(t, a.do("POST", ordersPath, tk.Access, map[string]any{"formIdentifier": "order", "paymentAccountIdentifier": "cash",
		"products": []map[string]any{{"productId": 14, "quantity": 1}}}), 400, "name")
	// A sold-out product is not for sale.
	var soldOut int64
	srv.QueryRow(t, "SELECT id FROM products WHERE status_identifier = 'sold_out' ORDER BY id LIMIT 1").Scan(t, &soldOut)
	checkError(t, a.do("POST", ordersPath, tk.Access, orderBody([2]int64{soldOut, 1})), 400, "not for sale")
}

// TestDemoShopProductAsTheTemplateReadsIt: what the template's cards and
// filters read of a demo product, as the run of the unmodified template
// found it wanting.
func TestDemoShopProductAsTheTemplateReadsIt(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	a := newAPI(t, srv)
	values := func(id int, lang string) map[string]any {
		return a.expect("GET", fmt.Sprintf("/api/content/products/%d?langCode=%s", id, lang), "", nil, 200).json(t)["attributeValues"].(map[string]any)
	}
	value := func(v map[string]any, marker string) any { return v[marker].(map[string]any)["value"] }
	// A sale: price is the price before it, sale and the top-level price what orders pay.
	desk := a.expect("GET", "/api/content/products/101", "", nil, 200).json(t)
	dv := desk["attributeValues"].(map[string]any)
	if desk["price"] != 79.6 || value(dv, "price") != 99.5 || value(dv, "sale") != 79.6 {
		t.Errorf("101: price %v, price attribute %v, sale %v; want 79.6, 99.5, 79.6", desk["price"], value(dv, "price"), value(dv, "sale"))
	}
	// A locale's own option title; stickers without images have no extended.
	fr := values(100, "fr_FR")
	if got := value(fr, "color").(map[string]any)["title"]; got != "Blanc" {
		t.Errorf("100 color in fr_FR: got %v, want Blanc", got)
	}
	if got := value(fr, "category").(map[string]any)["title"]; got != "Meubles" {
		t.Errorf("100 category in fr_FR: got %v, want Meubles", got)
	}
	if sticker := value(values(100, "en_US"), "stickers").(map[string]any); sticker["value"] != "new" || sticker["extended"] != nil {
		t.Errorf("100 sticker: got %v, want new without extended", sticker)
	}
	// The shop's sticker pages, which the template builds /shop/{handle} from.
	var children []map[string]any
	if err := json.Unmarshal(a.expect("GET", "/api/content/pages/shop/children", "", nil, 200).raw, &children); err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, c := range children {
		urls = append(urls, c["pageUrl"].(string))
	}
	if !reflect.DeepEqual(urls, []string{"new", "sale", "hit"}) {
		t.Errorf("shop's children: got %v", urls)
	}
	// Delivery (83) has no sku, so the catalogue's "sku nin null" leaves it out.
	got, _ := productIDs(t, a.expect("POST", "/api/content/products/all?limit=100", "",
		[]any{map[string]any{"attributeMarker": "sku", "conditionMarker": "nin", "conditionValue": nil}}, 201))
	for _, id := range got {
		if id == 83 {
			t.Error("the catalogue lists delivery product 83")
		}
	}
}
