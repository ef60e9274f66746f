package httpapi_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// Attribute sets, product statuses and the product entity, through the HTTP
// API over the catalogue of apptest.CatalogProject (on PostgreSQL when
// OPENENTRY_TEST_POSTGRES_URL is set).

const (
	setsPath     = "/api/content/attributes-sets"
	statusesPath = "/api/content/product-statuses"
)

func startCatalog(t *testing.T) (*apptest.Server, *api) {
	t.Helper()
	srv := apptest.Start(t, apptest.WithProject(apptest.CatalogProject()))
	return srv, newAPI(t, srv)
}

// decodeJSON unmarshals a JSON text written in a test into any.
func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

func checkJSON(t *testing.T, what string, got any, want string) {
	t.Helper()
	if w := decodeJSON(t, want); !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Errorf("%s: got %s, want %s", what, g, want)
	}
}

func TestAttributeSets(t *testing.T) {
	t.Parallel()
	_, a := startCatalog(t)

	l := a.expect("GET", setsPath+"?langCode=en_US&offset=0&limit=30", "", nil, 200).json(t)
	checkKeys(t, "set list", l, "items", "total")
	items := l["items"].([]any)
	if l["total"] != float64(1) || len(items) != 1 {
		t.Fatalf("sets: got %v", l)
	}
	set := items[0].(map[string]any)
	checkKeys(t, "set", set, "id", "createdDate", "updatedDate", "version", "identifier", "typeId", "title", "localizeInfos",
		"schema", "isVisible", "properties", "type", "position")
	if set["identifier"] != "product" || set["title"] != "Product" || set["typeId"] != float64(5) || set["isVisible"] != true {
		t.Errorf("set: got %v", set)
	}
	checkJSON(t, "set type", set["type"], `{"id": 5, "type": "forProducts"}`)
	schema := set["schema"].(map[string]any)
	if len(schema) != 10 {
		t.Errorf("schema: got %d attributes, want 10: %v", len(schema), keys(schema))
	}
	checkJSON(t, "schema.price", schema["price"], `{"id": 1, "identifier": "price", "type": "float", "initialValue": null,
		"isPrice": true, "isVisible": true, "original": true, "position": 1, "localizeInfos": {"title": "Price"}, "listTitles": [],
		"validators": {"requiredValidator": {"strict": true}, "numberInspectionValidator": {"min": 0}}, "additionalFields": {}}`)
	if hidden := schema["supplier_note"].(map[string]any); hidden["isVisible"] != false {
		t.Errorf("a hidden attribute's schema: got %v", hidden)
	}

	for _, tc := range []struct {
		query string
		total float64
	}{
		{"?typeId=5", 1}, {"?typeId=3", 0}, {"?typeId=99", 0}, {"?sortBy=identifier", 1}, {"?sortBy=updatedDate&limit=1", 1},
		{"?offset=1", 1},
	} {
		got := a.expect("GET", setsPath+tc.query, "", nil, 200).json(t)
		if got["total"] != tc.total {
			t.Errorf("%s: total %v, want %v", tc.query, got["total"], tc.total)
		}
		if tc.query == "?offset=1" && len(got["items"].([]any)) != 0 {
			t.Errorf("offset 1: got %v", got["items"])
		}
	}
	for _, q := range []string{"?typeId=x", "?typeId=1.5", "?sortBy=title", "?langCode=x1", "?limit=-1"} {
		checkError(t, a.do("GET", setsPath+q, "", nil), 400, "")
	}

	fr := a.expect("GET", setsPath+"/marker/product?langCode=fr_FR", "", nil, 200).json(t)
	if fr["title"] != "Produit" || !reflect.DeepEqual(fr["localizeInfos"], map[string]any{"title": "Produit"}) {
		t.Errorf("set in fr_FR: got title %v, localizeInfos %v", fr["title"], fr["localizeInfos"])
	}
	if got := fr["schema"].(map[string]any)["color"].(map[string]any)["localizeInfos"]; !reflect.DeepEqual(got, map[string]any{"title": "Couleur"}) {
		t.Errorf("schema.color.localizeInfos in fr_FR: got %v", got)
	}

	attrs := a.expect("GET", setsPath+"/product/attributes?langCode=en_US", "", nil, 200).list(t)
	var markers []string
	for _, x := range attrs {
		m := x.(map[string]any)
		checkKeys(t, "attribute", m, "type", "value", "initialValue", "marker", "position", "isVisible", "listTitles", "validators",
			"localizeInfos", "additionalFields", "settings")
		markers = append(markers, m["marker"].(string))
	}
	want := []string{"price", "currency", "sale", "units_product", "color", "description", "release", "pic", "sku_code", "supplier_note"}
	if !reflect.DeepEqual(markers, want) {
		t.Errorf("attributes: got %v, want %v (in position order)", markers, want)
	}

	// The template's call: AttributesSets.getSingleAttributeByMarkerSet('product', 'color').
	color := a.expect("GET", setsPath+"/product/attributes/color?langCode=en_US", "", nil, 200).json(t)
	checkJSON(t, "product/color", color, `{"type": "list", "value": null, "initialValue": null, "marker": "color", "position": 5,
		"isVisible": true, "validators": {}, "localizeInfos": {"title": "Color"}, "additionalFields": [], "settings": {},
		"listTitles": [
			{"title": "Red", "value": "red", "position": 1, "extended": {"value": "#ff0000", "type": "color"}},
			{"title": "Blue", "value": "blue", "position": 2, "extended": {"value": "#0000ff", "type": "color"}},
			{"title": "Green", "value": "green", "position": 3, "extended": {"value": null, "type": null}}]}`)
	checkJSON(t, "product/sku_code validators",
		a.expect("GET", setsPath+"/product/attributes/sku_code", "", nil, 200).json(t)["validators"],
		`{"patternValidator": {"pattern": "[A-Z]+-[0-9]+"}}`)
	checkJSON(t, "product/description validators",
		a.expect("GET", setsPath+"/product/attributes/description", "", nil, 200).json(t)["validators"],
		`{"stringInspectionValidator": {"stringMin": 0, "stringMax": 500, "stringLength": 0}}`)

	for _, tc := range []struct{ path, message string }{
		{setsPath + "/marker/nope", `Attribute set "nope" not found`},
		{setsPath + "/nope/attributes", `Attribute set "nope" not found`},
		{setsPath + "/nope/attributes/color", `Attribute set "nope" not found`},
		{setsPath + "/product/attributes/nope", `Attribute "nope" not found in set "product"`},
		{setsPath + "/marker/attributes", `Attribute set "attributes" not found`}, // /marker/{marker} wins
		{setsPath + "/product/nope", "Cannot GET"},
		{setsPath + "/" + "%E2%9C%93/attributes", `not found`},
	} {
		checkError(t, a.do("GET", tc.path, "", nil), 404, tc.message)
	}
	checkError(t, a.do("POST", setsPath+"/product/attributes", "", nil), 404, "Cannot POST")
	a.token = "wrong"
	checkError(t, a.do("GET", setsPath+"/product/attributes", "", nil), 403, "")
}

