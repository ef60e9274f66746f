package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// stockProject has product 500 with 10 units counted by its set, and product
// 501 of the same set whose stock the file leaves at 0.
func stockProject() *openentry.Project {
	units := func(n int) openentry.AttributeValues {
		return openentry.AttributeValues{"en_US": {"units": json.RawMessage(fmt.Sprint(n))}}
	}
	return &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{Identifier: "stocked", Title: map[string]string{"en_US": "Stocked"},
			StockAttribute: "units", Attributes: []openentry.ProjectSetAttribute{{Marker: "units", Type: "integer", Title: map[string]string{"en_US": "Units"}}}}},
		Products: []openentry.ProjectProduct{
			{ID: 500, Title: map[string]string{"en_US": "Last ones"}, Price: "5.00", Currency: "USD", AttributeSetIdentifier: "stocked", AttributeValues: units(10)},
			{ID: 501, Title: map[string]string{"en_US": "Sold out"}, Price: "5.00", Currency: "USD", AttributeSetIdentifier: "stocked", AttributeValues: units(0)},
		},
	}
}

func stockOf(t *testing.T, srv *apptest.Server, id int64) int {
	t.Helper()
	var n int
	srv.QueryRow(t, fmt.Sprintf("SELECT stock FROM products WHERE id = %d", id)).Scan(t, &n)
	return n
}

// TestStockLastUnits: 100 concurrent orders for the last 10 units give
// exactly 10 orders and 90 clear 409s, whichever process or connection wins.
func TestStockLastUnits(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(stockProject()))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := a.do("POST", ordersPath, tk.Access, orderBody([2]int64{500, 1}))
			mu.Lock()
			statuses[r.status]++
			mu.Unlock()
			if r.status == 409 {
				checkError(t, r, 409, "left")
			}
		}()
	}
	wg.Wait()
	if statuses[201] != 10 || statuses[409] != 90 {
		t.Errorf("100 orders for 10 units: got %v, want 10 × 201 and 90 × 409", statuses)
	}
	if n := stockOf(t, srv, 500); n != 0 {
		t.Errorf("stock after the rush: got %d, want 0", n)
	}
	if n := count(t, srv, "orders"); n != 10 {
		t.Errorf("orders stored: got %d, want 10", n)
	}
	checkError(t, a.do("POST", ordersPath, tk.Access, orderBody([2]int64{501, 1})), 409, "has 0 left")
	// An order of tracked and untracked products takes only the tracked units.
	if n := count(t, srv, "order_lines WHERE takes_stock = TRUE"); n != 10 {
		t.Errorf("lines that took stock: got %d, want 10", n)
	}
}

// TestStockGivenBack: a cancel gives the units back once, changed lines
// take and give back the difference, and a refund gives back what it refunds.
func TestStockGivenBack(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(stockProject()))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{500, 3}, [2]int64{14, 1}))
	if n := stockOf(t, srv, 500); n != 7 {
		t.Fatalf("stock after an order of 3: got %d, want 7", n)
	}
	// Lines changed: 3 go back, 5 are taken.
	a.expect("PUT", orderPath(order), tk.Access, map[string]any{"products": []map[string]any{{"productId": 500, "quantity": 5}}}, 200)
	if n := stockOf(t, srv, 500); n != 5 {
		t.Errorf("stock after changing 3 to 5: got %d, want 5", n)
	}
	// More than there is: refused, nothing moves.
	checkError(t, a.do("PUT", orderPath(order), tk.Access, map[string]any{"products": []map[string]any{{"productId": 500, "quantity": 11}}}), 409, "left")
	if n := stockOf(t, srv, 500); n != 5 {
		t.Errorf("stock after a refused change: got %d, want 5", n)
	}
	// A cancel gives the 5 back, once.
	a.expect("PUT", orderPath(order), tk.Access, map[string]any{"statusIdentifier": "canceled"}, 200)
	checkError(t, a.do("PUT", orderPath(order), tk.Access, map[string]any{"statusIdentifier": "canceled"}), 409, "canceled")
	if n := stockOf(t, srv, 500); n != 10 {
		t.Errorf("stock after the cancel: got %d, want 10", n)
	}

	// A refund gives back the units it refunds, once.
	paid := id(t, a.createOrder(tk.Access, [2]int64{500, 4}))
	ps := id(t, a.createSession(tk.Access, paid, "session").json(t))
	if err := srv.App.SettleSession(context.Background(), ps, openentry.SessionCompleted); err != nil {
		t.Fatal(err)
	}
	a.expect("POST", fmt.Sprintf("/api/content/orders/%d/refund", paid), tk.Access,
		map[string]any{"products": map[string]any{"500": map[string]int{"quantity": 3}}}, 201)
	var refund int64
	srv.QueryRow(t, fmt.Sprintf("SELECT id FROM refunds WHERE order_id = %d", paid)).Scan(t, &refund)
	if _, err := srv.App.ApproveRefund(context.Background(), refund); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.ApproveRefund(context.Background(), refund); err == nil {
		t.Error("a refund was approved twice")
	}
	if n := stockOf(t, srv, 500); n != 9 {
		t.Errorf("stock after refunding 3 of 4: got %d, want 9", n)
	}
}

