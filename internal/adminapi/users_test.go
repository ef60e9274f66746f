package adminapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/httpapi/openapitest"
)

// mailbox is a mailer that keeps what it sends.
type mailbox struct {
	mu   sync.Mutex
	sent []openentry.Message
}

func (m *mailbox) Send(_ context.Context, msg openentry.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

var codePattern = regexp.MustCompile(`Your code: (\S+)`)

// codes returns the codes mailed to to, oldest first.
func (m *mailbox) codes(to string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, msg := range m.sent {
		if match := codePattern.FindStringSubmatch(msg.Text); msg.To == to && match != nil {
			out = append(out, match[1])
		}
	}
	return out
}

// userServer is a server with a mailbox and a clock the test moves.
type userServer struct {
	*apptest.Server
	owner  *apptest.Admin
	c      *openapitest.Checker
	mail   *mailbox
	offset atomic.Int64
}

func (s *userServer) advance(d time.Duration) { s.offset.Add(int64(d)) }

func startUsers(t *testing.T, opts ...apptest.Option) *userServer {
	t.Helper()
	s := &userServer{mail: &mailbox{}}
	begin := time.Now()
	opts = append(opts, apptest.WithMailer(s.mail), apptest.WithClock(func() time.Time { return begin.Add(time.Duration(s.offset.Load())) }))
	s.Server, s.owner, s.c = start(t, opts...)
	return s
}

// content calls the Content API as a shop's site does, with the device
// metadata header the SDK sends when device is set.
func (s *userServer) content(t *testing.T, method, path, bearer string, body any, device ...string) (int, []byte) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, s.BaseURL+path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-app-token", apptest.AppToken)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for _, d := range device {
		req.Header.Set("x-device-metadata", fmt.Sprintf(`{"fingerprint":%q,"deviceInfo":{"browser":%q}}`, d, d))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

const providerPath = "/api/content/users-auth-providers/marker/"

const userPassword = "pass-word-1"

func authData(email string) []map[string]string {
	return []map[string]string{{"marker": "email_reg", "value": email}, {"marker": "password_reg", "value": userPassword}}
}

// signUp registers a user through the Content API and returns their id.
func (s *userServer) signUp(t *testing.T, provider, email, name string) int64 {
	t.Helper()
	status, body := s.content(t, "POST", providerPath+provider+"/users/sign-up", "", map[string]any{
		"formIdentifier":   "reg",
		"authData":         authData(email),
		"formData":         map[string]any{"en_US": []map[string]any{{"marker": "name_reg", "type": "string", "value": name}}},
		"notificationData": map[string]any{"email": email, "phonePush": []string{}},
		"langCode":         "en_US",
	})
	var u struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &u); status != http.StatusCreated || err != nil || u.ID == 0 {
		t.Fatalf("sign up %s: %d %s", email, status, body)
	}
	return u.ID
}

type userTokens struct {
	Access  string `json:"accessToken"`
	Refresh string `json:"refreshToken"`
}

// signIn logs a user in from a device; it returns the status and tokens.
func (s *userServer) signIn(t *testing.T, email, device string) (int, userTokens) {
	t.Helper()
	status, body := s.content(t, "POST", providerPath+"email/users/auth", "", map[string]any{"authData": authData(email)}, device)
	var tk userTokens
	if status == http.StatusCreated {
		if err := json.Unmarshal(body, &tk); err != nil {
			t.Fatal(err)
		}
	}
	return status, tk
}

func (s *userServer) refresh(t *testing.T, tk userTokens) int {
	t.Helper()
	status, _ := s.content(t, "POST", providerPath+"email/users/refresh", "", map[string]string{"refreshToken": tk.Refresh})
	return status
}

type adminUser struct {
	ID       int64           `json:"id"`
	Login    string          `json:"login"`
	Email    string          `json:"email"`
	Provider string          `json:"provider"`
	State    string          `json:"state"`
	Version  int64           `json:"version"`
	FormData json.RawMessage `json:"formData"`
}

// page is a list answer of the admin API.
type page[T any] struct {
	Items []T   `json:"items"`
	Total int64 `json:"total"`
}

type userList = page[adminUser]

type userDetail struct {
	User   adminUser `json:"user"`
	Orders struct {
		Items []struct {
			ID            int64       `json:"id"`
			Storage       string      `json:"storage"`
			Status        string      `json:"status"`
			PaymentStatus *string     `json:"paymentStatus"`
			Total         json.Number `json:"total"`
			Currency      string      `json:"currency"`
		} `json:"items"`
		Total int64 `json:"total"`
	} `json:"orders"`
	Devices []struct {
		Fingerprint string `json:"fingerprint"`
	} `json:"devices"`
}

