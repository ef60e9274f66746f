package adminapi_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// browser is a dashboard client: a cookie, no redirects followed.
type browser struct {
	t      *testing.T
	base   string
	cookie string
}

func (b *browser) do(method, path string, form url.Values, origin string) (int, string, http.Header) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "oe_admin", Value: b.cookie})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.Name == "oe_admin" {
			b.cookie = c.Value
		}
	}
	return resp.StatusCode, string(data), resp.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) csrf(page string) string {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no CSRF field in the page: %.300s", page)
	}
	return m[1]
}

func signInBrowser(t *testing.T, srv *apptest.Server, email string) *browser {
	t.Helper()
	b := &browser{t: t, base: srv.BaseURL}
	status, _, h := b.do("POST", "/admin/sign-in", url.Values{"email": {email}, "password": {apptest.StaffPassword}, "next": {"/admin/journal"}}, srv.BaseURL)
	if status != http.StatusSeeOther || h.Get("Location") != "/admin/journal" || b.cookie == "" {
		t.Fatalf("sign in: %d to %q", status, h.Get("Location"))
	}
	return b
}

func TestDashboardSignInAndGuests(t *testing.T) {
	srv := apptest.Start(t)
	guest := &browser{t: t, base: srv.BaseURL}
	status, _, h := guest.do("GET", "/admin/orders?status=paid", nil, "")
	if status != http.StatusSeeOther || h.Get("Location") != "/admin/sign-in?next="+url.QueryEscape("/admin/orders?status=paid") {
		t.Fatalf("guest: %d to %q", status, h.Get("Location"))
	}
	if status, page, _ := guest.do("GET", "/admin/sign-in", nil, ""); status != 200 || !strings.Contains(page, `name="password"`) {
		t.Fatalf("sign-in page: %d", status)
	}
	srv.Staff(t, "owner@shop.test", "owner")
	status, page, _ := guest.do("POST", "/admin/sign-in", url.Values{"email": {"owner@shop.test"}, "password": {"wrong-password"}}, srv.BaseURL)
	if status != http.StatusUnauthorized || !strings.Contains(page, "Invalid email or password") {
		t.Errorf("wrong password: %d", status)
	}
	// A form posted from another site is refused before any check.
	if status, _, _ := guest.do("POST", "/admin/sign-in", url.Values{"email": {"owner@shop.test"}, "password": {apptest.StaffPassword}}, "https://evil.example"); status != http.StatusForbidden {
		t.Errorf("cross-site sign-in: %d", status)
	}
	// The return address stays on this site.
	status, _, h = guest.do("POST", "/admin/sign-in", url.Values{"email": {"owner@shop.test"}, "password": {apptest.StaffPassword}, "next": {"//evil.example/admin/"}}, srv.BaseURL)
	if status != http.StatusSeeOther || h.Get("Location") != "/admin/" {
		t.Errorf("next=//evil.example: %d to %q", status, h.Get("Location"))
	}
	b := signInBrowser(t, srv, "owner@shop.test")
	if status, page, _ := b.do("GET", "/admin/journal", nil, ""); status != 200 || !strings.Contains(page, "staff.create") {
		t.Errorf("journal page: %d %.300s", status, page)
	}
	page = func() string { _, p, _ := b.do("GET", "/admin/overview", nil, ""); return p }()
	status, _, _ = b.do("POST", "/admin/sign-out", url.Values{"csrf": {b.csrf(page)}}, srv.BaseURL)
	if status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", status)
	}
	if status, _, _ := (&browser{t: t, base: srv.BaseURL, cookie: b.cookie}).do("GET", "/admin/overview", nil, ""); status != http.StatusSeeOther {
		t.Errorf("after sign-out the old cookie still works: %d", status)
	}
}

func TestDashboardFormsNeedTheCSRFField(t *testing.T) {
	srv := apptest.Start(t)
	srv.Staff(t, "owner@shop.test", "owner")
	b := signInBrowser(t, srv, "owner@shop.test")
	_, page, _ := b.do("GET", "/admin/staff", nil, "")
	form := url.Values{"name": {"books"}, "role": {"viewer"}}
	if status, _, _ := b.do("POST", "/admin/api-keys", form, ""); status != http.StatusForbidden {
		t.Errorf("no CSRF field: %d", status)
	}
	form.Set("csrf", b.csrf(page))
	if status, _, _ := b.do("POST", "/admin/api-keys", form, "https://evil.example"); status != http.StatusForbidden {
		t.Errorf("right field, other site: %d", status)
	}
	status, created, _ := b.do("POST", "/admin/api-keys", form, srv.BaseURL)
	key := regexp.MustCompile(`oek_[A-Za-z0-9_-]{20,}`).FindString(created)
	if status != http.StatusCreated || key == "" {
		t.Fatalf("create key: %d %.400s", status, created)
	}
	if _, page, _ := b.do("GET", "/admin/staff", nil, ""); strings.Contains(page, key) {
		t.Error("the staff page shows the key again")
	}
	// API keys are for the JSON API, not the dashboard's pages.
	req, _ := http.NewRequest("GET", srv.BaseURL+"/admin/overview", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a key on a page: %d, want the sign-in redirect", resp.StatusCode)
	}
}

