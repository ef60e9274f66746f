package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
)

func orderPath(id int64) string { return fmt.Sprintf("%s/%d?langCode=en_US", ordersPath, id) }

// TestUpdateOrder covers Orders.updateOrderByMarkerAndId: what may change,
// in which states, and that bad input writes nothing.
func TestUpdateOrder(t *testing.T) {
	srv, a := startStripe(t, stripemock.Start(t).URL())
	tk := a.loginDemo()
	created := a.createOrder(tk.Access, [2]int64{14, 1}, [2]int64{2, 2})
	order := id(t, created)

	// New lines are priced anew from the server's products; prices sent are not read.
	got := a.expect("PUT", orderPath(order), tk.Access, map[string]any{
		"products": []map[string]any{{"productId": 14, "quantity": 3, "price": 1}}, "totalSum": 1, "currency": "EUR",
	}, 200).json(t)
	checkKeys(t, "update answer", got, "id", "formIdentifier", "paymentAccountIdentifier", "formData", "products",
		"currency", "totalSum", "createdDate", "statusIdentifier")
	if got["totalSum"] != float64(1020) || got["currency"] != "USD" || fmt.Sprint(got["products"]) != "[map[productId:14 quantity:3]]" {
		t.Errorf("after changing the lines: got %v", got)
	}
	if n := count(t, srv, fmt.Sprintf("order_lines WHERE order_id = %d", order)); n != 1 {
		t.Errorf("order lines: got %d, want 1", n)
	}

	// Form data alone leaves an open payment as it is.
	cash := id(t, a.createSession(tk.Access, order, "session").json(t))
	a.expect("PUT", orderPath(order), tk.Access, map[string]any{
		"formData": map[string]any{"en_US": []map[string]any{{"marker": "name", "type": "string", "value": "Bo"}}},
		"products": []map[string]any{{"productId": 14, "quantity": 3}}, // the lines it has
	}, 200)
	if s := a.sessionStatus(tk.Access, cash); s != openentry.SessionWaiting {
		t.Errorf("the cash session after a form data change: got %q, want waiting", s)
	}

	// Form data and account; a waiting cash session is for the old terms and is canceled.
	got = a.expect("PUT", orderPath(order), tk.Access, map[string]any{
		"paymentAccountIdentifier": "stripe",
		"formData":                 map[string]any{"en_US": []map[string]any{{"marker": "name", "type": "string", "value": "Ann"}}},
	}, 200).json(t)
	if got["paymentAccountIdentifier"] != "stripe" || fmt.Sprint(got["formData"]) != "map[en_US:[map[marker:name type:string value:Ann]]]" {
		t.Errorf("after changing account and form data: got %v", got)
	}
	if s := a.sessionStatus(tk.Access, cash); s != openentry.SessionCanceled {
		t.Errorf("the cash session of the old terms: got %q, want canceled", s)
	}

	// A payment open at a provider is closed there first (the checkout
	// expires), then canceled with the change.
	checkout := id(t, a.expect("POST", sessionsPath, tk.Access, map[string]any{"orderId": order, "type": "session"}, 201).json(t))
	if got := a.expect("PUT", orderPath(order), tk.Access, map[string]any{"paymentAccountIdentifier": "cash"}, 200).json(t); got["paymentAccountIdentifier"] != "cash" {
		t.Errorf("after closing the stripe checkout: got %v", got)
	}
	if s := a.sessionStatus(tk.Access, checkout); s != openentry.SessionCanceled {
		t.Errorf("the stripe session of the old terms: got %q, want canceled", s)
	}

	// Bad input writes nothing.
	other := id(t, a.createOrder(tk.Access, [2]int64{14, 1}))
	before := a.expect("GET", orderPath(other), tk.Access, nil, 200).raw
	for _, tc := range []struct {
		name    string
		body    any
		status  int
		message string
	}{
		{"no products", map[string]any{"products": []any{}}, 400, "at least one product"},
		{"unknown product", map[string]any{"products": []map[string]any{{"productId": 9999, "quantity": 1}}}, 400, "not found"},
		{"zero quantity", map[string]any{"products": []map[string]any{{"productId": 14, "quantity": 0}}}, 400, "quantity"},
		{"unknown account", map[string]any{"paymentAccountIdentifier": "paypal"}, 400, "Payment account identifier is wrong"},
		{"unknown form field", map[string]any{"formData": map[string]any{"en_US": []map[string]any{{"marker": "nope", "value": "x"}}}}, 400, "nope"},
		{"other form", map[string]any{"formIdentifier": "reg"}, 400, "formIdentifier"},
		{"a status customers may not set", map[string]any{"statusIdentifier": "completed"}, 400, "only cancel"},
		{"malformed", `{"products": 5}`, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkError(t, a.do("PUT", orderPath(other), tk.Access, tc.body), tc.status, tc.message)
		})
	}
	if after := a.expect("GET", orderPath(other), tk.Access, nil, 200).raw; string(after) != string(before) {
		t.Errorf("a refused update changed the order:\nbefore %s\nafter  %s", before, after)
	}

	// Only the owner sees or changes an order.
	stranger := a.signUpAndLogin("stranger@email.com")
	checkError(t, a.do("PUT", orderPath(other), stranger.Access, map[string]any{"statusIdentifier": "canceled"}), 404, "")
	checkError(t, a.do("PUT", orderPath(other), "", map[string]any{}), 401, "")
	checkError(t, a.do("PUT", "/api/content/orders-storage/marker/nope/orders/1", tk.Access, map[string]any{}), 404, "")
}

