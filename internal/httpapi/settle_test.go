package httpapi_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

const sessionsPath = "/api/content/payments/sessions"

func (a *api) createSession(bearer string, orderID int64, typ string) response {
	a.t.Helper()
	return a.do("POST", sessionsPath, bearer, map[string]any{"orderId": orderID, "type": typ, "automaticTaxEnabled": false})
}

func TestCashSettlement(t *testing.T) {
	ctx := context.Background()
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 1}))
	first := id(t, a.createSession(tk.Access, order, "session").json(t))

	// The shop cancels; the order can be paid again with a new session.
	if err := srv.App.SettleSession(ctx, first, openentry.SessionCanceled); err != nil {
		t.Fatal(err)
	}
	got := a.expect("GET", fmt.Sprintf("%s/%d", sessionsPath, first), tk.Access, nil, 200).json(t)
	if got["status"] != "canceled" {
		t.Errorf("after cancel: got status %v", got["status"])
	}
	second := id(t, a.expect("POST", sessionsPath, tk.Access, map[string]any{"orderId": order, "type": "session"}, 201).json(t))
	if second == first {
		t.Fatal("a canceled session was handed out again")
	}
	if byOrder := a.expect("GET", fmt.Sprintf("%s/order/%d", sessionsPath, order), tk.Access, nil, 200).json(t); id(t, byOrder) != second {
		t.Errorf("session by order: got %v, want the newest %d", byOrder["id"], second)
	}

	// The shop confirms the cash: session completed, order completed and in the paid status.
	if err := srv.App.SettleSession(ctx, second, openentry.SessionCompleted); err != nil {
		t.Fatal(err)
	}
	o := a.expect("GET", fmt.Sprintf("%s/%d", ordersPath, order), tk.Access, nil, 200).json(t)
	if o["isCompleted"] != true || o["statusIdentifier"] != "completed" {
		t.Errorf("paid order: got isCompleted %v status %v", o["isCompleted"], o["statusIdentifier"])
	}
	checkError(t, a.createSession(tk.Access, order, "session"), 409, "already paid")

	// Final states never move.
	for _, status := range []string{openentry.SessionCanceled, openentry.SessionCompleted} {
		if err := srv.App.SettleSession(ctx, second, status); err == nil {
			t.Errorf("settling a completed session as %s: got no error", status)
		}
	}
	if err := srv.App.SettleSession(ctx, 9999, openentry.SessionCompleted); err == nil {
		t.Error("settling an unknown session: got no error")
	}
}

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	var offset atomic.Int64
	start := time.Now()
	srv := apptest.Start(t, apptest.WithClock(func() time.Time { return start.Add(time.Duration(offset.Load())) }),
		apptest.WithProject(&openentry.Project{PaymentAccounts: []openentry.ProjectPaymentAccount{
			{Identifier: "cash", Type: "custom", Title: map[string]string{"en_US": "Cash"}, SessionTimeout: 15},
		}}))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 1}))
	first := id(t, a.createSession(tk.Access, order, "session").json(t))

	offset.Store(int64(14 * time.Minute))
	if n, err := srv.App.ExpireSessions(ctx); err != nil || n != 0 {
		t.Fatalf("sweep before the timeout: expired %d, %v; want 0", n, err)
	}
	offset.Store(int64(16 * time.Minute))
	if n, err := srv.App.ExpireSessions(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after the timeout: expired %d, %v; want 1", n, err)
	}
	got := a.expect("GET", fmt.Sprintf("%s/%d", sessionsPath, first), tk.Access, nil, 200).json(t)
	if got["status"] != "expired" {
		t.Errorf("after the sweep: got status %v, want expired", got["status"])
	}
	if err := srv.App.SettleSession(ctx, first, openentry.SessionCompleted); err == nil {
		t.Error("an expired session was completed")
	}
	if second := id(t, a.createSession(tk.Access, order, "session").json(t)); second == first {
		t.Error("createSession after expiry returned the expired session")
	}
}

func TestRefundRequests(t *testing.T) {
	ctx := context.Background()
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	other := a.signUpAndLogin("other@email.com")
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 2}, [2]int64{2, 3}))
	refunds := fmt.Sprintf("/api/content/orders/%d/refund", order)

	checkError(t, a.do("POST", refunds, tk.Access, map[string]any{"products": map[string]any{"14": map[string]int{"quantity": 1}}}), 404, "You cannot refund uncompleted order")
	session := id(t, a.createSession(tk.Access, order, "session").json(t))
	if err := srv.App.SettleSession(ctx, session, openentry.SessionCompleted); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name    string
		body    any
		message string
	}{
		{"product not in order", map[string]any{"products": map[string]any{"1": map[string]int{"quantity": 1}}}, "not in order"},
		{"too many", map[string]any{"products": map[string]any{"14": map[string]int{"quantity": 3}}}, "1 to 2"},
		{"zero", map[string]any{"products": map[string]any{"14": map[string]int{"quantity": 0}}}, "1 to 2"},
		{"bad key", map[string]any{"products": map[string]any{"x": map[string]int{"quantity": 1}}}, "product ids"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkError(t, a.do("POST", refunds, tk.Access, tc.body), 400, tc.message) })
	}
	checkError(t, a.do("POST", refunds, other.Access, map[string]any{}), 404, "not found")
	checkError(t, a.do("GET", refunds, other.Access, nil), 404, "not found")

	isTrue(t, a.expect("POST", refunds, tk.Access, map[string]any{"products": map[string]any{"14": map[string]int{"quantity": 1}}, "note": "broken"}, 201))
	list := a.expect("GET", refunds, tk.Access, nil, 200).list(t)
	if len(list) != 1 {
		t.Fatalf("refunds: got %v", list)
	}
	r := list[0].(map[string]any)
	checkKeys(t, "refund", r, "id", "createdDate", "status", "amount", "note", "products", "orderId", "orderStorageId",
		"userId", "orderStorage", "user")
	if r["status"] != "waiting" || r["amount"] != float64(340) || r["note"] != "broken" || fmt.Sprint(r["products"]) != "map[14:map[quantity:1]]" {
		t.Errorf("refund: got %v", r)
	}
	// The rest of product 14 is still refundable, not more.
	checkError(t, a.do("POST", refunds, tk.Access, map[string]any{"products": map[string]any{"14": map[string]int{"quantity": 2}}}), 400, "1 to 1")

	isTrue(t, a.expect("DELETE", refunds, tk.Access, nil, 200))
	checkError(t, a.do("DELETE", refunds, tk.Access, nil), 404, "no refund request")
	// Without products: everything not yet asked for (the canceled request frees its share).
	isTrue(t, a.expect("POST", refunds, tk.Access, map[string]any{}, 201))
	list = a.expect("GET", refunds, tk.Access, nil, 200).list(t)
	if newest := list[0].(map[string]any); newest["amount"] != 717.5 || newest["status"] != "waiting" {
		t.Errorf("whole-order refund: got %v, want 717.5 waiting", newest)
	}
	rid := id(t, list[0].(map[string]any))
	got, err := srv.App.ApproveRefund(ctx, rid)
	if err != nil || got.Status != openentry.RefundRefunded {
		t.Fatalf("approve a cash refund: got %+v, %v; want refunded", got, err)
	}
	if _, err := srv.App.ApproveRefund(ctx, rid); err == nil {
		t.Error("approving twice: got no error")
	}
	checkError(t, a.do("POST", refunds, tk.Access, map[string]any{}), 400, "nothing left")
}
