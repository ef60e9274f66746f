package adminapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app/apptest"
)

type localeOut struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	NativeName string `json:"nativeName"`
	IsActive   bool   `json:"isActive"`
	IsDefault  bool   `json:"isDefault"`
	Position   int64  `json:"position"`
	Version    int64  `json:"version"`
}

func localesOf(t *testing.T, a *apptest.Admin) map[string]localeOut {
	t.Helper()
	var l struct {
		Items []localeOut `json:"items"`
		Total int64       `json:"total"`
	}
	a.Expect(t, "GET", "/api/admin/locales", nil, http.StatusOK, &l)
	out := map[string]localeOut{}
	for _, it := range l.Items {
		out[it.Code] = it
	}
	if int64(len(out)) != l.Total {
		t.Fatalf("locales: %d of %d", len(out), l.Total)
	}
	return out
}

// activeCodes is what Locales.getLocales lists.
func activeCodes(t *testing.T, api contentAPI) []string {
	t.Helper()
	var ls []struct {
		Code string `json:"code"`
	}
	api.get(t, "/api/content/locales/active/all", http.StatusOK, &ls)
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Code
	}
	return out
}

func TestLocalesAdmin(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	ls := localesOf(t, owner)
	if len(ls) != 2 || !ls["en_US"].IsDefault || ls["fr_FR"].IsDefault || !ls["fr_FR"].IsActive {
		t.Fatalf("demo locales %+v", ls)
	}

	// Create: listed by getLocales at once, journaled.
	var de localeOut
	owner.Expect(t, "POST", "/api/admin/locales", map[string]any{"code": "de_DE", "name": "German", "nativeName": "Deutsch"},
		http.StatusCreated, &de)
	if de.Version != 1 || !de.IsActive || de.IsDefault || de.Position != 3 {
		t.Errorf("created %+v", de)
	}
	if got := fmt.Sprint(activeCodes(t, api)); got != "[en_US fr_FR de_DE]" {
		t.Errorf("getLocales after a create: %s", got)
	}
	before, after, id := lastEntry(t, owner, "locale.create")
	if before != nil || after["code"] != "de_DE" || id != "de_DE" {
		t.Errorf("locale.create entry: %v %v %s", before, after, id)
	}

	// Update: hidden, renamed, first.
	var hidden localeOut
	owner.Expect(t, "PUT", "/api/admin/locales/de_DE", map[string]any{"version": 1, "name": "Deutsch", "isActive": false, "position": 1},
		http.StatusOK, &hidden)
	if hidden.Version != 2 || hidden.IsActive || hidden.Name != "Deutsch" || hidden.NativeName != "Deutsch" {
		t.Errorf("updated %+v", hidden)
	}
	if got := fmt.Sprint(activeCodes(t, api)); got != "[en_US fr_FR]" {
		t.Errorf("getLocales after hiding de_DE: %s", got)
	}
	before, after, _ = lastEntry(t, owner, "locale.update")
	if before["isActive"] != true || after["isActive"] != false || after["version"] != float64(2) {
		t.Errorf("locale.update entry: %v → %v", before, after)
	}
	owner.Expect(t, "PUT", "/api/admin/locales/de_DE", map[string]any{"version": 1, "name": "Stale"}, http.StatusConflict, nil)

	// A new default takes the place of the old one, whose version moves.
	owner.Expect(t, "PUT", "/api/admin/locales/fr_FR", map[string]any{"version": ls["fr_FR"].Version, "name": "French",
		"nativeName": "Français", "shortCode": "fr", "isDefault": true}, http.StatusOK, nil)
	now := localesOf(t, owner)
	if !now["fr_FR"].IsDefault || now["en_US"].IsDefault || now["en_US"].Version == ls["en_US"].Version {
		t.Errorf("after fr_FR became the default: %+v", now)
	}
	owner.Expect(t, "PUT", "/api/admin/locales/en_US", map[string]any{"version": ls["en_US"].Version, "name": "English", "isDefault": true},
		http.StatusConflict, nil)
	// The default stops being one only by another's taking it; it cannot be hidden.
	owner.Expect(t, "PUT", "/api/admin/locales/fr_FR", map[string]any{"version": now["fr_FR"].Version, "name": "French"},
		http.StatusBadRequest, nil)
	owner.Expect(t, "PUT", "/api/admin/locales/fr_FR", map[string]any{"version": now["fr_FR"].Version, "name": "French",
		"isDefault": true, "isActive": false}, http.StatusBadRequest, nil)

	// Bad input: 400 naming the field, nothing written.
	for name, body := range map[string]any{
		"malformed code": map[string]any{"code": "german", "name": "German"},
		"taken code":     map[string]any{"code": "en_US", "name": "English"},
		"no name":        map[string]any{"code": "it_IT"},
		"bad short code": map[string]any{"code": "it_IT", "name": "Italian", "shortCode": "i t"},
		"unknown field":  map[string]any{"code": "it_IT", "name": "Italian", "title": "x"},
		"wrong type":     map[string]any{"code": "it_IT", "name": 5},
		"not UTF-8":      "{\"code\": \"it_IT\", \"name\": \"\xff\"}",
		"hidden default": map[string]any{"code": "it_IT", "name": "Italian", "isDefault": true, "isActive": false},
		"negative place": map[string]any{"code": "it_IT", "name": "Italian", "position": -1},
	} {
		t.Run(name, func(t *testing.T) { owner.Expect(t, "POST", "/api/admin/locales", body, http.StatusBadRequest, nil) })
	}
	owner.Expect(t, "PUT", "/api/admin/locales/it_IT", map[string]any{"version": 1, "name": "Italian"}, http.StatusNotFound, nil)
	owner.Expect(t, "PUT", "/api/admin/locales/fr_FR", map[string]any{"name": "French", "isDefault": true}, http.StatusBadRequest, nil)
	if n := len(localesOf(t, owner)); n != 3 {
		t.Errorf("%d locales after refused writes, want 3", n)
	}

	// Delete: not the default, not one content has text in.
	owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/locales/fr_FR?version=%d", now["fr_FR"].Version), nil, http.StatusConflict, nil)
	body := owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/locales/en_US?version=%d", now["en_US"].Version), nil, http.StatusConflict, nil)
	if !bytes.Contains(body, []byte("isActive false")) {
		t.Errorf("refusing to delete en_US: %s, want it to say to hide it", body)
	}
	owner.Expect(t, "DELETE", "/api/admin/locales/de_DE", nil, http.StatusBadRequest, nil)
	owner.Expect(t, "DELETE", "/api/admin/locales/de_DE?version=1", nil, http.StatusConflict, nil)
	owner.Expect(t, "DELETE", "/api/admin/locales/de_DE?version=2", nil, http.StatusNoContent, nil)
	owner.Expect(t, "DELETE", "/api/admin/locales/de_DE?version=2", nil, http.StatusNotFound, nil)
	before, _, _ = lastEntry(t, owner, "locale.delete")
	if before["code"] != "de_DE" {
		t.Errorf("locale.delete entry before %v", before)
	}
}

