package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/shop"
)

// api is a raw HTTP client for one test server, so that tests see exactly
// what goes over the wire.
type api struct {
	t     *testing.T
	base  string
	token string // app token
}

func newAPI(t *testing.T, srv *apptest.Server) *api {
	return &api{t: t, base: srv.BaseURL, token: apptest.AppToken}
}

type response struct {
	status int
	header http.Header
	raw    []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.raw, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.raw)
	}
	return m
}

func (r response) list(t *testing.T) []any {
	t.Helper()
	var l []any
	if err := json.Unmarshal(r.raw, &l); err != nil {
		t.Fatalf("response is not a JSON array: %v: %s", err, r.raw)
	}
	return l
}

// do sends body (a string is sent as is, anything else as JSON) with the app
// token and, if bearer is set, a user token.
func (a *api) do(method, path, bearer string, body any) response {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("x-app-token", a.token)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, raw: raw}
}

func (a *api) expect(method, path, bearer string, body any, want int) response {
	a.t.Helper()
	r := a.do(method, path, bearer, body)
	if r.status != want {
		a.t.Fatalf("%s %s: got status %d, want %d: %s", method, path, r.status, want, r.raw)
	}
	return r
}

type tokens struct {
	Access  string `json:"accessToken"`
	Refresh string `json:"refreshToken"`
}

func authBody(login, password string) map[string]any {
	return map[string]any{"authData": []map[string]string{
		{"marker": "email_reg", "value": login}, {"marker": "password_reg", "value": password},
	}}
}

const authPath = "/api/content/users-auth-providers/marker/email/users/auth"

func (a *api) login(login, password string) tokens {
	a.t.Helper()
	var tk tokens
	if err := json.Unmarshal(a.expect("POST", authPath, "", authBody(login, password), 201).raw, &tk); err != nil {
		a.t.Fatal(err)
	}
	return tk
}

func (a *api) loginDemo() tokens { return a.login("your-user@email.com", "123456") }

// signUpAndLogin registers a fresh user and logs in as them.
func (a *api) signUpAndLogin(email string) tokens {
	a.t.Helper()
	a.expect("POST", "/api/content/users-auth-providers/marker/email/users/sign-up", "", map[string]any{
		"formIdentifier":   "reg",
		"authData":         authBody(email, "secret-pw")["authData"],
		"formData":         map[string]any{"en_US": []map[string]any{{"marker": "name_reg", "type": "string", "value": "Other"}}},
		"notificationData": map[string]any{"email": email, "phonePush": []string{}},
		"langCode":         "en_US",
	}, 201)
	return a.login(email, "secret-pw")
}

const ordersPath = "/api/content/orders-storage/marker/orders/orders"

func orderBody(lines ...[2]int64) map[string]any {
	products := []map[string]any{}
	for _, l := range lines {
		products = append(products, map[string]any{"productId": l[0], "quantity": l[1]})
	}
	return map[string]any{
		"formIdentifier":           "order",
		"paymentAccountIdentifier": "cash",
		"formData":                 map[string]any{"en_US": []map[string]any{{"marker": "name", "type": "string", "value": "Christina Thomas"}}},
		"products":                 products,
	}
}

func (a *api) createOrder(bearer string, lines ...[2]int64) map[string]any {
	a.t.Helper()
	return a.expect("POST", ordersPath, bearer, orderBody(lines...), 201).json(a.t)
}

func id(t *testing.T, m map[string]any) int64 {
	t.Helper()
	n, ok := m["id"].(float64)
	if !ok {
		t.Fatalf("no numeric id in %v", m)
	}
	return int64(n)
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func checkKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := keys(m); !reflect.DeepEqual(got, want) {
		t.Errorf("%s keys: got %v, want %v", what, got, want)
	}
}

func checkError(t *testing.T, r response, status int, message string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("got status %d, want %d: %s", r.status, status, r.raw)
	}
	m := r.json(t)
	checkKeys(t, "error", m, "statusCode", "message", "error", "pageData", "timestamp")
	if m["statusCode"] != float64(status) || m["pageData"] != nil || m["error"] != http.StatusText(status) {
		t.Errorf("error body: got %s", r.raw)
	}
	if message != "" && !strings.Contains(fmt.Sprint(m["message"]), message) {
		t.Errorf("message: got %q, want it to contain %q", m["message"], message)
	}
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(m["timestamp"])); err != nil {
		t.Errorf("timestamp %v: %v", m["timestamp"], err)
	}
}

// count runs a COUNT query on the server's database.
func count(t *testing.T, srv *apptest.Server, from string) int {
	t.Helper()
	return srv.Count(t, from)
}

