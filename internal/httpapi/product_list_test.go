package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// listProject is the catalogue of the product list tests: set "gear" with
// a price, a list (color), a multi-valued list (tags), a stock count
// (units), a date (released), numbers (weight), a string (material) and an
// image; pages gear > gear-tents, gear-stoves, gear-empty (and a hidden
// one); products 301–308.
//
//	301 Alpine tent        199.99  red    tags new,sale  units   5  2024-03-01  2.5   nylon      tents
//	302 Bivy tent           89.50  blue   tags new       units   0  2023-11-15  0.9   Nylon      tents      sold_out
//	303 Cabin tent         349     green                 units  12  2025-01-20  9.75  polyester  tents, gear
//	304 Camp stove          49.99  red    tags sale      units  30  2022-06-10  0.35  steel      stoves
//	305 Twin burner stove  120     blue                  units   7              3     steel      stoves
//	306 Fuel canister        5.50                        units 100  2024-12-01  0.3              stoves     no sku
//	307 Mystery box         10     green                                                         no page
//	308 Hidden lantern       1     red                                                           tents      hidden
func listProject() *openentry.Project {
	en := func(s string) map[string]string { return map[string]string{"en_US": s} }
	option := func(v string) openentry.ListTitle {
		return openentry.ListTitle{Title: strings.ToUpper(v[:1]) + v[1:], Value: json.RawMessage(`"` + v + `"`)}
	}
	page := func(url, parent string, hidden bool) openentry.ProjectPage {
		return openentry.ProjectPage{PageURL: url, ParentURL: parent, Type: openentry.PageTypeCatalog, Hidden: hidden,
			LocalizeInfos: map[string]json.RawMessage{"en_US": json.RawMessage(`{"title":"` + url + `"}`)}}
	}
	product := func(id int64, title, price, sku string, pages []string, values map[string]any) openentry.ProjectProduct {
		raw := map[string]json.RawMessage{}
		for k, v := range values {
			b, err := json.Marshal(v)
			if err != nil {
				panic(err)
			}
			raw[k] = b
		}
		return openentry.ProjectProduct{ID: id, Title: en(title), Price: json.Number(price), Currency: "USD", Sku: sku,
			AttributeSetIdentifier: "gear", AttributeValues: openentry.AttributeValues{"en_US": raw}, Pages: pages}
	}
	p := &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{
			Identifier: "gear", Title: en("Gear"), StockAttribute: "units",
			Attributes: []openentry.ProjectSetAttribute{
				{Marker: "price", Type: "float", Title: en("Price")},
				{Marker: "color", Type: "list", Title: en("Colour"), ListTitles: []openentry.ListTitle{option("red"), option("blue"), option("green")}},
				{Marker: "tags", Type: "list", Title: en("Tags"), ListTitles: []openentry.ListTitle{option("new"), option("sale")}},
				{Marker: "units", Type: "integer", Title: en("Units")},
				{Marker: "released", Type: "date", Title: en("Released")},
				{Marker: "weight", Type: "real", Title: en("Weight")},
				{Marker: "material", Type: "string", Title: en("Material")},
				{Marker: "pic", Type: "image", Title: en("Picture")},
			},
		}},
		ProductStatuses: []openentry.ProjectProductStatus{
			{Identifier: "in_stock", Title: en("In stock"), IsDefault: true},
			{Identifier: "sold_out", Title: en("Sold out"), NotForSale: true},
		},
		Pages: []openentry.ProjectPage{page("gear", "", false), page("gear-tents", "gear", false), page("gear-stoves", "gear", false),
			page("gear-empty", "gear", false), page("gear-hidden", "gear", true)},
		Products: []openentry.ProjectProduct{
			product(301, "Alpine tent", "199.99", "T-301", []string{"gear-tents"}, map[string]any{"color": map[string]string{"value": "red", "title": "Red"},
				"tags": []string{"new", "sale"}, "units": 5, "released": "2024-03-01", "weight": 2.5, "material": "nylon"}),
			product(302, "Bivy tent", "89.50", "T-302", []string{"gear-tents"}, map[string]any{"color": "blue", "tags": []string{"new"},
				"units": 0, "released": "2023-11-15", "weight": 0.9, "material": "Nylon"}),
			product(303, "Cabin tent", "349", "T-303", []string{"gear-tents", "gear"}, map[string]any{"color": "green", "units": 12,
				"released": "2025-01-20", "weight": 9.75, "material": "polyester"}),
			product(304, "Camp stove", "49.99", "S-304", []string{"gear-stoves"}, map[string]any{"color": "red", "tags": []string{"sale"},
				"units": 30, "released": "2022-06-10", "weight": 0.35, "material": "steel"}),
			product(305, "Twin burner stove", "120", "S-305", []string{"gear-stoves"}, map[string]any{"color": "blue", "units": 7,
				"weight": 3, "material": "steel"}),
			product(306, "Fuel canister", "5.50", "", []string{"gear-stoves"}, map[string]any{"units": 100, "released": "2024-12-01",
				"weight": json.Number("0.3")}),
			product(307, "Mystery box", "10", "M-307", nil, map[string]any{"color": "green"}),
			product(308, "Hidden lantern", "1", "H-308", []string{"gear-tents"}, map[string]any{"color": "red"}),
		},
	}
	p.Products[1].Status = "sold_out"
	p.Products[7].Hidden = true
	p.Products[0].Title["fr_FR"] = "Tente alpine"
	p.Products[2].Title["fr_FR"] = "Tente cabane"
	return p
}

