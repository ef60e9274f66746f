package adminapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
)

// shopper places orders and pays them through the Content API, as a
// customer of the demo shop would.
type shopper struct {
	t      *testing.T
	base   string
	access string
}

func newShopper(t *testing.T, srv *apptest.Server, login, password string) *shopper {
	t.Helper()
	s := &shopper{t: t, base: srv.BaseURL}
	var tk struct {
		Access string `json:"accessToken"`
	}
	s.expect("POST", "/api/content/users-auth-providers/marker/email/users/auth", map[string]any{"authData": []map[string]string{
		{"marker": "email_reg", "value": login}, {"marker": "password_reg", "value": password}}}, http.StatusCreated, &tk)
	s.access = tk.Access
	return s
}

func demoShopper(t *testing.T, srv *apptest.Server) *shopper {
	return newShopper(t, srv, "your-user@email.com", "123456")
}

func (s *shopper) expect(method, path string, body any, want int, out any) {
	s.t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		s.t.Fatal(err)
	}
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(data))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-app-token", apptest.AppToken)
	if s.access != "" {
		req.Header.Set("Authorization", "Bearer "+s.access)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		s.t.Fatalf("%s %s: got %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}

// order places an order in storage "orders", paid in cash, of lines
// (product id, quantity) with the customer's name.
func (s *shopper) order(name string, lines ...[2]int64) int64 {
	s.t.Helper()
	return s.orderWith("cash", name, lines...)
}

// orderWith places an order paid through account.
func (s *shopper) orderWith(account, name string, lines ...[2]int64) int64 {
	s.t.Helper()
	products := []map[string]any{}
	for _, l := range lines {
		products = append(products, map[string]any{"productId": l[0], "quantity": l[1]})
	}
	var out struct{ ID int64 }
	s.expect("POST", "/api/content/orders-storage/marker/orders/orders", map[string]any{
		"formIdentifier": "order", "paymentAccountIdentifier": account, "products": products,
		"formData": map[string]any{"en_US": []map[string]any{{"marker": "name", "type": "string", "value": name}}},
	}, http.StatusCreated, &out)
	return out.ID
}

// session opens the order's cash payment session.
func (s *shopper) session(order int64) int64 {
	s.t.Helper()
	var out struct{ ID int64 }
	s.expect("POST", "/api/content/payments/sessions", map[string]any{"orderId": order, "type": "session"}, http.StatusCreated, &out)
	return out.ID
}

// refund asks for quantity of product back.
func (s *shopper) refund(order, product, quantity int64) {
	s.t.Helper()
	s.expect("POST", fmt.Sprintf("/api/content/orders/%d/refund", order),
		map[string]any{"products": map[string]any{fmt.Sprint(product): map[string]int64{"quantity": quantity}}}, http.StatusCreated, nil)
}

// adminOrder is what the tests read of an order.
type adminOrder struct {
	ID               int64  `json:"id"`
	UserLogin        string `json:"userLogin"`
	StatusIdentifier string `json:"statusIdentifier"`
	PaymentStatus    string `json:"paymentStatus"`
	IsCanceled       bool   `json:"isCanceled"`
	Total            string `json:"total"`
	Currency         string `json:"currency"`
	Version          int64  `json:"version"`
	Lines            []struct {
		ProductID int64  `json:"productId"`
		Title     string `json:"title"`
		UnitPrice string `json:"unitPrice"`
	} `json:"lines"`
	Sessions []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"sessions"`
	Refunds []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"refunds"`
	Journal []journalEntry `json:"journal"`
}

type journalEntry struct {
	ActorKind string         `json:"actorKind"`
	ActorName string         `json:"actorName"`
	Action    string         `json:"action"`
	ObjectID  string         `json:"objectId"`
	Before    map[string]any `json:"before"`
	After     map[string]any `json:"after"`
}

func getOrder(t *testing.T, a *apptest.Admin, id int64) adminOrder {
	t.Helper()
	var o adminOrder
	a.Expect(t, "GET", fmt.Sprintf("/api/admin/orders/%d", id), nil, http.StatusOK, &o)
	return o
}

// lastJournal is the newest journal entry of order id with action.
func lastJournal(t *testing.T, a *apptest.Admin, id int64, action string) journalEntry {
	t.Helper()
	var out struct{ Items []journalEntry }
	a.Expect(t, "GET", fmt.Sprintf("/api/admin/journal?objectKind=order&objectId=%d&action=%s", id, action), nil, http.StatusOK, &out)
	if len(out.Items) == 0 {
		t.Fatalf("order %d: no %s in the journal", id, action)
	}
	return out.Items[0]
}

func stock(t *testing.T, srv *apptest.Server, product int64) int {
	t.Helper()
	var n int
	srv.QueryRow(t, fmt.Sprintf("SELECT stock FROM products WHERE id = %d", product)).Scan(t, &n)
	return n
}

func listOrders(t *testing.T, a *apptest.Admin, query string) ([]int64, int64) {
	t.Helper()
	var out struct {
		Items []adminOrder
		Total int64
	}
	a.Expect(t, "GET", "/api/admin/orders?"+query, nil, http.StatusOK, &out)
	ids := []int64{}
	for _, o := range out.Items {
		ids = append(ids, o.ID)
	}
	return ids, out.Total
}

// TestAdminOrderRoles: every route lets each role through or answers 403,
// for staff sessions and API keys alike: reads for all, writes for owner,
// manager and support (an unknown id gets them to 404).
func TestAdminOrderRoles(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	staff := map[string]*apptest.Admin{"owner": owner}
	for _, role := range []string{"manager", "support", "viewer"} {
		staff[role] = as(t, srv, c, role+"@shop.test", role)
	}
	staff["viewer key"] = owner.KeyAs(t, "viewer").Via(c.Proxy(srv.BaseURL))
	staff["support key"] = owner.KeyAs(t, "support").Via(c.Proxy(srv.BaseURL))
	reads := []string{"/api/admin/overview", "/api/admin/orders", "/api/admin/orders.csv", "/api/admin/payments.csv", "/api/admin/refunds"}
	writes := []adminCall{
		{"PATCH", "/api/admin/orders/999999/status", map[string]any{"statusIdentifier": "completed", "version": 1}},
		{"POST", "/api/admin/orders/999999/cancel", map[string]any{"version": 1}},
		{"POST", "/api/admin/payments/sessions/999999/settle", map[string]any{"status": "completed"}},
		{"POST", "/api/admin/refunds/999999/approve", nil},
		{"POST", "/api/admin/refunds/999999/reject", map[string]any{"reason": "Worn"}},
	}
	for who, a := range staff {
		t.Run(who, func(t *testing.T) {
			for _, p := range reads {
				if status, body, _ := a.Do(t, "GET", p, nil); status != http.StatusOK {
					t.Errorf("GET %s: got %d, want 200: %s", p, status, body)
				}
			}
			want := http.StatusNotFound
			if strings.HasPrefix(who, "viewer") {
				want = http.StatusForbidden
			}
			for _, w := range writes {
				if status, body, _ := a.Do(t, w.method, w.path, w.body); status != want {
					t.Errorf("%s %s: got %d, want %d: %s", w.method, w.path, status, want, body)
				}
			}
		})
	}
	if status, _, _ := (&apptest.Admin{Base: c.Proxy(srv.BaseURL)}).Do(t, "GET", "/api/admin/orders", nil); status != http.StatusUnauthorized {
		t.Errorf("orders without a credential: got %d, want 401", status)
	}
}

func TestAdminOrderList(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	viewer := as(t, srv, c, "viewer@shop.test", "viewer")
	s := demoShopper(t, srv)
	cheap := s.order("Christina Thomas", [2]int64{102, 1})        // 29.99
	big := s.order("Zoë Weiß", [2]int64{103, 2}, [2]int64{83, 1}) // 409.98
	mid := s.order("Bob Smith", [2]int64{101, 1})                 // 79.60
	paid := s.session(mid)
	owner.Expect(t, "POST", fmt.Sprintf("/api/admin/payments/sessions/%d/settle", paid), map[string]string{"status": "completed"}, http.StatusOK, nil)
	waiting := s.order("Waiting Person", [2]int64{83, 1}) // 10.00, session open
	s.session(waiting)

	all := []int64{waiting, mid, big, cheap} // newest first
	cases := []struct {
		name, query string
		want        []int64
	}{
		{"all, newest first", "", all},
		{"oldest first", "order=asc", []int64{cheap, big, mid, waiting}},
		{"by total", "sort=total&order=asc", []int64{waiting, cheap, mid, big}},
		{"by id", "sort=id&order=desc", []int64{waiting, mid, big, cheap}},
		{"storage", "storage=orders", all},
		{"other storage", "storage=order", []int64{}},
		{"paid", "paymentStatus=paid", []int64{mid}},
		{"waiting", "paymentStatus=waiting", []int64{waiting}},
		{"unpaid", "paymentStatus=unpaid", []int64{big, cheap}},
		{"status", "status=completed", []int64{mid}},
		{"total from 29.99", "totalMin=29.99&sort=total&order=asc", []int64{cheap, mid, big}},
		{"total past 29.99", "totalMin=29.991", []int64{mid, big}},
		{"total to 79.6", "totalMax=79.6&sort=total&order=asc", []int64{waiting, cheap, mid}},
		{"total between", "totalMin=20&totalMax=80&currency=USD", []int64{mid, cheap}},
		{"other currency", "currency=EUR", []int64{}},
		{"huge bound", "totalMin=99999999999999999999999999", []int64{}},
		{"q id", fmt.Sprintf("q=%d", big), []int64{big}},
		{"q login", "q=YOUR-USER@", all},
		{"q form data", "q=christina", []int64{cheap}},
		{"q non-ASCII", "q=" + url.QueryEscape("Weiß"), []int64{big}},
		{"q LIKE characters are text", "q=%25", []int64{}},
		{"created between", "from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z", all},
		{"created later", "from=2999-01-01T00:00:00Z", []int64{}},
		{"page", "offset=1&limit=2", []int64{mid, big}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids, total := listOrders(t, viewer, tc.query)
			if !slices.Equal(ids, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.query, ids, tc.want)
			}
			if tc.name != "page" && total != int64(len(tc.want)) {
				t.Errorf("%s: total %d, want %d", tc.query, total, len(tc.want))
			}
		})
	}
	var user int64
	srv.QueryRow(t, fmt.Sprintf("SELECT user_id FROM orders WHERE id = %d", big)).Scan(t, &user)
	if ids, _ := listOrders(t, viewer, fmt.Sprintf("userId=%d", user)); len(ids) != 4 {
		t.Errorf("the user's orders: got %v", ids)
	}
	if ids, _ := listOrders(t, viewer, fmt.Sprintf("userId=%d", user+1000)); len(ids) != 0 {
		t.Errorf("another user's orders: got %v", ids)
	}

	o := getOrder(t, viewer, big)
	if o.Total != "409.98" || o.Currency != "USD" || o.UserLogin != "your-user@email.com" || len(o.Lines) != 2 || o.Lines[0].UnitPrice != "199.99" || o.Lines[0].Title == "" {
		t.Errorf("order %d: got %+v", big, o)
	}

	for _, bad := range []string{"sort=price", "order=up", "paymentStatus=free", "totalMin=1e3", "totalMin=-1", "totalMax=12.", "storage=nope",
		"from=yesterday", "userId=x", "currency=usd", "limit=0", "colour=red", "totalMin=5&totalMax=4", "q=" + strings.Repeat("x", 201)} {
		if status, body, _ := viewer.Do(t, "GET", "/api/admin/orders?"+bad, nil); status != http.StatusBadRequest {
			t.Errorf("%s: got %d, want 400: %s", bad, status, body)
		}
	}
	viewer.Expect(t, "GET", "/api/admin/orders/999999", nil, http.StatusNotFound, nil)
	viewer.Expect(t, "GET", "/api/admin/orders/x", nil, http.StatusBadRequest, nil)
}

