package httpapi_test

import (
	"encoding/json"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

func TestDemoShopTemplates(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	a := newAPI(t, srv)
	side := a.expect("GET", "/api/content/templates/marker/withSidebar?langCode=fr_FR", "", nil, 200).json(t)
	if side["title"] != "Page avec barre latérale" || side["generalTypeName"] != "common_page" || side["generalTypeId"] != float64(8) {
		t.Errorf("withSidebar: %v", side)
	}
	var grouped map[string][]map[string]any
	if err := json.Unmarshal(a.expect("GET", "/api/content/templates/all", "", nil, 200).raw, &grouped); err != nil {
		t.Fatal(err)
	}
	if len(grouped["common_page"]) != 1 || len(grouped["product"]) != 1 || grouped["product"][0]["identifier"] != "product_card" {
		t.Errorf("getAllTemplates: %v", grouped)
	}
	var byType []map[string]any
	if err := json.Unmarshal(a.expect("GET", "/api/content/templates?type=product", "", nil, 200).raw, &byType); err != nil || len(byType) != 1 {
		t.Errorf("getTemplateByType(product): %v", byType)
	}
	checkError(t, a.do("GET", "/api/content/templates?type=banner", "", nil), 400, "banner")
	checkError(t, a.do("GET", "/api/content/templates", "", nil), 400, "type")
	checkError(t, a.do("GET", "/api/content/templates/marker/nope", "", nil), 404, "nope")
	var types []map[string]any
	if err := json.Unmarshal(a.expect("GET", "/api/content/general-types", "", nil, 200).raw, &types); err != nil || len(types) != 15 ||
		types[0]["type"] != "product" || types[7]["type"] != "common_page" {
		t.Errorf("getAllTypes: %v", types)
	}
}