// An empty locales table stands for en_US alone: the first locale added
// keeps en_US beside it.
func TestFirstLocaleKeepsTheImplicitOne(t *testing.T) {
	srv, owner, _ := start(t)
	api := newContentAPI(t, srv)
	if n := len(localesOf(t, owner)); n != 0 {
		t.Fatalf("%d stored locales in a bare project", n)
	}
	owner.Expect(t, "POST", "/api/admin/locales", map[string]any{"code": "es_ES", "name": "Spanish"}, http.StatusCreated, nil)
	if got := fmt.Sprint(activeCodes(t, api)); got != "[en_US es_ES]" {
		t.Errorf("getLocales: %s", got)
	}
	if ls := localesOf(t, owner); !ls["en_US"].IsDefault || ls["es_ES"].IsDefault {
		t.Errorf("locales %+v", ls)
	}
}

// The Content API resolves langCode against the project's locales through
// a cache read at most every 5 s: a new locale answers its bare language
// (de → de_CH, where the fixed rule would say de_DE) after that time at
// the latest, while getLocales lists it at once.
func TestLocaleChangeReachesLangCodeWithinTheCache(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	srv, owner, _ := start(t, apptest.WithDemoShop(), apptest.WithClock(clock))
	api := newContentAPI(t, srv)
	owner.Expect(t, "POST", "/api/admin/pages", map[string]any{"pageUrl": "hallo", "localizeInfos": map[string]any{
		"en_US": map[string]string{"title": "Hello"}, "de_CH": map[string]string{"title": "Grüezi"}}}, http.StatusCreated, nil)
	title := func() string {
		var p contentPage
		api.get(t, "/api/content/pages/url/hallo?langCode=de", http.StatusOK, &p)
		return p.LocalizeInfos.Title
	}
	if got := title(); got != "Hello" {
		t.Fatalf("de before de_CH exists: %q", got)
	}
	owner.Expect(t, "POST", "/api/admin/locales", map[string]any{"code": "de_CH", "name": "Swiss German"}, http.StatusCreated, nil)
	if got := fmt.Sprint(activeCodes(t, api)); got != "[en_US fr_FR de_CH]" {
		t.Errorf("getLocales right after the create: %s", got)
	}
	if got := title(); got != "Hello" {
		t.Errorf("de within the cache's 5 s: %q, want the old resolution", got)
	}
	offset.Store(int64(6 * time.Second))
	if got := title(); got != "Grüezi" {
		t.Errorf("de after 6 s: %q, want the de_CH text", got)
	}
}