func TestSeedScenario(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	if tk.Access == "" || tk.Refresh == "" {
		t.Fatalf("empty tokens: %+v", tk)
	}
	order := a.createOrder(tk.Access, [2]int64{14, 1})
	checkKeys(t, "order", order, "id", "formIdentifier", "paymentAccountIdentifier", "formData", "products",
		"currency", "totalSum", "createdDate", "statusIdentifier")
	if order["totalSum"] != float64(340) || order["currency"] != "USD" || order["statusIdentifier"] != "inProgress" {
		t.Errorf("order: got %v", order)
	}
	if !bytes.Contains(a.do("GET", ordersPath+"/"+fmt.Sprint(id(t, order)), tk.Access, nil).raw, []byte(`"totalSum":"340.00"`)) {
		t.Error("order read: totalSum is not the string 340.00")
	}
	session := a.expect("POST", "/api/content/payments/sessions", tk.Access,
		map[string]any{"orderId": id(t, order), "type": "session", "automaticTaxEnabled": false}, 201).json(t)
	checkKeys(t, "session", session, "id", "orderId", "type", "status", "paymentAccountId", "paymentUrl", "createdDate", "updatedDate")
	if session["status"] != "waiting" || session["paymentUrl"] != nil || session["type"] != "session" ||
		session["orderId"] != order["id"] || session["paymentAccountId"] != float64(1) {
		t.Errorf("session: got %v", session)
	}
	got := a.expect("GET", fmt.Sprintf("/api/content/payments/sessions/order/%d", id(t, order)), tk.Access, nil, 200).json(t)
	if !reflect.DeepEqual(got, session) {
		t.Errorf("session by order: got %v, want %v", got, session)
	}
}

func TestAppToken(t *testing.T) {
	srv := apptest.Start(t)
	for _, token := range []string{"", "wrong", apptest.AppToken + "x"} {
		a := newAPI(t, srv)
		a.token = token
		checkError(t, a.do("GET", "/api/content/forms", "", nil), 403, "Resource is closed")
		checkError(t, a.do("POST", authPath, "", authBody("your-user@email.com", "123456")), 403, "")
	}
	a := newAPI(t, srv)
	a.token = ""
	a.expect("GET", "/healthz", "", nil, 200) // health needs no token
}

func TestUserTokenRequired(t *testing.T) {
	now := time.Now()
	var offset atomic.Int64
	srv := apptest.Start(t, apptest.WithClock(func() time.Time { return now.Add(time.Duration(offset.Load())) }))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	forged := tk.Access[:len(tk.Access)-4] + "AAAA"
	routes := []struct{ method, path string }{
		{"GET", "/api/content/users/me"},
		{"POST", ordersPath},
		{"GET", ordersPath},
		{"GET", ordersPath + "/1"},
		{"GET", "/api/content/orders-storage"},
		{"POST", "/api/content/payments/sessions"},
		{"GET", "/api/content/payments/sessions/order/1"},
		{"GET", "/api/content/payments/sessions/1"},
		{"GET", "/api/content/payments/sessions"},
		{"GET", "/api/content/payments/accounts"},
	}
	for _, r := range routes {
		for name, bearer := range map[string]string{"missing": "", "forged": forged, "garbage": "not-a-token"} {
			t.Run(r.method+r.path+"/"+name, func(t *testing.T) {
				checkError(t, a.do(r.method, r.path, bearer, nil), 401, "")
			})
		}
	}
	a.expect("GET", "/api/content/users/me", tk.Access, nil, 200)
	offset.Store(int64(11 * time.Hour)) // past accessTokenTtlSec 36000
	checkError(t, a.do("GET", "/api/content/users/me", tk.Access, nil), 401, "")
}

func TestAuth(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	wrongPassword := a.do("POST", authPath, "", authBody("your-user@email.com", "1234567"))
	unknownUser := a.do("POST", authPath, "", authBody("nobody@email.com", "123456"))
	checkError(t, wrongPassword, 401, "Invalid login or password")
	checkError(t, unknownUser, 401, "Invalid login or password")
	if wrongPassword.json(t)["message"] != unknownUser.json(t)["message"] {
		t.Errorf("unknown user and wrong password answer differently: %s vs %s", wrongPassword.raw, unknownUser.raw)
	}
	checkError(t, a.do("POST", authPath, "", map[string]any{"authData": []any{}}), 400, "authData")
	checkError(t, a.do("POST", "/api/content/users-auth-providers/marker/nope/users/auth", "",
		authBody("your-user@email.com", "123456")), 404, "")
	// Logins are matched case-insensitively.
	tk := a.login("Your-User@Email.com", "123456")
	me := a.expect("GET", "/api/content/users/me?langCode=en_US", tk.Access, nil, 200).json(t)
	checkKeys(t, "user", me, "id", "identifier", "authProviderIdentifier", "formIdentifier", "formData", "total",
		"groups", "state", "moduleFormConfigs")
	if me["identifier"] != "your-user@email.com" || me["authProviderIdentifier"] != "email" || me["total"] != "1" {
		t.Errorf("user: got %v", me)
	}
	// The device header is optional and never a reason to refuse.
	req, _ := http.NewRequest("POST", srv.BaseURL+authPath, strings.NewReader(`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`))
	req.Header.Set("x-app-token", apptest.AppToken)
	req.Header.Set("x-device-metadata", "{not json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("auth with malformed device header: got %d, want 201", resp.StatusCode)
	}
}