// startLists starts a server with the list catalogue (listServer).
func startLists(t *testing.T, more ...*openentry.Project) *api {
	return newAPI(t, listServer(t, more...))
}

// listServer starts a server with the list catalogue, each transaction a
// second after the one before, so that products have distinct dates.
func listServer(t *testing.T, more ...*openentry.Project) *apptest.Server {
	var tick atomic.Int64
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := []apptest.Option{apptest.WithClock(func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }),
		apptest.WithProject(listProject())}
	for _, p := range more {
		opts = append(opts, apptest.WithProject(p))
	}
	return apptest.Start(t, opts...)
}

// productIDs reads {items, total} and returns the items' ids.
func productIDs(t *testing.T, r response) ([]int64, int64) {
	t.Helper()
	var l struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total *int64 `json:"total"`
	}
	if err := json.Unmarshal(r.raw, &l); err != nil || l.Total == nil {
		t.Fatalf("not {items, total}: %v: %s", err, r.raw)
	}
	ids := []int64{}
	for _, it := range l.Items {
		ids = append(ids, it.ID)
	}
	return ids, *l.Total
}

// gear restricts a filter list to the catalogue's products (the demo
// project's are on no page).
var gear = map[string]any{"attributeMarker": "", "pageUrl": "gear", "isNested": true}

func filter(marker, cond string, value any) map[string]any {
	return map[string]any{"attributeMarker": marker, "conditionMarker": cond, "conditionValue": value}
}

