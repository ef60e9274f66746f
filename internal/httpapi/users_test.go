package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
)

// mailServer is a test server whose codes go out over real SMTP to an
// in-process SMTP listener, with a clock the test moves.
type mailServer struct {
	*apptest.Server
	smtp   *mailtest.Server
	offset atomic.Int64
}

func (m *mailServer) advance(d time.Duration) { m.offset.Add(int64(d)) }

func startWithMail(t *testing.T) *mailServer {
	t.Helper()
	m := &mailServer{smtp: mailtest.Start(t)}
	mailer, err := mail.NewSMTP(m.smtp.URL(), "OpenEntry <shop@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	m.Server = apptest.Start(t, apptest.WithMailer(mailer),
		apptest.WithClock(func() time.Time { return start.Add(time.Duration(m.offset.Load())) }))
	return m
}

const providers = "/api/content/users-auth-providers/marker/"

func codeBody(user, event, code string) map[string]any {
	return map[string]any{"userIdentifier": user, "eventIdentifier": event, "code": code}
}

func isTrue(t *testing.T, r response) {
	t.Helper()
	if got := string(bytes.TrimSpace(r.raw)); got != "true" {
		t.Errorf("got %s, want true", got)
	}
}

func signUpOn(a *api, provider, email, password string) response {
	return a.do("POST", providers+provider+"/users/sign-up", "", map[string]any{
		"formIdentifier":   "reg",
		"authData":         authBody(email, password)["authData"],
		"formData":         map[string]any{"en_US": []map[string]any{{"marker": "name_reg", "type": "string", "value": "New"}}},
		"notificationData": map[string]any{"email": email, "phonePush": []string{}},
		"langCode":         "en_US",
	})
}

func TestActivation(t *testing.T) {
	srv := startWithMail(t)
	a := newAPI(t, srv.Server)
	const email = "new@example.com"
	r := signUpOn(a, "email_confirm", email, "pass1234")
	if r.status != 201 || r.json(t)["isActive"] != false {
		t.Fatalf("sign-up on email_confirm: got %d %s, want an inactive user", r.status, r.raw)
	}
	if bytes.Contains(r.raw, []byte(srv.smtp.Code(t, email))) {
		t.Error("the sign-up answer contains the code")
	}
	if got := srv.smtp.WaitFor(t, email, 5*time.Second).Subject; got != "Confirm your registration" {
		t.Errorf("subject: got %q", got)
	}
	auth := providers + "email_confirm/users/auth"
	checkError(t, a.do("POST", auth, "", authBody(email, "pass1234")), 403, "not activated")

	activate := providers + "email_confirm/users/activate"
	checkError(t, a.do("POST", activate, "", map[string]any{"userIdentifier": email, "code": "000000x"}), 400, "invalid")
	isTrue(t, a.expect("POST", activate, "", map[string]any{"userIdentifier": email, "code": srv.smtp.Code(t, email)}, 201))
	a.expect("POST", auth, "", authBody(email, "pass1234"), 201)
	checkError(t, a.do("POST", activate, "", map[string]any{"userIdentifier": email, "code": srv.smtp.Code(t, email)}), 400, "already activated")

	// The provider without activation leaves new users active.
	if r := signUpOn(a, "email", "plain@example.com", "pass1234"); r.json(t)["isActive"] != true {
		t.Errorf("sign-up on email: got %s, want an active user", r.raw)
	}
}

