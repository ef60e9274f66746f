package adminapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
)

type productJSON struct {
	ID              int64                                 `json:"id"`
	Version         int64                                 `json:"version"`
	Title           map[string]string                     `json:"title"`
	Price           string                                `json:"price"`
	Currency        string                                `json:"currency"`
	Sku             string                                `json:"sku"`
	Status          string                                `json:"status"`
	Visible         bool                                  `json:"visible"`
	Position        int64                                 `json:"position"`
	AttributeSet    string                                `json:"attributeSetIdentifier"`
	AttributeValues map[string]map[string]json.RawMessage `json:"attributeValues"`
	Stock           *int64                                `json:"stock"`
	RelatedIDs      []int64                               `json:"relatedIds"`
	Pages           []string                              `json:"pages"`
}

type productList struct {
	Items []productJSON `json:"items"`
	Total int64         `json:"total"`
}

// content calls the Content API as a storefront does, with the app token
// and, if set, a user's token.
func content(t *testing.T, srv *apptest.Server, method, path, bearer string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.BaseURL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-app-token", apptest.AppToken)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return roundTrip(t, req)
}

func roundTrip(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

// shown is what the Content API shows of a product: getProductById's
// title (404: ""), whether getProducts lists it and searchProduct finds it by term.
type shown struct {
	title           string
	price           json.Number
	listed, matched bool
}

func contentShows(t *testing.T, srv *apptest.Server, id int64, term string) shown {
	t.Helper()
	var s shown
	if status, body := content(t, srv, "GET", fmt.Sprintf("/api/content/products/%d?langCode=en_US", id), "", nil); status == http.StatusOK {
		var p struct {
			LocalizeInfos struct {
				Title string `json:"title"`
			} `json:"localizeInfos"`
			Price json.Number `json:"price"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		s.title, s.price = p.LocalizeInfos.Title, p.Price
	} else if status != http.StatusNotFound {
		t.Fatalf("getProductById %d: %d %s", id, status, body)
	}
	status, body := content(t, srv, "POST", "/api/content/products/all?langCode=en_US&offset=0&limit=100", "", []any{})
	if status != http.StatusCreated {
		t.Fatalf("getProducts: %d %s", status, body)
	}
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	for _, it := range list.Items {
		s.listed = s.listed || it.ID == id
	}
	status, body = content(t, srv, "GET", "/api/content/products/quick/search?langCode=en_US&name="+url.QueryEscape(term), "", nil)
	if status != http.StatusOK {
		t.Fatalf("searchProduct: %d %s", status, body)
	}
	var hits []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &hits); err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		s.matched = s.matched || h.ID == id
	}
	return s
}

// newProduct is a creation body in the demo shop's product set.
func newProduct(title, price string, units int) map[string]any {
	return map[string]any{
		"title": map[string]string{"en_US": title, "fr_FR": title + " (fr)"}, "price": price, "currency": "USD", "sku": "NEW-" + title,
		"attributeSetIdentifier": "product",
		"attributeValues": map[string]any{"en_US": map[string]any{"units_product": units, "price": 1, "color": map[string]string{"value": "white", "title": "White"},
			"description": []map[string]string{{"htmlValue": "<p>New</p>", "plainValue": "New"}}}},
		"pages": []string{"shop"}, "relatedIds": []int64{100},
	}
}

// update is the PUT body that writes p back with change applied.
func update(p productJSON, change func(m map[string]any)) map[string]any {
	m := map[string]any{"version": p.Version, "title": p.Title, "price": p.Price, "currency": p.Currency, "sku": p.Sku,
		"status": p.Status, "attributeSetIdentifier": p.AttributeSet, "attributeValues": p.AttributeValues,
		"relatedIds": p.RelatedIDs, "pages": p.Pages}
	if change != nil {
		change(m)
	}
	return m
}

func productPath(id int64, tail ...string) string {
	return fmt.Sprintf("/api/admin/products/%d", id) + strings.Join(tail, "")
}

func TestAdminProductWritesShowInTheContentAPIAtOnce(t *testing.T) {
	t.Parallel()
	srv, owner, _ := start(t, apptest.WithDemoShop())
	var p productJSON
	owner.Expect(t, "POST", "/api/admin/products", newProduct("Zebrawood stool", "45.50", 7), http.StatusCreated, &p)
	if p.ID <= 0 || p.Version != 1 || p.Price != "45.50" || *p.Stock != 7 || !p.Visible || p.Pages[0] != "shop" {
		t.Fatalf("created: %+v", p)
	}
	got := contentShows(t, srv, p.ID, "zebrawood")
	if got.title != "Zebrawood stool" || got.price != "45.5" || !got.listed || !got.matched {
		t.Fatalf("after create, the Content API shows %+v", got)
	}
	// Read once so the render cache holds it, then change it: the change shows at once.
	owner.Expect(t, "GET", productPath(p.ID), nil, http.StatusOK, &p)
	var changed productJSON
	owner.Expect(t, "PUT", productPath(p.ID), update(p, func(m map[string]any) {
		m["title"] = map[string]string{"en_US": "Tigerwood stool"}
		m["price"] = "39.00"
	}), http.StatusOK, &changed)
	if changed.Version != p.Version+1 || changed.Price != "39.00" || *changed.Stock != 7 {
		t.Fatalf("changed: %+v", changed)
	}
	got = contentShows(t, srv, p.ID, "tigerwood")
	if got.title != "Tigerwood stool" || got.price != "39" || !got.matched {
		t.Fatalf("after update, the Content API shows %+v", got)
	}
	if contentShows(t, srv, p.ID, "zebrawood").matched {
		t.Error("the old title still finds the product")
	}
	// The same read written twice: the second is refused, not lost.
	body := owner.Expect(t, "PUT", productPath(p.ID), update(p, nil), http.StatusConflict, nil)
	if !strings.Contains(string(body), "reload") {
		t.Errorf("conflict: %s", body)
	}
	// Hidden, it leaves every list and search; shown, it is back.
	var hidden productJSON
	owner.Expect(t, "POST", productPath(p.ID, "/hide"), nil, http.StatusOK, &hidden)
	if hidden.Visible {
		t.Fatal("hide answered a visible product")
	}
	if got := contentShows(t, srv, p.ID, "tigerwood"); got != (shown{}) {
		t.Fatalf("hidden, the Content API shows %+v", got)
	}
	var all productList
	owner.Expect(t, "GET", "/api/admin/products?visible=false&q=tigerwood", nil, http.StatusOK, &all)
	if all.Total != 1 || all.Items[0].ID != p.ID {
		t.Errorf("hidden products: %+v", all)
	}
	owner.Expect(t, "POST", productPath(p.ID, "/show"), nil, http.StatusOK, nil)
	if got := contentShows(t, srv, p.ID, "tigerwood"); !got.listed || !got.matched {
		t.Fatalf("shown again, the Content API shows %+v", got)
	}

	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?objectKind=product&objectId="+fmt.Sprint(p.ID), nil, http.StatusOK, &j)
	var actions []string
	for _, e := range j.Items {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, " ") != "product.show product.hide product.update product.create" {
		t.Fatalf("journal: %v", actions)
	}
	upd := j.Items[2]
	if !strings.Contains(string(upd.Before), `"45.50"`) || !strings.Contains(string(upd.After), `"39.00"`) ||
		!strings.Contains(string(upd.After), "Tigerwood") || string(j.Items[3].Before) != "null" || upd.ActorKind != "staff" || upd.RequestID == "" {
		t.Errorf("update entry: %+v before %s after %s", upd, upd.Before, upd.After)
	}
}

func TestAdminProductListSearchesFiltersAndSorts(t *testing.T) {
	t.Parallel()
	_, owner, _ := start(t, apptest.WithDemoShop())
	var l productList
	owner.Expect(t, "GET", "/api/admin/products?limit=5", nil, http.StatusOK, &l)
	if l.Total < 25 || len(l.Items) != 5 {
		t.Fatalf("first page: total %d, %d items, first %d", l.Total, len(l.Items), l.Items[0].ID)
	}
	owner.Expect(t, "GET", "/api/admin/products?q=oak%20CHAIR", nil, http.StatusOK, &l)
	if l.Total != 1 || l.Items[0].ID != 100 || l.Items[0].Title["fr_FR"] != "Chaise en chêne" {
		t.Fatalf("title search: %+v", l)
	}
	owner.Expect(t, "GET", "/api/admin/products?q=fur-101", nil, http.StatusOK, &l)
	if l.Total != 1 || l.Items[0].ID != 101 {
		t.Fatalf("sku search: %+v", l)
	}
	owner.Expect(t, "GET", "/api/admin/products?q=title", nil, http.StatusOK, &l)
	if l.Total != 0 {
		t.Errorf("a search for the JSON key found %d", l.Total)
	}
	owner.Expect(t, "GET", "/api/admin/products?q=%25", nil, http.StatusOK, &l)
	if l.Total != 0 {
		t.Errorf("%% is a wildcard: %d", l.Total)
	}
	owner.Expect(t, "GET", "/api/admin/products?sortBy=price&order=desc&limit=100", nil, http.StatusOK, &l)
	for i := 1; i < len(l.Items); i++ {
		var a, b json.Number = json.Number(l.Items[i-1].Price), json.Number(l.Items[i].Price)
		x, _ := a.Float64()
		y, _ := b.Float64()
		if x < y {
			t.Fatalf("not by price, dearest first: %s before %s", a, b)
		}
	}
	owner.Expect(t, "GET", "/api/admin/products?status=sold_out", nil, http.StatusOK, &l)
	for _, p := range l.Items {
		if p.Status != "sold_out" {
			t.Errorf("status filter let %d (%s) through", p.ID, p.Status)
		}
	}
	for _, bad := range []string{"sortBy=title", "order=up", "visible=maybe", "limit=0", "offset=-1"} {
		owner.Expect(t, "GET", "/api/admin/products?"+bad, nil, http.StatusBadRequest, nil)
	}
	var p productJSON
	owner.Expect(t, "GET", productPath(100), nil, http.StatusOK, &p)
	if p.Stock == nil || string(p.AttributeValues["en_US"]["units_product"]) != fmt.Sprint(*p.Stock) || len(p.Pages) != 2 || len(p.RelatedIDs) != 3 {
		t.Errorf("product 100: %+v", p)
	}
	owner.Expect(t, "GET", productPath(99999), nil, http.StatusNotFound, nil)
	owner.Expect(t, "GET", "/api/admin/products/x", nil, http.StatusBadRequest, nil)
}

func TestAdminProductBadInput(t *testing.T) {
	t.Parallel()
	_, owner, _ := start(t, apptest.WithDemoShop())
	var p productJSON
	owner.Expect(t, "GET", productPath(100), nil, http.StatusOK, &p)
	for _, tc := range []struct {
		name   string
		create any // a creation body, or
		change func(m map[string]any)
		want   string // in the message
	}{
		{name: "unknown attribute marker", change: func(m map[string]any) {
			m["attributeValues"] = map[string]any{"en_US": map[string]any{"no_such": 1}}
		}, want: `has no attribute "no_such"`},
		{name: "wrong value type", change: func(m map[string]any) {
			m["attributeValues"] = map[string]any{"en_US": map[string]any{"units_product": "many"}}
		}, want: "units_product"},
		{name: "option not in the list", change: func(m map[string]any) {
			m["attributeValues"] = map[string]any{"en_US": map[string]any{"color": map[string]string{"value": "plaid"}}}
		}, want: "color"},
		{name: "negative stock", change: func(m map[string]any) {
			m["attributeValues"] = map[string]any{"en_US": map[string]any{"units_product": -3}}
		}, want: "units_product"},
		{name: "too many decimals", change: func(m map[string]any) { m["price"] = "9.999" }, want: "price"},
		{name: "not a price", change: func(m map[string]any) { m["price"] = "cheap" }, want: "price"},
		{name: "negative price", change: func(m map[string]any) { m["price"] = "-1" }, want: "price"},
		{name: "bad currency", change: func(m map[string]any) { m["currency"] = "dollars" }, want: "price"},
		{name: "unknown set", change: func(m map[string]any) { m["attributeSetIdentifier"] = "nope" }, want: `attributeSetIdentifier: attribute set "nope"`},
		{name: "unknown status", change: func(m map[string]any) { m["status"] = "gone" }, want: `status: product status "gone"`},
		{name: "unknown page", change: func(m map[string]any) { m["pages"] = []string{"nowhere"} }, want: `pages: page "nowhere"`},
		{name: "unknown related product", change: func(m map[string]any) { m["relatedIds"] = []int64{424242} }, want: "relatedIds: related product 424242"},
		{name: "related to itself", change: func(m map[string]any) { m["relatedIds"] = []int64{100} }, want: "relatedIds"},
		{name: "bad locale", change: func(m map[string]any) {
			m["attributeValues"] = map[string]any{"english": map[string]any{"units_product": 1}}
		}, want: "locale"},
		{name: "no version", change: func(m map[string]any) { delete(m, "version") }, want: "version"},
		{name: "unknown field", change: func(m map[string]any) { m["colour"] = "red" }, want: "colour"},
		{name: "no title", create: map[string]any{"price": "1", "currency": "USD"}, want: "title"},
		{name: "create with a version", create: map[string]any{"title": map[string]string{"en_US": "x"}, "price": "1", "currency": "USD", "version": 3}, want: "version"},
		{name: "invalid UTF-8", create: "{\"title\": {\"en_US\": \"bad \xff\"}, \"price\": \"1\", \"currency\": \"USD\"}", want: "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method, path, body := "PUT", productPath(100), tc.create
			if body == nil {
				body = update(p, tc.change)
			} else {
				method, path = "POST", "/api/admin/products"
			}
			var got struct {
				Message string `json:"message"`
			}
			owner.Expect(t, method, path, body, http.StatusBadRequest, &got)
			if !strings.Contains(got.Message, tc.want) {
				t.Errorf("400 %q does not name %q", got.Message, tc.want)
			}
		})
	}
	owner.Expect(t, "PUT", productPath(424242), update(p, nil), http.StatusNotFound, nil)
	owner.Expect(t, "POST", "/api/admin/products", map[string]any{"id": 100, "title": map[string]string{"en_US": "x"}, "price": "1", "currency": "USD"}, http.StatusConflict, nil)
	// Nothing above wrote anything.
	var after productJSON
	owner.Expect(t, "GET", productPath(100), nil, http.StatusOK, &after)
	if after.Version != p.Version {
		t.Errorf("version %d after refused writes, want %d", after.Version, p.Version)
	}
}

func TestAdminProductRoles(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	var p productJSON
	owner.Expect(t, "GET", productPath(101), nil, http.StatusOK, &p)
	for _, role := range []string{"owner", "manager", "support", "viewer"} {
		t.Run(role, func(t *testing.T) {
			for _, who := range []*apptest.Admin{as(t, srv, c, role+"-cat@shop.test", role), owner.KeyAs(t, role).Via(owner.Base)} {
				who.Expect(t, "GET", "/api/admin/products", nil, http.StatusOK, nil)
				who.Expect(t, "GET", productPath(101), nil, http.StatusOK, nil)
				writes := role == "owner" || role == "manager"
				want := func(ok int) int {
					if writes {
						return ok
					}
					return http.StatusForbidden
				}
				var created productJSON
				who.Expect(t, "POST", "/api/admin/products", newProduct("Stool of "+role, "10.00", 1), want(http.StatusCreated), &created)
				var cur productJSON
				owner.Expect(t, "GET", productPath(101), nil, http.StatusOK, &cur)
				who.Expect(t, "PUT", productPath(101), update(cur, nil), want(http.StatusOK), nil)
				who.Expect(t, "POST", productPath(101, "/hide"), nil, want(http.StatusOK), nil)
				who.Expect(t, "POST", productPath(101, "/show"), nil, want(http.StatusOK), nil)
				who.Expect(t, "POST", "/api/admin/products/reorder", map[string]any{"ids": []int64{102, 101}}, want(http.StatusNoContent), nil)
				status, _ := uploadImage(t, who, 101, "pic", "a.png", pngBytes(t))
				if status != want(http.StatusCreated) {
					t.Errorf("%s upload: %d", role, status)
				}
				target := created.ID
				if !writes {
					target = 101
				}
				who.Expect(t, "DELETE", productPath(target), nil, want(http.StatusNoContent), nil)
			}
		})
	}
	// Each allowed write left its entry, by its actor.
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action=product.&limit=100", nil, http.StatusOK, &j)
	count := map[string]int{}
	for _, e := range j.Items {
		count[e.Action]++
		if e.ActorKind != "staff" && e.ActorKind != "api_key" {
			t.Errorf("entry by %q", e.ActorKind)
		}
	}
	for _, action := range []string{"product.create", "product.update", "product.hide", "product.show", "product.image", "product.delete"} {
		if count[action] != 4 { // owner and manager, each as staff and as a key
			t.Errorf("%d %s entries, want 4", count[action], action)
		}
	}
	if count["product.reorder"] == 0 {
		t.Error("no product.reorder entry")
	}
}

func TestAdminProductDeleteAndReorder(t *testing.T) {
	t.Parallel()
	srv, owner, _ := start(t, apptest.WithDemoShop())
	// An ordered product stays, for its orders: 409, and hiding is the way.
	buy(t, srv, 103, 1)
	body := owner.Expect(t, "DELETE", productPath(103), nil, http.StatusConflict, nil)
	if !strings.Contains(string(body), "hide it") {
		t.Errorf("delete of an ordered product: %s", body)
	}
	var p productJSON
	owner.Expect(t, "POST", "/api/admin/products", newProduct("Ephemeral", "1.00", 1), http.StatusCreated, &p)
	owner.Expect(t, "DELETE", productPath(p.ID), nil, http.StatusNoContent, nil)
	owner.Expect(t, "GET", productPath(p.ID), nil, http.StatusNotFound, nil)
	owner.Expect(t, "DELETE", productPath(p.ID), nil, http.StatusNotFound, nil)
	if got := contentShows(t, srv, p.ID, "ephemeral"); got != (shown{}) {
		t.Errorf("deleted, the Content API shows %+v", got)
	}

	// 102 and 100 swap places; nothing else moves, and the Content API's
	// lists see the new places at once.
	positions := func() map[int64]int64 {
		status, raw := content(t, srv, "POST", "/api/content/products/all?langCode=en_US&offset=0&limit=100", "", []any{})
		if status != http.StatusCreated {
			t.Fatal(status)
		}
		var list struct {
			Items []struct {
				ID       int64 `json:"id"`
				Position int64 `json:"position"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatal(err)
		}
		out := map[int64]int64{}
		for _, it := range list.Items {
			out[it.ID] = it.Position
		}
		return out
	}
	was := positions()
	owner.Expect(t, "POST", "/api/admin/products/reorder", map[string]any{"ids": []int64{102, 101, 100}}, http.StatusNoContent, nil)
	now := positions()
	if now[102] != was[100] || now[101] != was[101] || now[100] != was[102] || now[103] != was[103] {
		t.Errorf("positions before %v, after %v", was, now)
	}
	var moved productJSON
	owner.Expect(t, "GET", productPath(102), nil, http.StatusOK, &moved)
	if moved.Position != was[100] {
		t.Errorf("admin position of 102: %d, want %d", moved.Position, was[100])
	}
	owner.Expect(t, "POST", "/api/admin/products/reorder", map[string]any{"ids": []int64{100, 100}}, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/products/reorder", map[string]any{"ids": []int64{}}, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/products/reorder", map[string]any{"ids": []int64{100, 424242}}, http.StatusNotFound, nil)
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action=product.reorder", nil, http.StatusOK, &j)
	if j.Total != 2 { // 101 kept its place
		t.Errorf("%d reorder entries, want 2 (100 and 102)", j.Total)
	}
	owner.Expect(t, "GET", "/api/admin/journal?action=product.delete", nil, http.StatusOK, &j)
	if j.Total != 1 || string(j.Items[0].After) != "null" || !strings.Contains(string(j.Items[0].Before), "Ephemeral") {
		t.Errorf("delete entry: %+v", j)
	}
}

func TestAdminProductStockNeedsTheVersionOfTheLastSale(t *testing.T) {
	t.Parallel()
	srv, owner, _ := start(t, apptest.WithDemoShop())
	var p productJSON
	owner.Expect(t, "GET", productPath(104), nil, http.StatusOK, &p)
	buy(t, srv, 104, 2)
	// The editor's read predates the sale: writing its units back would
	// undo it, so the save is refused.
	owner.Expect(t, "PUT", productPath(104), update(p, nil), http.StatusConflict, nil)
	var fresh productJSON
	owner.Expect(t, "GET", productPath(104), nil, http.StatusOK, &fresh)
	if *fresh.Stock != *p.Stock-2 {
		t.Fatalf("stock %d after selling 2 of %d", *fresh.Stock, *p.Stock)
	}
	// Saved from the fresh read, the units stay; without the stock value too.
	owner.Expect(t, "PUT", productPath(104), update(fresh, func(m map[string]any) { m["sku"] = "RENAMED" }), http.StatusOK, &fresh)
	owner.Expect(t, "PUT", productPath(104), update(fresh, func(m map[string]any) {
		m["attributeValues"] = map[string]any{"en_US": map[string]any{"price": 5, "color": map[string]string{"value": "white"}}}
	}), http.StatusOK, &fresh)
	if *fresh.Stock != *p.Stock-2 || fresh.Sku != "RENAMED" {
		t.Fatalf("after saves: stock %d sku %s", *fresh.Stock, fresh.Sku)
	}
	// A new figure is the units now.
	owner.Expect(t, "PUT", productPath(104), update(fresh, func(m map[string]any) {
		m["attributeValues"] = map[string]any{"en_US": map[string]any{"price": 5, "units_product": 40}}
	}), http.StatusOK, &fresh)
	if *fresh.Stock != 40 {
		t.Fatalf("stock %d, want 40", *fresh.Stock)
	}
	// Into a set that counts no units, it has none; back, it counts from 0.
	owner.Expect(t, "PUT", productPath(104), update(fresh, func(m map[string]any) {
		m["attributeSetIdentifier"] = "service"
		m["attributeValues"] = map[string]any{"en_US": map[string]any{"price": 5}}
	}), http.StatusOK, &fresh)
	if fresh.Stock != nil {
		t.Fatalf("in a set without stock: %d units", *fresh.Stock)
	}
	owner.Expect(t, "PUT", productPath(104), update(fresh, func(m map[string]any) {
		m["attributeSetIdentifier"] = "product"
		m["attributeValues"] = map[string]any{"en_US": map[string]any{"price": 5}}
	}), http.StatusOK, &fresh)
	if fresh.Stock == nil || *fresh.Stock != 0 {
		t.Fatalf("back in a counting set: %v units, want 0", fresh.Stock)
	}
}

// buy places a cash order for quantity units of a product as a new user.
func buy(t *testing.T, srv *apptest.Server, product, quantity int64) {
	t.Helper()
	tk := signUp(t, srv, fmt.Sprintf("buyer-%d@example.com", product))
	order := map[string]any{"formIdentifier": "order", "paymentAccountIdentifier": "cash",
		"formData": map[string]any{"en_US": []map[string]any{{"marker": "name", "type": "string", "value": "Buyer"}}},
		"products": []map[string]any{{"productId": product, "quantity": quantity}}}
	if status, body := content(t, srv, "POST", "/api/content/orders-storage/marker/orders/orders", tk, order); status != http.StatusCreated {
		t.Fatalf("order: %d %s", status, body)
	}
}

// signUp registers a shop user through the Content API and returns their access token.
func signUp(t *testing.T, srv *apptest.Server, email string) string {
	t.Helper()
	auth := []map[string]string{{"marker": "email_reg", "value": email}, {"marker": "password_reg", "value": "secret-pw"}}
	status, body := content(t, srv, "POST", "/api/content/users-auth-providers/marker/email/users/sign-up", "", map[string]any{
		"formIdentifier": "reg", "authData": auth, "langCode": "en_US",
		"formData":         map[string]any{"en_US": []map[string]any{{"marker": "name_reg", "type": "string", "value": "Buyer"}}},
		"notificationData": map[string]any{"email": email, "phonePush": []string{}},
	})
	if status != http.StatusCreated {
		t.Fatalf("sign up: %d %s", status, body)
	}
	status, body = content(t, srv, "POST", "/api/content/users-auth-providers/marker/email/users/auth", "", map[string]any{"authData": auth})
	var tk struct {
		AccessToken string `json:"accessToken"`
	}
	if status != http.StatusCreated || json.Unmarshal(body, &tk) != nil || tk.AccessToken == "" {
		t.Fatalf("auth: %d %s", status, body)
	}
	return tk.AccessToken
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadImage posts a multipart image upload as who.
func uploadImage(t *testing.T, who *apptest.Admin, id int64, marker, name string, data []byte) (int, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if marker != "" {
		_ = mw.WriteField("marker", marker)
	}
	if data != nil {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", who.Base+productPath(id, "/images"), &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if who.Cookie != "" {
		req.AddCookie(&http.Cookie{Name: "oe_admin", Value: who.Cookie})
		req.Header.Set("X-CSRF-Token", who.CSRF)
	}
	if who.Key != "" {
		req.Header.Set("Authorization", "Bearer "+who.Key)
	}
	return roundTrip(t, req)
}

func TestAdminProductImages(t *testing.T) {
	t.Parallel()
	srv, owner, _ := start(t, apptest.WithDemoShop())
	status, body := uploadImage(t, owner, 100, "pic", "new photo.png", pngBytes(t))
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, body)
	}
	var up struct {
		Value        json.RawMessage `json:"value"`
		DownloadLink string          `json:"downloadLink"`
	}
	if err := json.Unmarshal(body, &up); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.BaseURL + up.DownloadLink)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("download %s: %d %s", up.DownloadLink, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Put into the product, the Content API links it.
	var p productJSON
	owner.Expect(t, "GET", productPath(100), nil, http.StatusOK, &p)
	p.AttributeValues["en_US"]["pic"] = up.Value
	owner.Expect(t, "PUT", productPath(100), update(p, nil), http.StatusOK, nil)
	_, raw := content(t, srv, "GET", "/api/content/products/100?langCode=en_US", "", nil)
	if !strings.Contains(string(raw), strings.TrimPrefix(up.DownloadLink, "/")) {
		t.Errorf("getProductById does not link %s: %s", up.DownloadLink, raw)
	}
	for _, tc := range []struct {
		name, marker, file string
		data               []byte
		want               int
	}{
		{"not an image", "pic", "notes.txt", []byte("just text"), http.StatusBadRequest},
		{"pdf as an image", "pic", "doc.pdf", []byte("%PDF-1.4 hello"), http.StatusBadRequest},
		{"empty", "pic", "a.png", []byte{}, http.StatusBadRequest},
		{"no file", "pic", "", nil, http.StatusBadRequest},
		{"not an image attribute", "price", "a.png", pngBytes(t), http.StatusBadRequest},
		{"unknown attribute", "nope", "a.png", pngBytes(t), http.StatusBadRequest},
		{"no marker", "", "a.png", pngBytes(t), http.StatusBadRequest},
		{"too large", "pic", "big.png", append(pngBytes(t), make([]byte, 10<<20)...), http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, body := uploadImage(t, owner, 100, tc.marker, tc.file, tc.data); status != tc.want {
				t.Errorf("got %d, want %d: %s", status, tc.want, body)
			}
		})
	}
	if status, _ := uploadImage(t, owner, 424242, "pic", "a.png", pngBytes(t)); status != http.StatusNotFound {
		t.Errorf("unknown product: %d", status)
	}
}