func TestProductListFilters(t *testing.T) {
	t.Parallel()
	a := startLists(t)
	tests := []struct {
		name    string
		query   string // after ?, besides langCode=en_US
		filters []map[string]any
		want    []int64
	}{
		{"all of the set, by id", "sortKey=id&sortOrder=ASC", nil, []int64{301, 302, 303, 304, 305, 306}},
		{"in one option", "", []map[string]any{filter("color", "in", "red")}, []int64{301, 304}},
		{"in an option object", "", []map[string]any{filter("color", "in", map[string]string{"value": "red", "title": "Red"})}, []int64{301, 304}},
		{"in a list of options", "", []map[string]any{filter("color", "in", []string{"red", "green"})}, []int64{301, 303, 304}},
		{"in a multi-valued list", "", []map[string]any{filter("tags", "in", "sale")}, []int64{301, 304}},
		{"nin: also the products without a value", "", []map[string]any{filter("color", "nin", "red")}, []int64{302, 303, 305, 306}},
		{"eq integer (live stock)", "", []map[string]any{filter("units", "eq", 5)}, []int64{301}},
		{"eq price, trailing zeros", "", []map[string]any{filter("price", "eq", "89.5000")}, []int64{302}},
		{"eq date", "", []map[string]any{filter("released", "eq", "2024-03-01")}, []int64{301}},
		{"eq text is exact", "", []map[string]any{filter("material", "eq", "nylon")}, []int64{301}},
		{"neq stock", "", []map[string]any{filter("units", "neq", "0")}, []int64{301, 303, 304, 305, 306}},
		{"neq text", "", []map[string]any{filter("material", "neq", "steel")}, []int64{301, 302, 303, 306}},
		{"mth price", "", []map[string]any{filter("price", "mth", 120)}, []int64{301, 303}},
		{"mth price, an exponent", "", []map[string]any{filter("price", "mth", "1e2")}, []int64{301, 303, 305}},
		{"mth date", "", []map[string]any{filter("released", "mth", "2024-01-01")}, []int64{301, 303, 306}},
		{"mth stock", "", []map[string]any{filter("units", "mth", 10)}, []int64{303, 304, 306}},
		{"mth stock, a fraction", "", []map[string]any{filter("units", "mth", 29.5)}, []int64{304, 306}},
		{"lth price", "", []map[string]any{filter("price", "lth", 50)}, []int64{304, 306}},
		{"lth real", "", []map[string]any{filter("weight", "lth", 1)}, []int64{302, 304, 306}},
		{"lth text, by code point", "", []map[string]any{filter("material", "lth", "o")}, []int64{301, 302}},
		{"price range, the template's mth and lth", "", []map[string]any{filter("price", "mth", "40"), filter("price", "lth", "130")},
			[]int64{302, 304, 305}},
		{"exact: not a float's 0.3", "", []map[string]any{filter("weight", "lth", "0.30000000000000001")}, []int64{306}},
		{"exact: above 0.3 by 1e-17", "", []map[string]any{filter("weight", "mth", "0.29999999999999999")}, []int64{301, 302, 303, 304, 305, 306}},
		{"exact: eq 0.30 is 0.3", "", []map[string]any{filter("weight", "eq", "0.30")}, []int64{306}},
		{"exs", "", []map[string]any{filter("released", "exs", nil)}, []int64{301, 302, 303, 304, 306}},
		{"nexs", "", []map[string]any{filter("released", "nexs", nil)}, []int64{305}},
		{"exs on stock", "", []map[string]any{filter("units", "exs", nil)}, []int64{301, 302, 303, 304, 305, 306}},
		{"eq null: no value", "", []map[string]any{filter("color", "eq", nil)}, []int64{306}},
		{"in null: no value", "", []map[string]any{filter("color", "in", nil)}, []int64{306}},
		{"nin null: some value (the template's sku filter)", "", []map[string]any{filter("sku", "nin", nil)}, []int64{301, 302, 303, 304, 305}},
		{"pat ignores case", "", []map[string]any{filter("material", "pat", "NYL")}, []int64{301, 302}},
		{"pat on a list", "", []map[string]any{filter("color", "pat", "ree")}, []int64{303}},
		{"same ignores case", "", []map[string]any{filter("material", "same", "NYLON")}, []int64{301, 302}},
		{"same on numbers is eq", "", []map[string]any{filter("weight", "same", "2.50")}, []int64{301}},
		{"sku eq", "", []map[string]any{filter("sku", "eq", "S-305")}, []int64{305}},
		{"currency", "", []map[string]any{filter("currency", "eq", "USD")}, []int64{301, 302, 303, 304, 305, 306}},
		{"pictures exist nowhere", "", []map[string]any{filter("pic", "exs", nil)}, []int64{}},
		{"a marker without condition tests nothing", "", []map[string]any{{"attributeMarker": "price", "conditionValue": nil, "statusMarker": "in_stock"}},
			[]int64{301, 303, 304, 305, 306}},
		{"status", "", []map[string]any{{"attributeMarker": "", "statusMarker": "sold_out"}}, []int64{302}},
		{"status in the query", "statusMarker=in_stock", []map[string]any{filter("color", "in", "blue")}, []int64{305}},
		{"condition in the query", "attributeMarker=color&conditionMarker=eq&conditionValue=green", nil, []int64{303}},
		{"title, any case", "", []map[string]any{{"attributeMarker": "", "title": "TENT"}}, []int64{301, 302, 303}},
		{"title inside a word", "", []map[string]any{{"attributeMarker": "", "title": "urne"}}, []int64{305}},
		{"title of two words", "", []map[string]any{{"attributeMarker": "", "title": "burner st"}}, []int64{305}},
		{"title and a condition", "", []map[string]any{{"attributeMarker": "color", "conditionMarker": "eq", "conditionValue": "red", "title": "tent"}},
			[]int64{301}},
		{"page, direct only", "", []map[string]any{{"attributeMarker": "", "pageUrl": "gear", "isNested": false}}, []int64{303}},
		{"pages", "", []map[string]any{{"attributeMarker": "", "pageUrls": []string{"gear-stoves", "gear-empty"}}}, []int64{304, 305, 306}},
		{"every filter holds", "", []map[string]any{filter("color", "in", []string{"red", "blue"}), filter("units", "lth", 10),
			{"attributeMarker": "", "pageUrls": []string{"gear-tents"}}}, []int64{301, 302}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			query := "sortKey=id&sortOrder=ASC"
			if tc.query != "" && !strings.Contains(tc.query, "sortKey") {
				query += "&" + tc.query
			} else if tc.query != "" {
				query = tc.query
			}
			body := append([]map[string]any{gear}, tc.filters...)
			for _, shape := range []any{body, map[string]any{"filter": body}} {
				got, total := productIDs(t, a.expect("POST", "/api/content/products/all?langCode=en_US&"+query, "", shape, 201))
				if !reflect.DeepEqual(got, tc.want) || total != int64(len(tc.want)) {
					t.Errorf("%T body: got %v (total %d), want %v", shape, got, total, tc.want)
				}
			}
		})
	}
}