func TestProductStatuses(t *testing.T) {
	t.Parallel()
	_, a := startCatalog(t)

	// The SDK sends no langCode and picks the locale itself: every locale comes.
	all := a.expect("GET", statusesPath, "", nil, 200).list(t)
	checkJSON(t, "statuses", all, `[
		{"id": 1, "identifier": "in_stock", "localizeInfos": {"en_US": {"title": "In stock"}, "fr_FR": {"title": "En stock"}},
		 "isDefault": true, "version": 0, "position": 1},
		{"id": 2, "identifier": "sold_out", "localizeInfos": {"en_US": {"title": "Sold out"}, "fr_FR": {"title": "Épuisé"}},
		 "isDefault": false, "version": 0, "position": 2}]`)
	fr := a.expect("GET", statusesPath+"?langCode=fr", "", nil, 200).list(t)
	if got := fr[1].(map[string]any)["localizeInfos"]; !reflect.DeepEqual(got, map[string]any{"title": "Épuisé"}) {
		t.Errorf("sold_out in fr: got %v", got)
	}
	st := a.expect("GET", statusesPath+"/marker/sold_out?langCode=en_US", "", nil, 200).json(t)
	if st["identifier"] != "sold_out" || !reflect.DeepEqual(st["localizeInfos"], map[string]any{"title": "Sold out"}) {
		t.Errorf("sold_out: got %v", st)
	}
	checkError(t, a.do("GET", statusesPath+"/marker/nope", "", nil), 404, `Product status "nope" not found`)
	checkError(t, a.do("GET", statusesPath+"?langCode=x1", "", nil), 400, "langCode")
	for marker, want := range map[string]bool{"in_stock": true, "sold_out": true, "nope": false, "In_Stock": false, "%20": false} {
		got := a.expect("GET", statusesPath+"/marker-validation/"+marker, "", nil, 200).json(t)
		if !reflect.DeepEqual(got, map[string]any{"valid": want}) {
			t.Errorf("validateMarker(%q): got %v, want valid %v", marker, got, want)
		}
	}
}

