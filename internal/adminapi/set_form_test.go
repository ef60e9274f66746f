package adminapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

type setAttributeOut struct {
	Marker     string            `json:"marker"`
	Type       string            `json:"type"`
	Title      map[string]string `json:"title"`
	Position   int64             `json:"position"`
	IsVisible  bool              `json:"isVisible"`
	ListTitles []map[string]any  `json:"listTitles"`
	Validators map[string]any    `json:"validators"`
}

type setOut struct {
	ID             int64             `json:"id"`
	Identifier     string            `json:"identifier"`
	Type           string            `json:"type"`
	Title          map[string]string `json:"title"`
	Position       int64             `json:"position"`
	StockAttribute string            `json:"stockAttribute"`
	Attributes     []setAttributeOut `json:"attributes"`
	Version        int64             `json:"version"`
}

// body is the set as a PUT gives it back, at its version.
func (s setOut) body() map[string]any {
	attrs := make([]map[string]any, len(s.Attributes))
	for i, a := range s.Attributes {
		attrs[i] = map[string]any{"marker": a.Marker, "type": a.Type, "title": a.Title, "isVisible": a.IsVisible,
			"listTitles": a.ListTitles, "validators": a.Validators}
	}
	return map[string]any{"version": s.Version, "type": s.Type, "title": s.Title, "stockAttribute": s.StockAttribute, "attributes": attrs}
}

// without returns the body without the attribute marker.
func without(b map[string]any, marker string) map[string]any {
	var keep []map[string]any
	for _, a := range b["attributes"].([]map[string]any) {
		if a["marker"] != marker {
			keep = append(keep, a)
		}
	}
	b["attributes"] = keep
	return b
}

func attrOf(b map[string]any, marker string) map[string]any {
	for _, a := range b["attributes"].([]map[string]any) {
		if a["marker"] == marker {
			return a
		}
	}
	return nil
}

// contentPost posts to the Content API as a storefront does.
func (c contentAPI) post(t *testing.T, path string, body any, want int) []byte {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", c.base+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-app-token", apptest.AppToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d %s, want %d", path, resp.StatusCode, out, want)
	}
	return out
}

func mustContain(t *testing.T, what string, body []byte, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(string(body), p) {
			t.Errorf("%s: %s does not say %q", what, body, p)
		}
	}
}

