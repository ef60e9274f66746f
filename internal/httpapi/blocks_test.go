package httpapi_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

func blockValue(t *testing.T, b map[string]any, marker string) any {
	t.Helper()
	v, ok := b["attributeValues"].(map[string]any)[marker].(map[string]any)
	if !ok {
		t.Fatalf("block %v has no %s", b["identifier"], marker)
	}
	return v["value"]
}

// TestDemoShopBlocks: the blocks OneEntry's template reads of the demo.
func TestDemoShopBlocks(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	a := newAPI(t, srv)

	// The dictionary: 52 texts, fr_FR falling back to en_US where it has none.
	dict := a.expect("GET", "/api/content/blocks/marker/system_content?langCode=en_US", "", nil, 200).json(t)
	checkKeys(t, "block", dict, "id", "localizeInfos", "version", "position", "identifier", "type", "templateIdentifier", "isVisible", "attributeValues")
	if n := len(dict["attributeValues"].(map[string]any)); n != 52 {
		t.Errorf("system_content texts: got %d, want 52", n)
	}
	if got := blockValue(t, dict, "add_to_cart_button"); got != "Add to cart" {
		t.Errorf("add_to_cart_button: got %v", got)
	}
	fr := a.expect("GET", "/api/content/blocks/marker/system_content?langCode=fr", "", nil, 200).json(t)
	if got := []any{blockValue(t, fr, "add_to_cart_button"), blockValue(t, fr, "apply_button_placeholder")}; !reflect.DeepEqual(got, []any{"Ajouter au panier", "Apply"}) {
		t.Errorf("fr_FR texts: got %v", got)
	}
	orders := a.expect("GET", "/api/content/blocks/marker/orders_settings", "", nil, 200).json(t)
	if got := blockValue(t, orders, "orders_limit"); got != float64(10) {
		t.Errorf("orders_limit: got %v", got)
	}
	a.expect("GET", "/api/content/blocks/marker/contact_info", "", nil, 200)
	checkError(t, a.do("GET", "/api/content/blocks/marker/nope", "", nil), 404, "nope")

	// Home: the page lists its blocks, getBlocksByPageUrl answers them in order.
	home := a.expect("GET", "/api/content/pages/url/home_web", "", nil, 200).json(t)
	checkJSON(t, "home_web blocks", home["blocks"], `["home_banner", "offer_best_seller", "offer_promotion", "offer_new_arrivals"]`)
	var onHome []map[string]any
	if err := json.Unmarshal(a.expect("GET", "/api/content/pages/home_web/blocks", "", nil, 200).raw, &onHome); err != nil || len(onHome) != 4 {
		t.Fatalf("getBlocksByPageUrl(home_web): %v", onHome)
	}
	if onHome[1]["identifier"] != "offer_best_seller" || blockValue(t, onHome[1], "link") != "hit" {
		t.Errorf("second home block: %v", onHome[1])
	}
	pic := blockValue(t, onHome[0], "bg_web").(map[string]any)
	if link, _ := pic["downloadLink"].(string); !strings.HasPrefix(link, srv.BaseURL+"/cloud-static/files/") {
		t.Errorf("bg_web downloadLink: got %v", pic["downloadLink"])
	}
	checkError(t, a.do("GET", "/api/content/pages/nope/blocks", "", nil), 404, "")

	// getBlocks by type; searchBlock.
	var all struct {
		Items []map[string]any
		Total int
	}
	if err := json.Unmarshal(a.expect("POST", "/api/content/blocks?type=common_block&langCode=en_US&offset=0&limit=2", "", nil, 201).raw, &all); err != nil {
		t.Fatal(err)
	}
	if all.Total != 7 || len(all.Items) != 2 || all.Items[0]["identifier"] != "system_content" {
		t.Errorf("getBlocks(common_block): total %d, %d items, first %v", all.Total, len(all.Items), all.Items[0]["identifier"])
	}
	checkError(t, a.do("POST", "/api/content/blocks?type=nope", "", nil), 400, "type")
	var hits any
	if err := json.Unmarshal(a.expect("GET", "/api/content/blocks/quick/search?name=BEST", "", nil, 200).raw, &hits); err != nil {
		t.Fatal(err)
	}
	checkJSON(t, "searchBlock", hits, `[{"id": `+jsonNumber(onHome[1]["id"])+`, "identifier": "offer_best_seller", "name": "Best sellers"}]`)
	checkError(t, a.do("GET", "/api/content/blocks/quick/search?name=", "", nil), 400, "name")

	// A similar-products block: its products, in order, at most its quantity.
	for _, path := range []string{"/api/content/blocks/similar/products", "/api/content/blocks/similar/similar-products"} {
		got, total := productIDs(t, a.expect("GET", path+"?langCode=en_US&offset=0&limit=30", "", nil, 200))
		if !reflect.DeepEqual(got, []int64{100, 101, 102, 103}) || total != 4 {
			t.Errorf("%s: got %v (total %d)", path, got, total)
		}
	}
	checkError(t, a.do("GET", "/api/content/blocks/nope/products", "", nil), 404, "nope")

	// Frequently ordered together, from orders; a canceled order does not count.
	tk := a.loginDemo()
	a.createOrder(tk.Access, [2]int64{100, 1}, [2]int64{101, 1})
	a.createOrder(tk.Access, [2]int64{100, 1}, [2]int64{101, 1}, [2]int64{102, 1})
	canceled := id(t, a.createOrder(tk.Access, [2]int64{100, 1}, [2]int64{103, 1}))
	a.expect("PUT", orderPath(canceled), tk.Access, map[string]any{"statusIdentifier": "canceled"}, 200)
	got, total := productIDs(t, a.expect("GET", "/api/content/blocks/multiply_items_offer/products/100/frequently-ordered?langCode=en_US", "", nil, 200))
	if !reflect.DeepEqual(got, []int64{101, 102}) || total != 2 {
		t.Errorf("frequently ordered with 100: got %v (total %d), want [101 102]", got, total)
	}
	checkError(t, a.do("GET", "/api/content/blocks/multiply_items_offer/products/999/frequently-ordered", "", nil), 404, "")
}