func TestAdminOrderStatus(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	support := as(t, srv, c, "support@shop.test", "support")
	s := demoShopper(t, srv)
	id := s.order("Christina Thomas", [2]int64{102, 1})
	read := getOrder(t, support, id)
	path := fmt.Sprintf("/api/admin/orders/%d/status", id)

	var got adminOrder
	support.Expect(t, "PATCH", path, map[string]any{"statusIdentifier": "completed", "version": read.Version}, http.StatusOK, &got)
	if got.StatusIdentifier != "completed" || got.Version != read.Version+1 {
		t.Errorf("after the change: got %+v", got)
	}
	// A second write from the same read loses.
	support.Expect(t, "PATCH", path, map[string]any{"statusIdentifier": "inProgress", "version": read.Version}, http.StatusConflict, nil)
	if o := getOrder(t, owner, id); o.StatusIdentifier != "completed" {
		t.Errorf("a stale write changed the order: %+v", o)
	}
	e := lastJournal(t, owner, id, "order.status")
	if e.ActorKind != "staff" || e.ActorName != "support@shop.test" || e.Before["statusIdentifier"] != "inProgress" ||
		e.After["statusIdentifier"] != "completed" || e.After["version"] != float64(read.Version+1) {
		t.Errorf("journal: got %+v", e)
	}
	for _, bad := range []map[string]any{
		{"statusIdentifier": "paid", "version": got.Version},     // a status of the other storage
		{"statusIdentifier": "canceled", "version": got.Version}, // the cancel's
		{"statusIdentifier": "", "version": got.Version},
		{"statusIdentifier": "inProgress"},
		{"statusIdentifier": "inProgress", "version": got.Version, "note": "x"},
	} {
		if status, body, _ := support.Do(t, "PATCH", path, bad); status != http.StatusBadRequest {
			t.Errorf("%v: got %d, want 400: %s", bad, status, body)
		}
	}
	// A customer's change moves the version too: a write from before it loses.
	other := s.order("Pat", [2]int64{102, 1})
	before := getOrder(t, owner, other)
	s.expect("PUT", fmt.Sprintf("/api/content/orders-storage/marker/orders/orders/%d", other), map[string]any{
		"formData": map[string]any{"en_US": []map[string]any{{"marker": "name", "type": "string", "value": "Pat Jones"}}}}, http.StatusOK, nil)
	owner.Expect(t, "PATCH", fmt.Sprintf("/api/admin/orders/%d/status", other), map[string]any{"statusIdentifier": "completed", "version": before.Version}, http.StatusConflict, nil)
}