// TestCancelOrderAsTheTemplateDoes: the template cancels by sending back the
// whole order it read, its products as {productId, quantity} and
// statusIdentifier "canceled". A canceled order is neither changed nor paid.
func TestCancelOrderAsTheTemplateDoes(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 1}, [2]int64{2, 2}))
	session := id(t, a.createSession(tk.Access, order, "session").json(t))
	read := a.expect("GET", orderPath(order), tk.Access, nil, 200).json(t)
	body := map[string]any{}
	for k, v := range read {
		body[k] = v
	}
	var products []map[string]any
	for _, p := range read["products"].([]any) {
		p := p.(map[string]any)
		products = append(products, map[string]any{"productId": p["id"], "quantity": p["quantity"]})
	}
	body["products"] = products
	body["formData"] = map[string]any{"en_US": read["formData"].(map[string]any)["en_US"]} // as the SDK wraps the flattened list
	body["statusIdentifier"] = "canceled"
	got := a.expect("PUT", orderPath(order), tk.Access, body, 200).json(t)
	if got["statusIdentifier"] != "canceled" || got["totalSum"] != float64(365) {
		t.Errorf("cancel: got %v", got)
	}
	if s := a.sessionStatus(tk.Access, session); s != openentry.SessionCanceled {
		t.Errorf("the order's cash session after the cancel: got %q, want canceled", s)
	}
	if n := count(t, srv, fmt.Sprintf("orders WHERE id = %d AND canceled_ms IS NOT NULL AND status_identifier = 'canceled'", order)); n != 1 {
		t.Error("the order is not stored canceled")
	}
	checkError(t, a.do("PUT", orderPath(order), tk.Access, body), 409, "canceled")
	checkError(t, a.createSession(tk.Access, order, "session"), 409, "canceled")

	// statusMarker is another client's name for it; a paid order changes no more.
	paid := id(t, a.createOrder(tk.Access, [2]int64{14, 1}))
	ps := id(t, a.createSession(tk.Access, paid, "session").json(t))
	if err := srv.App.SettleSession(context.Background(), ps, openentry.SessionCompleted); err != nil {
		t.Fatal(err)
	}
	checkError(t, a.do("PUT", orderPath(paid), tk.Access, map[string]any{"statusMarker": "canceled"}), 409, "already paid")
	fresh := id(t, a.createOrder(tk.Access, [2]int64{14, 1}))
	if got := a.expect("PUT", orderPath(fresh), tk.Access, map[string]any{"statusMarker": "canceled"}, 200).json(t); got["statusIdentifier"] != "canceled" {
		t.Errorf("cancel by statusMarker: got %v", got)
	}
}