func TestCodeRules(t *testing.T) {
	srv := startWithMail(t)
	a := newAPI(t, srv.Server)
	const user = "your-user@email.com"
	gen := providers + "email/users/generate-code"
	check := providers + "email/users/check-code"

	checkError(t, a.do("POST", gen, "", codeBody(user, "user_registration", "")), 404, `Event "user_registration"`)
	checkError(t, a.do("POST", gen, "", codeBody(user, "", "")), 400, "eventIdentifier")
	checkError(t, a.do("POST", providers+"nope/users/generate-code", "", codeBody(user, "reset", "")), 404, "")

	isTrue(t, a.expect("POST", gen, "", codeBody(user, "reset", ""), 201))
	code := srv.smtp.Code(t, user)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		t.Errorf("code %q: want 6 digits (provider defaults)", code)
	}
	again := a.do("POST", gen, "", codeBody(user, "reset", ""))
	checkError(t, again, 429, "30 seconds")
	if ra := again.header.Get("Retry-After"); ra != "30" {
		t.Errorf("Retry-After: got %q, want 30", ra)
	}

	// Codes are stored as an HMAC, never in clear.
	var digest []byte
	srv.QueryRow(t, `SELECT digest FROM user_codes`).Scan(t, &digest)
	if len(digest) != 32 || bytes.Contains(digest, []byte(code)) {
		t.Errorf("stored code: got %x", digest)
	}

	// check-code does not use the code up.
	isTrue(t, a.expect("POST", check, "", codeBody(user, "reset", code), 201))
	isTrue(t, a.expect("POST", check, "", codeBody(user, "reset", code), 201))
	wrong := "x" + code[1:]
	for i := 1; i < 5; i++ {
		checkError(t, a.do("POST", check, "", codeBody(user, "reset", wrong)), 400, "invalid")
	}
	checkError(t, a.do("POST", check, "", codeBody(user, "reset", wrong)), 429, "destroyed")
	checkError(t, a.do("POST", check, "", codeBody(user, "reset", code)), 400, "invalid")

	srv.advance(31 * time.Second)
	isTrue(t, a.expect("POST", gen, "", codeBody(user, "reset", ""), 201))
	code = srv.smtp.Code(t, user)
	srv.advance(121 * time.Second) // provider email: systemCodeTlsSec 120
	checkError(t, a.do("POST", check, "", codeBody(user, "reset", code)), 400, "expired")

	// An unknown user gets the same answer, and no mail.
	before := len(srv.smtp.Messages())
	isTrue(t, a.expect("POST", gen, "", codeBody("nobody@example.com", "reset", ""), 201))
	checkError(t, a.do("POST", check, "", codeBody("nobody@example.com", "reset", "123456")), 400, "invalid")
	if got := len(srv.smtp.Messages()); got != before {
		t.Errorf("mail sent to an unknown user: %d messages, want %d", got, before)
	}
}

func TestCodeMailFailure(t *testing.T) {
	srv := startWithMail(t)
	a := newAPI(t, srv.Server)
	gen := providers + "email/users/generate-code"
	srv.smtp.Fail(true)
	checkError(t, a.do("POST", gen, "", codeBody("your-user@email.com", "reset", "")), 502, "could not be sent")
	// Sign-up still creates the account and says how to get a code.
	checkError(t, signUpOn(a, "email_confirm", "late@example.com", "pass1234"), 502, "generate-code")
	srv.smtp.Fail(false)
	// The failed code was dropped, so asking again at once works.
	a.expect("POST", gen, "", codeBody("your-user@email.com", "reset", ""), 201)
	a.expect("POST", providers+"email_confirm/users/generate-code", "", codeBody("late@example.com", "user_registration", ""), 201)
	a.expect("POST", providers+"email_confirm/users/activate", "", map[string]any{"userIdentifier": "late@example.com", "code": srv.smtp.Code(t, "late@example.com")}, 201)
}

func TestChangePassword(t *testing.T) {
	srv := startWithMail(t)
	a := newAPI(t, srv.Server)
	const user = "your-user@email.com"
	first, second := a.loginDemo(), a.loginDemo()
	a.expect("POST", providers+"email/users/generate-code", "", codeBody(user, "reset", ""), 201)
	code := srv.smtp.Code(t, user)
	change := func(code string, typ int, p1, p2 string) response {
		return a.do("POST", providers+"email/users/change-password", "", map[string]any{
			"userIdentifier": user, "eventIdentifier": "reset", "code": code, "type": typ, "password1": p1, "password2": p2,
		})
	}
	checkError(t, change(code, 3, "newpass1", "newpass1"), 400, "type")
	checkError(t, change(code, 1, "newpass1", "newpass2"), 400, "differ")
	checkError(t, change(code, 1, "short", "short"), 400, "password")
	checkError(t, change("x"+code[1:], 2, "newpass1", "newpass1"), 400, "invalid")
	isTrue(t, a.expect("POST", providers+"email/users/change-password", "", map[string]any{
		"userIdentifier": user, "eventIdentifier": "reset", "code": code, "type": 2, "password1": "newpass1", "password2": "newpass1",
	}, 201))
	checkError(t, change(code, 1, "newpass2", "newpass2"), 400, "invalid") // used up

	checkError(t, a.do("POST", authPath, "", authBody(user, "123456")), 401, "")
	a.login(user, "newpass1")
	for _, tk := range []tokens{first, second} {
		checkError(t, a.do("GET", "/api/content/users/me", tk.Access, nil), 401, "")
		checkError(t, a.do("POST", providers+"email/users/refresh", "", map[string]string{"refreshToken": tk.Refresh}), 400, "")
	}
}