type templateOut struct {
	Identifier             string                                `json:"identifier"`
	Type                   string                                `json:"type"`
	Title                  map[string]string                     `json:"title"`
	Position               int64                                 `json:"position"`
	AttributeSetIdentifier string                                `json:"attributeSetIdentifier"`
	AttributeValues        map[string]map[string]json.RawMessage `json:"attributeValues"`
	Version                int64                                 `json:"version"`
}

func (o templateOut) body() map[string]any {
	return map[string]any{"version": o.Version, "type": o.Type, "title": o.Title,
		"attributeSetIdentifier": o.AttributeSetIdentifier, "attributeValues": o.AttributeValues}
}

type contentTemplate struct {
	Identifier    string `json:"identifier"`
	Title         string `json:"title"`
	GeneralTypeID int64  `json:"generalTypeId"`
	Version       int64  `json:"version"`
}

func TestTemplatesAdmin(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	var all struct {
		Items []templateOut `json:"items"`
		Total int64         `json:"total"`
	}
	owner.Expect(t, "GET", "/api/admin/templates", nil, http.StatusOK, &all)
	if all.Total != 2 || all.Items[0].Identifier != "withSidebar" {
		t.Fatalf("templates %+v", all)
	}
	var card templateOut
	owner.Expect(t, "GET", "/api/admin/templates/product_card", nil, http.StatusOK, &card)
	b := card.body()
	b["title"] = map[string]string{"en_US": "Product card", "fr_FR": "Fiche produit"}
	var changed templateOut
	owner.Expect(t, "PUT", "/api/admin/templates/product_card", b, http.StatusOK, &changed)
	if changed.Version != card.Version+1 || changed.Position != card.Position || changed.Title["fr_FR"] != "Fiche produit" {
		t.Errorf("updated %+v", changed)
	}
	var got contentTemplate
	api.get(t, "/api/content/templates/marker/product_card?langCode=fr_FR", http.StatusOK, &got)
	if got.Title != "Fiche produit" || got.Version != changed.Version {
		t.Errorf("Templates.getTemplateByMarker(product_card) = %+v", got)
	}
	before, after, id := lastEntry(t, owner, "template.update")
	if id != "product_card" || before["version"] == after["version"] {
		t.Errorf("template.update entry %s: %v → %v", id, before, after)
	}
	owner.Expect(t, "PUT", "/api/admin/templates/product_card", b, http.StatusConflict, nil) // b holds the old version

	// Create, with values checked against the set.
	var landing templateOut
	owner.Expect(t, "POST", "/api/admin/templates", map[string]any{"identifier": "landing", "type": "common_page",
		"title": map[string]string{"en_US": "Landing"}, "attributeSetIdentifier": "page",
		"attributeValues": map[string]any{"en_US": map[string]any{"price_filter": "Price"}}}, http.StatusCreated, &landing)
	if landing.Version != 1 || landing.Position <= changed.Position {
		t.Errorf("created %+v", landing)
	}
	api.get(t, "/api/content/templates/marker/landing?langCode=en_US", http.StatusOK, &got)
	if got.Title != "Landing" || got.GeneralTypeID == 0 {
		t.Errorf("Templates.getTemplateByMarker(landing) = %+v", got)
	}
	var byType []contentTemplate
	api.get(t, "/api/content/templates?type=common_page&langCode=en_US", http.StatusOK, &byType)
	if len(byType) != 2 {
		t.Errorf("Templates.getTemplateByType(common_page) = %+v", byType)
	}
	_, after, _ = lastEntry(t, owner, "template.create")
	if after["identifier"] != "landing" {
		t.Errorf("template.create entry %v", after)
	}
	for name, body := range map[string]any{
		"taken marker":       map[string]any{"identifier": "landing", "type": "common_page"},
		"malformed marker":   map[string]any{"identifier": "a b", "type": "common_page"},
		"unknown type":       map[string]any{"identifier": "x", "type": "poster"},
		"unknown set":        map[string]any{"identifier": "x", "type": "common_page", "attributeSetIdentifier": "nope"},
		"value wrong type":   map[string]any{"identifier": "x", "type": "common_page", "attributeSetIdentifier": "page", "attributeValues": map[string]any{"en_US": map[string]any{"price_filter": 5}}},
		"value without set":  map[string]any{"identifier": "x", "type": "common_page", "attributeValues": map[string]any{"en_US": map[string]any{"price_filter": "x"}}},
		"title not a string": map[string]any{"identifier": "x", "type": "common_page", "title": map[string]any{"en_US": 1}},
		"not UTF-8":          "{\"identifier\": \"x\", \"type\": \"common_page\", \"title\": {\"en_US\": \"\xff\"}}",
	} {
		t.Run(name, func(t *testing.T) { owner.Expect(t, "POST", "/api/admin/templates", body, http.StatusBadRequest, nil) })
	}
	api.get(t, "/api/content/templates/marker/x?langCode=en_US", http.StatusNotFound, nil)
	owner.Expect(t, "PUT", "/api/admin/templates/nope", map[string]any{"version": 1, "type": "common_page"}, http.StatusNotFound, nil)
	owner.Expect(t, "GET", "/api/admin/templates/nope", nil, http.StatusNotFound, nil)

	// Delete: not while pages name it.
	var side templateOut
	owner.Expect(t, "GET", "/api/admin/templates/withSidebar", nil, http.StatusOK, &side)
	body := owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/templates/withSidebar?version=%d", side.Version), nil, http.StatusConflict, nil)
	if !bytes.Contains(body, []byte("profile")) {
		t.Errorf("refusing to delete withSidebar: %s, want the pages named", body)
	}
	owner.Expect(t, "DELETE", "/api/admin/templates/landing?version=2", nil, http.StatusConflict, nil)
	owner.Expect(t, "DELETE", "/api/admin/templates/landing?version=1", nil, http.StatusNoContent, nil)
	api.get(t, "/api/content/templates/marker/landing?langCode=en_US", http.StatusNotFound, nil)
	before, _, _ = lastEntry(t, owner, "template.delete")
	if before["identifier"] != "landing" {
		t.Errorf("template.delete entry before %v", before)
	}
}