func TestProductEntity(t *testing.T) {
	t.Parallel()
	srv, a := startCatalog(t)

	p := a.expect("GET", "/api/content/products/201?langCode=en_US", "", nil, 200).json(t)
	checkKeys(t, "product", p, "id", "localizeInfos", "statusIdentifier", "statusLocalizeInfos", "attributeSetIdentifier", "position",
		"price", "additional", "sku", "isSync", "attributeValues", "categories", "isVisible", "productPages", "blocks", "relatedIds")
	if p["statusIdentifier"] != "in_stock" || p["attributeSetIdentifier"] != "product" || p["price"] != float64(340) ||
		p["sku"] != "COSMO-201" || p["isVisible"] != true {
		t.Errorf("product 201: got %v", p)
	}
	checkJSON(t, "statusLocalizeInfos", p["statusLocalizeInfos"], `{"title": "In stock"}`)
	checkJSON(t, "relatedIds", p["relatedIds"], `[202, 203, 204]`)
	checkJSON(t, "categories", p["categories"], `[]`)
	value := func(marker string, typ string, pos int, v string) string {
		return fmt.Sprintf(`{"type": %q, "value": %s, "position": %d, "isIcon": false, "isProductPreview": false, "additionalFields": []}`, typ, v, pos)
	}
	checkJSON(t, "attributeValues in en_US", p["attributeValues"], `{
		"price": `+value("price", "float", 1, `340`)+`,
		"currency": `+value("currency", "string", 2, `"USD"`)+`,
		"sale": `+value("sale", "float", 3, `299.5`)+`,
		"units_product": `+value("units_product", "integer", 4, `12`)+`,
		"color": `+value("color", "list", 5, `{"title": "Red", "value": "red", "position": 1, "extended": {"value": "#ff0000", "type": "color"}}`)+`,
		"description": `+value("description", "text", 6, `[{"htmlValue": "Soft &amp; round", "plainValue": "Soft & round", "params": {"editorMode": "plain"}}]`)+`,
		"release": `+value("release", "date", 7, `{"fullDate": "2025-05-08T00:00:00.000Z", "formattedValue": "08-05-2025", "formatString": "DD-MM-YYYY"}`)+`,
		"pic": `+value("pic", "image", 8, `[{"downloadLink": "https://example.test/cosmo.png", "previewLink": ""}]`)+`,
		"sku_code": `+value("sku_code", "string", 9, `"COSMO-201"`)+`}`)

	// fr_FR has its own color and description; the rest falls back to en_US.
	frValues := a.expect("GET", "/api/content/products/201?langCode=fr_FR", "", nil, 200).json(t)["attributeValues"].(map[string]any)
	if got := frValues["color"].(map[string]any)["value"].(map[string]any)["value"]; got != "blue" {
		t.Errorf("fr_FR color: got %v, want blue", got)
	}
	if got := frValues["description"].(map[string]any)["value"].([]any)[0].(map[string]any)["plainValue"]; got != "Douce et ronde" {
		t.Errorf("fr_FR description: got %v", got)
	}
	if got := frValues["sale"].(map[string]any)["value"]; got != 299.5 {
		t.Errorf("fr_FR sale falls back to en_US: got %v", got)
	}

	// The stock attribute shows the units left, not the file's figure.
	var id int64
	srv.QueryRow(t, "UPDATE products SET stock = 7 WHERE id = 201 RETURNING id").Scan(t, &id)
	units := a.expect("GET", "/api/content/products/201", "", nil, 200).json(t)["attributeValues"].(map[string]any)["units_product"]
	if got := units.(map[string]any)["value"]; got != float64(7) {
		t.Errorf("units_product after the stock changed: got %v, want 7", got)
	}

	// A multiple choice stays a list; a sold-out product says so.
	p202 := a.expect("GET", "/api/content/products/202", "", nil, 200).json(t)
	checkJSON(t, "202 color", p202["attributeValues"].(map[string]any)["color"].(map[string]any)["value"], `[
		{"title": "Green", "value": "green", "position": 3},
		{"title": "Blue", "value": "blue", "position": 2, "extended": {"value": "#0000ff", "type": "color"}}]`)
	p203 := a.expect("GET", "/api/content/products/203?langCode=fr_FR", "", nil, 200).json(t)
	if p203["statusIdentifier"] != "sold_out" || !reflect.DeepEqual(p203["statusLocalizeInfos"], map[string]any{"title": "Épuisé"}) {
		t.Errorf("203: got status %v %v", p203["statusIdentifier"], p203["statusLocalizeInfos"])
	}

	// A product without a set keeps the price and currency attributes.
	p14 := a.expect("GET", "/api/content/products/14", "", nil, 200).json(t)
	if p14["attributeSetIdentifier"] != nil || !reflect.DeepEqual(keys(p14["attributeValues"].(map[string]any)), []string{"currency", "price"}) {
		t.Errorf("product 14: got %v", p14)
	}

	// getProductsByIds answers the same entities, in the order asked.
	byIDs := a.expect("GET", "/api/content/products/ids?ids=203,201,204&langCode=en_US", "", nil, 200).list(t)
	if len(byIDs) != 2 || !reflect.DeepEqual(byIDs[1].(map[string]any)["attributeValues"], a.expect("GET",
		"/api/content/products/201?langCode=en_US", "", nil, 200).json(t)["attributeValues"]) {
		t.Errorf("products by ids: got %v", byIDs)
	}

	checkError(t, a.do("GET", "/api/content/products/204", "", nil), 404, "Product 204 not found")
}