func TestAdminPriceDropMailsSubscribersThroughTheOutbox(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(smtp.URL(), "Shop <shop@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, apptest.WithDemoShop(), apptest.WithMailer(mailer))
	c := checker(t)
	manager := as(t, srv, c, "manager@shop.test", "manager")
	alice := signUp(t, srv, "alice@example.com")
	if status, body := content(t, srv, "POST", "/api/content/events/subscribe/marker/product_price", alice,
		map[string]any{"productId": 100, "locale": "en_US"}); status != http.StatusCreated {
		t.Fatalf("subscribe: %d %s", status, body)
	}
	var p productJSON
	manager.Expect(t, "GET", productPath(100), nil, http.StatusOK, &p)
	// Dearer first: no mail. Then cheaper: one.
	manager.Expect(t, "PUT", productPath(100), update(p, func(m map[string]any) { m["price"] = "109.99" }), http.StatusOK, &p)
	if n, err := srv.App.DispatchOutbox(context.Background()); err != nil || n != 0 {
		t.Fatalf("a dearer price dispatched %d (%v)", n, err)
	}
	manager.Expect(t, "PUT", productPath(100), update(p, func(m map[string]any) { m["price"] = "89.99" }), http.StatusOK, &p)
	if n, err := srv.App.DispatchOutbox(context.Background()); err != nil || n != 2 { // the change, then the mail
		t.Fatalf("a price drop dispatched %d (%v), want 2", n, err)
	}
	msgs := smtp.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "alice@example.com" || !strings.Contains(msgs[0].Text, "fell from 109.99 to 89.99 USD") {
		t.Fatalf("mails: %+v", msgs)
	}
}

func TestConcurrentAdminWritesAreNeitherLostNorMerged(t *testing.T) {
	t.Parallel()
	_, owner, _ := start(t, apptest.WithDemoShop())
	var p productJSON
	owner.Expect(t, "GET", productPath(102), nil, http.StatusOK, &p)
	const n = 8
	created := make(chan int64, n)
	updated := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c productJSON
			status, body, _ := owner.Do(t, "POST", "/api/admin/products", newProduct(fmt.Sprint("Racer ", i), "1.00", 1))
			if status != http.StatusCreated || json.Unmarshal(body, &c) != nil {
				t.Errorf("create %d: %d %s", i, status, body)
			}
			created <- c.ID
			status, _, _ = owner.Do(t, "PUT", productPath(102), update(p, func(m map[string]any) { m["sku"] = fmt.Sprint("RACE-", i) }))
			updated <- status
		}()
	}
	wg.Wait()
	close(created)
	close(updated)
	ids := map[int64]bool{}
	for id := range created {
		ids[id] = true
	}
	if len(ids) != n {
		t.Errorf("%d creations got %d distinct ids", n, len(ids))
	}
	won := 0
	for status := range updated {
		switch status {
		case http.StatusOK:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("update: %d", status)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d writes from one read won, want 1", won, n)
	}
}