func TestRefreshRotation(t *testing.T) {
	now := time.Now()
	var offset atomic.Int64
	srv := apptest.Start(t, apptest.WithClock(func() time.Time { return now.Add(time.Duration(offset.Load())) }))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	// The SDK refreshes through provider "email" whatever the login used, and
	// with another fingerprint: neither may matter.
	refreshPath := "/api/content/users-auth-providers/marker/other/users/refresh"
	var next tokens
	r := a.expect("POST", refreshPath, "", map[string]string{"refreshToken": tk.Refresh}, 201)
	if err := json.Unmarshal(r.raw, &next); err != nil || next.Refresh == "" || next.Refresh == tk.Refresh || next.Access == "" {
		t.Fatalf("refresh: got %s", r.raw)
	}
	checkKeys(t, "token pair", r.json(t), "userIdentifier", "authProviderIdentifier", "accessToken", "refreshToken")
	a.expect("GET", "/api/content/users/me", next.Access, nil, 200)

	// Within the reuse window (the JS SDK's concurrent retries), the same
	// token gets the same pair, and the session stays open.
	offset.Store(int64(shop.DefaultRefreshReuseWindow - time.Second))
	var again tokens
	r = a.expect("POST", refreshPath, "", map[string]string{"refreshToken": tk.Refresh}, 201)
	if err := json.Unmarshal(r.raw, &again); err != nil || again != next {
		t.Fatalf("reuse within the window: got %s, want the pair of the rotation %+v", r.raw, next)
	}
	a.expect("GET", "/api/content/users/me", next.Access, nil, 200)

	// Later, reuse means a copy was stolen: refused, and the session is
	// closed, so the token it was rotated into dies too.
	offset.Store(int64(shop.DefaultRefreshReuseWindow + time.Second))
	reuse := a.do("POST", refreshPath, "", map[string]string{"refreshToken": tk.Refresh})
	checkError(t, reuse, 400, "")
	if bytes.Contains(reuse.raw, []byte("accessToken")) {
		t.Errorf("reuse yielded tokens: %s", reuse.raw)
	}
	if n := srv.Count(t, "refresh_tokens WHERE successor IS NOT NULL AND used_ms IS NOT NULL AND session_id IN (SELECT id FROM user_sessions WHERE revoked_ms IS NOT NULL)"); n != 0 {
		t.Errorf("%d sealed pairs kept for a closed session", n)
	}
	checkError(t, a.do("POST", refreshPath, "", map[string]string{"refreshToken": next.Refresh}), 400, "")
	checkError(t, a.do("GET", "/api/content/users/me", next.Access, nil), 401, "")

	checkError(t, a.do("POST", refreshPath, "", map[string]string{"refreshToken": "1-nonsense"}), 400, "")
	checkError(t, a.do("POST", refreshPath, "", "{}"), 400, "")
}

func TestConcurrentRefreshYieldsOnePair(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	var wg sync.WaitGroup
	var mu sync.Mutex
	pairs := map[tokens]int{}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := a.do("POST", "/api/content/users-auth-providers/marker/email/users/refresh", "",
				map[string]string{"refreshToken": tk.Refresh})
			var p tokens
			if r.status != 201 || json.Unmarshal(r.raw, &p) != nil {
				t.Errorf("concurrent refresh: got %d %s, want 201 and a pair", r.status, r.raw)
				return
			}
			mu.Lock()
			pairs[p]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(pairs) != 1 {
		t.Errorf("8 concurrent refreshes of one token gave %d different pairs, want 1: %v", len(pairs), pairs)
	}
	if n := srv.Count(t, "refresh_tokens"); n != 2 {
		t.Errorf("refresh tokens stored: got %d, want 2 (the used one and its one successor)", n)
	}
	for p := range pairs {
		a.expect("GET", "/api/content/users/me", p.Access, nil, 200)
		a.expect("POST", "/api/content/users-auth-providers/marker/email/users/refresh", "", map[string]string{"refreshToken": p.Refresh}, 201)
	}
}

