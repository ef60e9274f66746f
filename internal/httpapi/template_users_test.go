package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
)

// TestSignUpAndProfileAsTheTemplateSends: OneEntry's storefront repeats the
// login and password markers in formData on sign-up and on the profile
// form, and sends an empty password when it was not changed.
func TestSignUpAndProfileAsTheTemplateSends(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	fields := func(email, password, name string) []map[string]any {
		return []map[string]any{
			{"marker": "email_reg", "type": "string", "value": email},
			{"marker": "password_reg", "type": "string", "value": password},
			{"marker": "name_reg", "type": "string", "value": name},
		}
	}
	a.expect("POST", "/api/content/users-auth-providers/marker/email/users/sign-up?langCode=en_US", "", map[string]any{
		"formIdentifier":   "reg",
		"authData":         []map[string]string{{"marker": "email_reg", "value": "tpl@email.com"}, {"marker": "password_reg", "value": "pass-1234"}},
		"formData":         map[string]any{"en_US": fields("tpl@email.com", "pass-1234", "Tpl")},
		"notificationData": map[string]any{"email": "tpl@email.com", "phonePush": []string{}, "phoneSMS": ""},
	}, 201)
	if n := count(t, srv, "users WHERE form_data LIKE '%pass-1234%'"); n != 0 {
		t.Error("the password sent in formData was stored")
	}
	tk := a.login("tpl@email.com", "pass-1234")
	other := a.login("tpl@email.com", "pass-1234")
	me := a.expect("GET", "/api/content/users/me?langCode=en_US", tk.Access, nil, 200).json(t)
	if got := fmt.Sprint(me["formData"]); got != "map[en_US:[map[marker:email_reg type:string value:tpl@email.com] map[marker:name_reg type:string value:Tpl]]]" {
		t.Errorf("formData after sign-up: got %s, want the login and the name, no password", got)
	}

	// The profile form: the same fields, an empty password in formData and authData.
	profile := func(password, name string) map[string]any {
		return map[string]any{
			"formIdentifier":   "reg",
			"formData":         map[string]any{"en_US": fields("tpl@email.com", password, name)},
			"authData":         []map[string]string{{"marker": "password_reg", "value": password}},
			"notificationData": map[string]any{"email": "tpl@email.com", "phonePush": []string{}, "phoneSMS": ""},
			"state":            map[string]any{},
		}
	}
	isTrue(t, a.expect("PUT", "/api/content/users/me?langCode=en_US", tk.Access, profile("", "Tpl Two"), 200))
	me = a.expect("GET", "/api/content/users/me?langCode=en_US", tk.Access, nil, 200).json(t)
	if got := fmt.Sprint(me["formData"]); !strings.Contains(got, "Tpl Two") || strings.Contains(got, "password_reg") {
		t.Errorf("formData after the profile update: got %s", got)
	}
	a.expect("GET", "/api/content/users/me", other.Access, nil, 200) // no password change: other sessions stay
	a.login("tpl@email.com", "pass-1234")

	// A password filled in changes it, and is not stored in formData either.
	isTrue(t, a.expect("PUT", "/api/content/users/me?langCode=en_US", tk.Access, profile("pass-5678", "Tpl Two"), 200))
	if n := count(t, srv, "users WHERE form_data LIKE '%pass-5678%'"); n != 0 {
		t.Error("the new password sent in formData was stored")
	}
	checkError(t, a.do("GET", "/api/content/users/me", other.Access, nil), 401, "")
	checkError(t, a.do("POST", authPath, "", authBody("tpl@email.com", "pass-1234")), 401, "")
	a.login("tpl@email.com", "pass-5678")
}

// TestSignUpLimits: sign-ups are bounded per address and per login, before
// any password is hashed.
func TestSignUpLimits(t *testing.T) {
	srv := apptest.Start(t, apptest.WithConfig(func(c *app.Config) {
		c.SignUpLimits = app.SignUpLimits{PerAddress: 4, PerLogin: 2, Window: time.Hour}
	}))
	a := newAPI(t, srv)
	path := "/api/content/users-auth-providers/marker/email/users/sign-up"
	body := func(email string) map[string]any {
		return map[string]any{"formIdentifier": "reg", "authData": authBody(email, "pass-1234")["authData"],
			"notificationData": map[string]any{"email": email}}
	}
	a.expect("POST", path, "", body("one@email.com"), 201)
	checkError(t, a.do("POST", path, "", body("one@email.com")), 400, "already exists")
	r := a.do("POST", path, "", body("ONE@email.com")) // the same login, folded: its third try
	checkError(t, r, 429, "Too many sign-ups")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	a.expect("POST", path, "", body("two@email.com"), 201)
	checkError(t, a.do("POST", path, "", body("three@email.com")), 429, "Too many sign-ups") // the address's fifth
	if n := count(t, srv, "users"); n != 3 {
		t.Errorf("users: got %d, want 3 (the demo user, one and two)", n)
	}
}