func TestTemplatePreviewsAdmin(t *testing.T) {
	srv, owner, c := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	var all struct {
		Items []struct {
			Identifier string `json:"identifier"`
			Version    int64  `json:"version"`
		} `json:"items"`
		Total int64 `json:"total"`
	}
	owner.Expect(t, "GET", "/api/admin/template-previews", nil, http.StatusOK, &all)
	if all.Total == 0 || all.Items[0].Identifier != "product_card" {
		t.Fatalf("previews %+v", all)
	}
	banner := map[string]any{"identifier": "banner", "title": map[string]string{"en_US": "Banner"},
		"proportions": map[string]any{"default": map[string]any{
			"horizontal": map[string]any{"width": 1200, "height": 400, "alignmentType": "center"},
			"square":     map[string]any{"side": 400, "alignmentType": "leftTop"}}}}
	var made struct {
		Version     int64 `json:"version"`
		Proportions struct {
			Default struct {
				Horizontal *struct {
					Width int64 `json:"width"`
				} `json:"horizontal"`
			} `json:"default"`
		} `json:"proportions"`
	}
	owner.Expect(t, "POST", "/api/admin/template-previews", banner, http.StatusCreated, &made)
	if made.Version != 1 || made.Proportions.Default.Horizontal == nil || made.Proportions.Default.Horizontal.Width != 1200 {
		t.Errorf("created %+v", made)
	}
	var got struct {
		Title string `json:"title"`
	}
	api.get(t, "/api/content/template-previews/marker/banner?langCode=en_US", http.StatusOK, &got)
	if got.Title != "Banner" {
		t.Errorf("TemplatePreviews.getTemplatePreviewByMarker(banner) = %+v", got)
	}
	_, after, _ := lastEntry(t, owner, "template_preview.create")
	if after["identifier"] != "banner" {
		t.Errorf("template_preview.create entry %v", after)
	}
	delete(banner, "identifier")
	banner["version"], banner["title"] = 1, map[string]string{"en_US": "Wide banner"}
	owner.Expect(t, "PUT", "/api/admin/template-previews/banner", banner, http.StatusOK, nil)
	api.get(t, "/api/content/template-previews/marker/banner?langCode=en_US", http.StatusOK, &got)
	if got.Title != "Wide banner" {
		t.Errorf("after the update: %+v", got)
	}
	before, after, _ := lastEntry(t, owner, "template_preview.update")
	if before["version"] != float64(1) || after["version"] != float64(2) {
		t.Errorf("template_preview.update entry %v → %v", before, after)
	}
	owner.Expect(t, "PUT", "/api/admin/template-previews/banner", banner, http.StatusConflict, nil)
	banner["version"] = 2
	banner["proportions"] = map[string]any{"default": map[string]any{"square": map[string]any{"side": 0, "alignmentType": "center"}}}
	owner.Expect(t, "PUT", "/api/admin/template-previews/banner", banner, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/template-previews", map[string]any{"identifier": "banner",
		"proportions": map[string]any{"default": map[string]any{"square": map[string]any{"side": 10, "alignmentType": "center"}}}},
		http.StatusBadRequest, nil)
	viewer := as(t, srv, c, "viewer@shop.test", "viewer")
	viewer.Expect(t, "GET", "/api/admin/template-previews/banner", nil, http.StatusOK, nil)
	viewer.Expect(t, "DELETE", "/api/admin/template-previews/banner?version=2", nil, http.StatusForbidden, nil)
	viewer.Expect(t, "POST", "/api/admin/template-previews", map[string]any{"identifier": "x"}, http.StatusForbidden, nil)
	viewer.Expect(t, "PUT", "/api/admin/template-previews/banner", banner, http.StatusForbidden, nil)
	owner.Expect(t, "DELETE", "/api/admin/template-previews/banner?version=2", nil, http.StatusNoContent, nil)
	api.get(t, "/api/content/template-previews/marker/banner?langCode=en_US", http.StatusNotFound, nil)
	owner.Expect(t, "GET", "/api/admin/template-previews/banner", nil, http.StatusNotFound, nil)
	if before, _, _ := lastEntry(t, owner, "template_preview.delete"); before["identifier"] != "banner" {
		t.Errorf("template_preview.delete entry %v", before)
	}
}