func TestProductLangCode(t *testing.T) {
	t.Parallel()
	_, a := startCatalog(t)
	for _, tc := range []struct {
		lang  string
		title string
		sale  any // en_US only: every locale falls back to it
	}{
		{"", "Cosmo chair", 299.5},
		{"en_US", "Cosmo chair", 299.5},
		{"EN_US", "Cosmo chair", 299.5},
		{"en_us", "Cosmo chair", 299.5},
		{"en", "Cosmo chair", 299.5},
		{"EN", "Cosmo chair", 299.5},
		{"fr_FR", "Chaise Cosmo", 299.5},
		{"FR_fr", "Chaise Cosmo", 299.5},
		{"fr", "Chaise Cosmo", 299.5},
		{"de_DE", "Cosmo chair", 299.5},
	} {
		t.Run("langCode="+tc.lang, func(t *testing.T) {
			path := "/api/content/products/201"
			if tc.lang != "" {
				path += "?langCode=" + tc.lang
			}
			p := a.expect("GET", path, "", nil, 200).json(t)
			if got := p["localizeInfos"].(map[string]any)["title"]; got != tc.title {
				t.Errorf("title: got %v, want %v", got, tc.title)
			}
			if got := p["attributeValues"].(map[string]any)["sale"].(map[string]any)["value"]; got != tc.sale {
				t.Errorf("sale: got %v, want %v", got, tc.sale)
			}
		})
	}
	for _, lang := range []string{"x1", "en_USA_", "e"} {
		checkError(t, a.do("GET", "/api/content/products/201?langCode="+lang, "", nil), 400, "langCode")
	}
}

