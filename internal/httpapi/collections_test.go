package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

const collectionsPath = "/api/content/integration-collections"

// collectionsProject has a private wishlist (rows their owner's) and a
// public faq, each over its own form.
var collectionsProject = apptest.CollectionsProject

func parsedCollectionsProject(t *testing.T) *openentry.Project {
	t.Helper()
	p, err := openentry.ParseProject([]byte(collectionsProject))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wish(product any, note string) map[string]any {
	return map[string]any{"formIdentifier": "wish", "formData": []map[string]any{
		{"marker": "product_id", "type": "integer", "value": product}, {"marker": "note", "type": "string", "value": note}}}
}

func rowsOf(t *testing.T, a *api, bearer, path string) (items []map[string]any, total int) {
	t.Helper()
	var page struct {
		Items []map[string]any
		Total int
	}
	r := a.expect("GET", path, bearer, nil, 200)
	if err := json.Unmarshal(r.raw, &page); err != nil {
		t.Fatalf("rows: %s", r.raw)
	}
	return page.Items, page.Total
}

func TestCollections(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(parsedCollectionsProject(t)))
	a := newAPI(t, srv)

	// Collections are public, in the file's order, in langCode.
	cols := a.expect("GET", collectionsPath+"?langCode=fr_FR&offset=0&limit=30", "", nil, 200).list(t)
	if len(cols) != 2 {
		t.Fatalf("collections: %v", cols)
	}
	wl := cols[0].(map[string]any)
	checkKeys(t, "collection", wl, "id", "identifier", "formId", "localizeInfos", "attributeSetId", "selectedAttributeMarkers")
	if wl["identifier"] != "wishlist" || wl["selectedAttributeMarkers"] != "product_id,note" || wl["attributeSetId"] != nil {
		t.Errorf("wishlist: %v", wl)
	}
	if _, ok := wl["formId"].(float64); !ok {
		t.Errorf("formId: got %v, want the form's id", wl["formId"])
	}
	checkJSON(t, "localizeInfos in fr_FR", wl["localizeInfos"], `{"title": "Envies"}`)
	if faq := cols[1].(map[string]any); faq["identifier"] != "faq" || faq["selectedAttributeMarkers"] != nil {
		t.Errorf("faq: %v", faq)
	}
	wlID := id(t, wl)
	one := a.expect("GET", fmt.Sprintf("%s/%d", collectionsPath, wlID), "", nil, 200).json(t)
	checkJSON(t, "getICollectionById", one["localizeInfos"], `{"title": "Wishlist"}`)
	checkError(t, a.do("GET", collectionsPath+"/999", "", nil), 404, "999")
	checkError(t, a.do("GET", collectionsPath+"/999/rows", "", nil), 404, "999")
	for marker, want := range map[string]bool{"wishlist": true, "faq": true, "nope": false} {
		if got := a.expect("GET", collectionsPath+"/marker-validation/"+marker, "", nil, 200).json(t)["valid"]; got != want {
			t.Errorf("marker-validation/%s: got %v, want %v", marker, got, want)
		}
	}

	// Rows need a signed-in user; their values come back as strings.
	rows := collectionsPath + "/marker/wishlist/rows"
	checkError(t, a.do("POST", rows, "", wish(14, "")), 401, "")
	ann := a.loginDemo()
	bob := a.signUpAndLogin("bob@example.com")
	body := wish(14, "for winter")
	body["entityType"], body["entityId"] = "products", 14
	created := a.expect("POST", rows+"?langCode=en_US", ann.Access, body, 201).json(t)
	checkKeys(t, "row", created, "id", "createdDate", "updatedDate", "collectionId", "formData", "entityType", "entityId", "attributeSetIdentifier")
	if created["collectionId"] != float64(wlID) || created["entityType"] != "products" || created["entityId"] != float64(14) {
		t.Errorf("created row: %v", created)
	}
	checkJSON(t, "created formData", created["formData"], `[
		{"marker": "product_id", "type": "integer", "value": "14"}, {"marker": "note", "type": "string", "value": "for winter"}]`)
	if d := created["createdDate"].(string); len(d) != len("2025-04-30T20:15:29.254Z") || !strings.HasSuffix(d, "Z") {
		t.Errorf("createdDate %q is not OneEntry's layout", d)
	}
	mine := id(t, created)
	a.expect("POST", rows, ann.Access, map[string]any{"formData": map[string]any{"en_US": []map[string]any{{"marker": "product_id", "value": "15"}}}}, 201)
	a.expect("POST", rows, ann.Access, wish(16, ""), 201)
	bobs := id(t, a.expect("POST", rows, bob.Access, wish(17, "bob's"), 201).json(t))

	// Bad rows: 4xx naming the field, nothing written.
	before := count(t, srv, "collection_rows")
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		message    string
	}{
		{"unknown collection", collectionsPath + "/marker/nope/rows", wish(1, ""), 404, "nope"},
		{"required value missing", rows, map[string]any{"formData": []map[string]any{{"marker": "note", "value": "x"}}}, 400, "product_id"},
		{"wrong type", rows, wish("fourteen", ""), 400, "product_id"},
		{"unknown column", rows, map[string]any{"formData": []map[string]any{{"marker": "product_id", "value": 1}, {"marker": "colour", "value": "red"}}}, 400, "colour"},
		{"another form", rows, map[string]any{"formIdentifier": "faq_form", "formData": []map[string]any{{"marker": "product_id", "value": 1}}}, 400, "formIdentifier"},
		{"no data", rows, map[string]any{}, 400, "product_id"},
		{"entityId not an integer", rows, map[string]any{"formData": []map[string]any{{"marker": "product_id", "value": 1}}, "entityId": 1.5}, 400, "entityId"},
		{"invalid UTF-8", rows, []byte("{\"formData\":[{\"marker\":\"product_id\",\"value\":1},{\"marker\":\"note\",\"value\":\"\xff\"}]}"), 400, "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkError(t, a.do("POST", tc.path, ann.Access, tc.body), tc.status, tc.message) })
	}
	if n := count(t, srv, "collection_rows"); n != before {
		t.Errorf("refused rows were stored: %d, want %d", n, before)
	}

	// A private collection's rows are their owner's: newest first, paged, filtered.
	if items, total := rowsOf(t, a, ann.Access, rows+"?langCode=en_US"); total != 3 || len(items) != 3 || items[2]["id"] != float64(mine) {
		t.Errorf("Ann's rows: %d %v", total, items)
	}
	if items, total := rowsOf(t, a, ann.Access, fmt.Sprintf("%s/%d/rows?offset=1&limit=1", collectionsPath, wlID)); total != 3 || len(items) != 1 {
		t.Errorf("a page of Ann's rows: %d %v", total, items)
	}
	if items, total := rowsOf(t, a, ann.Access, fmt.Sprintf("%s/%d/rows?entityType=products&entityId=14", collectionsPath, wlID)); total != 1 || items[0]["id"] != float64(mine) {
		t.Errorf("Ann's rows of product 14: %d %v", total, items)
	}
	if _, total := rowsOf(t, a, "", rows); total != 0 {
		t.Errorf("a guest sees %d private rows", total)
	}
	if _, total := rowsOf(t, a, bob.Access, rows); total != 1 {
		t.Errorf("Bob sees %d rows, want his 1", total)
	}
	checkError(t, a.do("GET", rows+"?limit=501", ann.Access, nil), 400, "limit")
	checkError(t, a.do("GET", rows+"?entityId=x", ann.Access, nil), 400, "entityId")
	row := fmt.Sprintf("%s/%d", rows, mine)
	a.expect("GET", row+"?langCode=en_US", ann.Access, nil, 200)
	checkError(t, a.do("GET", row, bob.Access, nil), 404, "")
	checkError(t, a.do("GET", row, "", nil), 404, "")
	checkError(t, a.do("GET", fmt.Sprintf("%s/marker/faq/rows/%d", collectionsPath, mine), ann.Access, nil), 404, "")

	// Only the owner changes or deletes a row; another's is a 404.
	checkError(t, a.do("PUT", row, bob.Access, wish(20, "mine now")), 404, "")
	checkError(t, a.do("PUT", row, "", wish(20, "")), 401, "")
	checkError(t, a.do("PUT", row, ann.Access, wish("x", "")), 400, "product_id")
	updated := a.expect("PUT", row+"?langCode=en_US", ann.Access, wish(20, "changed"), 200).json(t)
	checkJSON(t, "updated formData", updated["formData"], `[
		{"marker": "product_id", "type": "integer", "value": "20"}, {"marker": "note", "type": "string", "value": "changed"}]`)
	if updated["entityId"] != float64(14) {
		t.Errorf("an update dropped the row's link: %v", updated)
	}
	checkError(t, a.do("DELETE", row, bob.Access, nil), 404, "")
	if got := strings.TrimSpace(string(a.expect("DELETE", row, ann.Access, nil, 200).raw)); got != "true" {
		t.Errorf("delete answered %s, want true", got)
	}
	checkError(t, a.do("DELETE", row, ann.Access, nil), 404, "")
	a.expect("GET", fmt.Sprintf("%s/%d", rows, bobs), bob.Access, nil, 200)

	// A public collection's rows are anyone's to read.
	faq := collectionsPath + "/marker/faq/rows"
	q := id(t, a.expect("POST", faq, bob.Access, map[string]any{"formData": []map[string]any{{"marker": "question", "value": "Shipping?"}}}, 201).json(t))
	if items, total := rowsOf(t, a, "", faq); total != 1 || items[0]["id"] != float64(q) {
		t.Errorf("faq rows to a guest: %d %v", total, items)
	}
	a.expect("GET", fmt.Sprintf("%s/%d", faq, q), "", nil, 200)
	checkError(t, a.do("DELETE", fmt.Sprintf("%s/%d", faq, q), ann.Access, nil), 404, "")

	// Re-applying the project keeps the collections and their rows.
	again, err := apptest.Open(srv.DSN, parsedCollectionsProject(t))
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if n, r := count(t, srv, "integration_collections"), count(t, srv, "collection_rows"); n != 2 || r != 4 {
		t.Errorf("after a re-apply: %d collections, %d rows; want 2, 4", n, r)
	}

	// Deleting an account deletes its rows.
	a.expect("DELETE", "/api/content/users/me/account", bob.Access, nil, 200)
	if n := count(t, srv, "collection_rows"); n != 2 {
		t.Errorf("rows left after Bob's account went: %d, want Ann's 2", n)
	}
}

func TestCollectionProjectChecks(t *testing.T) {
	for _, tc := range []struct{ name, collection, want string }{
		{"unknown form", `{"identifier": "c", "formIdentifier": "nope", "title": {}}`, `form "nope" is not defined`},
		{"unknown column", `{"identifier": "c", "formIdentifier": "wish", "title": {}, "selectedAttributeMarkers": ["colour"]}`, `no attribute "colour"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := strings.Replace(collectionsProject, `"integrationCollections": [`, `"integrationCollections": [`+tc.collection+",", 1)
			p, err := openentry.ParseProject([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			a, err := apptest.Open(apptest.DSN(t), p)
			if err == nil {
				a.Close()
				t.Fatal("the project was applied")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want it to name %s", err, tc.want)
			}
		})
	}
	_, err := openentry.ParseProject([]byte(strings.Replace(collectionsProject, `"identifier": "faq"`, `"identifier": "wishlist"`, 1)))
	if err == nil || !strings.Contains(err.Error(), "repeated") {
		t.Errorf("a repeated collection: got %v", err)
	}
}