func (s *userServer) user(t *testing.T, id int64) userDetail {
	t.Helper()
	var d userDetail
	s.owner.Expect(t, "GET", fmt.Sprint("/api/admin/users/", id), nil, http.StatusOK, &d)
	return d
}

func logins(l userList) []string {
	out := make([]string, len(l.Items))
	for i, u := range l.Items {
		out[i] = u.Login
	}
	return out
}

// journalOf returns the journal entries of a user or an entry.
func journalOf(t *testing.T, a *apptest.Admin, kind string, id int64) journal {
	t.Helper()
	var j journal
	a.Expect(t, "GET", fmt.Sprintf("/api/admin/journal?objectKind=%s&objectId=%d", kind, id), nil, http.StatusOK, &j)
	return j
}

func TestListAndSearchUsers(t *testing.T) {
	s := startUsers(t)
	alice := s.signUp(t, "email", "alice@example.com", "Zebra Crossing")
	s.advance(time.Second)
	s.signUp(t, "email_confirm", "bob@example.com", "Bob")
	s.advance(time.Second)
	carol := s.signUp(t, "email", "carol@example.com", "Carol")
	d := s.user(t, carol)
	s.owner.Expect(t, "POST", fmt.Sprint("/api/admin/users/", carol, "/archive"), map[string]any{"version": d.User.Version}, http.StatusOK, nil)

	cases := []struct {
		name, query string
		want        []string
	}{
		{"all, newest first", "", []string{"carol@example.com", "bob@example.com", "alice@example.com", "your-user@email.com"}},
		{"login", "q=ALICE", []string{"alice@example.com"}},
		{"form data", "q=zebra", []string{"alice@example.com"}},
		{"LIKE wildcards are literal", "q=%25", []string{}},
		{"provider", "provider=email_confirm", []string{"bob@example.com"}},
		{"active", "state=active&sort=login", []string{"alice@example.com", "your-user@email.com"}},
		{"archived", "state=archived", []string{"carol@example.com"}},
		{"not activated", "state=not_activated", []string{"bob@example.com"}},
		{"by login", "sort=login", []string{"alice@example.com", "bob@example.com", "carol@example.com", "your-user@email.com"}},
		{"by login, descending, paged", "sort=-login&offset=1&limit=2", []string{"carol@example.com", "bob@example.com"}},
		{"oldest first", "sort=created&limit=1", []string{"your-user@email.com"}},
		{"created after", "from=" + url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)) + "&q=example.com&sort=created",
			[]string{"alice@example.com", "bob@example.com", "carol@example.com"}},
		{"created before", "to=2000-01-01T00:00:00Z", []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var l userList
			s.owner.Expect(t, "GET", "/api/admin/users?"+tc.query, nil, http.StatusOK, &l)
			if got := logins(l); strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	var l userList
	s.owner.Expect(t, "GET", "/api/admin/users?sort=-login&offset=1&limit=2", nil, http.StatusOK, &l)
	if l.Total != 4 {
		t.Errorf("total of a page: got %d, want 4", l.Total)
	}
	s.owner.Expect(t, "GET", "/api/admin/users?q=zebra", nil, http.StatusOK, &l)
	if u := l.Items[0]; u.ID != alice || u.State != "active" || u.Provider != "email" || !strings.Contains(string(u.FormData), "Zebra Crossing") {
		t.Errorf("alice: %+v", u)
	}
	for _, bad := range []string{"state=gone", "sort=name", "from=yesterday", "limit=1000", "offset=-1",
		"from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "q=" + strings.Repeat("x", 201)} {
		body := s.owner.Expect(t, "GET", "/api/admin/users?"+bad, nil, http.StatusBadRequest, nil)
		if !strings.Contains(string(body), `"statusCode":400`) {
			t.Errorf("%s: %s", bad, body)
		}
	}
	// Invalid UTF-8 in the search cannot pass the checking proxy; straight to the server.
	direct := s.owner.Via(s.BaseURL)
	direct.Expect(t, "GET", "/api/admin/users?q=%ff", nil, http.StatusBadRequest, nil)
}