func TestLogout(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	first, second := a.loginDemo(), a.loginDemo()
	logout := "/api/content/users-auth-providers/marker/email/users/logout"
	checkError(t, a.do("POST", logout, "", map[string]string{"refreshToken": first.Refresh}), 401, "")
	// Another user's refresh token cannot log this one out.
	other := a.signUpAndLogin("other@email.com")
	checkError(t, a.do("POST", logout, other.Access, map[string]string{"refreshToken": first.Refresh}), 400, "")

	if got := a.expect("POST", logout, first.Access, map[string]string{"refreshToken": first.Refresh}, 201).raw; string(bytes.TrimSpace(got)) != "true" {
		t.Errorf("logout: got %s, want true", got)
	}
	checkError(t, a.do("GET", "/api/content/users/me", first.Access, nil), 401, "")
	checkError(t, a.do("POST", "/api/content/users-auth-providers/marker/email/users/refresh", "",
		map[string]string{"refreshToken": first.Refresh}), 400, "")
	a.expect("GET", "/api/content/users/me", second.Access, nil, 200) // other sessions stay open
}

func TestSignUp(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	path := "/api/content/users-auth-providers/marker/email/users/sign-up"
	body := func(email, password string) map[string]any {
		return map[string]any{
			"formIdentifier":   "reg",
			"authData":         authBody(email, password)["authData"],
			"formData":         map[string]any{"en_US": []map[string]any{{"marker": "name_reg", "type": "string", "value": "New"}}},
			"notificationData": map[string]any{"email": email, "phonePush": []string{}},
			"langCode":         "en_US",
		}
	}
	u := a.expect("POST", path, "", body("new@email.com", "pass1234"), 201).json(t)
	checkKeys(t, "sign-up", u, "id", "identifier", "isActive", "version", "formData", "notificationData", "locale",
		"state", "isDeleted", "createdDate", "updatedDate")
	if u["identifier"] != "new@email.com" || u["isActive"] != true {
		t.Errorf("sign-up: got %v", u)
	}
	a.login("new@email.com", "pass1234")
	checkError(t, a.do("POST", path, "", body("NEW@email.com", "pass1234")), 400, "already exists")
	checkError(t, a.do("POST", path, "", body("short@email.com", "123")), 400, "password")
	bad := body("bad@email.com", "pass1234")
	bad["formData"] = []map[string]any{{"marker": "nope", "type": "string", "value": "x"}}
	checkError(t, a.do("POST", path, "", bad), 400, "nope")
	bad = body("bad@email.com", "pass1234")
	bad["formIdentifier"] = "order"
	checkError(t, a.do("POST", path, "", bad), 400, "formIdentifier")
	if n := count(t, srv, "users"); n != 2 {
		t.Errorf("users: got %d, want 2 (demo user and new@email.com)", n)
	}
}

func TestCreateOrderPricing(t *testing.T) {
	srv := apptest.Start(t, apptest.WithProject(&openentry.Project{Products: []openentry.ProjectProduct{
		{ID: 90, Title: map[string]string{"en_US": "Yen thing"}, Price: "500", Currency: "JPY"},
		{ID: 91, Title: map[string]string{"en_US": "Dear"}, Price: "92233720368547758.07", Currency: "USD"},
		{ID: 92, Title: map[string]string{"en_US": "Hidden"}, Price: "1.00", Currency: "USD", Hidden: true},
	}}))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	cases := []struct {
		name     string
		lines    [][2]int64
		total    string
		currency string
	}{
		{"seed", [][2]int64{{14, 1}}, "340", "USD"},
		{"cents", [][2]int64{{3, 3}}, "59.97", "USD"},
		{"several lines", [][2]int64{{14, 2}, {2, 3}}, "717.5", "USD"},
		{"same product twice", [][2]int64{{1, 1}, {1, 2}}, "153", "USD"},
		{"max quantity", [][2]int64{{15, 1_000_000}}, "7250000", "USD"},
		{"zero-decimal currency", [][2]int64{{90, 3}}, "1500", "JPY"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := a.expect("POST", ordersPath, tk.Access, orderBody(tc.lines...), 201)
			var o struct {
				TotalSum json.Number `json:"totalSum"`
				Currency string      `json:"currency"`
			}
			if err := json.Unmarshal(r.raw, &o); err != nil {
				t.Fatal(err)
			}
			if o.TotalSum.String() != tc.total || o.Currency != tc.currency {
				t.Errorf("got %s %s, want %s %s", o.TotalSum, o.Currency, tc.total, tc.currency)
			}
		})
	}
	t.Run("client prices are ignored", func(t *testing.T) {
		body := orderBody([2]int64{14, 1})
		body["totalSum"] = 1
		body["currency"] = "EUR"
		body["products"] = []map[string]any{{"productId": 14, "quantity": 1, "price": 0.01}}
		o := a.expect("POST", ordersPath, tk.Access, body, 201).json(t)
		if o["totalSum"] != float64(340) || o["currency"] != "USD" {
			t.Errorf("got %v %v, want 340 USD", o["totalSum"], o["currency"])
		}
	})
	t.Run("overflow", func(t *testing.T) {
		checkError(t, a.do("POST", ordersPath, tk.Access, orderBody([2]int64{91, 2})), 400, "overflow")
		checkError(t, a.do("POST", ordersPath, tk.Access, orderBody([2]int64{91, 1}, [2]int64{1, 1})), 400, "overflow")
	})
	t.Run("mixed currencies", func(t *testing.T) {
		checkError(t, a.do("POST", ordersPath, tk.Access, orderBody([2]int64{90, 1}, [2]int64{1, 1})), 400, "JPY")
	})
	t.Run("hidden product", func(t *testing.T) {
		checkError(t, a.do("POST", ordersPath, tk.Access, orderBody([2]int64{92, 1})), 400, "not found")
	})
}