func TestAdminProductStatuses(t *testing.T) {
	t.Parallel()
	srv, owner, c := start(t, apptest.WithDemoShop())
	type statusJSON struct {
		Identifier string            `json:"identifier"`
		Title      map[string]string `json:"title"`
		IsDefault  bool              `json:"isDefault"`
		NotForSale bool              `json:"notForSale"`
		Version    int64             `json:"version"`
	}
	var st statusJSON
	owner.Expect(t, "POST", "/api/admin/product-statuses", map[string]any{"identifier": "preorder", "title": map[string]string{"en_US": "Pre-order"},
		"isDefault": true, "notForSale": true}, http.StatusCreated, &st)
	if st.Version != 1 || !st.IsDefault || !st.NotForSale {
		t.Fatalf("created: %+v", st)
	}
	owner.Expect(t, "POST", "/api/admin/product-statuses", map[string]any{"identifier": "preorder", "title": map[string]string{"en_US": "Again"}}, http.StatusConflict, nil)
	owner.Expect(t, "POST", "/api/admin/product-statuses", map[string]any{"identifier": "no spaces", "title": map[string]string{"en_US": "x"}}, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/product-statuses", map[string]any{"identifier": "untitled"}, http.StatusBadRequest, nil)
	var all []statusJSON
	owner.Expect(t, "GET", "/api/admin/product-statuses", nil, http.StatusOK, &all)
	defaults := 0
	for _, s := range all {
		if s.IsDefault {
			defaults++
		}
	}
	if len(all) != 3 || defaults != 1 {
		t.Fatalf("statuses: %+v", all)
	}
	// A product put in it shows its title in the Content API at once.
	var p productJSON
	owner.Expect(t, "GET", productPath(100), nil, http.StatusOK, &p)
	owner.Expect(t, "PUT", productPath(100), update(p, func(m map[string]any) { m["status"] = "preorder" }), http.StatusOK, nil)
	owner.Expect(t, "PUT", "/api/admin/product-statuses/preorder", map[string]any{"version": st.Version, "title": map[string]string{"en_US": "Coming soon"}, "notForSale": true}, http.StatusOK, &st)
	if _, body := content(t, srv, "GET", "/api/content/products/100?langCode=en_US", "", nil); !strings.Contains(string(body), "Coming soon") {
		t.Errorf("getProductById: %s", body)
	}
	owner.Expect(t, "PUT", "/api/admin/product-statuses/preorder", map[string]any{"version": 1, "title": map[string]string{"en_US": "Stale"}}, http.StatusConflict, nil)
	owner.Expect(t, "PUT", "/api/admin/product-statuses/nope", map[string]any{"version": 1, "title": map[string]string{"en_US": "x"}}, http.StatusNotFound, nil)
	owner.Expect(t, "DELETE", "/api/admin/product-statuses/preorder", nil, http.StatusConflict, nil)
	for _, role := range []string{"support", "viewer"} {
		who := as(t, srv, c, role+"-st@shop.test", role)
		who.Expect(t, "GET", "/api/admin/product-statuses", nil, http.StatusOK, nil)
		who.Expect(t, "POST", "/api/admin/product-statuses", map[string]any{"identifier": "x", "title": map[string]string{"en_US": "x"}}, http.StatusForbidden, nil)
		who.Expect(t, "PUT", "/api/admin/product-statuses/preorder", map[string]any{"version": st.Version, "title": map[string]string{"en_US": "x"}}, http.StatusForbidden, nil)
		who.Expect(t, "DELETE", "/api/admin/product-statuses/preorder", nil, http.StatusForbidden, nil)
	}
	manager := as(t, srv, c, "manager-st@shop.test", "manager")
	owner.Expect(t, "GET", productPath(100), nil, http.StatusOK, &p)
	owner.Expect(t, "PUT", productPath(100), update(p, func(m map[string]any) { m["status"] = "in_stock" }), http.StatusOK, nil)
	manager.Expect(t, "DELETE", "/api/admin/product-statuses/preorder", nil, http.StatusNoContent, nil)
	manager.Expect(t, "DELETE", "/api/admin/product-statuses/preorder", nil, http.StatusNotFound, nil)
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?objectKind=product_status&objectId=preorder", nil, http.StatusOK, &j)
	var actions []string
	for _, e := range j.Items {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, " ") != "product_status.delete product_status.update product_status.create" {
		t.Errorf("journal: %v", actions)
	}
}

func TestProjectApplyMovesTheVersionOnlyWhenItChangesAProduct(t *testing.T) {
	t.Parallel()
	srv, owner, _ := start(t, apptest.WithDemoShop())
	reapply := func(change func(p *openentry.Project)) {
		t.Helper()
		base, err := demo.Project()
		if err != nil {
			t.Fatal(err)
		}
		shop, err := demo.Shop()
		if err != nil {
			t.Fatal(err)
		}
		change(shop)
		a, err := apptest.Open(srv.DSN, base, shop)
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
	}
	var p productJSON
	owner.Expect(t, "GET", productPath(105), nil, http.StatusOK, &p)
	statuses := func() string {
		return string(owner.Expect(t, "GET", "/api/admin/product-statuses", nil, http.StatusOK, nil))
	}
	before := statuses()
	reapply(func(*openentry.Project) {}) // a restart applies the same file
	var again productJSON
	owner.Expect(t, "GET", productPath(105), nil, http.StatusOK, &again)
	if again.Version != p.Version {
		t.Fatalf("re-applying the same file moved the version %d → %d", p.Version, again.Version)
	}
	if after := statuses(); after != before {
		t.Errorf("re-applying the same file changed the statuses: %s → %s", before, after)
	}
	reapply(func(pj *openentry.Project) {
		for i := range pj.Products {
			if pj.Products[i].ID == 105 {
				pj.Products[i].Sku = "FROM-THE-FILE"
			}
		}
	})
	owner.Expect(t, "PUT", productPath(105), update(p, nil), http.StatusConflict, nil)
}