type collectionOut struct {
	ID                       int64             `json:"id"`
	Identifier               string            `json:"identifier"`
	FormIdentifier           string            `json:"formIdentifier"`
	Title                    map[string]string `json:"title"`
	SelectedAttributeMarkers []string          `json:"selectedAttributeMarkers"`
	RowsPublic               bool              `json:"rowsPublic"`
	Version                  int64             `json:"version"`
}

func (o collectionOut) body() map[string]any {
	return map[string]any{"version": o.Version, "formIdentifier": o.FormIdentifier, "title": o.Title,
		"selectedAttributeMarkers": o.SelectedAttributeMarkers, "rowsPublic": o.RowsPublic}
}

type rowsOut struct {
	Items []struct {
		ID       int64           `json:"id"`
		UserID   int64           `json:"userId"`
		FormData json.RawMessage `json:"formData"`
	} `json:"items"`
	Total int64 `json:"total"`
}

func TestCollectionsAdmin(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	const ic = "/api/content/integration-collections"

	var reviews collectionOut
	owner.Expect(t, "POST", "/api/admin/collections", map[string]any{"identifier": "reviews", "formIdentifier": "comment_to_product",
		"title": map[string]string{"en_US": "Reviews"}, "selectedAttributeMarkers": []string{"rating"}, "rowsPublic": true},
		http.StatusCreated, &reviews)
	if reviews.Version != 1 || reviews.ID == 0 || !reviews.RowsPublic {
		t.Fatalf("created %+v", reviews)
	}
	var valid struct {
		Valid bool `json:"valid"`
	}
	api.get(t, ic+"/marker-validation/reviews", http.StatusOK, &valid)
	var one struct {
		Identifier    string `json:"identifier"`
		LocalizeInfos struct {
			Title string `json:"title"`
		} `json:"localizeInfos"`
	}
	api.get(t, fmt.Sprintf("%s/%d?langCode=en_US", ic, reviews.ID), http.StatusOK, &one)
	if !valid.Valid || one.Identifier != "reviews" || one.LocalizeInfos.Title != "Reviews" {
		t.Errorf("IntegrationCollections after the create: valid %v, %+v", valid.Valid, one)
	}
	_, after, id := lastEntry(t, owner, "collection.create")
	if id != "reviews" || after["formIdentifier"] != "comment_to_product" {
		t.Errorf("collection.create entry %s %v", id, after)
	}
	for name, body := range map[string]any{
		"taken marker":                map[string]any{"identifier": "reviews", "formIdentifier": "comment_to_product"},
		"malformed marker":            map[string]any{"identifier": "a b", "formIdentifier": "comment_to_product"},
		"unknown form":                map[string]any{"identifier": "x", "formIdentifier": "nope"},
		"column not a form attribute": map[string]any{"identifier": "x", "formIdentifier": "comment_to_product", "selectedAttributeMarkers": []string{"colour"}},
		"unknown field":               map[string]any{"identifier": "x", "formIdentifier": "comment_to_product", "rows": 1},
	} {
		t.Run(name, func(t *testing.T) {
			owner.Expect(t, "POST", "/api/admin/collections", body, http.StatusBadRequest, nil)
		})
	}

	// Rows a user wrote, every user's, paged.
	shopper := demoShopper(t, srv)
	rows := ic + "/marker/reviews/rows"
	for i := range 3 {
		shopper.expect("POST", rows+"?langCode=en_US", map[string]any{"formData": []map[string]any{
			{"marker": "rating", "type": "integer", "value": i + 3}, {"marker": "comment_description", "type": "text", "value": fmt.Sprint("review ", i)}}},
			http.StatusCreated, nil)
	}
	var page rowsOut
	owner.Expect(t, "GET", "/api/admin/collections/reviews/rows?offset=1&limit=1", nil, http.StatusOK, &page)
	if page.Total != 3 || len(page.Items) != 1 || page.Items[0].UserID == 0 {
		t.Fatalf("a page of rows %+v", page)
	}
	owner.Expect(t, "GET", "/api/admin/collections/reviews/rows", nil, http.StatusOK, &page)
	if len(page.Items) != 3 || !bytes.Contains(page.Items[0].FormData, []byte("review 2")) {
		t.Errorf("rows, newest first: %+v", page)
	}
	owner.Expect(t, "GET", "/api/admin/collections/nope/rows", nil, http.StatusNotFound, nil)
	owner.Expect(t, "GET", "/api/admin/collections/reviews/rows?limit=0", nil, http.StatusBadRequest, nil)

	// Update: the title reaches the Content API; the form stays while rows exist.
	b := reviews.body()
	b["title"] = map[string]string{"en_US": "Customer reviews"}
	var changed collectionOut
	owner.Expect(t, "PUT", "/api/admin/collections/reviews", b, http.StatusOK, &changed)
	api.get(t, fmt.Sprintf("%s/%d?langCode=en_US", ic, reviews.ID), http.StatusOK, &one)
	if changed.Version != 2 || one.LocalizeInfos.Title != "Customer reviews" {
		t.Errorf("after the update: %+v, content %+v", changed, one)
	}
	before, after, _ := lastEntry(t, owner, "collection.update")
	if before["version"] != float64(1) || after["version"] != float64(2) {
		t.Errorf("collection.update entry %v → %v", before, after)
	}
	owner.Expect(t, "PUT", "/api/admin/collections/reviews", b, http.StatusConflict, nil) // stale
	b = changed.body()
	b["formIdentifier"], b["selectedAttributeMarkers"] = "order", []string{}
	owner.Expect(t, "PUT", "/api/admin/collections/reviews", b, http.StatusConflict, nil)
	b["formIdentifier"], b["selectedAttributeMarkers"] = "comment_to_product", []string{"nope"}
	owner.Expect(t, "PUT", "/api/admin/collections/reviews", b, http.StatusBadRequest, nil)
	owner.Expect(t, "PUT", "/api/admin/collections/nope", map[string]any{"version": 1, "formIdentifier": "order"}, http.StatusNotFound, nil)

	// Delete: rows first (moderation), then the collection.
	owner.Expect(t, "DELETE", "/api/admin/collections/reviews?version=2", nil, http.StatusConflict, nil)
	for _, r := range page.Items {
		owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/collections/reviews/rows/%d", r.ID), nil, http.StatusNoContent, nil)
	}
	before, _, id = lastEntry(t, owner, "collection_row.delete")
	if id != fmt.Sprint(page.Items[2].ID) || before["userId"] != float64(page.Items[2].UserID) {
		t.Errorf("collection_row.delete entry %s: %v", id, before)
	}
	owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/collections/reviews/rows/%d", page.Items[0].ID), nil, http.StatusNotFound, nil)
	owner.Expect(t, "DELETE", "/api/admin/collections/reviews/rows/x", nil, http.StatusBadRequest, nil)
	var content struct {
		Total int64 `json:"total"`
	}
	api.get(t, rows+"?langCode=en_US", http.StatusOK, &content)
	if content.Total != 0 {
		t.Errorf("Content API rows after moderation: %d", content.Total)
	}
	owner.Expect(t, "DELETE", "/api/admin/collections/reviews?version=2", nil, http.StatusNoContent, nil)
	api.get(t, ic+"/marker-validation/reviews", http.StatusOK, &valid)
	if valid.Valid {
		t.Error("the deleted collection's marker is still taken")
	}
	before, _, _ = lastEntry(t, owner, "collection.delete")
	if before["identifier"] != "reviews" {
		t.Errorf("collection.delete entry %v", before)
	}
}

