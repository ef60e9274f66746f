package httpapi_test

import (
	"encoding/json"
	"encoding/xml"
	"reflect"
	"strings"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

func TestDemoShopTemplatePreviews(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	a := newAPI(t, srv)
	var all []map[string]any
	if err := json.Unmarshal(a.expect("GET", "/api/content/template-previews?langCode=fr_FR", "", nil, 200).raw, &all); err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0]["identifier"] != "product_card" || all[1]["identifier"] != "home_banner" {
		t.Fatalf("getTemplatePreviews: got %v, want product_card then home_banner", all)
	}
	if all[0]["title"] != "Image de fiche produit" {
		t.Errorf("title in fr_FR: got %v", all[0]["title"])
	}
	card := a.expect("GET", "/api/content/template-previews/marker/product_card?langCode=en_US", "", nil, 200).json(t)
	checkKeys(t, "preview", card, "id", "title", "proportions", "identifier", "version", "attributeValues", "position",
		"isUsed", "attributeSetIdentifier")
	checkJSON(t, "product_card", card, `{"id": `+jsonNumber(card["id"])+`, "title": "Product card picture",
		"proportions": {"default": {"horizontal": {"width": 480, "height": 360, "alignmentType": "center"}, "vertical": null,
			"square": {"side": 480, "alignmentType": "center"}}},
		"identifier": "product_card", "version": 1, "attributeValues": {}, "position": 1, "isUsed": false,
		"attributeSetIdentifier": null}`)
	banner := a.expect("GET", "/api/content/template-previews/marker/home_banner", "", nil, 200).json(t)
	checkJSON(t, "home_banner vertical", banner["proportions"].(map[string]any)["default"].(map[string]any)["vertical"],
		`{"width": 600, "height": null, "alignmentType": "middleTop"}`)
	checkError(t, a.do("GET", "/api/content/template-previews/marker/nope", "", nil), 404, "nope")
}

const previewProject = `{
  "attributeSets": [{"identifier": "preview_info", "type": "forTemplatePreviews", "title": {"en_US": "Preview info"},
    "attributes": [{"marker": "note", "type": "string", "title": {"en_US": "Note"}}]}],
  "templatePreviews": [{"identifier": "thumb", "title": {"en_US": "Thumbnail"},
    "proportions": {"default": {"horizontal": null, "vertical": {"width": 3, "height": 4, "alignmentType": "leftTop"},
      "square": {"side": 120, "alignmentType": "center"}}},
    "attributeSetIdentifier": "preview_info", "attributeValues": {"en_US": {"note": "small"}, "fr_FR": {"note": "petit"}}}]
}`