// TestPreviewOrder covers Orders.previewOrder: priced like an order, nothing placed.
func TestPreviewOrder(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(&openentry.Project{Products: []openentry.ProjectProduct{
		{ID: 90, Title: map[string]string{"en_US": "Yen thing"}, Price: "500", Currency: "JPY"},
	}}))
	a := newAPI(t, srv)
	path := "/api/content/orders-storage/orders/preview?langCode=en_US"
	got := a.expect("POST", path, "", map[string]any{"products": []map[string]any{
		{"productId": 14, "quantity": 2, "price": 1}, {"productId": 2, "quantity": 1}}}, 201)
	var preview map[string]any
	if err := json.Unmarshal(got.raw, &preview); err != nil {
		t.Fatal(err)
	}
	want := `map[bonusApplied:0 currency:USD discountConfig:map[bonus:<nil> coupon:<nil> orderDiscounts:[] productDiscounts:[] ` +
		`settings:map[allowGiftStacking:false allowStacking:false maxDiscountValue:<nil>]] ` +
		`orderPreview:[map[discountPrice:<nil> id:14 isGift:false price:340 quantity:2] map[discountPrice:<nil> id:2 isGift:false price:12.5 quantity:1]] ` +
		`totalDue:692.5 totalSum:692.5 totalSumWithDiscount:692.5]`
	if fmt.Sprint(preview) != want {
		t.Errorf("preview:\ngot  %v\nwant %s", preview, want)
	}
	for _, tc := range []struct {
		name    string
		body    any
		message string
	}{
		{"no products", map[string]any{"products": []any{}}, "at least one product"},
		{"unknown product", map[string]any{"products": []map[string]any{{"productId": 9999, "quantity": 1}}}, "not found"},
		{"two currencies", map[string]any{"products": []map[string]any{{"productId": 14, "quantity": 1}, {"productId": 90, "quantity": 1}}}, "cannot add JPY to USD"},
		{"coupon", map[string]any{"products": []map[string]any{{"productId": 14, "quantity": 1}}, "couponCode": "SALE"}, "Coupon"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkError(t, a.do("POST", path, "", tc.body), 400, tc.message) })
	}
	if n := count(t, srv, "orders"); n != 0 {
		t.Errorf("a preview placed %d orders", n)
	}
}

// TestStorageRequiredFields: two storages share the order form and ask for
// different fields of it.
func TestStorageRequiredFields(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(&openentry.Project{OrderStorages: []openentry.ProjectOrderStorage{{
		Identifier: "deliveries", FormIdentifier: "order", PaymentAccounts: []string{"cash"}, RequiredFields: []string{"address"},
		Title: map[string]string{"en_US": "Deliveries"}, Statuses: []openentry.ProjectOrderStatus{{Identifier: "new", IsDefault: true}},
	}}}))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	path := "/api/content/orders-storage/marker/deliveries/orders"
	body := orderBody([2]int64{14, 1})
	checkError(t, a.do("POST", path, tk.Access, body), 400, "address")
	body["formData"] = map[string]any{"en_US": []map[string]any{{"marker": "name", "value": "A"}, {"marker": "address", "value": "1 Main St"}}}
	order := id(t, a.expect("POST", path, tk.Access, body, 201).json(t))
	checkError(t, a.do("PUT", fmt.Sprintf("%s/%d", path, order), tk.Access,
		map[string]any{"formData": map[string]any{"en_US": []map[string]any{{"marker": "name", "value": "B"}}}}), 400, "address")
	// The demo's storage asks for the name only, as before.
	a.createOrder(tk.Access, [2]int64{14, 1})
}