func TestCreateOrderBadInput(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	with := func(key string, v any) map[string]any {
		b := orderBody([2]int64{14, 1})
		if v == nil {
			delete(b, key)
		} else {
			b[key] = v
		}
		return b
	}
	big := `{"products":[{"productId":14,"quantity":1}],"formData":{"en_US":[{"marker":"name","type":"string","value":"` +
		strings.Repeat("x", 1<<20) + `"}]}}`
	cases := []struct {
		name    string
		path    string
		body    any
		status  int
		message string
	}{
		{"unknown storage", "/api/content/orders-storage/marker/nope/orders", orderBody([2]int64{14, 1}), 404, "nope"},
		{"unknown form", ordersPath, with("formIdentifier", "reg"), 400, "formIdentifier"},
		{"unknown account", ordersPath, with("paymentAccountIdentifier", "stripe"), 400, "Payment account identifier is wrong"},
		{"no account", ordersPath, with("paymentAccountIdentifier", nil), 400, "Payment account"},
		{"unknown product", ordersPath, orderBody([2]int64{9999, 1}), 400, "9999"},
		{"zero quantity", ordersPath, orderBody([2]int64{14, 0}), 400, "quantity"},
		{"negative quantity", ordersPath, orderBody([2]int64{14, -1}), 400, "quantity"},
		{"too large quantity", ordersPath, orderBody([2]int64{14, 1_000_001}), 400, "quantity"},
		{"fractional quantity", ordersPath, with("products", []map[string]any{{"productId": 14, "quantity": 1.5}}), 400, "integers"},
		{"string quantity", ordersPath, with("products", []map[string]any{{"productId": 14, "quantity": "1"}}), 400, ""},
		{"missing quantity", ordersPath, with("products", []map[string]any{{"productId": 14}}), 400, "integers"},
		{"missing product id", ordersPath, with("products", []map[string]any{{"quantity": 1}}), 400, "integers"},
		{"empty products", ordersPath, with("products", []any{}), 400, "at least one product"},
		{"no products", ordersPath, with("products", nil), 400, "at least one product"},
		{"products not a list", ordersPath, with("products", "14"), 400, "products"},
		{"missing required field", ordersPath, with("formData", map[string]any{"en_US": []any{nil}}), 400, "name"},
		{"no form data", ordersPath, with("formData", nil), 400, "name"},
		{"unknown form field", ordersPath, with("formData", []map[string]any{{"marker": "name", "value": "x"}, {"marker": "zzz", "value": "y"}}), 400, "zzz"},
		{"form field of wrong type", ordersPath, with("formData", []map[string]any{{"marker": "name", "value": 5}}), 400, "string"},
		{"malformed JSON", ordersPath, `{"products": [`, 400, "malformed JSON"},
		{"body over 1 MiB", ordersPath, big, 413, "1 MiB"},
		{"bad langCode", ordersPath + "?langCode=x1", orderBody([2]int64{14, 1}), 400, "langCode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkError(t, a.do("POST", tc.path, tk.Access, tc.body), tc.status, tc.message)
		})
	}
	for _, table := range []string{"orders", "order_lines"} {
		if n := count(t, srv, table); n != 0 {
			t.Errorf("%s: %d rows after bad requests, want 0", table, n)
		}
	}
	// formData as a bare array is accepted too (curl users, other SDKs).
	a.expect("POST", ordersPath, tk.Access, with("formData", []map[string]any{{"marker": "name", "type": "string", "value": "A"}}), 201)
}

