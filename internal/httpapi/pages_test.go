package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// pageInfos is a page's localizeInfos in en_US and, unless fr is "", fr_FR.
func pageInfos(en, fr string) map[string]json.RawMessage {
	info := func(title string) json.RawMessage {
		b, _ := json.Marshal(map[string]string{"title": title, "menuTitle": title, "htmlContent": "", "plainContent": ""})
		return b
	}
	out := map[string]json.RawMessage{"en_US": info(en)}
	if fr != "" {
		out["fr_FR"] = info(fr)
	}
	return out
}

// pagesProject is a small tree in the template's shape: shop and category
// on top, categories below (one parent listed after its child), hidden
// pages, attribute values in two locales, and products listed on pages.
func pagesProject() *openentry.Project {
	title := func(s string) map[string]string { return map[string]string{"en_US": s} }
	image := json.RawMessage(`{"downloadLink": "https://cdn.example/shoes.png", "previewLink": ""}`)
	return &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{Identifier: "page_fixture", Type: "forPages", Title: title("Page"),
			Attributes: []openentry.ProjectSetAttribute{
				{Marker: "opengraph_image", Type: "image", Title: title("Image")},
				{Marker: "error_description", Type: "text", Title: title("Error")},
				{Marker: "price_filter", Type: "string", Title: title("Price")},
			}}},
		Pages: []openentry.ProjectPage{
			{PageURL: "shop", Type: "catalog_page", LocalizeInfos: pageInfos("Shop", "Boutique"),
				Config: map[string]int64{"rowsPerPage": 3, "productsPerRow": 4}},
			{PageURL: "sneakers", ParentURL: "shoes", Type: "catalog_page", LocalizeInfos: pageInfos("Sneakers", "")},
			{PageURL: "category", Type: "catalog_page", LocalizeInfos: pageInfos("Categories", "Catégories")},
			{PageURL: "shoes", ParentURL: "category", Type: "catalog_page", LocalizeInfos: pageInfos("Shoes", "Chaussures"),
				AttributeSetIdentifier: "page_fixture", AttributeValues: openentry.AttributeValues{"en_US": {"opengraph_image": image}}},
			{PageURL: "bags", ParentURL: "category", Type: "catalog_page", LocalizeInfos: pageInfos("Bags", "Sacs"),
				AttributeSetIdentifier: "page_fixture", AttributeValues: openentry.AttributeValues{
					"en_US": {"opengraph_image": image, "price_filter": json.RawMessage(`"Price"`)},
					"fr_FR": {"price_filter": json.RawMessage(`"Prix"`)},
				}},
			{PageURL: "secret", ParentURL: "category", Hidden: true, LocalizeInfos: pageInfos("Secret shoes", "")},
			{PageURL: "hidden_root", Hidden: true, LocalizeInfos: pageInfos("Hidden", "")},
			{PageURL: "profile", TemplateIdentifier: "withSidebar", LocalizeInfos: pageInfos("Profile", "Profil")},
			{PageURL: "404", Type: "error_page", LocalizeInfos: pageInfos("Page not found", ""), AttributeSetIdentifier: "page_fixture",
				AttributeValues: openentry.AttributeValues{"en_US": {"error_description": json.RawMessage(`"No such page."`)}}},
		},
		Products: []openentry.ProjectProduct{
			{ID: 701, Title: title("Runner"), Price: "10.00", Currency: "USD", Pages: []string{"shoes"}},
			{ID: 702, Title: title("Tote"), Price: "20.00", Currency: "USD", Pages: []string{"shoes", "bags"}},
			{ID: 703, Title: title("Gone"), Price: "30.00", Currency: "USD", Hidden: true, Pages: []string{"shoes"}},
		},
	}
}

// pageKeys are the keys of every page on the wire.
var pageKeys = []string{"id", "parentId", "pageUrl", "depth", "localizeInfos", "isVisible", "type", "templateIdentifier",
	"attributeSetIdentifier", "attributeValues", "moduleFormConfigs", "isSync", "blocks", "position", "config", "products", "childrenCount"}

// pageURLs lists the pageUrl of each page of a list answer.
func pageURLs(t *testing.T, r response) []string {
	t.Helper()
	urls := []string{}
	for _, p := range r.list(t) {
		m := p.(map[string]any)
		checkKeys(t, "page "+fmt.Sprint(m["pageUrl"]), m, pageKeys...)
		urls = append(urls, m["pageUrl"].(string))
	}
	return urls
}