func TestSetupRoles(t *testing.T) {
	srv, owner, c := start(t, apptest.WithDemoShop())
	ls := localesOf(t, owner)
	var tpl templateOut
	owner.Expect(t, "GET", "/api/admin/templates/product_card", nil, http.StatusOK, &tpl)
	var col collectionOut
	owner.Expect(t, "POST", "/api/admin/collections", map[string]any{"identifier": "notes", "formIdentifier": "comment_to_product"},
		http.StatusCreated, &col)
	fr := map[string]any{"version": ls["fr_FR"].Version, "name": "French", "nativeName": "Français", "shortCode": "fr"}
	writes := []adminCall{
		{"POST", "/api/admin/locales", map[string]any{"code": "it_IT", "name": "Italian"}},
		{"PUT", "/api/admin/locales/fr_FR", fr},
		{"DELETE", "/api/admin/locales/fr_FR?version=1", nil},
		{"POST", "/api/admin/templates", map[string]any{"identifier": "by_role", "type": "common_page"}},
		{"PUT", "/api/admin/templates/product_card", tpl.body()},
		{"DELETE", "/api/admin/templates/product_card?version=1", nil},
		{"POST", "/api/admin/collections", map[string]any{"identifier": "by_role", "formIdentifier": "order"}},
		{"PUT", "/api/admin/collections/notes", col.body()},
		{"DELETE", "/api/admin/collections/notes?version=1", nil},
		{"DELETE", "/api/admin/collections/notes/rows/1", nil},
	}
	reads := []string{"/api/admin/locales", "/api/admin/templates", "/api/admin/templates/product_card", "/api/admin/collections",
		"/api/admin/collections/notes", "/api/admin/collections/notes/rows"}
	expectReadOnly(t, srv, owner, c, []string{"support", "viewer"}, writes, reads)
	for _, action := range []string{"locale.", "template.", "collection_row."} {
		var j journal
		owner.Expect(t, "GET", "/api/admin/journal?action="+action, nil, http.StatusOK, &j)
		if j.Total != 0 {
			t.Errorf("refused writes left %d %s journal entries", j.Total, action)
		}
	}
	manager := as(t, srv, c, "manager@shop.test", "manager")
	manager.Expect(t, "PUT", "/api/admin/locales/fr_FR", fr, http.StatusOK, nil)
	manager.Expect(t, "PUT", "/api/admin/templates/product_card", tpl.body(), http.StatusOK, nil)
	managerKey := owner.KeyAs(t, "manager").Via(c.Proxy(srv.BaseURL))
	managerKey.Expect(t, "PUT", "/api/admin/collections/notes", col.body(), http.StatusOK, nil)
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action=collection.update", nil, http.StatusOK, &j)
	if j.Total != 1 || j.Items[0].ActorKind != "api_key" {
		t.Errorf("manager key's collection.update: %+v", j)
	}
	anon := &apptest.Admin{Base: c.Proxy(srv.BaseURL)}
	anon.Expect(t, "GET", "/api/admin/locales", nil, http.StatusUnauthorized, nil)
}