func TestProductListSortAndPages(t *testing.T) {
	t.Parallel()
	later := &openentry.Project{Products: []openentry.ProjectProduct{{ID: 311, Title: map[string]string{"en_US": "Zen tent"},
		Price: "0.5", Currency: "USD", Pages: []string{"gear-tents"}}}}
	a := startLists(t, later)
	all := map[string]any{"attributeMarker": "", "pageUrl": "gear", "isNested": true}
	tests := []struct {
		query string
		want  []int64
		total int64
	}{
		{"sortKey=price&sortOrder=ASC", []int64{311, 306, 304, 302, 305, 301, 303}, 7},
		{"sortKey=price&sortOrder=DESC", []int64{303, 301, 305, 302, 304, 306, 311}, 7},
		{"sortKey=title&sortOrder=ASC", []int64{301, 302, 303, 304, 306, 305, 311}, 7},
		{"sortKey=date&sortOrder=DESC", []int64{311, 306, 305, 304, 303, 302, 301}, 7}, // 311 came in a later apply
		{"sortKey=position&sortOrder=ASC", []int64{301, 311, 302, 303, 304, 305, 306}, 7},
		{"sortKey=id&sortOrder=DESC", []int64{311, 306, 305, 304, 303, 302, 301}, 7},
		{"sortKey=weight&sortOrder=ASC", []int64{306, 304, 302, 301, 305, 303, 311}, 7}, // 311 has none: last
		{"sortKey=weight&sortOrder=DESC", []int64{303, 305, 301, 302, 304, 306, 311}, 7},
		{"sortKey=released&sortOrder=ASC", []int64{304, 302, 301, 306, 303, 305, 311}, 7},
		{"sortKey=price&sortOrder=ASC&offset=2&limit=3", []int64{304, 302, 305}, 7},
		{"sortKey=price&offset=50", []int64{}, 7},
		{"limit=0", []int64{}, 7},
	}
	for _, tc := range tests {
		got, total := productIDs(t, a.expect("POST", "/api/content/products/all?langCode=en_US&"+tc.query, "", []any{all}, 201))
		if !reflect.DeepEqual(got, tc.want) || total != tc.total {
			t.Errorf("%s: got %v (total %d), want %v (total %d)", tc.query, got, total, tc.want, tc.total)
		}
	}
	// position and date read the file's order; 311, from a later file, is at
	// position 1 of its own file.

	// The page routes: direct products only, the body's filters on top.
	byURL := func(path string, body any) []int64 {
		got, _ := productIDs(t, a.expect("POST", path, "", body, 201))
		return got
	}
	if got := byURL("/api/content/products/page/url/gear-tents?langCode=en_US&sortKey=id&sortOrder=ASC&", []any{}); !reflect.DeepEqual(got, []int64{301, 302, 303, 311}) {
		t.Errorf("page gear-tents: got %v", got)
	}
	if got := byURL("/api/content/products/page/url/gear?langCode=en_US", nil); !reflect.DeepEqual(got, []int64{303}) {
		t.Errorf("page gear: got %v, want its own product 303", got)
	}
	if got := byURL("/api/content/products/page/url/gear-tents?langCode=en_US&sortKey=price&sortOrder=ASC",
		map[string]any{"filter": []any{filter("color", "in", "red"), filter("sku", "nin", nil)}}); !reflect.DeepEqual(got, []int64{301}) {
		t.Errorf("page gear-tents, red: got %v, want 301", got)
	}
	var tentsID int64
	var pages []struct {
		ID      int64  `json:"id"`
		PageURL string `json:"pageUrl"`
	}
	if err := json.Unmarshal(a.expect("GET", "/api/content/pages?langCode=en_US", "", nil, 200).raw, &pages); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if p.PageURL == "gear-stoves" {
			tentsID = p.ID
		}
	}
	if got := byURL(fmt.Sprintf("/api/content/products/page/%d?langCode=en_US&sortKey=id&sortOrder=ASC", tentsID), []any{filter("price", "lth", 100)}); !reflect.DeepEqual(got, []int64{304, 306}) {
		t.Errorf("page %d (gear-stoves), under 100: got %v", tentsID, got)
	}

	// Counts: everything, on the page, on it and below.
	counts := func(path string, body any) map[string]any {
		return a.expect("POST", path, "", body, 201).json(t)
	}
	want := map[string]any{"totalAll": 13.0, "totalInCategory": 1.0, "totalInCategoryWithNested": 7.0} // 7 of the file and 311, 5 of the demo
	if got := counts("/api/content/products/page/url/gear/counts", []any{}); !reflect.DeepEqual(got, want) {
		t.Errorf("counts of gear: got %v, want %v", got, want)
	}
	want = map[string]any{"totalAll": 2.0, "totalInCategory": 1.0, "totalInCategoryWithNested": 1.0}
	if got := counts(fmt.Sprintf("/api/content/products/page/%d/counts", tentsID), []any{filter("color", "eq", "red")}); !reflect.DeepEqual(got, want) {
		t.Errorf("counts of gear-stoves, red: got %v, want %v", got, want)
	}
	want = map[string]any{"totalAll": 4.0, "totalInCategory": 4.0, "totalInCategoryWithNested": 4.0}
	if got := counts("/api/content/products/all/counts", []any{map[string]any{"attributeMarker": "", "title": "tent"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("counts of tents: got %v, want %v", got, want)
	}

	// Prices of a page's products.
	prices := a.expect("GET", "/api/content/products/page/gear-stoves/prices?langCode=en_US&sortKey=price&sortOrder=ASC&limit=2", "", nil, 200).json(t)
	wantPrices := map[string]any{"items": []any{map[string]any{"id": 306.0, "price": 5.5}, map[string]any{"id": 304.0, "price": 49.99}}, "total": 3.0}
	if !reflect.DeepEqual(prices, wantPrices) {
		t.Errorf("prices: got %v, want %v", prices, wantPrices)
	}

	// Products listed on no page: 307 and the demo project's.
	var groups []struct {
		AttrValue  string   `json:"attrValue"`
		ProductIDs []string `json:"productIds"`
		Total      int64    `json:"total"`
	}
	if err := json.Unmarshal(a.expect("POST", "/api/content/products/empty-page?langCode=en_US&sortKey=id&sortOrder=DESC&limit=2", "", map[string]any{}, 201).raw, &groups); err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || !reflect.DeepEqual(groups[0].ProductIDs, []string{"307", "15"}) || groups[0].Total != 6 {
		t.Errorf("empty page: got %+v, want 307 and 15 of 6", groups)
	}
}

func TestProductSearch(t *testing.T) {
	t.Parallel()
	a := startLists(t)
	tests := []struct {
		lang, name string
		want       []map[string]any
	}{
		{"en_US", "stove", []map[string]any{{"id": 304.0, "title": "Camp stove"}, {"id": 305.0, "title": "Twin burner stove"}}},
		{"en_US", "STOVE", []map[string]any{{"id": 304.0, "title": "Camp stove"}, {"id": 305.0, "title": "Twin burner stove"}}},
		{"en_US", "urner s", []map[string]any{{"id": 305.0, "title": "Twin burner stove"}}},
		{"fr_FR", "tente", []map[string]any{{"id": 301.0, "title": "Tente alpine"}, {"id": 303.0, "title": "Tente cabane"}}},
		{"fr_FR", "stove", []map[string]any{{"id": 304.0, "title": "Camp stove"}, {"id": 305.0, "title": "Twin burner stove"}}}, // en_US fallback
		{"en_US", "lantern", []map[string]any{}}, // hidden
		{"en_US", "nothing like it", []map[string]any{}},
	}
	for _, tc := range tests {
		var got []map[string]any
		r := a.expect("GET", "/api/content/products/quick/search?langCode="+tc.lang+"&name="+url.QueryEscape(tc.name), "", nil, 200)
		if err := json.Unmarshal(r.raw, &got); err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %q: got %v, want %v", tc.lang, tc.name, got, tc.want)
		}
	}
	a.expect("GET", "/api/content/products/quick/search?langCode=en_US&name=%20", "", nil, 400)
}