func TestAdminOrderCancel(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	manager := as(t, srv, c, "manager@shop.test", "manager")
	s := demoShopper(t, srv)
	units := stock(t, srv, 100)
	id := s.order("Christina Thomas", [2]int64{100, 2})
	session := s.session(id)
	if n := stock(t, srv, 100); n != units-2 {
		t.Fatalf("stock after ordering 2: got %d, want %d", n, units-2)
	}
	read := getOrder(t, manager, id)
	path := fmt.Sprintf("/api/admin/orders/%d/cancel", id)
	// Two cancels from the same read, at once: one wins, the units come back once.
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = manager.Do(t, "POST", path, map[string]any{"version": read.Version})
		}()
	}
	wg.Wait()
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{http.StatusOK, http.StatusConflict}) {
		t.Errorf("two cancels: got %v, want one 200 and one 409", statuses)
	}
	if n := stock(t, srv, 100); n != units {
		t.Errorf("stock after the cancel: got %d, want %d", n, units)
	}
	o := getOrder(t, owner, id)
	if !o.IsCanceled || o.StatusIdentifier != "canceled" || len(o.Sessions) != 1 || o.Sessions[0].ID != session || o.Sessions[0].Status != "canceled" {
		t.Errorf("canceled order: got %+v", o)
	}
	e := lastJournal(t, owner, id, "order.cancel")
	if e.ActorName != "manager@shop.test" || e.Before["isCanceled"] != false || e.After["isCanceled"] != true ||
		e.Before["paymentStatus"] != "waiting" || e.After["paymentStatus"] != "unpaid" || e.After["statusIdentifier"] != "canceled" {
		t.Errorf("journal: got %+v", e)
	}
	if len(o.Journal) == 0 || o.Journal[0].Action != "order.cancel" {
		t.Errorf("the order's journal: got %+v", o.Journal)
	}
	// Canceled already, at its new version too: nothing moves again.
	manager.Expect(t, "POST", path, map[string]any{"version": o.Version}, http.StatusConflict, nil)
	if n := stock(t, srv, 100); n != units {
		t.Errorf("stock after a second cancel: got %d, want %d", n, units)
	}
	// A paid order is refunded, not canceled.
	paid := s.order("Paid", [2]int64{100, 1})
	owner.Expect(t, "POST", fmt.Sprintf("/api/admin/payments/sessions/%d/settle", s.session(paid)), map[string]string{"status": "completed"}, http.StatusOK, nil)
	manager.Expect(t, "POST", fmt.Sprintf("/api/admin/orders/%d/cancel", paid), map[string]any{"version": getOrder(t, owner, paid).Version}, http.StatusConflict, nil)
	manager.Expect(t, "POST", path, map[string]any{}, http.StatusBadRequest, nil)
	manager.Expect(t, "POST", path, "{", http.StatusBadRequest, nil)
}