func loginFrom(a *api, fingerprint, browser string) tokens {
	a.t.Helper()
	body, _ := json.Marshal(authBody("your-user@email.com", "123456"))
	req, _ := http.NewRequest("POST", a.base+authPath, bytes.NewReader(body))
	req.Header.Set("x-app-token", a.token)
	req.Header.Set("x-device-metadata", fmt.Sprintf(`{"fingerprint":%q,"deviceInfo":{"os":"Node.js","browser":%q,"location":"en-US"}}`, fingerprint, browser))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var tk tokens
	if err := json.NewDecoder(resp.Body).Decode(&tk); err != nil || resp.StatusCode != 201 {
		a.t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	return tk
}

func TestDeviceSessionsAndLogoutAll(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	phone := loginFrom(a, "UQ_phone", "Phone/1")
	loginFrom(a, "UQ_laptop", "Laptop/1")
	laptop := loginFrom(a, "UQ_laptop", "Laptop/2") // same device again replaces its session
	sessions := a.expect("GET", providers+"email/users/sessions", phone.Access, nil, 200).list(t)
	if len(sessions) != 2 {
		t.Fatalf("sessions: got %v, want one per device", sessions)
	}
	browsers := map[string]bool{}
	for _, s := range sessions {
		m := s.(map[string]any)
		browsers[fmt.Sprint(m["deviceInfo"].(map[string]any)["browser"])] = true
		checkKeys(t, "session", m, "fingerprint", "deviceInfo", "createdDate", "updatedDate")
	}
	if !browsers["Phone/1"] || !browsers["Laptop/2"] {
		t.Errorf("sessions: got browsers %v, want Phone/1 and Laptop/2", browsers)
	}
	isTrue(t, a.expect("POST", providers+"email/users/logout-all", laptop.Access, nil, 201))
	for _, tk := range []tokens{phone, laptop} {
		checkError(t, a.do("GET", "/api/content/users/me", tk.Access, nil), 401, "")
	}
	checkError(t, a.do("POST", providers+"email/users/logout-all", laptop.Access, nil), 401, "")
}

func TestUpdateUser(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk, other := a.loginDemo(), a.loginDemo()
	put := func(body any) response { return a.do("PUT", "/api/content/users/me", tk.Access, body) }
	isTrue(t, a.expect("PUT", "/api/content/users/me", tk.Access, map[string]any{
		"formIdentifier": "reg", "langCode": "en_US",
		"formData": map[string]any{"en_US": []map[string]any{{"marker": "name_reg", "type": "string", "value": "Christina T."}}},
		"state":    map[string]any{"cart": []int{14, 1}},
	}, 200))
	me := a.expect("GET", "/api/content/users/me?langCode=en_US", tk.Access, nil, 200).json(t)
	if got := fmt.Sprint(me["formData"], me["state"]); got != "map[en_US:[map[marker:name_reg type:string value:Christina T.]]] map[cart:[14 1]]" {
		t.Errorf("user after update: got %s", got)
	}
	checkError(t, put(map[string]any{"formData": []map[string]any{{"marker": "nope", "value": "x"}}}), 400, "nope")
	checkError(t, put(map[string]any{"formIdentifier": "order"}), 400, "formIdentifier")
	checkError(t, put(map[string]any{"state": []int{1}}), 400, "state")
	checkError(t, put(map[string]any{"authData": []map[string]string{
		{"marker": "email_reg", "value": "x@y.z"}, {"marker": "password_reg", "value": "newpass1"}}}), 400, "Login or password values are missed")
	checkError(t, put(map[string]any{"authData": []map[string]string{{"marker": "password_reg", "value": "123"}}}), 400, "password")

	isTrue(t, a.expect("PUT", "/api/content/users/me", tk.Access, map[string]any{
		"authData": []map[string]string{{"marker": "password_reg", "value": "newpass1"}}}, 200))
	a.expect("GET", "/api/content/users/me", tk.Access, nil, 200) // this session stays
	checkError(t, a.do("GET", "/api/content/users/me", other.Access, nil), 401, "")
	checkError(t, a.do("POST", authPath, "", authBody("your-user@email.com", "123456")), 401, "")
	a.login("your-user@email.com", "newpass1")
}

func TestArchiveUser(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 1}))
	isTrue(t, a.expect("DELETE", "/api/content/users/me", tk.Access, nil, 200))
	checkError(t, a.do("GET", "/api/content/users/me", tk.Access, nil), 401, "")
	checkError(t, a.do("POST", authPath, "", authBody("your-user@email.com", "123456")), 403, "archived")
	checkError(t, a.do("POST", authPath, "", authBody("your-user@email.com", "wrong-pw")), 401, "")
	if n := count(t, srv, fmt.Sprintf("orders WHERE id = %d AND form_data <> '{}'", order)); n != 1 {
		t.Errorf("archiving changed the user's orders")
	}
}