func TestAttributeSetsAdmin(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)

	var all struct {
		Items []setOut `json:"items"`
		Total int64    `json:"total"`
	}
	owner.Expect(t, "GET", "/api/admin/attribute-sets?limit=100", nil, http.StatusOK, &all)
	if all.Total < 7 || int64(len(all.Items)) != all.Total {
		t.Fatalf("attribute sets: %d of %d", len(all.Items), all.Total)
	}
	owner.Expect(t, "GET", "/api/admin/attribute-sets?type=forBlocks", nil, http.StatusOK, &all)
	for _, s := range all.Items {
		if s.Type != "forBlocks" {
			t.Errorf("type=forBlocks lists %s of %s", s.Identifier, s.Type)
		}
	}
	var product setOut
	owner.Expect(t, "GET", "/api/admin/attribute-sets/product", nil, http.StatusOK, &product)
	if product.StockAttribute != "units_product" || attrOf(product.body(), "color") == nil || product.Title["en_US"] == "" {
		t.Fatalf("product set reads %+v", product)
	}

	// Create: the Content API serves it at once, journaled.
	var gear setOut
	owner.Expect(t, "POST", "/api/admin/attribute-sets", map[string]any{
		"identifier": "gear_specs", "type": "forProducts", "title": map[string]string{"en_US": "Gear specs"},
		"stockAttribute": "stock_count",
		"attributes": []map[string]any{
			{"marker": "stock_count", "type": "integer", "title": map[string]string{"en_US": "Stock"}, "validators": map[string]any{"min": 0}},
			{"marker": "finish", "type": "list", "title": map[string]string{"en_US": "Finish"},
				"listTitles": []map[string]any{{"title": "Matte", "value": "matte", "position": 1}, {"title": "Gloss", "value": "gloss", "position": 2}}},
			{"marker": "notes", "type": "text", "isVisible": false, "validators": map[string]any{"maxLength": 200}},
		},
	}, http.StatusCreated, &gear)
	if gear.ID == 0 || gear.Version != 0 || len(gear.Attributes) != 3 || gear.Attributes[2].IsVisible || gear.Position <= product.Position {
		t.Fatalf("created %+v", gear)
	}
	var got map[string]any
	api.get(t, "/api/content/attributes-sets/marker/gear_specs?langCode=en_US", http.StatusOK, &got)
	if got["identifier"] != "gear_specs" {
		t.Errorf("AttributesSets.getAttributeSetByMarker(gear_specs) = %v", got)
	}
	var attrs []map[string]any
	api.get(t, "/api/content/attributes-sets/gear_specs/attributes?langCode=en_US", http.StatusOK, &attrs)
	if len(attrs) != 3 || attrs[1]["marker"] != "finish" {
		t.Errorf("AttributesSets.getAttributesByMarker(gear_specs) = %v", attrs)
	}
	before, after, id := lastEntry(t, owner, "attribute_set.create")
	if before != nil || after["identifier"] != "gear_specs" || id != "gear_specs" {
		t.Errorf("attribute_set.create entry: before %v, after %v, object %s", before, after, id)
	}

	// Update at version 0 (never changed): a new attribute, seen at once.
	b := gear.body()
	b["attributes"] = append(b["attributes"].([]map[string]any), map[string]any{"marker": "weight", "type": "float"})
	b["title"] = map[string]string{"en_US": "Gear specifications"}
	var gear2 setOut
	owner.Expect(t, "PUT", "/api/admin/attribute-sets/gear_specs", b, http.StatusOK, &gear2)
	if gear2.Version != 1 || len(gear2.Attributes) != 4 || gear2.Title["en_US"] != "Gear specifications" {
		t.Fatalf("updated %+v", gear2)
	}
	api.get(t, "/api/content/attributes-sets/gear_specs/attributes?langCode=en_US", http.StatusOK, &attrs)
	if len(attrs) != 4 || attrs[3]["marker"] != "weight" {
		t.Errorf("attributes after the update: %v", attrs)
	}
	before, after, _ = lastEntry(t, owner, "attribute_set.update")
	if len(before["attributes"].([]any)) != 3 || len(after["attributes"].([]any)) != 4 {
		t.Errorf("attribute_set.update entry: before %v, after %v", before, after)
	}
	// A stale version loses nothing.
	b["title"] = map[string]string{"en_US": "Stale"}
	owner.Expect(t, "PUT", "/api/admin/attribute-sets/gear_specs", b, http.StatusConflict, nil)
	owner.Expect(t, "GET", "/api/admin/attribute-sets/gear_specs", nil, http.StatusOK, &gear2)
	if gear2.Title["en_US"] != "Gear specifications" {
		t.Errorf("a stale write changed the title to %q", gear2.Title["en_US"])
	}

	// The product filters learn a new marker of a product set in the same write.
	filter := []map[string]any{{"attributeMarker": "material", "conditionMarker": "eq", "conditionValue": "oak"}}
	api.post(t, "/api/content/products/all?langCode=en_US", filter, http.StatusBadRequest)
	pb := product.body()
	pb["attributes"] = append(pb["attributes"].([]map[string]any), map[string]any{"marker": "material", "type": "string", "title": map[string]string{"en_US": "Material"}})
	owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", pb, http.StatusOK, &product)
	api.post(t, "/api/content/products/all?langCode=en_US", filter, http.StatusCreated)
	api.get(t, "/api/content/attributes-sets/product/attributes/material?langCode=en_US", http.StatusOK, nil)

	// Product answers, cached by catalogue revision, show an option's new
	// colour at once (the value's own title wins over the option's).
	colorOf := func() any {
		var pr struct {
			AttributeValues struct {
				Color struct {
					Value map[string]any `json:"value"`
				} `json:"color"`
			} `json:"attributeValues"`
		}
		api.get(t, "/api/content/products/100?langCode=en_US", http.StatusOK, &pr)
		ext, _ := pr.AttributeValues.Color.Value["extended"].(map[string]any)
		return ext["value"]
	}
	if got := colorOf(); got != "#f4f4f4" {
		t.Fatalf("product 100's colour reads %v", got)
	}
	pb = product.body()
	for _, o := range attrOf(pb, "color")["listTitles"].([]map[string]any) {
		if o["value"] == "white" {
			o["extended"] = map[string]any{"value": "#ffffff", "type": "color"}
		}
	}
	owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", pb, http.StatusOK, &product)
	if got := colorOf(); got != "#ffffff" {
		t.Errorf("after recolouring the option, product 100's colour reads %v", got)
	}

	// Changes the products' values would not survive are refused, naming them.
	pb = product.body()
	body := owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", without(pb, "color"), http.StatusConflict, nil)
	mustContain(t, "removing color", body, "product 100", "color")
	pb = product.body()
	color := attrOf(pb, "color")
	var keep []map[string]any
	for _, o := range color["listTitles"].([]map[string]any) {
		if o["value"] != "red" {
			keep = append(keep, o)
		}
	}
	color["listTitles"] = keep
	body = owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", pb, http.StatusConflict, nil)
	mustContain(t, "removing the option red", body, "product", "red")
	pb = product.body()
	attrOf(pb, "units_product")["type"] = "dateTime"
	owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", pb, http.StatusBadRequest, nil) // the stock attribute must be an integer
	attrOf(pb, "units_product")["type"] = "integer"
	attrOf(pb, "currency")["validators"] = map[string]any{"maxLength": 2}
	body = owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", pb, http.StatusConflict, nil)
	mustContain(t, "a tighter validator", body, "currency", "longer than 2")
	pb = product.body()
	pb["type"] = "forPages"
	body = owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", pb, http.StatusConflict, nil)
	mustContain(t, "a type change", body, "type", "product 100")
	pb = product.body()
	pb["stockAttribute"] = ""
	body = owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", pb, http.StatusConflict, nil)
	mustContain(t, "a stock attribute change", body, "stockAttribute")
	// A set nothing uses may change its type.
	b = gear2.body()
	b["type"], b["stockAttribute"] = "forBlocks", ""
	owner.Expect(t, "PUT", "/api/admin/attribute-sets/gear_specs", b, http.StatusOK, &gear2)
	if gear2.Type != "forBlocks" || gear2.Version != 2 {
		t.Errorf("type change of an unused set: %+v", gear2)
	}

	// Delete refuses a set in use, and wants the version read.
	body = owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/attribute-sets/product?version=%d", product.Version), nil, http.StatusConflict, nil)
	mustContain(t, "delete product", body, "product 100")
	body = owner.Expect(t, "DELETE", "/api/admin/attribute-sets/page?version=0", nil, http.StatusConflict, nil)
	mustContain(t, "delete page", body, "page ")
	owner.Expect(t, "DELETE", "/api/admin/attribute-sets/gear_specs?version=1", nil, http.StatusConflict, nil)
	owner.Expect(t, "DELETE", "/api/admin/attribute-sets/gear_specs", nil, http.StatusBadRequest, nil)
	owner.Expect(t, "DELETE", "/api/admin/attribute-sets/gear_specs?version=2", nil, http.StatusNoContent, nil)
	owner.Expect(t, "GET", "/api/admin/attribute-sets/gear_specs", nil, http.StatusNotFound, nil)
	api.get(t, "/api/content/attributes-sets/marker/gear_specs?langCode=en_US", http.StatusNotFound, nil)
	before, after, _ = lastEntry(t, owner, "attribute_set.delete")
	if before["identifier"] != "gear_specs" || after != nil {
		t.Errorf("attribute_set.delete entry: before %v, after %v", before, after)
	}
	owner.Expect(t, "DELETE", "/api/admin/attribute-sets/gear_specs?version=2", nil, http.StatusNotFound, nil)
}