func TestDashboardReflectsRoles(t *testing.T) {
	srv := apptest.Start(t)
	srv.Staff(t, "viewer@shop.test", "viewer")
	b := signInBrowser(t, srv, "viewer@shop.test")
	_, page, _ := b.do("GET", "/admin/overview", nil, "")
	if strings.Contains(page, `href="/admin/staff"`) {
		t.Error("a viewer's navigation links to staff")
	}
	if status, page, _ := b.do("GET", "/admin/staff", nil, ""); status != http.StatusForbidden || !strings.Contains(page, "Role viewer may not") {
		t.Errorf("viewer on /admin/staff: %d", status)
	}
	if status, _, _ := b.do("POST", "/admin/api-keys", url.Values{"csrf": {b.csrf(page)}, "name": {"x"}, "role": {"owner"}}, srv.BaseURL); status != http.StatusForbidden {
		t.Errorf("viewer creating a key: %d", status)
	}
	if status, _, _ := b.do("GET", "/admin/nowhere", nil, ""); status != http.StatusNotFound {
		t.Errorf("unknown page: %d", status)
	}
}

func TestDashboardUsersPages(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	srv.Staff(t, "support@shop.test", "support")
	srv.Staff(t, "viewer@shop.test", "viewer")
	b := signInBrowser(t, srv, "support@shop.test")
	status, page, _ := b.do("GET", "/admin/users?q=your-user&state=&done=", nil, "")
	if status != 200 || !strings.Contains(page, "your-user@email.com") || !strings.Contains(page, `href="/api/admin/users.csv?q=your-user"`) {
		t.Fatalf("users page: %d %.600s", status, page)
	}
	id := regexp.MustCompile(`href="/admin/users/(\d+)"`).FindStringSubmatch(page)[1]
	_, page, _ = b.do("GET", "/admin/users/"+id, nil, "")
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]
	status, _, h := b.do("POST", "/admin/users/"+id+"/archive", url.Values{"csrf": {b.csrf(page)}, "version": {version}}, srv.BaseURL)
	if status != http.StatusSeeOther {
		t.Fatalf("archive: %d", status)
	}
	_, page, _ = b.do("GET", h.Get("Location"), nil, "")
	if !strings.Contains(page, "User archived") || !strings.Contains(page, `data-testid="user-state">archived`) || !strings.Contains(page, ">Restore<") {
		t.Errorf("after archive: %.800s", page)
	}
	// The same form again, from the old page, is a conflict, not a second write.
	if status, page, _ := b.do("POST", "/admin/users/"+id+"/archive", url.Values{"csrf": {b.csrf(page)}, "version": {version}}, srv.BaseURL); status != http.StatusConflict {
		t.Errorf("stale archive: %d %.300s", status, page)
	}
	v := signInBrowser(t, srv, "viewer@shop.test")
	_, page, _ = v.do("GET", "/admin/users/"+id, nil, "")
	if strings.Contains(page, ">Restore<") || strings.Contains(page, "Log out everywhere") {
		t.Error("a viewer is offered user actions")
	}
	if status, _, _ := v.do("POST", "/admin/users/"+id+"/logout-all", url.Values{"csrf": {v.csrf(page)}}, srv.BaseURL); status != http.StatusForbidden {
		t.Errorf("viewer logout-all: %d", status)
	}
	if status, _, _ := b.do("GET", "/admin/users?state=gone", nil, ""); status != http.StatusBadRequest {
		t.Errorf("bad filter: %d", status)
	}
}

