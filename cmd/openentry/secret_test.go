package main

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

func TestTokenSecrets(t *testing.T) {
	t.Parallel()
	const a, b = "secret-A-0123456789", "secret-B-0123456789"
	tests := []struct {
		name    string
		env     string
		want    []string
		wantErr string // part of the error; "" for none
	}{
		{name: "unset", env: ""},
		{name: "only separators and spaces", env: " , ,"},
		{name: "one", env: a, want: []string{a}},
		{name: "new and old", env: b + "," + a, want: []string{b, a}},
		{name: "spaces trimmed, empties dropped", env: " " + b + " ,, " + a + " ,", want: []string{b, a}},
		{name: "inner space kept", env: "sixteen or more bytes", want: []string{"sixteen or more bytes"}},
		{name: "exactly 16 bytes", env: "0123456789abcdef", want: []string{"0123456789abcdef"}},
		{name: "15 bytes", env: "0123456789abcde", wantErr: "secret 1 of 1 is 15 bytes long, want at least 16"},
		{name: "short old secret", env: b + ",short", wantErr: "secret 2 of 2 is 5 bytes long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tokenSecrets(tc.env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "OPENENTRY_TOKEN_SECRET") {
					t.Fatalf("got %q, %v; want an error naming OPENENTRY_TOKEN_SECRET with %q", got, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "short") || strings.Contains(err.Error(), "abcde") {
					t.Errorf("error %q shows the secret", err)
				}
				return
			}
			var gotStrings []string
			for _, s := range got {
				gotStrings = append(gotStrings, string(s))
			}
			if err != nil || !reflect.DeepEqual(gotStrings, tc.want) {
				t.Errorf("got %q, %v; want %q, nil", gotStrings, err, tc.want)
			}
		})
	}
}

func TestServeRefusesShortTokenSecret(t *testing.T) {
	env := map[string]string{"OPENENTRY_APP_TOKEN": "tok", "OPENENTRY_TOKEN_SECRET": "good-secret-0123456789,tiny"}
	var stderr apptest.Buffer
	err := run(context.Background(), []string{"openentry", "serve", "--addr", "127.0.0.1:0", "--db", apptest.DSN(t)},
		func(k string) string { return env[k] }, &apptest.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "OPENENTRY_TOKEN_SECRET") {
		t.Fatalf("got %v, want an error naming OPENENTRY_TOKEN_SECRET", err)
	}
	if strings.Contains(err.Error()+stderr.String(), "tiny") {
		t.Errorf("the secret was shown: %v\n%s", err, stderr.String())
	}
}

// serving is one `openentry serve` run inside the test.
type serving struct {
	base string
	logs *apptest.Buffer
	stop func()
}

// serveWith runs serve on db with OPENENTRY_TOKEN_SECRET set to secret
// (unset if empty) until stop is called or the test ends.
func serveWith(t *testing.T, db, secret string) *serving {
	t.Helper()
	env := map[string]string{"OPENENTRY_APP_TOKEN": "tok", "OPENENTRY_DB": db, "OPENENTRY_TOKEN_SECRET": secret}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr apptest.Buffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"openentry", "serve", "--addr", "127.0.0.1:0", "--demo"}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	s := &serving{base: "http://" + listenAddr(t, &stderr, errc), logs: &stderr}
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
	t.Cleanup(s.stop)
	return s
}

// login signs the demo user in and returns the access and refresh tokens.
func (s *serving) login(t *testing.T) (access, refresh string) {
	t.Helper()
	status, m := call(t, "POST", s.base+"/api/content/users-auth-providers/marker/email/users/auth", "tok", "",
		`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`)
	if status != 201 {
		t.Fatalf("login: got %d %v, want 201", status, m)
	}
	return fmt.Sprint(m["accessToken"]), fmt.Sprint(m["refreshToken"])
}

// refresh trades a refresh token for a new access token.
func (s *serving) refresh(t *testing.T, refresh string) string {
	t.Helper()
	status, m := call(t, "POST", s.base+"/api/content/users-auth-providers/marker/email/users/refresh", "tok", "",
		`{"refreshToken":"`+refresh+`"}`)
	if status != 201 {
		t.Fatalf("refresh: got %d %v, want 201", status, m)
	}
	return fmt.Sprint(m["accessToken"])
}

func (s *serving) me(t *testing.T, token string) int {
	t.Helper()
	status, _ := call(t, "GET", s.base+"/api/content/users/me", "tok", token, "")
	return status
}

// TestTokenSecretRotation walks the README's rotation: A alone, then
// "B,A", then B alone, each a restart of serve on one database.
func TestTokenSecretRotation(t *testing.T) {
	const a, b = "token-secret-A-0123456789", "token-secret-B-0123456789"
	db := apptest.DSN(t)

	before := serveWith(t, db, a)
	underA, refreshA := before.login(t)
	before.stop()

	during := serveWith(t, db, b+","+a)
	if got := during.me(t, underA); got != 200 {
		t.Errorf(`a token signed with A, on a server with "B,A": got %d, want 200`, got)
	}
	underB, _ := during.login(t)
	during.stop()

	after := serveWith(t, db, b)
	if got := after.me(t, underA); got != 401 {
		t.Errorf(`a token signed with A, on a server with "B": got %d, want 401`, got)
	}
	if got := after.me(t, underB); got != 200 {
		t.Errorf(`a token from the server with "B,A", on a server with "B": got %d, want 200 (signed with the first)`, got)
	}
	// The refused user is not signed out: refresh tokens are not signed.
	if got := after.me(t, after.refresh(t, refreshA)); got != 200 {
		t.Errorf(`a token refreshed on a server with "B": got %d, want 200`, got)
	}
	after.stop()

	for _, s := range []*serving{before, during, after} {
		if logs := s.logs.String(); strings.Contains(logs, a) || strings.Contains(logs, b) {
			t.Errorf("a token secret is in the log:\n%s", logs)
		}
	}
	if !strings.Contains(during.logs.String(), "signing with the first") {
		t.Errorf("serve with two secrets did not say so:\n%s", during.logs.String())
	}
}

// TestServeUsesDatabaseSecret: without OPENENTRY_TOKEN_SECRET serve says it
// uses the database's secret, and a restart keeps the user signed in.
func TestServeUsesDatabaseSecret(t *testing.T) {
	db := apptest.DSN(t)
	first := serveWith(t, db, "")
	token, _ := first.login(t)
	first.stop()
	if logs := first.logs.String(); !strings.Contains(logs, "secret kept in the database") || strings.Contains(logs, "not survive") {
		t.Errorf("serve without OPENENTRY_TOKEN_SECRET logged:\n%s", logs)
	}

	second := serveWith(t, db, "")
	if got := second.me(t, token); got != 200 {
		t.Errorf("a token from before the restart: got %d, want 200", got)
	}
}