// The project file is applied again at every start: the same file leaves
// the locales' versions alone, so an open editor's read stays valid.
func TestReapplyKeepsLocaleVersions(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	ls := localesOf(t, owner)
	again := apptest.Start(t, apptest.OnDatabase(srv.DSN), apptest.WithDemoShop())
	owner2 := again.Staff(t, "owner2@shop.test", "owner")
	var now struct {
		Items []localeOut `json:"items"`
	}
	owner2.Expect(t, "GET", "/api/admin/locales", nil, http.StatusOK, &now)
	for _, l := range now.Items {
		if l.Version != ls[l.Code].Version {
			t.Errorf("%s: version %d after re-applying the same file, was %d", l.Code, l.Version, ls[l.Code].Version)
		}
	}
	owner2.Expect(t, "PUT", "/api/admin/locales/fr_FR", map[string]any{"version": ls["fr_FR"].Version, "name": "French"}, http.StatusOK, nil)
}

// What the file lists it sets again at the next start: an admin edit of a
// template the file defines is undone, and its version moves so that an
// editor holding the edited version gets a 409.
func TestReapplyRestoresFileTemplates(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	var card templateOut
	owner.Expect(t, "GET", "/api/admin/templates/product_card", nil, http.StatusOK, &card)
	b := card.body()
	b["title"] = map[string]string{"en_US": "Edited"}
	var edited templateOut
	owner.Expect(t, "PUT", "/api/admin/templates/product_card", b, http.StatusOK, &edited)
	owner.Expect(t, "POST", "/api/admin/templates", map[string]any{"identifier": "staff_made", "type": "common_page"}, http.StatusCreated, nil)

	again := apptest.Start(t, apptest.OnDatabase(srv.DSN), apptest.WithDemoShop())
	owner2 := again.Staff(t, "owner2@shop.test", "owner")
	var now templateOut
	owner2.Expect(t, "GET", "/api/admin/templates/product_card", nil, http.StatusOK, &now)
	if now.Title["en_US"] != card.Title["en_US"] || now.Version <= edited.Version {
		t.Errorf("product_card after the re-apply: %q at version %d, want the file's %q past %d", now.Title["en_US"], now.Version,
			card.Title["en_US"], edited.Version)
	}
	owner2.Expect(t, "GET", "/api/admin/templates/staff_made", nil, http.StatusOK, nil)
}