func TestDashboardEditsContentAsJSON(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	srv.Staff(t, "manager@shop.test", "manager")
	srv.Staff(t, "viewer@shop.test", "viewer")
	b := signInBrowser(t, srv, "manager@shop.test")
	status, page, _ := b.do("GET", "/admin/edit/menus", nil, "")
	if status != 200 || !strings.Contains(page, `href="/admin/edit/menus/main_web"`) {
		t.Fatalf("menus: %d %.500s", status, page)
	}
	status, page, _ = b.do("GET", "/admin/edit/menus/main_web", nil, "")
	m := regexp.MustCompile(`(?s)<textarea name="content"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
	if status != 200 || m == nil {
		t.Fatalf("menu editor: %d %.500s", status, page)
	}
	content := strings.ReplaceAll(m[1], "&#34;", `"`)
	if strings.Contains(content, `"id"`) || !strings.Contains(content, `"version"`) {
		t.Errorf("the editor holds more or less than the PUT takes: %s", content)
	}
	// A new title, saved through the route's own PUT.
	edited := regexp.MustCompile(`"en_US": "[^"]*"`).ReplaceAllString(content, `"en_US": "Main menu (edited)"`)
	status, _, h := b.do("POST", "/admin/edit/menus/main_web", url.Values{"csrf": {b.csrf(page)}, "content": {edited}}, srv.BaseURL)
	if status != http.StatusSeeOther {
		t.Fatalf("save: %d", status)
	}
	if _, page, _ := b.do("GET", h.Get("Location"), nil, ""); !strings.Contains(page, "Main menu (edited)") || !strings.Contains(page, "Saved") {
		t.Errorf("after save: %.600s", page)
	}
	// The same form again holds the old version: a conflict.
	if status, _, _ := b.do("POST", "/admin/edit/menus/main_web", url.Values{"csrf": {b.csrf(page)}, "content": {edited}}, srv.BaseURL); status != http.StatusConflict {
		t.Errorf("stale save: %d", status)
	}
	if status, _, _ := b.do("POST", "/admin/edit/menus/main_web", url.Values{"csrf": {b.csrf(page)}, "content": {"{not json"}}, srv.BaseURL); status != http.StatusBadRequest {
		t.Errorf("bad JSON: %d", status)
	}
	// Settings are the owner's: a manager reads them and may not save.
	if status, _, _ := b.do("GET", "/admin/edit/order-storages/orders", nil, ""); status != 200 {
		t.Errorf("manager reading a storage: %d", status)
	}
	if status, _, _ := b.do("POST", "/admin/edit/order-storages/orders", url.Values{"csrf": {b.csrf(page)}, "content": {"{}"}}, srv.BaseURL); status != http.StatusForbidden {
		t.Errorf("manager saving a storage: %d", status)
	}
	if status, _, _ := b.do("GET", "/admin/edit/payment-accounts/1", nil, ""); status != 200 {
		t.Errorf("payment account page: %d", status)
	}
	v := signInBrowser(t, srv, "viewer@shop.test")
	_, page, _ = v.do("GET", "/admin/edit/menus/main_web", nil, "")
	if strings.Contains(page, `name="content"`) {
		t.Error("a viewer gets the editor")
	}
	if status, _, _ := v.do("POST", "/admin/edit/menus/main_web", url.Values{"csrf": {v.csrf(page)}, "content": {edited}}, srv.BaseURL); status != http.StatusForbidden {
		t.Errorf("viewer save: %d", status)
	}
	if status, _, _ := v.do("GET", "/admin/edit/nothing", nil, ""); status != http.StatusNotFound {
		t.Errorf("unknown kind: %d", status)
	}
}

func TestDashboardEditorOpensEveryKind(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	srv.Staff(t, "owner@shop.test", "owner")
	b := signInBrowser(t, srv, "owner@shop.test")
	link := regexp.MustCompile(`href="(/admin/edit/[a-z-]+/[^"]+)"`)
	for _, kind := range []string{"pages", "blocks", "menus", "attribute-sets", "forms", "locales", "templates", "template-previews", "collections", "order-storages", "payment-accounts", "auth-providers"} {
		status, page, _ := b.do("GET", "/admin/edit/"+kind, nil, "")
		m := link.FindStringSubmatch(page)
		if status == 200 && m == nil && strings.Contains(page, "Nothing here.") && kind == "collections" {
			continue // the demo shop has none
		}
		if status != 200 || m == nil {
			t.Errorf("%s: %d, no item link", kind, status)
			continue
		}
		status, page, _ = b.do("GET", m[1], nil, "")
		if status != 200 || !strings.Contains(page, `name="content"`) || !strings.Contains(page, "&#34;version&#34;") {
			t.Errorf("%s: %d, no editor with a version: %.300s", m[1], status, page)
		}
	}
}
