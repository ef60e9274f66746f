package adminapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app"

	"github.com/openentry/openentry/internal/app/apptest"
)

type staffJSON struct {
	ID      int64  `json:"id"`
	Email   string `json:"email"`
	Role    string `json:"role"`
	Version int64  `json:"version"`
}

type journal struct {
	Items []struct {
		ActorKind  string          `json:"actorKind"`
		ActorID    int64           `json:"actorId"`
		Action     string          `json:"action"`
		ObjectKind string          `json:"objectKind"`
		ObjectID   string          `json:"objectId"`
		Before     json.RawMessage `json:"before"`
		After      json.RawMessage `json:"after"`
		RequestID  string          `json:"requestId"`
		Address    string          `json:"address"`
	} `json:"items"`
	Total int64 `json:"total"`
}

func TestSignInSetsAStrictCookieAndRotatesIt(t *testing.T) {
	srv, owner, _ := start(t)
	status, body, h := owner.Do(t, "POST", "/api/admin/session", map[string]string{"email": "owner@shop.test", "password": apptest.StaffPassword})
	if status != http.StatusCreated {
		t.Fatalf("sign in: %d", status)
	}
	var signedIn struct {
		CSRFToken string `json:"csrfToken"`
	}
	if err := json.Unmarshal(body, &signedIn); err != nil {
		t.Fatal(err)
	}
	cookie := h.Get("Set-Cookie")
	for _, want := range []string{"oe_admin=oes_", "HttpOnly", "Secure", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %q", cookie, want)
		}
	}
	if strings.Contains(cookie, owner.Cookie) {
		t.Error("a second sign-in got the first session's token back")
	}
	if h.Get("Access-Control-Allow-Origin") != "" {
		t.Error("the admin API answered with CORS headers")
	}
	// The session the browser came with is over.
	owner.Expect(t, "GET", "/api/admin/me", nil, http.StatusUnauthorized, nil)
	second := *owner
	second.Cookie, second.CSRF = strings.TrimPrefix(strings.Split(cookie, ";")[0], "oe_admin="), signedIn.CSRFToken
	second.Expect(t, "GET", "/api/admin/me", nil, http.StatusOK, nil)
	// Signing out closes that session and clears the cookie.
	status, _, h = second.Do(t, "DELETE", "/api/admin/session", nil)
	if status != http.StatusNoContent || !strings.Contains(h.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("sign out: %d, Set-Cookie %q", status, h.Get("Set-Cookie"))
	}
	second.Expect(t, "GET", "/api/admin/me", nil, http.StatusUnauthorized, nil)
	if n := srv.Count(t, "staff_sessions WHERE closed_ms IS NULL"); n != 0 {
		t.Errorf("%d open sessions, want none", n)
	}
}

func TestWrongPasswordsAreThrottled(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithConfig(func(c *app.Config) {
		c.LoginLimits = app.LoginLimits{PerAccount: 3, PerAddress: 100, Window: time.Minute}
	}))
	_ = srv
	for i := range 3 {
		status, body, _ := owner.Do(t, "POST", "/api/admin/session", map[string]string{"email": "OWNER@shop.test", "password": "wrong-password-" + fmt.Sprint(i)})
		if status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d %s", i, status, body)
		}
	}
	status, _, h := owner.Do(t, "POST", "/api/admin/session", map[string]string{"email": "owner@shop.test", "password": apptest.StaffPassword})
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("after 3 failures: %d, Retry-After %q; want 429", status, h.Get("Retry-After"))
	}
	// An unknown email answers as a wrong password does.
	status, body, _ := owner.Do(t, "POST", "/api/admin/session", map[string]string{"email": "nobody@shop.test", "password": "whatever-it-is"})
	if status != http.StatusUnauthorized || !strings.Contains(string(body), "Invalid email or password") {
		t.Fatalf("unknown email: %d %s", status, body)
	}
}