func TestOrderReads(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	var ids []int64
	for i := range 3 {
		ids = append(ids, id(t, a.createOrder(tk.Access, [2]int64{14, 1}, [2]int64{2, int64(i + 1)})))
	}
	o := a.expect("GET", fmt.Sprintf("%s/%d?langCode=en_US", ordersPath, ids[0]), tk.Access, nil, 200).json(t)
	checkKeys(t, "order", o, "id", "storageId", "createdDate", "statusIdentifier", "statusLocalizeInfos", "formIdentifier",
		"formData", "totalSum", "currency", "paymentAccountIdentifier", "paymentAccountLocalizeInfos", "paymentUrl",
		"isCompleted", "products")
	if o["totalSum"] != "352.50" || o["isCompleted"] != false || o["paymentUrl"] != nil {
		t.Errorf("order: got %v", o)
	}
	wantProducts := []any{
		map[string]any{"id": float64(14), "title": "Cosmo", "sku": "COSMO-14", "previewImage": nil, "price": float64(340), "quantity": float64(1)},
		map[string]any{"id": float64(2), "title": "Mug", "sku": "MUG-2", "previewImage": nil, "price": 12.5, "quantity": float64(1)},
	}
	if !reflect.DeepEqual(o["products"], wantProducts) {
		t.Errorf("products: got %v, want %v", o["products"], wantProducts)
	}
	if got := o["statusLocalizeInfos"]; !reflect.DeepEqual(got, map[string]any{"title": "In progress"}) {
		t.Errorf("statusLocalizeInfos: got %v", got)
	}

	l := a.expect("GET", ordersPath+"?langCode=en_US&limit=2&offset=0", tk.Access, nil, 200).json(t)
	items := l["items"].([]any)
	if l["total"] != float64(3) || len(items) != 2 {
		t.Fatalf("list: got total %v and %d items, want 3 and 2", l["total"], len(items))
	}
	if got := []int64{id(t, items[0].(map[string]any)), id(t, items[1].(map[string]any))}; !reflect.DeepEqual(got, []int64{ids[2], ids[1]}) {
		t.Errorf("list order: got %v, want newest first %v", got, []int64{ids[2], ids[1]})
	}
	l = a.expect("GET", ordersPath+"?limit=30&offset=2", tk.Access, nil, 200).json(t)
	if items := l["items"].([]any); len(items) != 1 || id(t, items[0].(map[string]any)) != ids[0] {
		t.Errorf("second page: got %v", l["items"])
	}
	checkError(t, a.do("GET", ordersPath+"?limit=-1", tk.Access, nil), 400, "limit")
	checkError(t, a.do("GET", ordersPath+"/999", tk.Access, nil), 404, "")
	checkError(t, a.do("GET", ordersPath+"/abc", tk.Access, nil), 400, "")
	// The order belongs to storage "orders": another marker does not find it.
	checkError(t, a.do("GET", fmt.Sprintf("/api/content/orders-storage/marker/nope/orders/%d", ids[0]), tk.Access, nil), 404, "")
}

func TestOwnership(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	alice := a.loginDemo()
	bob := a.signUpAndLogin("bob@email.com")
	aliceOrder := id(t, a.createOrder(alice.Access, [2]int64{14, 1}))
	bobOrder := id(t, a.createOrder(bob.Access, [2]int64{1, 1}))
	aliceSession := id(t, a.expect("POST", "/api/content/payments/sessions", alice.Access,
		map[string]any{"orderId": aliceOrder, "type": "session"}, 201).json(t))

	for _, tc := range []struct {
		who, bearer string
		theirs      int64
		session     int64
	}{{"bob", bob.Access, aliceOrder, aliceSession}, {"alice", alice.Access, bobOrder, 0}} {
		t.Run(tc.who, func(t *testing.T) {
			checkError(t, a.do("GET", fmt.Sprintf("%s/%d", ordersPath, tc.theirs), tc.bearer, nil), 404, "")
			checkError(t, a.do("GET", fmt.Sprintf("/api/content/payments/sessions/order/%d", tc.theirs), tc.bearer, nil), 404, "")
			checkError(t, a.do("POST", "/api/content/payments/sessions", tc.bearer,
				map[string]any{"orderId": tc.theirs, "type": "session"}), 404, "")
			if tc.session != 0 {
				checkError(t, a.do("GET", fmt.Sprintf("/api/content/payments/sessions/%d", tc.session), tc.bearer, nil), 404, "")
			}
			l := a.expect("GET", ordersPath, tc.bearer, nil, 200).json(t)
			if l["total"] != float64(1) || len(l["items"].([]any)) != 1 || id(t, l["items"].([]any)[0].(map[string]any)) == tc.theirs {
				t.Errorf("order list shows someone else's order: %v", l)
			}
		})
	}
	l := a.expect("GET", "/api/content/payments/sessions/?offset=0&limit=30", bob.Access, nil, 200).json(t)
	if l["total"] != float64(0) || len(l["items"].([]any)) != 0 {
		t.Errorf("bob's sessions: got %v, want none", l)
	}
	if n := count(t, srv, "payment_sessions"); n != 1 {
		t.Errorf("payment_sessions: got %d rows, want 1 (bob's attempt on alice's order wrote nothing)", n)
	}
}

