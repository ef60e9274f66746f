package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openentry/openentry/internal/app/apptest"
)

// badBytes are what the tests put where text is expected: in a JSON body as
// sent, in a path or query percent-encoded. PostgreSQL refuses both in text
// (SQLSTATE 22021); SQLite stores them and then answers JSON that is not UTF-8.
var badBytes = []struct {
	name string
	json string // raw, inside a JSON string
	url  string // escaped, inside a path or query; "" for none
}{
	{"invalid UTF-8", "\xff", "%FF"},
	{"truncated UTF-8", "\xc3", "%C3"},
	{"raw NUL", "\x00", "%00"},
	{"NUL escape", `\u0000`, ""},
}

// bad is where a test case puts the bad bytes.
const bad = "~BAD~"

// withBad marshals v and replaces bad, in its strings, with raw bytes that
// json.Marshal itself would never write.
func withBad(t *testing.T, v any, raw string) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(bad)) {
		t.Fatalf("no %s in %s", bad, data)
	}
	return bytes.ReplaceAll(data, []byte(bad), []byte(raw))
}

// TestBadTextRefused sends invalid UTF-8 and NUL wherever the API takes text
// it stores or looks up: each is refused with 400 naming the field, before
// anything is written, on SQLite and PostgreSQL alike.
func TestBadTextRefused(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	tables := []string{"users", "user_sessions", "refresh_tokens", "user_codes", "user_push_tokens", "orders", "order_lines", "payment_sessions"}
	rows := func() map[string]int {
		out := map[string]int{}
		for _, table := range tables {
			out[table] = count(t, srv, table)
		}
		return out
	}
	user := func() string {
		var form, state string
		srv.QueryRow(t, "SELECT form_data, state FROM users WHERE identifier = 'your-user@email.com'").Scan(t, &form, &state)
		return form + " " + state
	}
	rowsBefore, userBefore := rows(), user()

	formData := func(marker, value string) map[string]any {
		return map[string]any{"en_US": []map[string]any{{"marker": marker, "type": "string", "value": value}}}
	}
	signUp := func(login, name string) map[string]any {
		return map[string]any{
			"formIdentifier": "reg", "langCode": "en_US",
			"authData":         authBody(login, "secret-pw")["authData"],
			"formData":         formData("name_reg", name),
			"notificationData": map[string]any{"email": "new@email.com", "phonePush": []string{}},
		}
	}
	order := func(account, name string) map[string]any {
		b := orderBody([2]int64{14, 1})
		b["paymentAccountIdentifier"], b["formData"] = account, formData("name", name)
		return b
	}
	const signUpPath = providers + "email/users/sign-up"

	bodies := []struct {
		name, method, path string
		user               bool
		body               any
		field              string // bad stands for the bad bytes in a key
	}{
		{"createOrder paymentAccountIdentifier", "POST", ordersPath, true, order("cash"+bad, "Christina"), "paymentAccountIdentifier"},
		{"createOrder form value", "POST", ordersPath, true, order("cash", "Chris"+bad), "formData.en_US[0].value"},
		{"sign-up login", "POST", signUpPath, false, signUp("new"+bad+"@email.com", "New"), "authData[0].value"},
		{"sign-up form value", "POST", signUpPath, false, signUp("new@email.com", "New"+bad), "formData.en_US[0].value"},
		{"auth login", "POST", authPath, false, authBody("your-user@email.com"+bad, "123456"), "authData[0].value"},
		{"auth password", "POST", authPath, false, authBody("your-user@email.com", "123456"+bad), "authData[1].value"},
		{"refresh token", "POST", providers + "email/users/refresh", false, map[string]any{"refreshToken": "x" + bad}, "refreshToken"},
		{"generate-code login", "POST", providers + "email/users/generate-code", false,
			map[string]any{"userIdentifier": "your-user@email.com" + bad, "eventIdentifier": "reset"}, "userIdentifier"},
		{"user state", "PUT", "/api/content/users/me", true, map[string]any{"state": map[string]any{"cart": "x" + bad}}, "state.cart"},
		{"user state key", "PUT", "/api/content/users/me", true, map[string]any{"state": map[string]any{"k" + bad: 1}}, "state.k" + bad},
		{"user form value", "PUT", "/api/content/users/me", true, map[string]any{"formData": formData("name_reg", bad)}, "formData.en_US[0].value"},
	}
	for _, tc := range bodies {
		for _, b := range badBytes {
			t.Run(tc.name+"/"+b.name, func(t *testing.T) {
				bearer := ""
				if tc.user {
					bearer = tk.Access
				}
				r := a.do(tc.method, tc.path, bearer, withBad(t, tc.body, b.json))
				// A bad key is named as sent, quoted: "state.k\xff".
				checkError(t, r, 400, fmt.Sprintf("body field %q", strings.ReplaceAll(tc.field, bad, b.json)))
				checkError(t, r, 400, "must be valid UTF-8 without NUL characters")
				if !utf8.Valid(r.raw) {
					t.Errorf("answer is not UTF-8: %q", r.raw)
				}
			})
		}
	}

	urls := []struct {
		name, method, path string // bad in path is replaced
		user               bool
		body               any
		message            string
	}{
		{"form marker", "GET", "/api/content/forms/marker/" + bad, false, nil, "path must be"},
		{"provider marker", "GET", providers + "email" + bad, false, nil, "path must be"},
		{"sign-up provider marker", "POST", providers + "email" + bad + "/users/sign-up", false, signUp("new@email.com", "New"), "path must be"},
		{"auth provider marker", "POST", providers + bad + "/users/auth", false, authBody("your-user@email.com", "123456"), "path must be"},
		{"storage marker", "POST", "/api/content/orders-storage/marker/orders" + bad + "/orders", true, orderBody([2]int64{14, 1}), "path must be"},
		{"add push token", "POST", "/api/content/users/me/fcm-token/" + bad, true, nil, "path must be"},
		{"delete push token", "DELETE", "/api/content/users/me/fcm-token/tok" + bad, true, nil, "path must be"},
		{"unknown route", "GET", "/api/content/" + bad, false, nil, "path must be"},
		{"query langCode", "POST", ordersPath + "?langCode=en" + bad, true, orderBody([2]int64{14, 1}), `query parameter "langCode" must be`},
		{"query ids", "GET", "/api/content/products/ids?ids=14," + bad, false, nil, `query parameter "ids" must be`},
		{"query of a route without query", "GET", "/api/content/users/me?x=1&y=" + bad, true, nil, `query parameter "y" must be`},
	}
	for _, tc := range urls {
		for _, b := range badBytes {
			if b.url == "" {
				continue
			}
			t.Run(tc.name+"/"+b.name, func(t *testing.T) {
				bearer := ""
				if tc.user {
					bearer = tk.Access
				}
				r := a.do(tc.method, strings.ReplaceAll(tc.path, bad, b.url), bearer, tc.body)
				checkError(t, r, 400, tc.message)
				checkError(t, r, 400, "must be valid UTF-8 without NUL characters")
				if !utf8.Valid(r.raw) {
					t.Errorf("answer is not UTF-8: %q", r.raw)
				}
			})
		}
	}

	if got := rows(); !maps.Equal(got, rowsBefore) {
		t.Errorf("rows after refused requests: got %v, want %v", got, rowsBefore)
	}
	if got := user(); got != userBefore {
		t.Errorf("user after refused updates: got %s, want %s", got, userBefore)
	}
	// The same requests with good text still work (so the 400s above are
	// about the bytes, not the requests).
	a.expect("POST", ordersPath+"?langCode=en_US", tk.Access, order("cash", "Chris é"), 201)
	a.expect("POST", "/api/content/users/me/fcm-token/tok-é", tk.Access, nil, 201)
	a.expect("PUT", "/api/content/users/me", tk.Access, map[string]any{"state": map[string]any{"cart": `x\u0000`}}, 200)
}