func TestRelatedProducts(t *testing.T) {
	t.Parallel()
	_, a := startCatalog(t)
	ids := func(l map[string]any) []float64 {
		var out []float64
		for _, p := range l["items"].([]any) {
			out = append(out, p.(map[string]any)["id"].(float64))
		}
		return out
	}
	for _, tc := range []struct {
		query string
		ids   []float64
		total float64
	}{
		{"201/related?langCode=en_US", []float64{202, 203}, 2}, // 204 is hidden
		{"201/related?offset=1&limit=1&sortKey=id&sortOrder=DESC", []float64{202}, 2},
		{"201/related?sortKey=price&sortOrder=ASC", []float64{202, 203}, 2},
		{"201/related?statusMarker=in_stock", []float64{202}, 1},
		{"201/related?offset=5", nil, 2},
		{"202/related", nil, 0},
		{"14/related", nil, 0},
	} {
		l := a.expect("GET", "/api/content/products/"+tc.query, "", nil, 200).json(t)
		checkKeys(t, "related", l, "items", "total")
		if got := ids(l); !reflect.DeepEqual(got, tc.ids) || l["total"] != tc.total {
			t.Errorf("%s: got %v (total %v), want %v (total %v)", tc.query, got, l["total"], tc.ids, tc.total)
		}
	}
	fr := a.expect("GET", "/api/content/products/201/related?langCode=fr_FR", "", nil, 200).json(t)
	if got := fr["items"].([]any)[0].(map[string]any)["localizeInfos"]; !reflect.DeepEqual(got, map[string]any{"title": "Lampe Luna"}) {
		t.Errorf("related in fr_FR: got %v", got)
	}
	checkError(t, a.do("GET", "/api/content/products/204/related", "", nil), 404, "Product 204 not found")
	checkError(t, a.do("GET", "/api/content/products/9999/related", "", nil), 404, "")
	checkError(t, a.do("GET", "/api/content/products/abc/related", "", nil), 400, "id")
	checkError(t, a.do("GET", "/api/content/products/201/related?sortKey=nope", "", nil), 400, "nope")
	checkError(t, a.do("GET", "/api/content/products/201/related?statusMarker=gone", "", nil), 400, "gone")
}

// A status with notForSale makes createOrder refuse its products: product
// 203 is sold_out.
func TestCreateOrderRefusesNotForSale(t *testing.T) {
	t.Parallel()
	srv, a := startCatalog(t)
	tk := a.loginDemo()
	before := count(t, srv, "orders")
	checkError(t, a.do("POST", ordersPath, tk.Access, orderBody([2]int64{201, 1}, [2]int64{203, 1})), 400,
		`products[1]: product 203 is not for sale (status "sold_out")`)
	checkError(t, a.do("POST", "/api/content/orders-storage/orders/preview", "", orderBody([2]int64{203, 1})), 400, "not for sale")
	if n := count(t, srv, "orders"); n != before {
		t.Errorf("orders: got %d, want %d: a refused order was stored", n, before)
	}
	o := a.createOrder(tk.Access, [2]int64{201, 2})
	if o["totalSum"] != float64(680) {
		t.Errorf("order of two 201: got %v", o)
	}
}