func TestPages(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, apptest.WithProject(pagesProject()))
	a := newAPI(t, srv)
	const pg = "/api/content/pages"
	byURL := func(url, lang string) map[string]any {
		t.Helper()
		m := a.expect("GET", pg+"/url/"+url+"?langCode="+lang, "", nil, 200).json(t)
		checkKeys(t, "page "+url, m, pageKeys...)
		return m
	}
	title := func(m map[string]any) any { return m["localizeInfos"].(map[string]any)["title"] }

	shop := byURL("shop", "en_US")
	want := map[string]any{"parentId": nil, "pageUrl": "shop", "depth": 0.0, "isVisible": true, "type": "catalog_page",
		"templateIdentifier": nil, "attributeSetIdentifier": nil, "attributeValues": map[string]any{}, "moduleFormConfigs": []any{},
		"isSync": true, "blocks": []any{}, "position": 1.0, "config": map[string]any{"rowsPerPage": 3.0, "productsPerRow": 4.0},
		"products": 0.0, "childrenCount": "0",
		"localizeInfos": map[string]any{"title": "Shop", "menuTitle": "Shop", "htmlContent": "", "plainContent": ""}}
	for k, v := range want {
		if !reflect.DeepEqual(shop[k], v) {
			t.Errorf("shop %s: got %#v, want %#v", k, shop[k], v)
		}
	}
	for lang, wantTitle := range map[string]string{"fr_FR": "Boutique", "FR_FR": "Boutique", "de_DE": "Shop"} {
		if got := title(byURL("shop", lang)); got != wantTitle {
			t.Errorf("shop in %s: got title %v, want %q (fallback en_US)", lang, got, wantTitle)
		}
	}

	// The tree: parents, depths, counts of visible children and products.
	category, shoes, sneakers := byURL("category", "en_US"), byURL("shoes", "en_US"), byURL("sneakers", "en_US")
	if shoes["parentId"] != category["id"] || shoes["depth"] != 1.0 || sneakers["parentId"] != shoes["id"] || sneakers["depth"] != 2.0 {
		t.Errorf("tree: category %v, shoes parent %v depth %v, sneakers parent %v depth %v",
			category["id"], shoes["parentId"], shoes["depth"], sneakers["parentId"], sneakers["depth"])
	}
	if category["childrenCount"] != "2" || shoes["childrenCount"] != "1" || shoes["products"] != 2.0 {
		t.Errorf("counts: category has %v children, shoes %v children and %v products; want 2 (not the hidden one), 1, 2 (not the hidden one)",
			category["childrenCount"], shoes["childrenCount"], shoes["products"])
	}
	if got, want := shoes["attributeValues"], map[string]any{"opengraph_image": map[string]any{"type": "image", "position": 1.0,
		"additionalFields": []any{}, "value": map[string]any{"downloadLink": "https://cdn.example/shoes.png", "previewLink": ""}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("shoes attributeValues: got %v, want %v", got, want)
	}
	// fr_FR has its own price_filter and falls back to en_US for the image.
	bags := byURL("bags", "fr_FR")
	values := bags["attributeValues"].(map[string]any)
	if pf := values["price_filter"].(map[string]any); pf["value"] != "Prix" || pf["type"] != "string" || pf["position"] != 3.0 {
		t.Errorf("bags price_filter in fr_FR: got %v", pf)
	}
	if _, ok := values["opengraph_image"]; !ok || title(bags) != "Sacs" {
		t.Errorf("bags in fr_FR: got %v", bags)
	}
	if p := byURL("profile", "en_US"); p["templateIdentifier"] != "withSidebar" || p["type"] != "common_page" {
		t.Errorf("profile: templateIdentifier %v, type %v; want withSidebar, common_page (the default)", p["templateIdentifier"], p["type"])
	}
	if v := byURL("404", "en_US")["attributeValues"].(map[string]any)["error_description"].(map[string]any); v["value"] != "No such page." {
		t.Errorf("404 error_description: got %v", v)
	}

	lists := []struct {
		path string
		want []string
	}{
		{pg + "?langCode=en_US", []string{"shop", "sneakers", "category", "shoes", "bags", "profile", "404"}},
		{pg + "/root?langCode=en_US", []string{"shop", "category", "profile", "404"}},
		{pg + "/category/children?langCode=en_US", []string{"shoes", "bags"}},
		{pg + "/shoes/children", []string{"sneakers"}},
		{pg + "/sneakers/children", []string{}},
	}
	for _, l := range lists {
		if got := pageURLs(t, a.expect("GET", l.path, "", nil, 200)); !reflect.DeepEqual(got, l.want) {
			t.Errorf("GET %s: got %v, want %v", l.path, got, l.want)
		}
	}
	// searchPage sends "undefined" as a bare key without a url, and lang, not langCode.
	searches := []struct {
		query string
		want  []string
	}{
		{"undefined&lang=en_US&name=sho", []string{"shop", "shoes"}},
		{"url=category&lang=en_US&name=SHO", []string{"shoes"}},
		{"url=category&lang=en_US&name=secret", []string{}},
		{"url=shoes&lang=en_US&name=s", []string{"sneakers"}}, // below shoes, not shoes itself
		{"lang=fr_FR&name=bout", []string{"shop"}},
		{"lang=fr_FR&name=sneak", []string{"sneakers"}}, // no fr_FR title: en_US's
		{"name=Sacs&langCode=fr_FR", []string{"bags"}},
	}
	for _, s := range searches {
		got := []string{}
		for _, h := range a.expect("GET", pg+"/quick/search?"+s.query, "", nil, 200).list(t) {
			m := h.(map[string]any)
			checkKeys(t, "search hit", m, "id", "pageUrl", "title")
			got = append(got, m["pageUrl"].(string))
		}
		if !reflect.DeepEqual(got, s.want) {
			t.Errorf("search %s: got %v, want %v", s.query, got, s.want)
		}
	}
	hits := a.expect("GET", pg+"/quick/search?lang=en_US&name=shoes", "", nil, 200).list(t)
	if want := []any{map[string]any{"id": shoes["id"], "pageUrl": "shoes", "title": "Shoes"}}; !reflect.DeepEqual(hits, want) {
		t.Errorf("search hit: got %v, want %v", hits, want)
	}

	byID := a.expect("GET", fmt.Sprintf("%s/%v?langCode=fr_FR", pg, shoes["id"]), "", nil, 200).json(t)
	if byID["pageUrl"] != "shoes" || title(byID) != "Chaussures" {
		t.Errorf("page by id: got %v", byID)
	}
	for path, want := range map[string]map[string]any{
		pg + "/shop/config":     {"rowsPerPage": 3.0, "productsPerRow": 4.0},
		pg + "/category/config": {"rowsPerPage": nil, "productsPerRow": nil},
	} {
		if got := a.expect("GET", path, "", nil, 200).json(t); !reflect.DeepEqual(got, want) {
			t.Errorf("GET %s: got %v, want %v", path, got, want)
		}
	}

	// Hidden and unknown pages are not found; bad input is refused.
	var secret int64
	srv.QueryRow(t, `SELECT id FROM pages WHERE page_url = 'secret'`).Scan(t, &secret)
	checkError(t, a.do("GET", fmt.Sprintf("%s/%d", pg, secret), "", nil), 404, "not found")
	bad := []struct {
		path   string
		status int
	}{
		{pg + "/url/secret", 404}, {pg + "/url/hidden_root", 404}, {pg + "/secret/children", 404}, {pg + "/secret/config", 404},
		{pg + "/url/nope", 404}, {pg + "/nope/children", 404}, {pg + "/nope/config", 404}, {pg + "/99999", 404},
		{pg + "/quick/search?url=nope&name=a", 404}, {pg + "/quick/search?url=secret&name=a", 404},
		{pg + "/shop/tree", 404}, {pg + "/secret/blocks", 404}, {pg + "/a/b/c", 404},
		{pg + "/abc", 400}, {pg + "/0", 400}, {pg + "/-1", 400}, {pg + "/url/shop?langCode=x1", 400},
		{pg + "/quick/search?name=", 400}, {pg + "/quick/search?undefined&lang=x1&name=a", 400}, {pg + "/root?langCode=x1", 400},
	}
	for _, b := range bad {
		checkError(t, a.do("GET", b.path, "", nil), b.status, "")
	}
	checkError(t, a.do("POST", pg+"/shop/children", "", nil), 404, "Cannot POST")
	a.token = ""
	a.expect("GET", pg+"/shop/children", "", nil, 403)
	a.expect("GET", pg+"/url/shop", "", nil, 403)
}