func TestPaymentSessions(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 1}))
	create := func(typ string) response {
		return a.do("POST", "/api/content/payments/sessions", tk.Access, map[string]any{"orderId": order, "type": typ, "automaticTaxEnabled": false})
	}
	first := create("session")
	second := create("session")
	if first.status != 201 || second.status != 201 || id(t, first.json(t)) != id(t, second.json(t)) {
		t.Fatalf("second createSession: got %s, want the waiting session %s", second.raw, first.raw)
	}
	checkError(t, create("cash"), 400, "type")
	checkError(t, a.do("POST", "/api/content/payments/sessions", tk.Access, map[string]any{"orderId": 9999, "type": "session"}), 404, "")
	checkError(t, a.do("POST", "/api/content/payments/sessions", tk.Access, map[string]any{"type": "session"}), 400, "orderId")
	if n := count(t, srv, "payment_sessions"); n != 1 {
		t.Errorf("payment_sessions: got %d rows, want 1", n)
	}

	// An intent carries the order's amount.
	other := id(t, a.createOrder(tk.Access, [2]int64{3, 2}))
	intent := a.expect("POST", "/api/content/payments/sessions", tk.Access, map[string]any{"orderId": other, "type": "intent"}, 201).json(t)
	if intent["amount"] != 39.98 || intent["type"] != "intent" {
		t.Errorf("intent: got %v", intent)
	}

	sid := id(t, first.json(t))
	got := a.expect("GET", fmt.Sprintf("/api/content/payments/sessions/%d", sid), tk.Access, nil, 200).json(t)
	if id(t, got) != sid || got["status"] != "waiting" {
		t.Errorf("session by id: got %v", got)
	}
	checkError(t, a.do("GET", fmt.Sprintf("/api/content/payments/sessions/order/%d", id(t, a.createOrder(tk.Access, [2]int64{1, 1}))), tk.Access, nil), 404, "")

	for _, path := range []string{"/api/content/payments/sessions", "/api/content/payments/sessions/?offset=0&limit=30"} {
		l := a.expect("GET", path, tk.Access, nil, 200).json(t)
		items := l["items"].([]any)
		if l["total"] != float64(2) || len(items) != 2 || id(t, items[0].(map[string]any)) != id(t, intent) {
			t.Errorf("%s: got %v, want 2 sessions, newest first", path, l)
		}
	}
	accounts := a.expect("GET", "/api/content/payments/accounts", tk.Access, nil, 200).list(t)
	if len(accounts) != 1 || accounts[0].(map[string]any)["identifier"] != "cash" || accounts[0].(map[string]any)["type"] != "custom" {
		t.Errorf("accounts: got %v", accounts)
	}
	a.expect("GET", "/api/content/payments/accounts/1", tk.Access, nil, 200)
	checkError(t, a.do("GET", "/api/content/payments/accounts/99", tk.Access, nil), 404, "")
}

func TestConcurrentCreateSessionOpensOne(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 1}))
	var wg sync.WaitGroup
	ids := make([]int64, 10)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := a.do("POST", "/api/content/payments/sessions", tk.Access, map[string]any{"orderId": order, "type": "session"})
			if r.status == 201 {
				ids[i] = id(t, r.json(t))
			}
		}()
	}
	wg.Wait()
	for _, got := range ids {
		if got == 0 || got != ids[0] {
			t.Fatalf("concurrent createSession: got ids %v, want one session for all", ids)
		}
	}
}

func TestConcurrentCreateOrder(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	const n = 100
	var wg sync.WaitGroup
	ids := make([]int64, n)
	errs := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := a.do("POST", ordersPath, tk.Access, orderBody([2]int64{14, 1}))
			if r.status != 201 {
				errs[i] = string(r.raw)
				return
			}
			var o struct{ ID int64 }
			_ = json.Unmarshal(r.raw, &o)
			ids[i] = o.ID
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i, got := range ids {
		if got == 0 {
			t.Fatalf("order %d failed: %s", i, errs[i])
		}
		if seen[got] {
			t.Fatalf("id %d given twice", got)
		}
		seen[got] = true
	}
	l := a.expect("GET", ordersPath+"?limit=1", tk.Access, nil, 200).json(t)
	if l["total"] != float64(n) || count(t, srv, "orders") != n || count(t, srv, "order_lines") != n {
		t.Errorf("stored: total %v, orders %d, lines %d; want %d each", l["total"], count(t, srv, "orders"), count(t, srv, "order_lines"), n)
	}
}