// TestBadDeviceHeaderIgnored: x-device-metadata is never a reason to refuse,
// so one with text no database can store is ignored: the login succeeds
// and its session has no fingerprint or device info.
func TestBadDeviceHeaderIgnored(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	auth := func(header string) {
		t.Helper()
		body, _ := json.Marshal(authBody("your-user@email.com", "123456"))
		req, _ := http.NewRequest("POST", a.base+authPath, bytes.NewReader(body))
		req.Header.Set("x-app-token", a.token)
		req.Header.Set("x-device-metadata", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("auth with x-device-metadata %q: got %d, want 201: %s", header, resp.StatusCode, raw)
		}
	}
	headers := []string{
		`{"fingerprint":"fp-` + "\xff" + `","deviceInfo":{"browser":"bad-browser"}}`,
		`{"fingerprint":"fp-\u0000","deviceInfo":{"browser":"bad-browser"}}`,
		`{"fingerprint":"fp-x","deviceInfo":{"browser":"bad-browser` + "\xfe" + `"}}`,
		`{"fingerprint":"fp-x","deviceInfo":{"browser":"bad-browser\u0000"}}`,
	}
	for _, h := range headers {
		auth(h)
	}
	if n := count(t, srv, "user_sessions"); n != len(headers) {
		t.Errorf("user_sessions: got %d, want %d", n, len(headers))
	}
	if n := count(t, srv, "user_sessions WHERE fingerprint <> '' OR device_info LIKE '%bad-browser%'"); n != 0 {
		t.Errorf("%d sessions kept a bad header's fingerprint or device info, want none", n)
	}
	auth(`{"fingerprint":"fp-good","deviceInfo":{"browser":"good-browser"}}`)
	if n := count(t, srv, "user_sessions WHERE fingerprint = 'fp-good' AND device_info LIKE '%good-browser%'"); n != 1 {
		t.Errorf("a good header was not recorded")
	}
}