func parseTestProject(t *testing.T, s string) *openentry.Project {
	t.Helper()
	p, err := openentry.ParseProject([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTemplatePreviewsReapply applies the same file on a second instance
// and then a changed one: the preview keeps its id, and its version counts
// only the real change.
func TestTemplatePreviewsReapply(t *testing.T) {
	first := apptest.Start(t, apptest.WithProject(parseTestProject(t, previewProject)))
	a := newAPI(t, first)
	got := a.expect("GET", "/api/content/template-previews/marker/thumb?langCode=fr_FR", "", nil, 200).json(t)
	if got["version"] != float64(1) || got["attributeSetIdentifier"] != "preview_info" {
		t.Fatalf("thumb: got %v, want version 1 and its set", got)
	}
	checkJSON(t, "thumb values", got["attributeValues"], `{"note": {"type": "string", "value": "petit", "position": 1,
		"additionalFields": []}}`)

	again := apptest.Start(t, apptest.OnDatabase(first.DSN), apptest.WithProject(parseTestProject(t, previewProject)))
	same := newAPI(t, again).expect("GET", "/api/content/template-previews/marker/thumb?langCode=fr_FR", "", nil, 200).json(t)
	if !reflect.DeepEqual(same, got) {
		t.Errorf("re-applied: got %v, want %v", same, got)
	}
	var list []any
	if err := json.Unmarshal(newAPI(t, again).expect("GET", "/api/content/template-previews", "", nil, 200).raw, &list); err != nil || len(list) != 1 {
		t.Errorf("re-applied list: got %v, want the one preview", list)
	}

	changed := strings.Replace(previewProject, `"side": 120`, `"side": 160`, 1)
	third := apptest.Start(t, apptest.OnDatabase(first.DSN), apptest.WithProject(parseTestProject(t, changed)))
	moved := newAPI(t, third).expect("GET", "/api/content/template-previews/marker/thumb", "", nil, 200).json(t)
	if moved["id"] != got["id"] || moved["version"] != float64(2) {
		t.Errorf("changed: got id %v version %v, want id %v version 2", moved["id"], moved["version"], got["id"])
	}
	if side := moved["proportions"].(map[string]any)["default"].(map[string]any)["square"].(map[string]any)["side"]; side != float64(160) {
		t.Errorf("changed side: got %v, want 160", side)
	}
}

func TestTemplatePreviewsRefused(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"no square side", `"side": 120`, `"side": 0`, "square: side must be positive"},
		{"negative width", `"width": 3`, `"width": -3`, "width and height must be positive"},
		{"no alignment", `"alignmentType": "leftTop"`, `"alignmentType": ""`, "vertical: alignmentType"},
		{"values without a set", `"attributeSetIdentifier": "preview_info", `, ``, "attributeValues need an attributeSetIdentifier"},
		{"unknown set", `"attributeSetIdentifier": "preview_info"`, `"attributeSetIdentifier": "ghost"`, `attribute set "ghost" is not defined`},
		{"unknown value", `{"note": "small"}`, `{"color": "red"}`, "color"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(previewProject, tc.from, tc.to, 1)
			if src == previewProject {
				t.Fatalf("%q is not in the project", tc.from)
			}
			p, err := openentry.ParseProject([]byte(src))
			if err == nil {
				a, openErr := apptest.Open(apptest.DSN(t), p)
				if err = openErr; err == nil {
					a.Close()
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// sitemapProject has pages in a tree (one hidden, with a child; an error
// page) and products (one hidden) besides the demo project's 1, 2, 3, 14, 15.
const sitemapProject = `{
  "pages": [
    {"pageUrl": "catalog", "type": "catalog_page", "localizeInfos": {"en_US": {"title": "Catalog"}}},
    {"pageUrl": "chairs", "parentUrl": "catalog", "type": "catalog_page", "localizeInfos": {"en_US": {"title": "Chairs"}}},
    {"pageUrl": "secret", "hidden": true, "localizeInfos": {"en_US": {"title": "Secret"}}},
    {"pageUrl": "under_secret", "parentUrl": "secret", "localizeInfos": {"en_US": {"title": "Under"}}},
    {"pageUrl": "oops", "type": "error_page", "localizeInfos": {"en_US": {"title": "Not found"}}},
    {"pageUrl": "about", "localizeInfos": {"en_US": {"title": "About"}}}
  ],
  "products": [
    {"id": 501, "title": {"en_US": "Shown"}, "price": "1.00", "currency": "USD", "pages": ["chairs"]},
    {"id": 502, "title": {"en_US": "Hidden"}, "price": "1.00", "currency": "USD", "hidden": true}
  ]
}`

type urlset struct {
	XMLName xml.Name `xml:"urlset"`
	URLs    []struct {
		Loc string `xml:"loc"`
	} `xml:"url"`
}

func TestSitemap(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(parseTestProject(t, sitemapProject)))
	a := newAPI(t, srv)
	if got := string(a.expect("GET", "/api/content/sitemap/", "", nil, 200).raw); strings.TrimSpace(got) != "[]" {
		t.Errorf("getSitemap before any update: got %s, want []", got)
	}
	crawler := newAPI(t, srv)
	crawler.token = ""
	crawler.expect("GET", "/sitemap.xml", "", nil, 404)

	body := map[string]any{"baseUrls": map[string]string{"en_US": "https://shop.example/en", "fr_FR": "https://shop.example/fr/"}}
	var links []string
	if err := json.Unmarshal(a.expect("POST", "/api/content/sitemap/", "", body, 201).raw, &links); err != nil {
		t.Fatal(err)
	}
	want := []string{srv.BaseURL + "/cloud-static/files/project/sitemap/sitemap-000.xml"}
	if !reflect.DeepEqual(links, want) {
		t.Fatalf("updateSitemap: got %v, want %v", links, want)
	}
	var listed []string
	if err := json.Unmarshal(a.expect("GET", "/api/content/sitemap/", "", nil, 200).raw, &listed); err != nil || !reflect.DeepEqual(listed, want) {
		t.Errorf("getSitemap: got %v, want %v", listed, want)
	}

	file := crawler.expect("GET", "/cloud-static/files/project/sitemap/sitemap-000.xml", "", nil, 200)
	if ct := file.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("Content-Type: got %q, want application/xml", ct)
	}
	var doc urlset
	if err := xml.Unmarshal(file.raw, &doc); err != nil {
		t.Fatalf("sitemap: %v\n%s", err, file.raw)
	}
	var locs []string
	for _, u := range doc.URLs {
		locs = append(locs, u.Loc)
	}
	var wantLocs []string
	for _, base := range []string{"https://shop.example/en/", "https://shop.example/fr/"} {
		for _, p := range []string{"catalog", "catalog/chairs", "about", "product/1", "product/2", "product/3", "product/14",
			"product/15", "product/501"} {
			wantLocs = append(wantLocs, base+p)
		}
	}
	if !reflect.DeepEqual(locs, wantLocs) {
		t.Errorf("sitemap urls:\ngot  %v\nwant %v", locs, wantLocs)
	}
	if root := crawler.expect("GET", "/sitemap.xml", "", nil, 200); string(root.raw) != string(file.raw) {
		t.Errorf("/sitemap.xml differs from the one sitemap:\n%s", root.raw)
	}

	// A regeneration over the same content rewrites nothing.
	var stamp int64
	srv.QueryRow(t, "SELECT updated_ms FROM sitemaps WHERE name = 'sitemap-000.xml'").Scan(t, &stamp)
	a.expect("POST", "/api/content/sitemap/", "", body, 201)
	var again int64
	srv.QueryRow(t, "SELECT updated_ms FROM sitemaps WHERE name = 'sitemap-000.xml'").Scan(t, &again)
	if again != stamp {
		t.Errorf("updated_ms: got %d after an unchanged update, want %d", again, stamp)
	}
	if f := crawler.expect("GET", "/cloud-static/files/project/sitemap/sitemap-000.xml", "", nil, 200); string(f.raw) != string(file.raw) {
		t.Error("the same content gave a different sitemap")
	}

	// Another base replaces it.
	a.expect("POST", "/api/content/sitemap/", "", map[string]any{"baseUrls": map[string]string{"en_US": "https://other.example"}}, 201)
	if f := crawler.expect("GET", "/sitemap.xml", "", nil, 200); strings.Contains(string(f.raw), "shop.example") ||
		!strings.Contains(string(f.raw), "<loc>https://other.example/catalog/chairs</loc>") {
		t.Errorf("after a new base: %s", f.raw)
	}

	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"no body", nil, "baseUrls"},
		{"no bases", map[string]any{"baseUrls": map[string]string{}}, "baseUrls"},
		{"not a locale", map[string]any{"baseUrls": map[string]string{"en": "https://shop.example/"}}, `"en"`},
		{"relative", map[string]any{"baseUrls": map[string]string{"en_US": "/en/"}}, "absolute"},
		{"ftp", map[string]any{"baseUrls": map[string]string{"en_US": "ftp://shop.example/"}}, "absolute"},
		{"query", map[string]any{"baseUrls": map[string]string{"en_US": "https://shop.example/?a=1"}}, "query"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkError(t, a.do("POST", "/api/content/sitemap/", "", tc.body), 400, tc.want)
		})
	}
	crawler.expect("GET", "/cloud-static/files/project/sitemap/sitemap-001.xml", "", nil, 404)
	crawler.expect("GET", "/cloud-static/files/project/sitemap/other.xml", "", nil, 404)
	crawler.expect("GET", "/api/content/sitemap/", "", nil, 403)
}

// TestSitemapOrigins: with explicit corsOrigins, bases must be on one of them.
func TestSitemapOrigins(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(parseTestProject(t, `{"corsOrigins": ["https://shop.example"]}`)))
	a := newAPI(t, srv)
	a.expect("POST", "/api/content/sitemap/", "", map[string]any{"baseUrls": map[string]string{"en_US": "https://shop.example/en/"}}, 201)
	checkError(t, a.do("POST", "/api/content/sitemap/", "", map[string]any{"baseUrls": map[string]string{"en_US": "https://evil.example/"}}),
		400, "corsOrigins")
}