// TestProductListHidesHidden: a hidden product is in no list, count,
// search or price list, on a hidden page's or its own.
func TestProductListHidesHidden(t *testing.T) {
	t.Parallel()
	a := startLists(t)
	for _, path := range []string{"/api/content/products/all?limit=100", "/api/content/products/page/url/gear-tents"} {
		got, _ := productIDs(t, a.expect("POST", path, "", []any{filter("color", "eq", "red")}, 201))
		for _, id := range got {
			if id == 308 {
				t.Errorf("%s lists hidden product 308", path)
			}
		}
	}
	if r := a.expect("GET", "/api/content/products/page/gear-tents/prices", "", nil, 200); strings.Contains(string(r.raw), "308") {
		t.Errorf("prices list hidden product 308: %s", r.raw)
	}
}

func TestProductListBadInput(t *testing.T) {
	t.Parallel()
	a := startLists(t)
	const all = "/api/content/products/all"
	tests := []struct {
		name, method, path string
		body               any
		status             int
		says               string
	}{
		{"unknown condition", "POST", all, []any{filter("color", "like", "red")}, 400, "conditionMarker"},
		{"the SDK docs' equals", "POST", all + "?attributeMarker=color&conditionMarker=equals&conditionValue=red", nil, 400, "equals"},
		{"unknown marker", "POST", all, []any{filter("colour", "eq", "red")}, 400, `"colour"`},
		{"unknown marker without condition", "POST", all, []any{map[string]any{"attributeMarker": "nope", "statusMarker": "in_stock"}}, 400, `"nope"`},
		{"condition without marker", "POST", all, []any{filter("", "eq", "red")}, 400, "attributeMarker"},
		{"number expected", "POST", all, []any{filter("price", "mth", "cheap")}, 400, "not a number"},
		{"date expected", "POST", all, []any{filter("released", "lth", "yesterday")}, 400, "not a date"},
		{"stock takes numbers", "POST", all, []any{filter("units", "eq", "many")}, 400, "number"},
		{"boolean value", "POST", all, []any{filter("color", "eq", true)}, 400, "conditionValue"},
		{"object value", "POST", all, []any{filter("color", "eq", map[string]any{"x": 1})}, 400, "conditionValue"},
		{"list for eq", "POST", all, []any{filter("color", "eq", []string{"red", "blue"})}, 400, "one value"},
		{"mth needs a value", "POST", all, []any{filter("price", "mth", nil)}, 400, "needs a value"},
		{"pat on a number", "POST", all, []any{filter("price", "pat", "1")}, 400, "pat"},
		{"images only exist", "POST", all, []any{filter("pic", "eq", "x.png")}, 400, "exs"},
		{"unknown status", "POST", all, []any{map[string]any{"attributeMarker": "", "statusMarker": "gone"}}, 400, `"gone"`},
		{"unknown status in the query", "POST", all + "?statusMarker=gone", nil, 400, `"gone"`},
		{"unknown page in a filter", "POST", all, []any{map[string]any{"attributeMarker": "", "pageUrls": []string{"nope"}}}, 400, `"nope"`},
		{"hidden page in a filter", "POST", all, []any{map[string]any{"attributeMarker": "", "pageUrl": "gear-hidden"}}, 400, "gear-hidden"},
		{"unknown sort key", "POST", all + "?sortKey=colour", nil, 400, "sortKey"},
		{"unknown sort order", "POST", all + "?sortOrder=UP", nil, 400, "sortOrder"},
		{"negative offset", "POST", all + "?offset=-1", nil, 400, "offset"},
		{"offset not a number", "POST", all + "?offset=x", nil, 400, "offset"},
		{"limit too large", "POST", all + "?limit=101", nil, 400, "limit"},
		{"limit overflows", "POST", all + "?limit=99999999999999999999", nil, 400, "limit"},
		{"malformed JSON", "POST", all, `[{"attributeMarker":`, 400, "malformed"},
		{"a number for a body", "POST", all, `5`, 400, "filter"},
		{"filter not a list", "POST", all, map[string]any{"filter": 5}, 400, "filter"},
		{"a filter not an object", "POST", all, []any{1}, 400, "filter[0]"},
		{"pageUrls not a list", "POST", all, []any{map[string]any{"attributeMarker": "", "pageUrls": "gear"}}, 400, "pageUrls"},
		{"isNested not a boolean", "POST", all, []any{map[string]any{"attributeMarker": "", "isNested": "yes"}}, 400, "isNested"},
		{"unknown page url", "POST", "/api/content/products/page/url/nope", nil, 404, "nope"},
		{"hidden page url", "POST", "/api/content/products/page/url/gear-hidden", nil, 404, "gear-hidden"},
		{"unknown page id", "POST", "/api/content/products/page/99999", nil, 404, "99999"},
		{"page id not a number", "POST", "/api/content/products/page/abc/counts", nil, 400, "id"},
		{"unknown page counts", "POST", "/api/content/products/page/url/nope/counts", []any{}, 404, "nope"},
		{"unknown page prices", "GET", "/api/content/products/page/nope/prices", nil, 404, "nope"},
		{"no search text", "GET", "/api/content/products/quick/search?name=", nil, 400, "name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := a.expect(tc.method, tc.path, "", tc.body, tc.status)
			body := r.json(t)
			if body["statusCode"] != float64(tc.status) || !strings.Contains(fmt.Sprint(body["message"]), tc.says) {
				t.Errorf("got %s, want a %d error saying %q", r.raw, tc.status, tc.says)
			}
		})
	}
}