// TestStockUnpaidOrdersCanceled: a storage's cancelUnpaidAfter cancels the
// orders left unpaid past it with no payment open, once, and gives their
// units back; paid orders and orders with a payment open stay.
func TestStockUnpaidOrdersCanceled(t *testing.T) {
	p := stockProject()
	p.OrderStorages = []openentry.ProjectOrderStorage{{Identifier: "orders", FormIdentifier: "order", PaymentAccounts: []string{"cash"},
		Title: map[string]string{"en_US": "Orders"}, PaidStatus: "completed", CanceledStatus: "canceled", CancelUnpaidAfter: 30,
		Statuses: []openentry.ProjectOrderStatus{{Identifier: "inProgress", IsDefault: true, Title: map[string]string{"en_US": "In progress"}},
			{Identifier: "completed", Title: map[string]string{"en_US": "Completed"}}, {Identifier: "canceled", Title: map[string]string{"en_US": "Canceled"}}}}}
	start := time.Now()
	var offset atomic.Int64
	srv := apptest.Start(t, apptest.WithProject(p), apptest.WithClock(func() time.Time { return start.Add(time.Duration(offset.Load())) }))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	ctx := context.Background()
	sweep := func(want int64) {
		t.Helper()
		n, err := srv.App.CancelUnpaidOrders(ctx)
		if err != nil || n != want {
			t.Errorf("at +%v: canceled %d (%v), want %d", time.Duration(offset.Load()), n, err, want)
		}
	}

	left := id(t, a.createOrder(tk.Access, [2]int64{500, 3}))
	waiting := id(t, a.createOrder(tk.Access, [2]int64{500, 2}))
	session := id(t, a.createSession(tk.Access, waiting, "session").json(t))
	paid := id(t, a.createOrder(tk.Access, [2]int64{500, 1}))
	if err := srv.App.SettleSession(ctx, id(t, a.createSession(tk.Access, paid, "session").json(t)), openentry.SessionCompleted); err != nil {
		t.Fatal(err)
	}
	if n := stockOf(t, srv, 500); n != 4 {
		t.Fatalf("stock after orders of 3, 2 and 1: got %d, want 4", n)
	}

	offset.Store(int64(29 * time.Minute))
	sweep(0)
	offset.Store(int64(31 * time.Minute))
	sweep(1)
	sweep(0)
	if n := stockOf(t, srv, 500); n != 7 {
		t.Errorf("stock after the unpaid order of 3 was canceled: got %d, want 7", n)
	}
	if got := a.expect("GET", orderPath(left), tk.Access, nil, 200).json(t)["statusIdentifier"]; got != "canceled" {
		t.Errorf("the unpaid order's status: got %v, want canceled", got)
	}
	checkError(t, a.do("POST", "/api/content/payments/sessions", tk.Access, map[string]any{"orderId": left, "type": "session"}), 409, "canceled")
	if got := a.expect("GET", orderPath(paid), tk.Access, nil, 200).json(t)["statusIdentifier"]; got != "completed" {
		t.Errorf("the paid order's status: got %v, want completed", got)
	}

	// The open payment ends: the next sweep cancels its order too.
	if err := srv.App.SettleSession(ctx, session, openentry.SessionCanceled); err != nil {
		t.Fatal(err)
	}
	sweep(1)
	if n := stockOf(t, srv, 500); n != 9 {
		t.Errorf("stock after the second unpaid order was canceled: got %d, want 9", n)
	}

	// Sweeps racing over one order: one cancels it, its units come back once.
	id(t, a.createOrder(tk.Access, [2]int64{500, 4}))
	offset.Store(int64(62 * time.Minute))
	var canceled atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := srv.App.CancelUnpaidOrders(ctx)
			if err != nil {
				t.Error(err)
			}
			canceled.Add(n)
		}()
	}
	wg.Wait()
	if canceled.Load() != 1 || stockOf(t, srv, 500) != 9 {
		t.Errorf("racing sweeps: canceled %d, stock %d; want 1 and 9", canceled.Load(), stockOf(t, srv, 500))
	}
}