func TestUserDetailHasOrdersAndDevices(t *testing.T) {
	s := startUsers(t)
	id := s.signUp(t, "email", "dana@example.com", "Dana")
	_, tk := s.signIn(t, "dana@example.com", "phone")
	s.signIn(t, "dana@example.com", "laptop")
	status, body := s.content(t, "POST", "/api/content/orders-storage/marker/orders/orders", tk.Access, map[string]any{
		"formIdentifier": "order", "paymentAccountIdentifier": "cash",
		"formData": map[string]any{"en_US": []map[string]any{{"marker": "name", "type": "string", "value": "Dana"}}},
		"products": []map[string]any{{"productId": 2, "quantity": 3}}})
	if status != http.StatusCreated {
		t.Fatalf("order: %d %s", status, body)
	}
	d := s.user(t, id)
	if d.User.Login != "dana@example.com" || d.User.Email != "dana@example.com" || d.User.State != "active" {
		t.Errorf("user: %+v", d.User)
	}
	if d.Orders.Total != 1 || len(d.Orders.Items) != 1 {
		t.Fatalf("orders: %+v", d.Orders)
	}
	if o := d.Orders.Items[0]; o.Storage != "orders" || o.Status == "" || o.Total.String() != "37.5" || o.Currency != "USD" || o.PaymentStatus != nil {
		t.Errorf("order summary: %+v", o)
	}
	if len(d.Devices) != 2 || d.Devices[0].Fingerprint+d.Devices[1].Fingerprint != "phonelaptop" && d.Devices[0].Fingerprint+d.Devices[1].Fingerprint != "laptopphone" {
		t.Errorf("devices: %+v", d.Devices)
	}
	raw := s.owner.Expect(t, "GET", fmt.Sprint("/api/admin/users/", id), nil, http.StatusOK, nil)
	for _, secret := range []string{tk.Refresh, tk.Access, "argon2", userPassword} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the user's page shows a secret %q", secret)
		}
	}
	s.owner.Expect(t, "GET", "/api/admin/users/99999", nil, http.StatusNotFound, nil)
	s.owner.Expect(t, "GET", "/api/admin/users/0", nil, http.StatusBadRequest, nil)
	s.owner.Expect(t, "GET", "/api/admin/users/x", nil, http.StatusBadRequest, nil)
}

func TestArchiveAndRestoreAUser(t *testing.T) {
	s := startUsers(t)
	id := s.signUp(t, "email", "erin@example.com", "Erin")
	_, tk := s.signIn(t, "erin@example.com", "phone")
	read := s.user(t, id)
	path := fmt.Sprint("/api/admin/users/", id)

	var archived adminUser
	s.owner.Expect(t, "POST", path+"/archive", map[string]any{"version": read.User.Version}, http.StatusOK, &archived)
	if archived.State != "archived" || archived.Version != read.User.Version+1 {
		t.Fatalf("archived: %+v", archived)
	}
	// Through the Content API: no sign-in, no refresh, no access.
	if status, _ := s.signIn(t, "erin@example.com", "phone"); status != http.StatusForbidden {
		t.Errorf("an archived user signed in: %d", status)
	}
	if status := s.refresh(t, tk); status != http.StatusBadRequest {
		t.Errorf("an archived user's refresh: %d", status)
	}
	if status, _ := s.content(t, "GET", "/api/content/users/me", tk.Access, nil); status != http.StatusUnauthorized {
		t.Errorf("an archived user's access token: %d", status)
	}
	// A second archive made from the first read loses; so does archiving twice.
	s.owner.Expect(t, "POST", path+"/archive", map[string]any{"version": read.User.Version}, http.StatusConflict, nil)
	s.owner.Expect(t, "POST", path+"/archive", map[string]any{"version": archived.Version}, http.StatusConflict, nil)
	s.owner.Expect(t, "POST", path+"/restore", map[string]any{"version": read.User.Version}, http.StatusConflict, nil)

	var restored adminUser
	s.owner.Expect(t, "POST", path+"/restore", map[string]any{"version": archived.Version}, http.StatusOK, &restored)
	if restored.State != "active" || restored.Version != archived.Version+1 {
		t.Fatalf("restored: %+v", restored)
	}
	s.owner.Expect(t, "POST", path+"/restore", map[string]any{"version": restored.Version}, http.StatusConflict, nil)
	if status, _ := s.signIn(t, "erin@example.com", "phone"); status != http.StatusCreated {
		t.Errorf("a restored user cannot sign in: %d", status)
	}

	j := journalOf(t, s.owner, "user", id)
	if j.Total != 2 || j.Items[0].Action != "user.restore" || j.Items[1].Action != "user.archive" {
		t.Fatalf("journal: %+v", j)
	}
	arch := j.Items[1]
	if !strings.Contains(string(arch.Before), `"state":"active"`) || !strings.Contains(string(arch.Before), `"openSessions":1`) ||
		!strings.Contains(string(arch.After), `"state":"archived"`) || !strings.Contains(string(arch.After), `"openSessions":0`) {
		t.Errorf("archive before/after: %s → %s", arch.Before, arch.After)
	}
	all := s.owner.Expect(t, "GET", "/api/admin/journal?action=user.", nil, http.StatusOK, nil)
	for _, secret := range []string{"argon2", tk.Refresh, "erin@example.com"} {
		if strings.Contains(string(all), secret) {
			t.Errorf("the journal holds %q", secret)
		}
	}

	// Bad input.
	s.owner.Expect(t, "POST", path+"/archive", map[string]any{}, http.StatusBadRequest, nil)
	s.owner.Expect(t, "POST", path+"/archive", `{"version": 1, "why": "x"}`, http.StatusBadRequest, nil)
	s.owner.Expect(t, "POST", path+"/archive", `{"version": "1"}`, http.StatusBadRequest, nil)
	s.owner.Expect(t, "POST", path+"/archive", nil, http.StatusBadRequest, nil)
	s.owner.Expect(t, "POST", "/api/admin/users/99999/archive", map[string]any{"version": 1}, http.StatusNotFound, nil)
}