// TestProductListFollowsApplies: a later file that hides a product, changes
// values and titles, adds a locale and an attribute is what lists see.
func TestProductListFollowsApplies(t *testing.T) {
	t.Parallel()
	first := listProject()
	second := &openentry.Project{AttributeSets: first.AttributeSets, Products: []openentry.ProjectProduct{first.Products[0], first.Products[1], first.Products[3]}}
	second.AttributeSets[0].Attributes = append(second.AttributeSets[0].Attributes, openentry.ProjectSetAttribute{
		Marker: "brand", Type: "string", Title: map[string]string{"en_US": "Brand"}})
	second.Products[0].Hidden = true
	second.Products[1].Title = map[string]string{"en_US": "Bivy shelter"}
	second.Products[1].AttributeValues = openentry.AttributeValues{"en_US": {"color": json.RawMessage(`"green"`)}}
	second.Products[2].AttributeValues = openentry.AttributeValues{"en_US": second.Products[2].AttributeValues["en_US"],
		"fr_FR": {"material": json.RawMessage(`"acier"`)}}
	a := startLists(t, second)
	tests := []struct {
		lang    string
		filters []map[string]any
		want    []int64
	}{
		{"en_US", []map[string]any{filter("color", "eq", "red")}, []int64{304}},
		{"en_US", []map[string]any{filter("color", "eq", "green")}, []int64{302, 303}},
		{"en_US", []map[string]any{{"attributeMarker": "", "title": "shelter"}}, []int64{302}},
		{"en_US", []map[string]any{{"attributeMarker": "", "title": "bivy tent"}}, []int64{}},
		{"en_US", []map[string]any{filter("material", "eq", "steel")}, []int64{304, 305}},
		{"fr_FR", []map[string]any{filter("material", "eq", "acier")}, []int64{304}},
		{"fr_FR", []map[string]any{filter("material", "eq", "steel")}, []int64{305}}, // en_US's, for want of fr_FR
		{"en_US", []map[string]any{filter("brand", "exs", nil)}, []int64{}},
	}
	for _, tc := range tests {
		got, total := productIDs(t, a.expect("POST", "/api/content/products/all?sortKey=id&sortOrder=ASC&langCode="+tc.lang, "",
			append([]map[string]any{gear}, tc.filters...), 201))
		if !reflect.DeepEqual(got, tc.want) || total != int64(len(tc.want)) {
			t.Errorf("%s %v: got %v (total %d), want %v", tc.lang, tc.filters, got, total, tc.want)
		}
	}
}