// requestSeries matches one series of openentry_http_requests_total and
// captures its labels.
var requestSeries = regexp.MustCompile(`^openentry_http_requests_total\{code="([^"]*)",method="([^"]*)",route="([^"]*)"\} `)

// TestMetricsLabelsBounded: methods and paths a client makes up add no
// series to /metrics, which needs no token, and leave the page small.
func TestMetricsLabelsBounded(t *testing.T) {
	var logs apptest.Buffer
	srv := apptest.Start(t, apptest.WithLogs(&logs))
	a := newAPI(t, srv)
	scrape := func() (series []string, size int) {
		t.Helper()
		resp, err := http.Get(srv.BaseURL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		page, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("scrape: %d %v", resp.StatusCode, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(page))
		for sc.Scan() {
			if m := requestSeries.FindStringSubmatch(sc.Text()); m != nil {
				series = append(series, m[1]+" "+m[2]+" "+m[3]) // code, method, route (which has spaces)
			}
		}
		return series, len(page)
	}
	junk := func(i int) {
		a.do(fmt.Sprintf("JUNK%03d", i), fmt.Sprintf("/junk/%d", i), "", nil)
		a.do(fmt.Sprintf("M%d", i), "/api/content/forms", "", nil) // a route's path, a method it has not
		a.do("GET", fmt.Sprintf("/junk-%d/x?y=%d", i, i), "", nil)
		a.do("GET", fmt.Sprintf("/api/content/forms/marker/m%d", i), "", nil) // a route, a marker that is not
		a.do("GET", fmt.Sprintf("/api/content/%d%%FF", i), "", nil)           // refused by the text check
	}
	// One of each kind first, so the closed set's series exist before counting.
	junk(0)
	a.expect("GET", "/api/content/forms", "", nil, 200)
	scrape()
	before, sizeBefore := scrape()
	for i := 1; i <= 300; i++ {
		junk(i)
	}
	long := strings.Repeat("LONGMETHOD", 100)
	a.do(long, "/", "", nil)
	after, sizeAfter := scrape()

	if len(after) != len(before) {
		t.Errorf("openentry_http_requests_total: %d series after 1,500 junk requests, want %d as before; new: %v",
			len(after), len(before), newSeries(before, after))
	}
	if sizeAfter-sizeBefore > 4<<10 || sizeAfter > 256<<10 {
		t.Errorf("/metrics grew from %d to %d bytes", sizeBefore, sizeAfter)
	}
	methods := map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true, "other": true}
	for _, s := range after {
		code, rest, _ := strings.Cut(s, " ")
		method, _, _ := strings.Cut(rest, " ")
		if !methods[method] || !regexp.MustCompile(`^([1-5]\d\d|other)$`).MatchString(code) {
			t.Errorf("series %s: label outside the closed sets", s)
		}
	}
	for _, want := range []string{"404 other unmatched", "400 GET unmatched", "404 GET GET /api/content/forms/marker/{marker}", "200 GET GET /api/content/forms"} {
		if !slices.Contains(after, want) {
			t.Errorf("no series %q in %v", want, after)
		}
	}
	// The log keeps the method as sent, truncated.
	if strings.Contains(logs.String(), long[:17]) || !strings.Contains(logs.String(), `"method":"`+long[:16]+`"`) {
		t.Error("the access log does not truncate a long method to 16 bytes")
	}
}

func newSeries(before, after []string) []string {
	var out []string
	for _, s := range after {
		if !slices.Contains(before, s) {
			out = append(out, s)
		}
	}
	return out
}