func TestANotActivatedUserStaysSoAfterARestore(t *testing.T) {
	s := startUsers(t)
	id := s.signUp(t, "email_confirm", "fay@example.com", "Fay")
	path := fmt.Sprint("/api/admin/users/", id)
	var u adminUser
	s.owner.Expect(t, "POST", path+"/archive", map[string]any{"version": s.user(t, id).User.Version}, http.StatusOK, &u)
	s.owner.Expect(t, "POST", path+"/restore", map[string]any{"version": u.Version}, http.StatusOK, &u)
	if u.State != "not_activated" {
		t.Errorf("restored: %s, want not_activated", u.State)
	}
}

func TestLogoutAllClosesEverySession(t *testing.T) {
	s := startUsers(t)
	id := s.signUp(t, "email", "gus@example.com", "Gus")
	_, phone := s.signIn(t, "gus@example.com", "phone")
	_, laptop := s.signIn(t, "gus@example.com", "laptop")
	path := fmt.Sprint("/api/admin/users/", id, "/logout-all")
	var out struct {
		ClosedSessions int64 `json:"closedSessions"`
	}
	s.owner.Expect(t, "POST", path, nil, http.StatusOK, &out)
	if out.ClosedSessions != 2 {
		t.Errorf("closed %d sessions, want 2", out.ClosedSessions)
	}
	for _, tk := range []userTokens{phone, laptop} {
		if status := s.refresh(t, tk); status != http.StatusBadRequest {
			t.Errorf("refresh after logout-all: %d", status)
		}
		if status, _ := s.content(t, "GET", "/api/content/users/me", tk.Access, nil); status != http.StatusUnauthorized {
			t.Errorf("access after logout-all: %d", status)
		}
	}
	if d := s.user(t, id); len(d.Devices) != 0 || d.User.State != "active" {
		t.Errorf("after logout-all: %+v", d)
	}
	// They may sign in again: logging out is not archiving.
	if status, _ := s.signIn(t, "gus@example.com", "phone"); status != http.StatusCreated {
		t.Errorf("sign in after logout-all: %d", status)
	}
	s.owner.Expect(t, "POST", path, nil, http.StatusOK, &out)
	j := journalOf(t, s.owner, "user", id)
	if j.Total != 2 || j.Items[1].Action != "user.logout_all" || !strings.Contains(string(j.Items[1].Before), `"openSessions":2`) ||
		!strings.Contains(string(j.Items[1].After), `"openSessions":0`) {
		t.Errorf("journal: %+v", j)
	}
	s.owner.Expect(t, "POST", "/api/admin/users/99999/logout-all", nil, http.StatusNotFound, nil)
}