func TestProductPagesAndBlocks(t *testing.T) {
	t.Parallel()
	a := startLists(t)
	want := `{"categories": ["gear", "gear-tents"], "productPages": [
		{"id": 1, "pageId": 1, "productId": 303, "positionId": 3, "categoryPath": "gear"},
		{"id": 2, "pageId": 2, "productId": 303, "positionId": 3, "categoryPath": "gear-tents"}], "blocks": []}`
	pick := func(p map[string]any) map[string]any {
		return map[string]any{"categories": p["categories"], "productPages": p["productPages"], "blocks": p["blocks"]}
	}
	checkJSON(t, "product 303", pick(a.expect("GET", "/api/content/products/303", "", nil, 200).json(t)), want)
	byIDs := a.expect("GET", "/api/content/products/ids?ids=303", "", nil, 200)
	var listed []map[string]any
	if err := json.Unmarshal(byIDs.raw, &listed); err != nil || len(listed) != 1 {
		t.Fatalf("products/ids: %s", byIDs.raw)
	}
	checkJSON(t, "products/ids 303", pick(listed[0]), want)
	var page struct{ Items []map[string]any }
	if err := json.Unmarshal(a.expect("POST", "/api/content/products/all?sortKey=price&sortOrder=DESC&limit=1", "", []any{gear}, 201).raw, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("products/all: %v", page)
	}
	checkJSON(t, "listed 303", pick(page.Items[0]), want)
	checkJSON(t, "product on no page", pick(a.expect("GET", "/api/content/products/307", "", nil, 200).json(t)),
		`{"categories": [], "productPages": [], "blocks": []}`)

	if got := strings.TrimSpace(string(a.expect("GET", "/api/content/products/303/blocks", "", nil, 200).raw)); got != "[]" {
		t.Errorf("blocks of 303: got %s, want []", got)
	}
	a.expect("GET", "/api/content/products/308/blocks", "", nil, 404) // hidden
	a.expect("GET", "/api/content/products/999/blocks", "", nil, 404)
	a.expect("GET", "/api/content/products/x/blocks", "", nil, 400)
}