func TestAttributeSetsBadInput(t *testing.T) {
	_, owner, _ := start(t, apptest.WithDemoShop())
	ok := func() map[string]any {
		return map[string]any{"identifier": "fresh", "title": map[string]string{"en_US": "Fresh"},
			"attributes": []map[string]any{{"marker": "size", "type": "integer"}}}
	}
	tests := []struct {
		name   string
		change func(b map[string]any)
		says   string
	}{
		{"bad identifier", func(b map[string]any) { b["identifier"] = "no spaces" }, "identifier"},
		{"taken identifier", func(b map[string]any) { b["identifier"] = "product" }, "product"},
		{"unknown set type", func(b map[string]any) { b["type"] = "forNothing" }, ""},
		{"unknown attribute type", func(b map[string]any) {
			b["attributes"] = []map[string]any{{"marker": "size", "type": "colour"}}
		}, "colour"},
		{"repeated marker", func(b map[string]any) {
			b["attributes"] = []map[string]any{{"marker": "size", "type": "integer"}, {"marker": "size", "type": "string"}}
		}, "size"},
		{"stock not an integer", func(b map[string]any) { b["stockAttribute"] = "nope" }, "stockAttribute"},
		{"bad pattern", func(b map[string]any) {
			b["attributes"] = []map[string]any{{"marker": "code", "type": "string", "validators": map[string]any{"pattern": "("}}}
		}, "pattern"},
		{"options on a string", func(b map[string]any) {
			b["attributes"] = []map[string]any{{"marker": "code", "type": "string", "listTitles": []map[string]any{{"title": "A", "value": "a"}}}}
		}, "listTitles"},
		{"a repeated option", func(b map[string]any) {
			b["attributes"] = []map[string]any{{"marker": "tone", "type": "list", "listTitles": []map[string]any{{"title": "A", "value": "a"}, {"title": "B", "value": "a"}}}}
		}, "listTitles"},
		{"unknown field", func(b map[string]any) { b["colour"] = "red" }, "colour"},
		{"negative position", func(b map[string]any) { b["position"] = -1 }, ""},
	}
	for _, tt := range tests {
		b := ok()
		tt.change(b)
		body := owner.Expect(t, "POST", "/api/admin/attribute-sets", b, http.StatusBadRequest, nil)
		mustContain(t, tt.name, body, tt.says)
	}
	owner.Expect(t, "GET", "/api/admin/attribute-sets?type=forNothing", nil, http.StatusBadRequest, nil)
	owner.Expect(t, "GET", "/api/admin/attribute-sets/nope", nil, http.StatusNotFound, nil)
	owner.Expect(t, "PUT", "/api/admin/attribute-sets/nope", map[string]any{"version": 0, "attributes": []any{}}, http.StatusNotFound, nil)
	owner.Expect(t, "PUT", "/api/admin/attribute-sets/product", map[string]any{"attributes": []any{}}, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/attribute-sets", ok(), http.StatusCreated, nil)
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action=attribute_set.", nil, http.StatusOK, &j)
	if j.Total != 1 {
		t.Errorf("refused writes left journal entries: %d in all", j.Total)
	}
}

type formAttributeOut struct {
	Marker     string            `json:"marker"`
	Type       string            `json:"type"`
	Title      map[string]string `json:"title"`
	IsRequired bool              `json:"isRequired"`
	IsLogin    bool              `json:"isLogin"`
	IsPassword bool              `json:"isPassword"`
	IsNotify   bool              `json:"isNotificationEmail"`
}

type formOut struct {
	ID             int64              `json:"id"`
	Identifier     string             `json:"identifier"`
	Type           string             `json:"type"`
	ProcessingType string             `json:"processingType"`
	Title          map[string]string  `json:"title"`
	Attributes     []formAttributeOut `json:"attributes"`
	EntryStatuses  []string           `json:"entryStatuses"`
	EntriesPublic  bool               `json:"entriesPublic"`
	SuccessMessage map[string]string  `json:"successMessage"`
	Version        int64              `json:"version"`
}

func (f formOut) body() map[string]any {
	attrs := make([]map[string]any, len(f.Attributes))
	for i, a := range f.Attributes {
		attrs[i] = map[string]any{"marker": a.Marker, "type": a.Type, "title": a.Title, "isRequired": a.IsRequired,
			"isLogin": a.IsLogin, "isPassword": a.IsPassword, "isNotificationEmail": a.IsNotify}
	}
	return map[string]any{"version": f.Version, "type": f.Type, "processingType": f.ProcessingType, "title": f.Title, "attributes": attrs,
		"entryStatuses": f.EntryStatuses, "entriesPublic": f.EntriesPublic, "successMessage": f.SuccessMessage}
}

func TestFormsAdmin(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	var all struct {
		Items []formOut `json:"items"`
		Total int64     `json:"total"`
	}
	owner.Expect(t, "GET", "/api/admin/forms", nil, http.StatusOK, &all)
	if all.Total < 3 || int64(len(all.Items)) != all.Total {
		t.Fatalf("forms: %d of %d", len(all.Items), all.Total)
	}

	// Create: Forms.getFormByMarker serves it at once, journaled.
	var contact formOut
	owner.Expect(t, "POST", "/api/admin/forms", map[string]any{
		"identifier": "contact_us", "type": "data", "title": map[string]string{"en_US": "Contact us"},
		"attributes": []map[string]any{
			{"marker": "email", "type": "string", "isRequired": true, "isNotificationEmail": true, "title": map[string]string{"en_US": "E-mail"}},
			{"marker": "message", "type": "text", "title": map[string]string{"en_US": "Message"}},
		},
		"entryStatuses": []string{"new", "answered"}, "successMessage": map[string]string{"en_US": "Thanks!"},
	}, http.StatusCreated, &contact)
	if contact.ID == 0 || contact.ProcessingType != "db" || len(contact.Attributes) != 2 || contact.EntryStatuses[1] != "answered" {
		t.Fatalf("created %+v", contact)
	}
	var got struct {
		Identifier    string `json:"identifier"`
		LocalizeInfos struct {
			Title string `json:"title"`
		} `json:"localizeInfos"`
		Attributes []map[string]any `json:"attributes"`
	}
	api.get(t, "/api/content/forms/marker/contact_us?langCode=en_US", http.StatusOK, &got)
	if got.Identifier != "contact_us" || got.LocalizeInfos.Title != "Contact us" || len(got.Attributes) != 2 {
		t.Errorf("Forms.getFormByMarker(contact_us) = %+v", got)
	}
	before, after, id := lastEntry(t, owner, "form.create")
	if before != nil || after["identifier"] != "contact_us" || id != "contact_us" {
		t.Errorf("form.create entry: before %v, after %v", before, after)
	}

	// Update: a new field and title, seen at once; a stale version is refused.
	b := contact.body()
	b["title"] = map[string]string{"en_US": "Write to us"}
	b["attributes"] = append(b["attributes"].([]map[string]any), map[string]any{"marker": "phone", "type": "string"})
	var contact2 formOut
	owner.Expect(t, "PUT", "/api/admin/forms/contact_us", b, http.StatusOK, &contact2)
	if contact2.Version != contact.Version+1 || len(contact2.Attributes) != 3 {
		t.Fatalf("updated %+v", contact2)
	}
	api.get(t, "/api/content/forms/marker/contact_us?langCode=en_US", http.StatusOK, &got)
	if got.LocalizeInfos.Title != "Write to us" || len(got.Attributes) != 3 {
		t.Errorf("Forms.getFormByMarker after the update = %+v", got)
	}
	before, after, _ = lastEntry(t, owner, "form.update")
	if len(before["attributes"].([]any)) != 2 || len(after["attributes"].([]any)) != 3 {
		t.Errorf("form.update entry: before %v, after %v", before, after)
	}
	owner.Expect(t, "PUT", "/api/admin/forms/contact_us", b, http.StatusConflict, nil)

	// What uses a form keeps what it needs from it.
	var reg, order, reviews formOut
	owner.Expect(t, "GET", "/api/admin/forms/reg", nil, http.StatusOK, &reg)
	rb := reg.body()
	for _, a := range rb["attributes"].([]map[string]any) {
		a["isPassword"] = false
	}
	body := owner.Expect(t, "PUT", "/api/admin/forms/reg", rb, http.StatusConflict, nil)
	mustContain(t, "no password field", body, `auth provider \"email\"`, "isPassword")
	owner.Expect(t, "GET", "/api/admin/forms/order", nil, http.StatusOK, &order)
	ob := order.body()
	ob["type"] = "data"
	body = owner.Expect(t, "PUT", "/api/admin/forms/order", ob, http.StatusConflict, nil)
	mustContain(t, "order form of another type", body, "order storage")
	owner.Expect(t, "GET", "/api/admin/forms/reg", nil, http.StatusOK, &reg)
	if reg.Version != 0 && reg.Version != all.Items[0].Version {
		t.Logf("reg at version %d", reg.Version)
	}

	// Entries hold their status and their form.
	api.post(t, "/api/content/form-data", map[string]any{"formIdentifier": "comment_to_product", "formModuleConfigId": 5,
		"moduleEntityIdentifier": 100, "status": "approved", "formData": map[string]any{"en_US": []map[string]any{
			{"marker": "rating", "type": "integer", "value": 5}, {"marker": "comment_description", "type": "text", "value": "Sturdy."}}}},
		http.StatusCreated)
	owner.Expect(t, "GET", "/api/admin/forms/comment_to_product", nil, http.StatusOK, &reviews)
	vb := reviews.body()
	vb["entryStatuses"] = []string{"pending"}
	body = owner.Expect(t, "PUT", "/api/admin/forms/comment_to_product", vb, http.StatusConflict, nil)
	mustContain(t, "dropping a status in use", body, "approved")
	body = owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/forms/comment_to_product?version=%d", reviews.Version), nil, http.StatusConflict, nil)
	mustContain(t, "delete a form with entries", body, "1 entries")
	body = owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/forms/reg?version=%d", reg.Version), nil, http.StatusConflict, nil)
	mustContain(t, "delete the sign-up form", body, `auth provider \"email\"`)
	body = owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/forms/order?version=%d", order.Version), nil, http.StatusConflict, nil)
	mustContain(t, "delete the order form", body, "order storage")

	// Delete at the version read.
	owner.Expect(t, "DELETE", "/api/admin/forms/contact_us?version=0", nil, http.StatusConflict, nil)
	owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/forms/contact_us?version=%d", contact2.Version), nil, http.StatusNoContent, nil)
	api.get(t, "/api/content/forms/marker/contact_us?langCode=en_US", http.StatusNotFound, nil)
	before, after, _ = lastEntry(t, owner, "form.delete")
	if before["identifier"] != "contact_us" || after != nil {
		t.Errorf("form.delete entry: before %v, after %v", before, after)
	}

	// Bad input.
	okForm := func() map[string]any {
		return map[string]any{"identifier": "fresh", "type": "data", "attributes": []map[string]any{{"marker": "a", "type": "string"}}}
	}
	for _, tt := range []struct {
		name   string
		change func(map[string]any)
		says   string
	}{
		{"no type", func(b map[string]any) { delete(b, "type") }, ""},
		{"empty type", func(b map[string]any) { b["type"] = " " }, "type"},
		{"bad identifier", func(b map[string]any) { b["identifier"] = "a b" }, "identifier"},
		{"taken identifier", func(b map[string]any) { b["identifier"] = "order" }, "order"},
		{"unknown field type", func(b map[string]any) { b["attributes"] = []map[string]any{{"marker": "a", "type": "colour"}} }, "colour"},
		{"repeated field", func(b map[string]any) {
			b["attributes"] = []map[string]any{{"marker": "a", "type": "string"}, {"marker": "a", "type": "text"}}
		}, `\"a\"`},
		{"bad entry status", func(b map[string]any) { b["entryStatuses"] = []string{"new", "new"} }, "entry status"},
		{"unknown field", func(b map[string]any) { b["fields"] = []any{} }, "fields"},
	} {
		b := okForm()
		tt.change(b)
		body := owner.Expect(t, "POST", "/api/admin/forms", b, http.StatusBadRequest, nil)
		mustContain(t, tt.name, body, tt.says)
	}
	owner.Expect(t, "GET", "/api/admin/forms/nope", nil, http.StatusNotFound, nil)
	owner.Expect(t, "PUT", "/api/admin/forms/nope", map[string]any{"version": 0, "type": "data", "attributes": []any{}}, http.StatusNotFound, nil)
	owner.Expect(t, "PUT", "/api/admin/forms/order", map[string]any{"type": "order", "attributes": []any{}}, http.StatusBadRequest, nil)
	owner.Expect(t, "DELETE", "/api/admin/forms/order?version=-1", nil, http.StatusBadRequest, nil)
}

func TestSetsFormsRoles(t *testing.T) {
	srv, owner, c := start(t, apptest.WithDemoShop())
	var set setOut
	owner.Expect(t, "GET", "/api/admin/attribute-sets/contact_info", nil, http.StatusOK, &set)
	var form formOut
	owner.Expect(t, "GET", "/api/admin/forms/order", nil, http.StatusOK, &form)
	newSet := map[string]any{"identifier": "by_role", "attributes": []any{}}
	newForm := map[string]any{"identifier": "by_role", "type": "data", "attributes": []any{}}
	writes := []adminCall{
		{"POST", "/api/admin/attribute-sets", newSet},
		{"PUT", "/api/admin/attribute-sets/contact_info", set.body()},
		{"DELETE", "/api/admin/attribute-sets/contact_info?version=0", nil},
		{"POST", "/api/admin/forms", newForm},
		{"PUT", "/api/admin/forms/order", form.body()},
		{"DELETE", "/api/admin/forms/order?version=0", nil},
	}
	reads := []string{"/api/admin/attribute-sets", "/api/admin/attribute-sets/contact_info", "/api/admin/forms", "/api/admin/forms/order"}
	expectReadOnly(t, srv, owner, c, []string{"support", "viewer"}, writes, reads)
	var j journal
	for _, action := range []string{"attribute_set.", "form."} {
		owner.Expect(t, "GET", "/api/admin/journal?action="+action, nil, http.StatusOK, &j)
		if j.Total != 0 {
			t.Errorf("refused writes left %d %s journal entries", j.Total, action)
		}
	}
	// A manager writes both; a manager's API key too.
	manager := as(t, srv, c, "manager@shop.test", "manager")
	manager.Expect(t, "PUT", "/api/admin/attribute-sets/contact_info", set.body(), http.StatusOK, nil)
	manager.Expect(t, "PUT", "/api/admin/forms/order", form.body(), http.StatusOK, nil)
	managerKey := owner.KeyAs(t, "manager").Via(c.Proxy(srv.BaseURL))
	managerKey.Expect(t, "POST", "/api/admin/attribute-sets", newSet, http.StatusCreated, nil)
	managerKey.Expect(t, "POST", "/api/admin/forms", newForm, http.StatusCreated, nil)
	for action, kind := range map[string]string{"attribute_set.update": "staff", "form.update": "staff",
		"attribute_set.create": "api_key", "form.create": "api_key"} {
		owner.Expect(t, "GET", "/api/admin/journal?action="+action, nil, http.StatusOK, &j)
		if j.Total != 1 || j.Items[0].ActorKind != kind {
			t.Errorf("%s: %+v", action, j)
		}
	}
	anon := &apptest.Admin{Base: c.Proxy(srv.BaseURL)}
	anon.Expect(t, "GET", "/api/admin/forms", nil, http.StatusUnauthorized, nil)
	anon.Expect(t, "GET", "/api/admin/attribute-sets", nil, http.StatusUnauthorized, nil)
}

// Writes racing at one version: one wins, the others are told.
func TestConcurrentSetWritesOneWins(t *testing.T) {
	_, owner, _ := start(t, apptest.WithDemoShop())
	var s setOut
	owner.Expect(t, "GET", "/api/admin/attribute-sets/contact_info", nil, http.StatusOK, &s)
	const n = 4
	statuses := make(chan int, n)
	for i := range n {
		go func() {
			b := s.body()
			b["title"] = map[string]string{"en_US": fmt.Sprint("writer ", i)}
			status, _, _ := owner.Do(t, "PUT", "/api/admin/attribute-sets/contact_info", b)
			statuses <- status
		}()
	}
	won := 0
	for range n {
		switch st := <-statuses; st {
		case http.StatusOK:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("a racing write answered %d", st)
		}
	}
	if won != 1 {
		t.Errorf("%d writes won at one version, want 1", won)
	}
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action=attribute_set.update", nil, http.StatusOK, &j)
	if j.Total != 1 {
		t.Errorf("journal has %d updates, want 1", j.Total)
	}
}