func TestAdminSettle(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	support := as(t, srv, c, "support@shop.test", "support")
	viewer := as(t, srv, c, "viewer@shop.test", "viewer")
	s := demoShopper(t, srv)
	id := s.order("Christina Thomas", [2]int64{102, 1})
	session := s.session(id)
	path := fmt.Sprintf("/api/admin/payments/sessions/%d/settle", session)
	viewer.Expect(t, "POST", path, map[string]string{"status": "completed"}, http.StatusForbidden, nil)
	for _, bad := range []any{map[string]string{"status": "paid"}, map[string]string{}, map[string]any{"status": 1}} {
		support.Expect(t, "POST", path, bad, http.StatusBadRequest, nil)
	}
	support.Expect(t, "POST", path, map[string]string{"status": "completed"}, http.StatusOK, nil)
	support.Expect(t, "POST", path, map[string]string{"status": "canceled"}, http.StatusConflict, nil)
	o := getOrder(t, owner, id)
	if o.PaymentStatus != "paid" || o.StatusIdentifier != "completed" || o.Sessions[0].Status != "completed" {
		t.Errorf("after settling: got %+v", o)
	}
	e := lastJournal(t, owner, id, "payment.settle")
	if e.ActorName != "support@shop.test" || e.Before["paymentStatus"] != "waiting" || e.After["paymentStatus"] != "paid" ||
		e.After["session"].(map[string]any)["status"] != "completed" || e.Before["session"].(map[string]any)["status"] != "waiting" {
		t.Errorf("journal: got %+v", e)
	}
	// The operator CLI settles through the same use case, journaled as the system.
	other := s.order("Cash at the door", [2]int64{102, 1})
	if err := srv.App.SettleSession(t.Context(), s.session(other), "canceled"); err != nil {
		t.Fatal(err)
	}
	if e := lastJournal(t, owner, other, "payment.settle"); e.ActorKind != "system" || e.ActorName != "openentry payments" ||
		e.After["session"].(map[string]any)["status"] != "canceled" {
		t.Errorf("the CLI's journal entry: got %+v", e)
	}
}