// TestRelatedProductsOrder: without a sortKey related products come in the
// order the product lists them; with one, sorted; the list keys filter.
func TestRelatedProductsOrder(t *testing.T) {
	t.Parallel()
	later := &openentry.Project{Products: []openentry.ProjectProduct{{ID: 311, Title: map[string]string{"en_US": "Zen tent"},
		Price: "0.5", Currency: "USD", RelatedIDs: []int64{305, 301, 308, 303}}}} // 308 is hidden
	a := startLists(t, later)
	for _, tc := range []struct {
		query string
		want  []int64
		total int64
	}{
		{"", []int64{305, 301, 303}, 3},
		{"offset=1&limit=1", []int64{301}, 3},
		{"sortKey=price&sortOrder=DESC", []int64{303, 301, 305}, 3},
		{"sortKey=weight&sortOrder=ASC", []int64{301, 305, 303}, 3},
		{"attributeMarker=color&conditionMarker=eq&conditionValue=red", []int64{301}, 1},
		{"offset=9", []int64{}, 3},
	} {
		got, total := productIDs(t, a.expect("GET", "/api/content/products/311/related?"+tc.query, "", nil, 200))
		if !reflect.DeepEqual(got, tc.want) || total != tc.total {
			t.Errorf("related?%s: got %v (total %d), want %v (total %d)", tc.query, got, total, tc.want, tc.total)
		}
	}
}

// TestProductRendersFollowTheCatalogue: products' JSON is kept between
// requests, yet a change of the catalogue through another instance (an
// apply on the same database) shows at once on this one.
func TestProductRendersFollowTheCatalogue(t *testing.T) {
	t.Parallel()
	srv := listServer(t)
	a := newAPI(t, srv)
	title := func() []any {
		one := a.expect("GET", "/api/content/products/303", "", nil, 200).json(t)["localizeInfos"].(map[string]any)["title"]
		var page struct{ Items []map[string]any }
		if err := json.Unmarshal(a.expect("POST", "/api/content/products/all?sortKey=price&sortOrder=DESC&limit=1", "", []any{gear}, 201).raw, &page); err != nil || len(page.Items) != 1 {
			t.Fatalf("products/all: %v", page)
		}
		return []any{one, page.Items[0]["localizeInfos"].(map[string]any)["title"]}
	}
	if got := title(); !reflect.DeepEqual(got, []any{"Cabin tent", "Cabin tent"}) {
		t.Fatalf("before: got %v", got)
	}
	changed := listProject()
	product := changed.Products[2]
	product.Title = map[string]string{"en_US": "Cabin shelter"}
	apptest.Start(t, apptest.OnDatabase(srv.DSN), apptest.WithProject(listProject()),
		apptest.WithProject(&openentry.Project{Products: []openentry.ProjectProduct{product}}))
	if got := title(); !reflect.DeepEqual(got, []any{"Cabin shelter", "Cabin shelter"}) {
		t.Errorf("after another instance applied a new title: got %v", got)
	}
}

// TestProductIndexBuiltWhenMissing: a catalogue filled before the search
// index existed (its rows gone here) is indexed when a server next opens
// the database, not only as applies rewrite products.
func TestProductIndexBuiltWhenMissing(t *testing.T) {
	t.Parallel()
	srv := listServer(t)
	for _, table := range []string{"product_values", "product_words", "product_search"} {
		var id int64
		srv.QueryRow(t, "DELETE FROM "+table+" RETURNING product_id").Scan(t, &id)
	}
	if n := count(t, srv, "product_search"); n != 0 {
		t.Fatalf("index rows left: %d", n)
	}
	next := newAPI(t, apptest.Start(t, apptest.OnDatabase(srv.DSN))) // the demo project only: no gear product rewritten
	got, total := productIDs(t, next.expect("POST", "/api/content/products/all?sortKey=id&sortOrder=ASC", "",
		[]any{gear, filter("color", "eq", "red")}, 201))
	if !reflect.DeepEqual(got, []int64{301, 304}) || total != 2 {
		t.Errorf("red gear after the index was rebuilt: got %v (total %d), want [301 304]", got, total)
	}
}
