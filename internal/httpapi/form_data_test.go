package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
)

const formDataPath = "/api/content/form-data"

// review is the template's review of a product, as postFormsData sends it.
func review(product any, rating any, text string) map[string]any {
	return map[string]any{"formIdentifier": "comment_to_product", "formModuleConfigId": 5, "moduleEntityIdentifier": product,
		"replayTo": nil, "status": "approved", "formData": map[string]any{"en_US": []map[string]any{
			{"marker": "rating", "type": "integer", "value": rating},
			{"marker": "comment_description", "type": "text", "value": text}}}}
}

// reviewsOf is the template's product page call: approved reviews of a product.
func reviewsOf(t *testing.T, a *api, bearer string, product any) []map[string]any {
	t.Helper()
	r := a.expect("POST", formDataPath+"/marker/comment_to_product?formModuleConfigId=5&isExtended=1&langCode=en_US&offset=0&limit=500", bearer,
		map[string]any{"entityIdentifier": product, "userIdentifier": "", "status": []string{"approved"}, "dateFrom": "", "dateTo": ""}, 201)
	var page struct {
		Items []map[string]any
		Total int
	}
	if err := json.Unmarshal(r.raw, &page); err != nil || page.Total != len(page.Items) {
		t.Fatalf("reviews: %s", r.raw)
	}
	return page.Items
}

func TestFormDataReviews(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	a := newAPI(t, srv)
	if got := reviewsOf(t, a, "", 100); len(got) != 0 {
		t.Fatalf("reviews before any: %v", got)
	}
	// A guest and a user review product 100; the template sends the id as a number.
	guest := a.expect("POST", formDataPath, "", review(100, 5, "Sturdy."), 201).json(t)
	checkKeys(t, "postFormsData", guest, "actionMessage", "formData")
	if guest["actionMessage"] != "Thank you for your review." {
		t.Errorf("actionMessage: got %v", guest["actionMessage"])
	}
	posted := guest["formData"].(map[string]any)
	if posted["entityIdentifier"] != "100" || posted["userIdentifier"] != nil || posted["status"] != "approved" {
		t.Errorf("guest's entry: got %v", posted)
	}
	tk := a.loginDemo()
	mine := id(t, a.expect("POST", formDataPath, tk.Access, review("100", "4", "Comfortable."), 201).json(t)["formData"].(map[string]any))
	a.expect("POST", formDataPath, "", review(101, 3, "Fine."), 201)

	// Newest first, only product 100's; who sent one shows only to its sender.
	got := reviewsOf(t, a, "", 100)
	if len(got) != 2 || got[0]["id"] != float64(mine) {
		t.Fatalf("reviews of 100: %v", got)
	}
	checkJSON(t, "the user's review, to a guest", got[0]["formData"], `[
		{"marker": "rating", "type": "integer", "value": "4"},
		{"marker": "comment_description", "type": "text", "value": "Comfortable."}]`)
	for _, e := range got {
		if e["userIdentifier"] != nil || e["ip"] != nil || e["fingerprint"] != nil {
			t.Errorf("a listed entry shows its sender to a guest: %v", e)
		}
	}
	if own := reviewsOf(t, a, tk.Access, 100); own[0]["userIdentifier"] != "your-user@email.com" || own[1]["userIdentifier"] != nil {
		t.Errorf("the sender's view: %v, %v", own[0]["userIdentifier"], own[1]["userIdentifier"])
	}

	// The sender changes, re-statuses and deletes their own entry; nobody else can.
	other := a.signUpAndLogin("reviewer@example.com")
	change := map[string]any{"formData": []map[string]any{{"marker": "rating", "value": 2}, {"marker": "comment_description", "value": "Wobbly."}}}
	entry := fmt.Sprintf("%s/%d", formDataPath, mine)
	checkError(t, a.do("PUT", entry, other.Access, change), 404, "")
	checkError(t, a.do("PUT", entry, "", change), 401, "")
	updated := a.expect("PUT", entry, tk.Access, change, 200).json(t)
	if updated["userIdentifier"] != "your-user@email.com" || updated["formData"].([]any)[0].(map[string]any)["value"] != float64(2) {
		t.Errorf("updated: %v", updated)
	}
	checkError(t, a.do("PUT", entry, tk.Access, map[string]any{"formData": []map[string]any{{"marker": "rating", "value": 2}}}), 400, "comment_description")
	checkError(t, a.do("PUT", entry+"/update-status", tk.Access, map[string]any{"status": "featured"}), 400, "approved")
	a.expect("PUT", entry+"/update-status", tk.Access, map[string]any{"status": "approved"}, 200)
	checkError(t, a.do("DELETE", entry, other.Access, nil), 404, "")
	a.expect("DELETE", entry, tk.Access, nil, 200)
	checkError(t, a.do("DELETE", entry, tk.Access, nil), 404, "")
	if got := reviewsOf(t, a, "", 100); len(got) != 1 {
		t.Errorf("reviews after the delete: %d, want 1", len(got))
	}

	// Bad input: 4xx naming what is wrong, nothing written.
	before := count(t, srv, "form_entries")
	bad := review(100, 5, "x")
	bad["formIdentifier"] = "nope"
	checkError(t, a.do("POST", formDataPath, "", bad), 404, "nope")
	checkError(t, a.do("POST", formDataPath, "", review(100, 5, "")), 400, "comment_description")
	checkError(t, a.do("POST", formDataPath, "", review(100, "five", "x")), 400, "rating")
	bad = review(100, 5, "x")
	bad["status"] = "featured"
	checkError(t, a.do("POST", formDataPath, "", bad), 400, "status")
	bad = review(100, 5, "x")
	bad["formData"] = []map[string]any{{"marker": "colour", "value": "red"}}
	checkError(t, a.do("POST", formDataPath, "", bad), 400, "colour")
	checkError(t, a.do("POST", formDataPath+"/marker/nope", "", map[string]any{}), 404, "nope")
	checkError(t, a.do("POST", formDataPath+"/marker/comment_to_product?limit=501", "", map[string]any{}), 400, "limit")
	checkError(t, a.do("POST", formDataPath+"/marker/comment_to_product", "", map[string]any{"dateFrom": "yesterday"}), 400, "dateFrom")
	if n := count(t, srv, "form_entries"); n != before {
		t.Errorf("refused entries were stored: %d, want %d", n, before)
	}

	// Entries of a form that is not public are listed to their sender only.
	order := map[string]any{"formIdentifier": "order", "formData": []map[string]any{{"marker": "name", "value": "Ann"}}}
	a.expect("POST", formDataPath, other.Access, order, 201)
	listOrder := func(bearer string) int {
		var page struct{ Total int }
		_ = json.Unmarshal(a.expect("POST", formDataPath+"/marker/order", bearer, map[string]any{}, 201).raw, &page)
		return page.Total
	}
	if g, o, u := listOrder(""), listOrder(tk.Access), listOrder(other.Access); g != 0 || o != 0 || u != 1 {
		t.Errorf("private form entries seen by guest, another user, the sender: %d %d %d; want 0 0 1", g, o, u)
	}

	// Deleting an account deletes its entries.
	a.expect("POST", formDataPath, other.Access, review(102, 5, "Nice."), 201)
	a.expect("DELETE", "/api/content/users/me/account", other.Access, nil, 200)
	if n := count(t, srv, "form_entries WHERE user_id IS NOT NULL AND user_id <> "+fmt.Sprint(userID(t, srv, "your-user@email.com"))); n != 0 {
		t.Errorf("entries of the deleted user left: %d", n)
	}
}