func TestResendActivation(t *testing.T) {
	s := startUsers(t)
	const email = "hal@example.com"
	id := s.signUp(t, "email_confirm", email, "Hal")
	path := fmt.Sprint("/api/admin/users/", id, "/resend-activation")
	if n := len(s.mail.codes(email)); n != 1 {
		t.Fatalf("%d codes after sign-up, want 1", n)
	}
	// The Content API's spacing holds for staff too.
	s.owner.Expect(t, "POST", path, nil, http.StatusTooManyRequests, nil)
	s.advance(31 * time.Second)
	s.owner.Expect(t, "POST", path, nil, http.StatusNoContent, nil)
	codes := s.mail.codes(email)
	if len(codes) != 2 || codes[0] == codes[1] {
		t.Fatalf("codes: %v", codes)
	}
	j := journalOf(t, s.owner, "user", id)
	if j.Total != 1 || j.Items[0].Action != "user.resend_activation" || strings.Contains(string(j.Items[0].After), codes[1]) {
		t.Fatalf("journal: %+v", j)
	}
	// The first code is replaced; the new one activates.
	status, body := s.content(t, "POST", providerPath+"email_confirm/users/activate", "", map[string]any{"userIdentifier": email, "code": codes[1]})
	if status != http.StatusCreated {
		t.Fatalf("activate: %d %s", status, body)
	}
	s.advance(31 * time.Second)
	body = s.owner.Expect(t, "POST", path, nil, http.StatusConflict, nil)
	if !strings.Contains(string(body), "active already") {
		t.Errorf("resend to an active user: %s", body)
	}
	// An archived user needs a restore first.
	other := s.signUp(t, "email_confirm", "ida@example.com", "Ida")
	s.owner.Expect(t, "POST", fmt.Sprint("/api/admin/users/", other, "/archive"), map[string]any{"version": s.user(t, other).User.Version}, http.StatusOK, nil)
	s.advance(31 * time.Second)
	s.owner.Expect(t, "POST", fmt.Sprint("/api/admin/users/", other, "/resend-activation"), nil, http.StatusConflict, nil)
	s.owner.Expect(t, "POST", "/api/admin/users/99999/resend-activation", nil, http.StatusNotFound, nil)
}

func TestRolesOfUserRoutes(t *testing.T) {
	s := startUsers(t)
	id := s.signUp(t, "email_confirm", "jo@example.com", "Jo")
	s.advance(31 * time.Second)
	path := fmt.Sprint("/api/admin/users/", id)
	for _, tc := range []struct {
		role    string
		mayAct  bool
		viaKeys bool
	}{{"manager", false, false}, {"viewer", false, true}, {"support", true, false}, {"owner", true, true}} {
		t.Run(tc.role, func(t *testing.T) {
			m := as(t, s.Server, s.c, tc.role+"-users@shop.test", tc.role)
			if tc.viaKeys {
				m = s.owner.KeyAs(t, tc.role).Via(s.c.Proxy(s.BaseURL))
			}
			m.Expect(t, "GET", "/api/admin/users", nil, http.StatusOK, nil)
			m.Expect(t, "GET", "/api/admin/users.csv", nil, http.StatusOK, nil)
			d := userDetail{}
			m.Expect(t, "GET", path, nil, http.StatusOK, &d)
			want := http.StatusForbidden
			if tc.mayAct {
				want = http.StatusOK
			}
			var u adminUser
			m.Expect(t, "POST", path+"/archive", map[string]any{"version": d.User.Version}, want, &u)
			if tc.mayAct {
				m.Expect(t, "POST", path+"/restore", map[string]any{"version": u.Version}, http.StatusOK, nil)
			}
			m.Expect(t, "POST", path+"/logout-all", nil, want, nil)
			resend := http.StatusForbidden
			if tc.mayAct {
				resend = http.StatusNoContent
				s.advance(31 * time.Second)
			}
			m.Expect(t, "POST", path+"/resend-activation", nil, resend, nil)
		})
	}
	var j journal
	s.owner.Expect(t, "GET", fmt.Sprintf("/api/admin/journal?objectKind=user&objectId=%d", id), nil, http.StatusOK, &j)
	if j.Total != 8 { // support and owner: archive, restore, logout-all, resend
		t.Errorf("%d journal entries, want 8: %+v", j.Total, j)
	}
}