func TestWritesWithTheCookieNeedTheCSRFToken(t *testing.T) {
	_, owner, _ := start(t)
	noCSRF := *owner
	noCSRF.CSRF = ""
	noCSRF.Expect(t, "POST", "/api/admin/api-keys", map[string]string{"name": "x", "role": "viewer"}, http.StatusForbidden, nil)
	wrong := *owner
	wrong.CSRF = strings.Repeat("A", len(owner.CSRF))
	wrong.Expect(t, "POST", "/api/admin/api-keys", map[string]string{"name": "x", "role": "viewer"}, http.StatusForbidden, nil)
	// Reads need none, and /me hands the token back to a reloaded page.
	var me struct {
		CSRFToken string `json:"csrfToken"`
	}
	noCSRF.Expect(t, "GET", "/api/admin/me", nil, http.StatusOK, &me)
	if me.CSRFToken != owner.CSRF {
		t.Errorf("me: csrfToken %q, want the sign-in's", me.CSRFToken)
	}
	owner.Expect(t, "POST", "/api/admin/api-keys", map[string]string{"name": "x", "role": "viewer"}, http.StatusCreated, nil)
}

func TestShopUserTokensAreRefused(t *testing.T) {
	_, owner, _ := start(t)
	user := &apptest.Admin{Base: owner.Base, Key: "eyJhbGciOiJIUzI1NiJ9.e30.sig"}
	body := user.Expect(t, "GET", "/api/admin/me", nil, http.StatusUnauthorized, nil)
	if !strings.Contains(string(body), "shop user tokens are refused") {
		t.Errorf("answer %s does not say why", body)
	}
	(&apptest.Admin{Base: owner.Base}).Expect(t, "GET", "/api/admin/journal", nil, http.StatusUnauthorized, nil)
	(&apptest.Admin{Base: owner.Base, Key: "oek_not-a-key"}).Expect(t, "GET", "/api/admin/journal", nil, http.StatusUnauthorized, nil)
}

func TestNoCORSOnTheAdminSide(t *testing.T) {
	srv := apptest.Start(t, apptest.WithConfig(func(c *app.Config) { c.CORSOrigins = []string{"*"} }))
	for _, path := range []string{"/api/admin/me", "/admin/"} {
		req, _ := http.NewRequest("OPTIONS", srv.BaseURL+path, nil)
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("%s: Access-Control-Allow-Origin %q", path, v)
		}
	}
	// The Content API still answers CORS with the same config.
	req, _ := http.NewRequest("GET", srv.BaseURL+"/api/content/locales", nil)
	req.Header.Set("Origin", "https://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Error("the content API lost its CORS headers")
	}
}

func TestRolesOfStaffRoutes(t *testing.T) {
	srv, owner, c := start(t)
	for _, role := range []string{"manager", "support", "viewer"} {
		m := as(t, srv, c, role+"@shop.test", role)
		m.Expect(t, "GET", "/api/admin/me", nil, http.StatusOK, nil)
		m.Expect(t, "GET", "/api/admin/journal", nil, http.StatusOK, nil)
		m.Expect(t, "GET", "/api/admin/staff", nil, http.StatusForbidden, nil)
		m.Expect(t, "GET", "/api/admin/api-keys", nil, http.StatusForbidden, nil)
		m.Expect(t, "POST", "/api/admin/staff", map[string]string{"email": "x-" + role + "@shop.test", "role": "owner", "password": "long-enough-1"}, http.StatusForbidden, nil)
		m.Expect(t, "POST", "/api/admin/api-keys", map[string]string{"name": "k", "role": "owner"}, http.StatusForbidden, nil)
		key := owner.KeyAs(t, role)
		key.Expect(t, "GET", "/api/admin/journal", nil, http.StatusOK, nil)
		key.Expect(t, "GET", "/api/admin/staff", nil, http.StatusForbidden, nil)
	}
	ownerKey := owner.KeyAs(t, "owner")
	ownerKey.Expect(t, "GET", "/api/admin/staff", nil, http.StatusOK, nil)
}