// TestDemoShopPages: the demo shop serves the pages the template reads.
func TestDemoShopPages(t *testing.T) {
	t.Parallel()
	a := newAPI(t, apptest.Start(t, apptest.WithDemoShop()))
	const pg = "/api/content/pages"
	if got, want := pageURLs(t, a.expect("GET", pg+"/category/children?langCode=fr_FR", "", nil, 200)),
		[]string{"furniture", "lighting", "decor"}; !reflect.DeepEqual(got, want) {
		t.Errorf("category children: got %v, want %v", got, want)
	}
	for _, url := range []string{"shop", "category", "catalog_filters", "home_web", "profile", "payment", "404"} {
		a.expect("GET", pg+"/url/"+url+"?langCode=en_US", "", nil, 200)
	}
	filters := a.expect("GET", pg+"/url/catalog_filters?langCode=fr_FR", "", nil, 200).json(t)["attributeValues"].(map[string]any)
	for _, m := range []string{"price_filter", "color_filter", "availability_filter"} {
		if _, ok := filters[m].(map[string]any)["position"].(float64); !ok {
			t.Errorf("catalog_filters %s: got %v, want a value with a position", m, filters[m])
		}
	}
}

// TestDemoShopCategoryImage: a category's sharing image, named as a file in
// the demo shop, comes out as the SDK's image object with an absolute link
// the server serves.
func TestDemoShopCategoryImage(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	a := newAPI(t, srv)
	page := a.expect("GET", "/api/content/pages/url/furniture?langCode=en_US", "", nil, 200).json(t)
	img, _ := page["attributeValues"].(map[string]any)["opengraph_image"].(map[string]any)["value"].(map[string]any)
	link, _ := img["downloadLink"].(string)
	if !strings.HasPrefix(link, srv.BaseURL+"/cloud-static/files/") {
		t.Fatalf("opengraph_image: got %v, want a link under %s/cloud-static/files/", img, srv.BaseURL)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GET %s: got %d %s, want 200 image/png", link, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