func TestAdminRefunds(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	support := as(t, srv, c, "support@shop.test", "support")
	viewer := as(t, srv, c, "viewer@shop.test", "viewer")
	s := demoShopper(t, srv)
	units := stock(t, srv, 100)
	id := s.order("Christina Thomas", [2]int64{100, 3})
	owner.Expect(t, "POST", fmt.Sprintf("/api/admin/payments/sessions/%d/settle", s.session(id)), map[string]string{"status": "completed"}, http.StatusOK, nil)
	s.refund(id, 100, 1)

	type refund struct {
		ID       int64
		OrderID  int64
		Status   string
		Amount   string
		Reason   string
		Products []struct{ ProductID, Quantity int64 }
	}
	var waiting struct {
		Items []refund
		Total int64
	}
	viewer.Expect(t, "GET", "/api/admin/refunds?status=waiting", nil, http.StatusOK, &waiting)
	if waiting.Total != 1 || waiting.Items[0].OrderID != id || waiting.Items[0].Amount != "99.99" || waiting.Items[0].Products[0].Quantity != 1 {
		t.Fatalf("waiting refunds: got %+v", waiting)
	}
	first := waiting.Items[0].ID
	viewer.Expect(t, "POST", fmt.Sprintf("/api/admin/refunds/%d/reject", first), map[string]string{"reason": "Worn"}, http.StatusForbidden, nil)
	viewer.Expect(t, "POST", fmt.Sprintf("/api/admin/refunds/%d/approve", first), nil, http.StatusForbidden, nil)
	for _, bad := range []any{map[string]string{"reason": " "}, map[string]string{}, map[string]string{"reason": strings.Repeat("x", 1001)}} {
		support.Expect(t, "POST", fmt.Sprintf("/api/admin/refunds/%d/reject", first), bad, http.StatusBadRequest, nil)
	}
	var got refund
	support.Expect(t, "POST", fmt.Sprintf("/api/admin/refunds/%d/reject", first), map[string]string{"reason": "Worn"}, http.StatusOK, &got)
	if got.Status != "rejected" || got.Reason != "Worn" {
		t.Errorf("rejected: got %+v", got)
	}
	support.Expect(t, "POST", fmt.Sprintf("/api/admin/refunds/%d/approve", first), nil, http.StatusConflict, nil)
	if e := lastJournal(t, owner, id, "refund.reject"); e.ActorName != "support@shop.test" ||
		e.Before["refund"].(map[string]any)["status"] != "waiting" || e.After["refund"].(map[string]any)["status"] != "rejected" ||
		e.After["refund"].(map[string]any)["reason"] != "Worn" {
		t.Errorf("journal of the reject: got %+v", e)
	}
	if n := stock(t, srv, 100); n != units-3 {
		t.Errorf("stock after a rejected refund: got %d, want %d", n, units-3)
	}

	// Asked again (a rejected request no longer holds its units), approved:
	// the cash order is refunded at once and its units come back.
	s.refund(id, 100, 2)
	viewer.Expect(t, "GET", "/api/admin/refunds?status=waiting", nil, http.StatusOK, &waiting)
	second := waiting.Items[0].ID
	support.Expect(t, "POST", fmt.Sprintf("/api/admin/refunds/%d/approve", second), nil, http.StatusOK, &got)
	if got.Status != "refunded" || got.Amount != "199.98" {
		t.Errorf("approved: got %+v", got)
	}
	support.Expect(t, "POST", fmt.Sprintf("/api/admin/refunds/%d/approve", second), nil, http.StatusConflict, nil)
	if n := stock(t, srv, 100); n != units-1 {
		t.Errorf("stock after refunding 2: got %d, want %d", n, units-1)
	}
	if e := lastJournal(t, owner, id, "refund.approve"); e.ActorName != "support@shop.test" || e.After["refund"].(map[string]any)["status"] != "refunded" {
		t.Errorf("journal of the approval: got %+v", e)
	}
	o := getOrder(t, viewer, id)
	if len(o.Refunds) != 2 || o.Refunds[0].Status != "refunded" || o.Refunds[1].Status != "rejected" || len(o.Journal) != 3 {
		t.Errorf("the order's refunds and journal: got %+v", o)
	}
	var all struct{ Total int64 }
	viewer.Expect(t, "GET", "/api/admin/refunds", nil, http.StatusOK, &all)
	if all.Total != 2 {
		t.Errorf("all refunds: got %d, want 2", all.Total)
	}
	viewer.Expect(t, "GET", "/api/admin/refunds?status=lost", nil, http.StatusBadRequest, nil)
	viewer.Expect(t, "GET", "/api/admin/refunds?state=waiting", nil, http.StatusBadRequest, nil)
}