func TestCatalog(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	providers := a.expect("GET", "/api/content/users-auth-providers?langCode=en_US&offset=0&limit=30", "", nil, 200).list(t)
	if len(providers) != 2 || providers[1].(map[string]any)["identifier"] != "email_confirm" || providers[1].(map[string]any)["isCheckCode"] != true {
		t.Fatalf("providers: got %v", providers)
	}
	p := providers[0].(map[string]any)
	checkKeys(t, "provider", p, "id", "identifier", "type", "formIdentifier", "userGroupIdentifier", "isActive",
		"isCheckCode", "version", "position", "localizeInfos", "config")
	if p["identifier"] != "email" || p["formIdentifier"] != "reg" || p["isCheckCode"] != false ||
		!reflect.DeepEqual(p["localizeInfos"], map[string]any{"title": "Email"}) {
		t.Errorf("provider: got %v", p)
	}
	a.expect("GET", "/api/content/users-auth-providers/marker/email?langCode=en_US", "", nil, 200)
	checkError(t, a.do("GET", "/api/content/users-auth-providers/marker/nope", "", nil), 404, "nope")

	forms := a.expect("GET", "/api/content/forms?langCode=en_US&offset=0&limit=30", "", nil, 200).json(t)
	if forms["total"] != float64(2) || len(forms["items"].([]any)) != 2 {
		t.Errorf("forms: got %v", forms)
	}
	f := a.expect("GET", "/api/content/forms/marker/order?langCode=en_US", "", nil, 200).json(t)
	attrs := f["attributes"].([]any)
	if f["type"] != "order" || len(attrs) != 3 || attrs[0].(map[string]any)["marker"] != "name" {
		t.Errorf("order form: got %v", f)
	}
	checkError(t, a.do("GET", "/api/content/forms/marker/nope", "", nil), 404, "")

	pr := a.expect("GET", "/api/content/products/14?langCode=en_US", "", nil, 200).json(t)
	if pr["price"] != float64(340) || !reflect.DeepEqual(pr["localizeInfos"], map[string]any{"title": "Cosmo"}) ||
		pr["attributeValues"].(map[string]any)["currency"].(map[string]any)["value"] != "USD" {
		t.Errorf("product 14: got %v", pr)
	}
	checkError(t, a.do("GET", "/api/content/products/9999", "", nil), 404, "")
	list := a.expect("GET", "/api/content/products/ids?ids=14,9999,1&langCode=en_US", "", nil, 200).list(t)
	if len(list) != 2 || list[0].(map[string]any)["id"] != float64(14) || list[1].(map[string]any)["id"] != float64(1) {
		t.Errorf("products by ids: got %v", list)
	}
	checkError(t, a.do("GET", "/api/content/products/ids?ids=1,x", "", nil), 400, "ids")

	statuses := a.expect("GET", "/api/content/orders-storage/marker/orders/order-statuses?langCode=en_US", "", nil, 200).list(t)
	if len(statuses) != 3 || statuses[0].(map[string]any)["identifier"] != "inProgress" || statuses[0].(map[string]any)["isDefault"] != true {
		t.Errorf("statuses: got %v", statuses)
	}
	tk := a.loginDemo()
	storages := a.expect("GET", "/api/content/orders-storage?langCode=en_US&limit=30&offset=0", tk.Access, nil, 200).list(t)
	want := []any{map[string]any{"identifier": "cash"}}
	if len(storages) != 1 || !reflect.DeepEqual(storages[0].(map[string]any)["paymentAccountIdentifiers"], want) {
		t.Errorf("storages: got %v", storages)
	}
	a.expect("GET", "/api/content/orders-storage/marker/orders?langCode=en_US", tk.Access, nil, 200)
	checkError(t, a.do("GET", "/api/content/orders-storage/marker/nope", tk.Access, nil), 404, "")
}

func TestUnknownRoute(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	checkError(t, a.do("GET", "/api/content/nothing-here", "", nil), 404, "Cannot GET /api/content/nothing-here")
	checkError(t, a.do("DELETE", ordersPath, "", nil), 404, "Cannot DELETE")
	if r := a.do("GET", "/healthz", "", nil); r.header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id header")
	}
}