func TestStaffChangesNeedTheirVersionAndKeepAnOwner(t *testing.T) {
	_, owner, _ := start(t)
	var invited staffJSON
	owner.Expect(t, "POST", "/api/admin/staff", map[string]string{"email": "ann@shop.test", "role": "support", "password": "long-enough-1"}, http.StatusCreated, &invited)
	owner.Expect(t, "POST", "/api/admin/staff", map[string]string{"email": "ANN@shop.test", "role": "viewer", "password": "long-enough-1"}, http.StatusConflict, nil)
	path := fmt.Sprint("/api/admin/staff/", invited.ID)
	var changed staffJSON
	owner.Expect(t, "PATCH", path, map[string]any{"version": invited.Version, "role": "manager"}, http.StatusOK, &changed)
	if changed.Role != "manager" || changed.Version != invited.Version+1 {
		t.Fatalf("changed: %+v", changed)
	}
	// A second write made from the same read loses, rather than overwriting.
	body := owner.Expect(t, "PATCH", path, map[string]any{"version": invited.Version, "role": "viewer"}, http.StatusConflict, nil)
	if !strings.Contains(string(body), "reload") {
		t.Errorf("conflict: %s", body)
	}
	// The last owner cannot step down.
	var all []staffJSON
	owner.Expect(t, "GET", "/api/admin/staff", nil, http.StatusOK, &all)
	me := all[0]
	owner.Expect(t, "PATCH", fmt.Sprint("/api/admin/staff/", me.ID), map[string]any{"version": me.Version, "role": "viewer"}, http.StatusConflict, nil)
	owner.Expect(t, "PATCH", fmt.Sprint("/api/admin/staff/", me.ID), map[string]any{"version": me.Version, "disabled": true}, http.StatusConflict, nil)
	// Bad input is a 400 naming the field.
	owner.Expect(t, "PATCH", path, map[string]any{"version": changed.Version, "role": "god"}, http.StatusBadRequest, nil)
	owner.Expect(t, "PATCH", path, map[string]any{"role": "viewer"}, http.StatusBadRequest, nil)
	owner.Expect(t, "PATCH", path, `{"version": 2, "rol": "viewer"}`, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/staff", map[string]string{"email": "short@shop.test", "role": "viewer", "password": "short"}, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/staff", "{\"email\": \"x\xff@shop.test\"}", http.StatusBadRequest, nil)
	owner.Expect(t, "PATCH", "/api/admin/staff/999", map[string]any{"version": 1, "role": "viewer"}, http.StatusNotFound, nil)
	owner.Expect(t, "PATCH", "/api/admin/staff/abc", map[string]any{"version": 1}, http.StatusBadRequest, nil)

	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?objectKind=staff&objectId="+fmt.Sprint(invited.ID), nil, http.StatusOK, &j)
	if j.Total != 2 || j.Items[0].Action != "staff.update" || j.Items[1].Action != "staff.create" {
		t.Fatalf("journal of the account: %+v", j)
	}
	if !strings.Contains(string(j.Items[0].Before), `"support"`) || !strings.Contains(string(j.Items[0].After), `"manager"`) {
		t.Errorf("journal before/after: %s → %s", j.Items[0].Before, j.Items[0].After)
	}
	if j.Items[0].RequestID == "" || j.Items[0].Address == "" || j.Items[0].ActorKind != "staff" {
		t.Errorf("journal entry lacks who and where: %+v", j.Items[0])
	}
}

func TestDisablingAStaffMemberEndsTheirSessions(t *testing.T) {
	srv, owner, c := start(t)
	ann := as(t, srv, c, "ann@shop.test", "manager")
	var me struct {
		Staff staffJSON `json:"staff"`
	}
	ann.Expect(t, "GET", "/api/admin/me", nil, http.StatusOK, &me)
	owner.Expect(t, "PATCH", fmt.Sprint("/api/admin/staff/", me.Staff.ID), map[string]any{"version": me.Staff.Version, "disabled": true}, http.StatusOK, nil)
	ann.Expect(t, "GET", "/api/admin/me", nil, http.StatusUnauthorized, nil)
	status, _, _ := ann.Do(t, "POST", "/api/admin/session", map[string]string{"email": "ann@shop.test", "password": apptest.StaffPassword})
	if status != http.StatusForbidden {
		t.Errorf("a disabled account signed in: %d", status)
	}
}