func TestAdminOverview(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	viewer := as(t, srv, c, "viewer@shop.test", "viewer")
	s := demoShopper(t, srv)
	paid := s.order("A", [2]int64{102, 2}) // 59.98
	owner.Expect(t, "POST", fmt.Sprintf("/api/admin/payments/sessions/%d/settle", s.session(paid)), map[string]string{"status": "completed"}, http.StatusOK, nil)
	s.session(s.order("B", [2]int64{83, 1}))
	s.order("C", [2]int64{119, 3}) // the last 3 of product 119

	type overview struct {
		OrdersToday     int64
		RevenueToday    []struct{ Amount, Currency string }
		WaitingSessions int64
		LowStock        []struct {
			ProductID int64
			Title     string
			Units     int64
		}
		LowStockThreshold int64
	}
	var o overview
	viewer.Expect(t, "GET", "/api/admin/overview", nil, http.StatusOK, &o)
	if o.OrdersToday != 3 || o.WaitingSessions != 1 || len(o.RevenueToday) != 1 || o.RevenueToday[0].Amount != "59.98" ||
		o.RevenueToday[0].Currency != "USD" || o.LowStockThreshold != 5 {
		t.Errorf("overview: got %+v", o)
	}
	var low []int64
	for _, p := range o.LowStock {
		if p.Units > 5 || p.Title == "" {
			t.Errorf("low stock: %+v", p)
		}
		low = append(low, p.ProductID)
	}
	if !slices.Contains(low, 119) || !slices.Contains(low, 105) || slices.Contains(low, 100) {
		t.Errorf("low stock: got %v", low)
	}
	viewer.Expect(t, "GET", "/api/admin/overview?lowStock=0", nil, http.StatusOK, &o)
	for _, p := range o.LowStock {
		if p.Units != 0 {
			t.Errorf("lowStock=0 lists %+v", p)
		}
	}
	for _, bad := range []string{"lowStock=-1", "lowStock=few", "day=today"} {
		viewer.Expect(t, "GET", "/api/admin/overview?"+bad, nil, http.StatusBadRequest, nil)
	}
}