func TestDeleteAccount(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 2}))
	isTrue(t, a.expect("DELETE", "/api/content/users/me/account", tk.Access, nil, 200))
	checkError(t, a.do("GET", "/api/content/users/me", tk.Access, nil), 401, "")
	checkError(t, a.do("POST", authPath, "", authBody("your-user@email.com", "123456")), 401, "Invalid login or password")
	// The order stays for the shop's books, without the user's form data.
	if n := count(t, srv, fmt.Sprintf("orders WHERE id = %d AND form_data = '{}' AND total_minor = 68000", order)); n != 1 {
		t.Error("the order is gone or still carries the user's form data")
	}
	for _, personal := range []string{"your-user@email.com", "Christina Thomas"} {
		if n := count(t, srv, fmt.Sprintf("users WHERE identifier LIKE '%%%[1]s%%' OR form_data LIKE '%%%[1]s%%' OR notification_email LIKE '%%%[1]s%%'", personal)); n != 0 {
			t.Errorf("users still hold %q", personal)
		}
	}
	if n := count(t, srv, "user_sessions"); n != 0 {
		t.Errorf("user_sessions: %d rows kept, want 0", n)
	}
	// The login is free again.
	a.signUpAndLogin("your-user@email.com")
}

func TestBruteForce(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	other := a.signUpAndLogin("other@email.com")
	var wg sync.WaitGroup
	var unauthorized, limited atomic.Int32
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := a.do("POST", authPath, "", authBody("your-user@email.com", "guess"))
			switch r.status {
			case 401:
				unauthorized.Add(1)
			case 429:
				if r.header.Get("Retry-After") == "" {
					t.Error("429 without Retry-After")
				}
				limited.Add(1)
			default:
				t.Errorf("bad login: got %d %s", r.status, r.raw)
			}
		}()
	}
	// Meanwhile another user logs in and orders.
	a.login("other@email.com", "secret-pw")
	a.createOrder(other.Access, [2]int64{14, 1})
	wg.Wait()
	if unauthorized.Load() > 10 || limited.Load() < 40 {
		t.Errorf("50 bad logins: %d answered 401, %d 429; want at most 10 tried", unauthorized.Load(), limited.Load())
	}
	r := a.do("POST", authPath, "", authBody("your-user@email.com", "123456"))
	checkError(t, r, 429, "Too many failed logins")
	if ra := r.header.Get("Retry-After"); ra != "900" {
		t.Errorf("Retry-After: got %q, want 900 (15 minutes)", ra)
	}
	a.login("other@email.com", "secret-pw")
	a.createOrder(other.Access, [2]int64{1, 1})

	// Unknown accounts are limited alike.
	for range 10 {
		checkError(t, a.do("POST", authPath, "", authBody("ghost@email.com", "guess")), 401, "")
	}
	checkError(t, a.do("POST", authPath, "", authBody("ghost@email.com", "guess")), 429, "")
}

func TestPushTokens(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	tk := a.loginDemo()
	path := "/api/content/users/me/fcm-token/"
	checkError(t, a.do("POST", path+"tok-1", "", nil), 401, "")
	isTrue(t, a.expect("POST", path+"tok-1", tk.Access, nil, 201))
	isTrue(t, a.expect("POST", path+"tok-1", tk.Access, nil, 201)) // idempotent
	isTrue(t, a.expect("POST", path+"tok-2", tk.Access, nil, 201))
	if n := count(t, srv, "user_push_tokens"); n != 2 {
		t.Errorf("push tokens: got %d rows, want 2", n)
	}
	isTrue(t, a.expect("DELETE", path+"tok-1", tk.Access, nil, 200))
	isTrue(t, a.expect("DELETE", path+"tok-1", tk.Access, nil, 200))
	if n := count(t, srv, "user_push_tokens WHERE token = 'tok-2'"); n != 1 || count(t, srv, "user_push_tokens") != 1 {
		t.Error("delete removed the wrong token")
	}
	for i := range 49 {
		a.expect("POST", fmt.Sprintf("%stok-%d", path, i+3), tk.Access, nil, 201)
	}
	checkError(t, a.do("POST", path+"one-too-many", tk.Access, nil), 400, "at most 50")
	a.expect("DELETE", "/api/content/users/me/account", tk.Access, nil, 200)
	if n := count(t, srv, "user_push_tokens"); n != 0 {
		t.Errorf("push tokens after deleting the account: got %d, want 0", n)
	}
}
