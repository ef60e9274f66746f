package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Admin calls the admin API as one staff member (a session cookie and its
// CSRF token) or one API key.
type Admin struct {
	Base   string // the server, or a checking proxy in front of it
	Cookie string // the session token; "" for a key
	CSRF   string
	Key    string // an oek_ key; "" for a session
	Email  string
}

// StaffPassword is the password of staff accounts the tests create.
const StaffPassword = "staff-password-1"

// Staff creates a staff account with role and signs it in.
func (s *Server) Staff(t testing.TB, email, role string) *Admin {
	t.Helper()
	if _, err := s.App.CreateStaff(context.Background(), email, "", role, StaffPassword); err != nil {
		t.Fatalf("create staff %s: %v", email, err)
	}
	return s.SignIn(t, email, StaffPassword)
}

// SignIn signs a staff member in and keeps the session.
func (s *Server) SignIn(t testing.TB, email, password string) *Admin {
	t.Helper()
	a := &Admin{Base: s.BaseURL, Email: email}
	status, body, h := a.Do(t, "POST", "/api/admin/session", map[string]string{"email": email, "password": password})
	if status != http.StatusCreated {
		t.Fatalf("sign in %s: %d %s", email, status, body)
	}
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "oe_admin" {
			a.Cookie = c.Value
		}
	}
	var out struct {
		CSRFToken string `json:"csrfToken"`
	}
	if err := json.Unmarshal(body, &out); err != nil || a.Cookie == "" || out.CSRFToken == "" {
		t.Fatalf("sign in %s: no session in %s (%v)", email, body, err)
	}
	a.CSRF = out.CSRFToken
	return a
}

// KeyAs creates an API key with role (a signs it, so a must be an owner).
func (a *Admin) KeyAs(t testing.TB, role string) *Admin {
	t.Helper()
	var out struct {
		Key string `json:"key"`
	}
	a.Expect(t, "POST", "/api/admin/api-keys", map[string]string{"name": role + " integration", "role": role}, http.StatusCreated, &out)
	return &Admin{Base: a.Base, Key: out.Key}
}

// Via returns a copy of a that calls base (a checking proxy) instead.
func (a *Admin) Via(base string) *Admin {
	c := *a
	c.Base = base
	return &c
}

// Do sends a request; body is JSON-encoded unless it is a string or
// []byte, sent as it is. It returns the status, body and headers.
func (a *Admin) Do(t testing.TB, method, path string, body any) (int, []byte, http.Header) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, a.Base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.Cookie != "" {
		req.AddCookie(&http.Cookie{Name: "oe_admin", Value: a.Cookie})
		req.Header.Set("X-CSRF-Token", a.CSRF)
	}
	if a.Key != "" {
		req.Header.Set("Authorization", "Bearer "+a.Key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data, resp.Header
}

// Expect sends a request, fails the test unless it answers want, and
// decodes a JSON answer into out (if not nil). It returns the body.
func (a *Admin) Expect(t testing.TB, method, path string, body any, want int, out any) []byte {
	t.Helper()
	status, data, _ := a.Do(t, method, path, body)
	if status != want {
		t.Fatalf("%s %s: got %d, want %d: %s", method, path, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	return data
}