func TestStaffChangeOwnPassword(t *testing.T) {
	srv, _, c := start(t)
	ann := as(t, srv, c, "ann@shop.test", "viewer")
	var me struct {
		Staff staffJSON `json:"staff"`
	}
	ann.Expect(t, "GET", "/api/admin/me", nil, http.StatusOK, &me)
	path := fmt.Sprint("/api/admin/staff/", me.Staff.ID)
	ann.Expect(t, "PATCH", path, map[string]any{"version": me.Staff.Version, "role": "owner"}, http.StatusForbidden, nil)
	ann.Expect(t, "PATCH", path, map[string]any{"version": me.Staff.Version, "password": "a-new-password-2"}, http.StatusOK, nil)
	// A new password ends every session, this one too.
	ann.Expect(t, "GET", "/api/admin/me", nil, http.StatusUnauthorized, nil)
	srv.SignIn(t, "ann@shop.test", "a-new-password-2")
}

func TestAPIKeysAreShownOnceAndRevocable(t *testing.T) {
	srv, owner, _ := start(t)
	var created struct {
		ID     int64  `json:"id"`
		Key    string `json:"key"`
		Prefix string `json:"prefix"`
	}
	owner.Expect(t, "POST", "/api/admin/api-keys", map[string]string{"name": "erp", "role": "support"}, http.StatusCreated, &created)
	if !strings.HasPrefix(created.Key, "oek_") || !strings.HasPrefix(created.Key, created.Prefix) {
		t.Fatalf("key %q, prefix %q", created.Key, created.Prefix)
	}
	list := owner.Expect(t, "GET", "/api/admin/api-keys", nil, http.StatusOK, nil)
	if strings.Contains(string(list), created.Key) {
		t.Error("the key is listed after its creation")
	}
	var stored int
	srv.QueryRow(t, "SELECT COUNT(*) FROM api_keys WHERE digest = '"+created.Key+"'").Scan(t, &stored)
	if stored != 0 {
		t.Error("the key is stored as it is")
	}
	key := &apptest.Admin{Base: owner.Base, Key: created.Key}
	var me struct {
		Actor struct {
			Kind string `json:"kind"`
			Role string `json:"role"`
		} `json:"actor"`
	}
	key.Expect(t, "GET", "/api/admin/me", nil, http.StatusOK, &me)
	if me.Actor.Kind != "api_key" || me.Actor.Role != "support" {
		t.Errorf("me as a key: %+v", me)
	}
	owner.Expect(t, "DELETE", fmt.Sprint("/api/admin/api-keys/", created.ID), nil, http.StatusNoContent, nil)
	owner.Expect(t, "DELETE", fmt.Sprint("/api/admin/api-keys/", created.ID), nil, http.StatusNotFound, nil)
	key.Expect(t, "GET", "/api/admin/me", nil, http.StatusUnauthorized, nil)
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action=api_key.", nil, http.StatusOK, &j)
	if j.Total != 2 || j.Items[0].Action != "api_key.revoke" || j.Items[1].Action != "api_key.create" {
		t.Errorf("journal: %+v", j)
	}
	if strings.Contains(string(owner.Expect(t, "GET", "/api/admin/journal", nil, http.StatusOK, nil)), created.Key) {
		t.Error("the journal holds the key")
	}
	owner.Expect(t, "GET", "/api/admin/journal?actorKind=robot", nil, http.StatusBadRequest, nil)
	owner.Expect(t, "GET", "/api/admin/journal?from=yesterday", nil, http.StatusBadRequest, nil)
	owner.Expect(t, "GET", "/api/admin/journal?limit=1000", nil, http.StatusBadRequest, nil)
}

func TestUnknownAdminRoutesAnswerJSON404(t *testing.T) {
	_, owner, _ := start(t)
	body := owner.Expect(t, "GET", "/api/admin/nothing-here", nil, http.StatusNotFound, nil)
	if !strings.Contains(string(body), `"statusCode":404`) {
		t.Errorf("404 body: %s", body)
	}
	owner.Expect(t, "GET", "/api/admin/openapi.json", nil, http.StatusOK, nil)
}

func TestBadTextInTheQueryIsAnAdminError(t *testing.T) {
	_, owner, _ := start(t)
	for _, path := range []string{"/api/admin/journal?action=%FF", "/api/admin/journal?action=a%00b", "/api/admin/products?q=%C3%28"} {
		body := owner.Expect(t, "GET", path, nil, http.StatusBadRequest, nil)
		if !strings.Contains(string(body), "valid UTF-8") || strings.Contains(string(body), "pageData") {
			t.Errorf("%s: %s", path, body)
		}
	}
}