func TestUsersCSVStreamsEveryRow(t *testing.T) {
	s := startUsers(t)
	s.signUp(t, "email", "=cmd@example.com", "=HYPERLINK(\"http://evil\")")
	const bulk = 3000
	s.Exec(t, fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
		INSERT INTO users (provider, identifier, identifier_folded, password_hash, form_identifier, form_data, notification_email,
			phone_push, locale, state, is_active, version, created_ms, updated_ms)
		SELECT 'email', 'bulk' || i || '@example.com', 'bulk' || i || '@example.com', 'x', 'reg', '{}', 'bulk' || i || '@example.com',
			'[]', 'en_US', '{}', TRUE, 0, 1000 + i, 1000 + i FROM n`, bulk))

	// Straight to the server, to see how it is sent.
	req, _ := http.NewRequest("GET", s.BaseURL+"/api/admin/users.csv?sort=created", nil)
	req.Header.Set("Authorization", "Bearer "+s.owner.KeyAs(t, "viewer").Key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp.ContentLength != -1 || len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
		t.Errorf("export sent with length %d, encoding %v: want it streamed in chunks", resp.ContentLength, resp.TransferEncoding)
	}
	r := csv.NewReader(bufio.NewReader(resp.Body))
	header, err := r.Read()
	if err != nil || strings.Join(header, ",") != "id,login,email,provider,state,form,formData,locale,createdAt,updatedAt" {
		t.Fatalf("header: %v %v", header, err)
	}
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != bulk+2 { // the demo user and the one signed up
		t.Fatalf("%d rows, want %d", len(rows), bulk+2)
	}
	if rows[0][1] != "bulk1@example.com" || rows[bulk-1][1] != fmt.Sprintf("bulk%d@example.com", bulk) || rows[0][8] != "1970-01-01T00:00:01.001Z" {
		t.Errorf("oldest rows: %v … %v", rows[0], rows[bulk-1])
	}
	last := rows[len(rows)-1]
	if last[1] != "'=cmd@example.com" || !strings.HasPrefix(last[6], `{"en_US"`) || last[4] != "active" {
		t.Errorf("a login that reads as a formula: %v", last)
	}

	// Filters as the list's, through the checking proxy; bad ones are JSON 400s.
	body := s.owner.Expect(t, "GET", "/api/admin/users.csv?q=cmd", nil, http.StatusOK, nil)
	if lines := strings.Split(strings.TrimSpace(string(body)), "\n"); len(lines) != 2 {
		t.Errorf("filtered export: %q", body)
	}
	body = s.owner.Expect(t, "GET", "/api/admin/users.csv?q=nobody-at-all", nil, http.StatusOK, nil)
	if got := strings.TrimSpace(string(body)); got != "id,login,email,provider,state,form,formData,locale,createdAt,updatedAt" {
		t.Errorf("empty export: %q", got)
	}
	s.owner.Expect(t, "GET", "/api/admin/users.csv?state=gone", nil, http.StatusBadRequest, nil)
	s.owner.Expect(t, "GET", "/api/admin/users.csv?from=soon", nil, http.StatusBadRequest, nil)
}

// contactForm is a form whose entries staff move through statuses.
const contactForm = `{"forms": [{"identifier": "contact", "type": "data", "title": {"en_US": "Contact"},
	"attributes": [{"marker": "message", "type": "text", "isRequired": true, "title": {"en_US": "Message"}}],
	"entryStatuses": ["new", "answered", "spam"]}]}`

type adminEntry struct {
	ID        int64           `json:"id"`
	Form      string          `json:"form"`
	UserID    *int64          `json:"userId"`
	UserLogin *string         `json:"userLogin"`
	Status    string          `json:"status"`
	Version   int64           `json:"version"`
	FormData  json.RawMessage `json:"formData"`
}

type entryList = page[adminEntry]

// postEntry sends a contact message through the Content API.
func (s *userServer) postEntry(t *testing.T, bearer, message string) {
	t.Helper()
	status, body := s.content(t, "POST", "/api/content/form-data", bearer, map[string]any{"formIdentifier": "contact",
		"formModuleConfigId": 1, "moduleEntityIdentifier": "", "formData": map[string]any{"en_US": []map[string]any{
			{"marker": "message", "type": "text", "value": message}}}})
	if status != http.StatusCreated {
		t.Fatalf("post entry: %d %s", status, body)
	}
}

func TestModerateFormEntries(t *testing.T) {
	p, err := openentry.ParseProject([]byte(contactForm))
	if err != nil {
		t.Fatal(err)
	}
	s := startUsers(t, apptest.WithProject(p))
	s.signUp(t, "email", "kim@example.com", "Kim")
	_, tk := s.signIn(t, "kim@example.com", "phone")
	s.postEntry(t, "", "Hello from a guest")
	s.postEntry(t, tk.Access, "Where is my order?")

	var l entryList
	s.owner.Expect(t, "GET", "/api/admin/form-entries?form=contact", nil, http.StatusOK, &l)
	if l.Total != 2 || l.Items[0].UserLogin == nil || *l.Items[0].UserLogin != "kim@example.com" || l.Items[1].UserID != nil {
		t.Fatalf("entries: %+v", l)
	}
	mine := l.Items[0]
	if mine.Status != "new" || mine.Version != 1 || !strings.Contains(string(mine.FormData), "Where is my order?") {
		t.Errorf("entry: %+v", mine)
	}
	raw := s.owner.Expect(t, "GET", "/api/admin/form-entries", nil, http.StatusOK, nil)
	if strings.Contains(string(raw), "127.0.0.1") {
		t.Error("the sender's address is shown")
	}
	path := fmt.Sprint("/api/admin/form-entries/", mine.ID)
	var got adminEntry
	s.owner.Expect(t, "GET", path, nil, http.StatusOK, &got)
	if got.ID != mine.ID || got.Form != "contact" {
		t.Errorf("one entry: %+v", got)
	}

	var answered adminEntry
	s.owner.Expect(t, "PATCH", path, map[string]any{"version": mine.Version, "status": "answered"}, http.StatusOK, &answered)
	if answered.Status != "answered" || answered.Version != mine.Version+1 {
		t.Fatalf("answered: %+v", answered)
	}
	// A change made from a stale read loses; so does a delete.
	s.owner.Expect(t, "PATCH", path, map[string]any{"version": mine.Version, "status": "spam"}, http.StatusConflict, nil)
	s.owner.Expect(t, "DELETE", fmt.Sprint(path, "?version=", mine.Version), nil, http.StatusConflict, nil)
	s.owner.Expect(t, "GET", "/api/admin/form-entries?form=contact&status=answered", nil, http.StatusOK, &l)
	if l.Total != 1 || l.Items[0].ID != mine.ID {
		t.Errorf("answered entries: %+v", l)
	}
	s.owner.Expect(t, "GET", "/api/admin/form-entries?status=new&status=spam", nil, http.StatusOK, &l)
	if l.Total != 1 || l.Items[0].ID == mine.ID {
		t.Errorf("new or spam entries: %+v", l)
	}
	// The sender sees the status staff set, through the Content API.
	status, body := s.content(t, "POST", "/api/content/form-data/marker/contact?offset=0&limit=10", tk.Access,
		map[string]any{"status": []string{"answered"}})
	if status != http.StatusCreated || !strings.Contains(string(body), "Where is my order?") {
		t.Errorf("the sender's answered entries: %d %s", status, body)
	}

	// Bad input.
	s.owner.Expect(t, "PATCH", path, map[string]any{"version": answered.Version, "status": "archived"}, http.StatusBadRequest, nil)
	s.owner.Expect(t, "PATCH", path, map[string]any{"version": answered.Version}, http.StatusBadRequest, nil)
	s.owner.Expect(t, "PATCH", path, map[string]any{"status": "spam"}, http.StatusBadRequest, nil)
	s.owner.Expect(t, "PATCH", path, map[string]any{"version": answered.Version, "status": "spam", "note": "x"}, http.StatusBadRequest, nil)
	s.owner.Expect(t, "DELETE", path, nil, http.StatusBadRequest, nil)
	s.owner.Expect(t, "DELETE", path+"?version=x", nil, http.StatusBadRequest, nil)
	s.owner.Expect(t, "GET", "/api/admin/form-entries?form=nope", nil, http.StatusNotFound, nil)
	s.owner.Expect(t, "GET", "/api/admin/form-entries?limit=0", nil, http.StatusBadRequest, nil)
	s.owner.Expect(t, "GET", "/api/admin/form-entries/99999", nil, http.StatusNotFound, nil)
	s.owner.Expect(t, "PATCH", "/api/admin/form-entries/99999", map[string]any{"version": 1, "status": "spam"}, http.StatusNotFound, nil)
	s.owner.Expect(t, "DELETE", "/api/admin/form-entries/99999?version=1", nil, http.StatusNotFound, nil)

	s.owner.Expect(t, "DELETE", fmt.Sprint(path, "?version=", answered.Version), nil, http.StatusNoContent, nil)
	s.owner.Expect(t, "GET", path, nil, http.StatusNotFound, nil)

	j := journalOf(t, s.owner, "form_entry", mine.ID)
	if j.Total != 2 || j.Items[0].Action != "form_entry.delete" || j.Items[1].Action != "form_entry.status" {
		t.Fatalf("journal: %+v", j)
	}
	if string(j.Items[0].After) != "null" || !strings.Contains(string(j.Items[1].Before), `"status":"new"`) ||
		!strings.Contains(string(j.Items[1].After), `"status":"answered"`) {
		t.Errorf("journal before/after: %s → %s; %s → %s", j.Items[1].Before, j.Items[1].After, j.Items[0].Before, j.Items[0].After)
	}
	if strings.Contains(string(s.owner.Expect(t, "GET", "/api/admin/journal?action=form_entry.", nil, http.StatusOK, nil)), "Where is my order?") {
		t.Error("the journal keeps what the user wrote")
	}
}

func TestRolesOfFormEntryRoutes(t *testing.T) {
	p, err := openentry.ParseProject([]byte(contactForm))
	if err != nil {
		t.Fatal(err)
	}
	s := startUsers(t, apptest.WithProject(p))
	for _, tc := range []struct {
		role   string
		mayAct bool
	}{{"manager", false}, {"viewer", false}, {"support", true}, {"owner", true}} {
		t.Run(tc.role, func(t *testing.T) {
			s.postEntry(t, "", "From "+tc.role)
			m := as(t, s.Server, s.c, tc.role+"-entries@shop.test", tc.role)
			var l entryList
			m.Expect(t, "GET", "/api/admin/form-entries?form=contact&limit=1", nil, http.StatusOK, &l)
			e := l.Items[0]
			m.Expect(t, "GET", fmt.Sprint("/api/admin/form-entries/", e.ID), nil, http.StatusOK, nil)
			patch, del := http.StatusForbidden, http.StatusForbidden
			if tc.mayAct {
				patch, del = http.StatusOK, http.StatusNoContent
			}
			m.Expect(t, "PATCH", fmt.Sprint("/api/admin/form-entries/", e.ID), map[string]any{"version": e.Version, "status": "spam"}, patch, nil)
			if tc.mayAct {
				e.Version++
			}
			m.Expect(t, "DELETE", fmt.Sprint("/api/admin/form-entries/", e.ID, "?version=", e.Version), nil, del, nil)
			key := s.owner.KeyAs(t, tc.role).Via(s.c.Proxy(s.BaseURL))
			key.Expect(t, "GET", "/api/admin/form-entries", nil, http.StatusOK, nil)
		})
	}
	var j journal
	s.owner.Expect(t, "GET", "/api/admin/journal?action=form_entry.", nil, http.StatusOK, &j)
	if j.Total != 4 {
		t.Errorf("%d journal entries, want 4 (support and owner: status, delete)", j.Total)
	}
}

func TestConcurrentArchivesFromOneReadMakeOneChange(t *testing.T) {
	s := startUsers(t)
	id := s.signUp(t, "email", "lee@example.com", "Lee")
	read := s.user(t, id)
	direct := s.owner.Via(s.BaseURL) // the checker is not made for parallel calls
	const n = 6
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := fmt.Sprint("/api/admin/users/", id, "/archive")
			if i%2 == 1 {
				path = fmt.Sprint("/api/admin/users/", id, "/restore")
			}
			statuses[i], _, _ = direct.Do(t, "POST", path, map[string]any{"version": read.User.Version})
		}()
	}
	wg.Wait()
	won := 0
	for i, st := range statuses {
		switch {
		case st == http.StatusOK && i%2 == 0:
			won++
		case st != http.StatusConflict:
			t.Errorf("call %d: %d, want 200 once for an archive, else 409", i, st)
		}
	}
	if won != 1 {
		t.Errorf("%d archives won, want 1: %v", won, statuses)
	}
	if j := journalOf(t, s.owner, "user", id); j.Total != 1 {
		t.Errorf("%d journal entries, want 1", j.Total)
	}
}

func TestStaffRestoreAUserWhoArchivedThemselves(t *testing.T) {
	s := startUsers(t)
	id := s.signUp(t, "email", "max@example.com", "Max")
	_, tk := s.signIn(t, "max@example.com", "phone")
	if status, body := s.content(t, "DELETE", "/api/content/users/me", tk.Access, nil); status != http.StatusOK {
		t.Fatalf("archive me: %d %s", status, body)
	}
	d := s.user(t, id)
	if d.User.State != "archived" {
		t.Fatalf("after archiving themselves: %s", d.User.State)
	}
	var u adminUser
	s.owner.Expect(t, "POST", fmt.Sprint("/api/admin/users/", id, "/restore"), map[string]any{"version": d.User.Version}, http.StatusOK, &u)
	if u.State != "active" {
		t.Errorf("restored: %s", u.State)
	}
	if status, _ := s.signIn(t, "max@example.com", "phone"); status != http.StatusCreated {
		t.Errorf("sign in after a restore: %d", status)
	}
}