func jsonNumber(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestBlockReferencesChecked: a page naming a block no file defined is
// refused with the others, nothing applied.
func TestBlockReferencesChecked(t *testing.T) {
	p := &openentry.Project{Pages: []openentry.ProjectPage{{PageURL: "landing", Blocks: []string{"ghost"}}},
		Blocks:   []openentry.ProjectBlock{{Identifier: "hero", AttributeSetIdentifier: "missing_set"}},
		Products: []openentry.ProjectProduct{{ID: 900, Title: map[string]string{"en_US": "Lamp"}, Price: "1.00", Currency: "USD", Blocks: []string{"phantom"}}}}
	a, err := apptest.Open(apptest.DSN(t), p)
	if err == nil {
		a.Close()
	}
	for _, want := range []string{`page "landing": block "ghost" is not defined`, `block "hero": attribute set "missing_set" is not defined`,
		`product 900: block "phantom" is not defined`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("apply: got %v, want %q", err, want)
		}
	}
}

// TestProductBlocks: a product lists the blocks its project entry names, in
// that order, as getProductBlockById's IProductBlock.
func TestProductBlocks(t *testing.T) {
	t.Parallel()
	a := newAPI(t, apptest.Start(t, apptest.WithDemoShop()))
	product := a.expect("GET", "/api/content/products/100?langCode=en_US", "", nil, 200).json(t)
	if got := fmt.Sprint(product["blocks"]); got != "[similar multiply_items_offer]" {
		t.Errorf("product 100 blocks: %s", got)
	}
	blocks := a.expect("GET", "/api/content/products/100/blocks?langCode=en_US", "", nil, 200).list(t)
	if len(blocks) != 2 {
		t.Fatalf("blocks of 100: %v", blocks)
	}
	first, second := blocks[0].(map[string]any), blocks[1].(map[string]any)
	if first["identifier"] != "similar" || first["type"] != "similar_products_block" || second["identifier"] != "multiply_items_offer" ||
		first["isSync"] != false || first["customSettings"].(map[string]any)["productConfig"] == nil {
		t.Errorf("blocks of 100: %v", blocks)
	}
	if got := strings.TrimSpace(string(a.expect("GET", "/api/content/products/101/blocks", "", nil, 200).raw)); got != "[]" {
		t.Errorf("blocks of 101: %s, want []", got)
	}
}