// Writes racing at one version: one wins, the others are told, none is lost.
func TestConcurrentSetupWritesOneWins(t *testing.T) {
	_, owner, _ := start(t, apptest.WithDemoShop())
	fr := localesOf(t, owner)["fr_FR"]
	var card templateOut
	owner.Expect(t, "GET", "/api/admin/templates/product_card", nil, http.StatusOK, &card)
	for _, tc := range []struct {
		path, action string
		body         func(i int) map[string]any
	}{
		{"/api/admin/locales/fr_FR", "locale.update", func(i int) map[string]any {
			return map[string]any{"version": fr.Version, "name": fmt.Sprint("writer ", i)}
		}},
		{"/api/admin/templates/product_card", "template.update", func(i int) map[string]any {
			b := card.body()
			b["title"] = map[string]string{"en_US": fmt.Sprint("writer ", i)}
			return b
		}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			won := race(t, owner, 4, tc.path, tc.body)
			var j journal
			owner.Expect(t, "GET", "/api/admin/journal?action="+tc.action, nil, http.StatusOK, &j)
			if won != 1 || j.Total != 1 {
				t.Errorf("%d writes won, %d journal entries; want exactly one", won, j.Total)
			}
		})
	}
}

// race sends n PUTs to path at once, body(i) the i-th, and returns how
// many won; every other must be a 409.
func race(t *testing.T, a *apptest.Admin, n int, path string, body func(i int) map[string]any) int {
	t.Helper()
	statuses := make(chan int, n)
	for i := range n {
		go func() {
			status, _, _ := a.Do(t, "PUT", path, body(i))
			statuses <- status
		}()
	}
	won := 0
	for range n {
		switch s := <-statuses; s {
		case http.StatusOK:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("a racing write answered %d", s)
		}
	}
	return won
}