func userID(t *testing.T, srv *apptest.Server, login string) int64 {
	t.Helper()
	var id int64
	srv.QueryRow(t, "SELECT id FROM users WHERE identifier = '"+login+"'").Scan(t, &id)
	return id
}

func TestFormDataRateLimited(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop(), apptest.WithConfig(func(c *app.Config) {
		c.FormEntryLimits = app.FormEntryLimits{PerAddress: 3, Window: 3600e9}
	}))
	a := newAPI(t, srv)
	for range 3 {
		a.expect("POST", formDataPath, "", review(100, 5, "Again."), 201)
	}
	checkError(t, a.do("POST", formDataPath, "", review(100, 5, "Again.")), 429, "Too many")
	if n := count(t, srv, "form_entries"); n != 3 {
		t.Errorf("entries stored: %d, want 3", n)
	}
}

// TestFormDataTemplateReview: the body OneEntry's template (on SDK 1.0.137)
// sends for a review, its text as [{plainValue}], is taken and listed as sent.
func TestFormDataTemplateReview(t *testing.T) {
	t.Parallel()
	a := newAPI(t, apptest.Start(t, apptest.WithDemoShop()))
	body := `{"formIdentifier":"comment_to_product","formData":{"en_US":[{"marker":"rating","type":"integer","value":"5"},` +
		`{"marker":"review_images","type":"groupOfImages","value":[]},{"marker":"comment_description","type":"text","value":[{"plainValue":"Quiet."}]}]},` +
		`"formModuleConfigId":5,"moduleEntityIdentifier":100,"status":"approved"}`
	a.expect("POST", formDataPath, a.loginDemo().Access, body, 201)
	listed := reviewsOf(t, a, "", 100)
	if len(listed) != 1 || fmt.Sprint(listed[0]["formData"]) != "[map[marker:rating type:integer value:5] map[marker:review_images type:groupOfImages value:[]] map[marker:comment_description type:text value:[map[plainValue:Quiet.]]]]" {
		t.Errorf("listed: %v", listed)
	}
	bad := strings.Replace(body, `[{"plainValue":"Quiet."}]`, `[{"script":"x"}]`, 1)
	checkError(t, a.do("POST", formDataPath, "", bad), 400, `"comment_description" must be a string or a text`)
}
