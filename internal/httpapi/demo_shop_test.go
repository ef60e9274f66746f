package httpapi_test

import (
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