// TestAdminCSV: both exports stream every row a filter selects over more
// batches than one, with a header row and decimal amounts.
func TestAdminCSV(t *testing.T) {
	t.Parallel()
	const batch = 3
	srv, owner, c := start(t, apptest.WithDemoShop(), apptest.WithConfig(func(cfg *app.Config) { cfg.ExportBatch = batch }))
	viewer := as(t, srv, c, "viewer@shop.test", "viewer")
	s := demoShopper(t, srv)
	const n = 3*batch + 2
	var ids []int64
	for i := range n {
		id := s.order(fmt.Sprintf("Customer %02d", i), [2]int64{83, int64(i + 1)})
		ids = append(ids, id)
		if i%2 == 0 {
			owner.Expect(t, "POST", fmt.Sprintf("/api/admin/payments/sessions/%d/settle", s.session(id)), map[string]string{"status": "completed"}, http.StatusOK, nil)
		}
	}
	read := func(path string) [][]string {
		t.Helper()
		status, body, h := viewer.Do(t, "GET", path, nil)
		if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: got %d %s: %s", path, status, h.Get("Content-Type"), body)
		}
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return rows
	}
	rows := read("/api/admin/orders.csv?sort=id&order=asc")
	if len(rows) != n+1 || rows[0][0] != "id" || rows[0][10] != "total" {
		t.Fatalf("orders.csv: got %d rows, want a header and %d: %v", len(rows), n, rows)
	}
	for i, r := range rows[1:] {
		if r[0] != fmt.Sprint(ids[i]) || r[10] != fmt.Sprintf("%d.00", 10*(i+1)) || r[9] != "USD" || r[7] != "your-user@email.com" {
			t.Errorf("orders.csv row %d: got %v", i+1, r)
		}
	}
	// By total, newest-first ties and all: the keyset walks every row once.
	rows = read("/api/admin/orders.csv?sort=total&order=desc")
	if len(rows) != n+1 || rows[1][0] != fmt.Sprint(ids[n-1]) || rows[n][0] != fmt.Sprint(ids[0]) {
		t.Errorf("orders.csv by total: got %v", rows)
	}
	if rows = read("/api/admin/orders.csv?paymentStatus=paid"); len(rows) != (n+1)/2+1 {
		t.Errorf("paid orders.csv: got %d rows, want %d", len(rows), (n+1)/2+1)
	}
	if rows = read("/api/admin/orders.csv?from=2999-01-01T00:00:00Z"); len(rows) != 1 || rows[0][0] != "id" {
		t.Errorf("empty orders.csv: got %v", rows)
	}
	// A second session for one order: sessions, not orders, are the rows.
	owner.Expect(t, "POST", fmt.Sprintf("/api/admin/payments/sessions/%d/settle", s.session(ids[1])), map[string]string{"status": "canceled"}, http.StatusOK, nil)
	s.session(ids[1])
	rows = read("/api/admin/payments.csv")
	if want := (n+1)/2 + 2; len(rows) != want+1 || rows[0][1] != "orderId" || rows[0][12] != "amount" {
		t.Fatalf("payments.csv: got %d rows, want a header and %d: %v", len(rows), want, rows)
	}
	for _, r := range rows[1:] {
		if r[6] != "cash" || r[7] != "custom" || !strings.HasSuffix(r[12], ".00") {
			t.Errorf("payments.csv row: %v", r)
		}
	}
	if rows = read("/api/admin/payments.csv?q=" + url.QueryEscape("customer 01")); len(rows) != 3 || rows[1][1] != fmt.Sprint(ids[1]) {
		t.Errorf("payments.csv of order %d: got %v", ids[1], rows)
	}
	for _, bad := range []string{"sort=price", "offset=2", "storage=nope"} {
		status, body, h := viewer.Do(t, "GET", "/api/admin/orders.csv?"+bad, nil)
		if status != http.StatusBadRequest || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("orders.csv?%s: got %d %s", bad, status, body)
		}
	}
	viewer.Expect(t, "GET", "/api/admin/payments.csv?paymentStatus=gone", nil, http.StatusBadRequest, nil)
}
