package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
)

// instance is one app.Open over a database, serving the real handler, as
// one server process would.
type instance struct {
	t     *testing.T
	base  string
	close func()
}

// openInstance opens the app on dsn with the demo project; without
// secrets it uses the one kept in the database, as serve does without
// OPENENTRY_TOKEN_SECRET.
func openInstance(t *testing.T, dsn string, mailer openentry.Mailer, secrets ...[]byte) *instance {
	t.Helper()
	p, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), app.Config{
		DB: dsn, AppToken: apptest.AppToken, TokenSecrets: secrets, Projects: []*openentry.Project{p},
		Hashing: credential.TestParams(), Mailer: mailer, SweepEvery: time.Hour,
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	var once sync.Once
	in := &instance{t: t, base: srv.URL, close: func() {
		once.Do(func() {
			srv.Close()
			if err := a.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}}
	t.Cleanup(in.close)
	return in
}

// do sends body with the app token and, if set, a user's access token.
func (in *instance) do(method, path, bearer, body string) (int, map[string]any) {
	in.t.Helper()
	req, err := http.NewRequest(method, in.base+path, strings.NewReader(body))
	if err != nil {
		in.t.Fatal(err)
	}
	req.Header.Set("x-app-token", apptest.AppToken)
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		in.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

const providers = "/api/content/users-auth-providers/marker/"

// login signs the demo user in and returns the access token.
func (in *instance) login() string {
	in.t.Helper()
	status, m := in.do("POST", providers+"email/users/auth", "",
		`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`)
	token, _ := m["accessToken"].(string)
	if status != 201 || token == "" {
		in.t.Fatalf("login: got %d %v, want 201 and an access token", status, m)
	}
	return token
}

// me returns the status of GET /users/me with the access token.
func (in *instance) me(token string) int {
	in.t.Helper()
	status, _ := in.do("GET", "/api/content/users/me", token, "")
	return status
}

// databases runs test on a SQLite file and, when PostgresEnv is set, on a
// fresh PostgreSQL schema.
func databases(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) {
		test(t, "sqlite:"+filepath.Join(t.TempDir(), "shop.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(apptest.PostgresEnv) == "" {
			t.Skipf("skipped: %s is not set", apptest.PostgresEnv)
		}
		test(t, apptest.DSN(t))
	})
}

// TestDatabaseTokenSecret: without TokenSecrets, two instances on one
// database accept each other's tokens, and a restart keeps users signed in.
func TestDatabaseTokenSecret(t *testing.T) {
	databases(t, func(t *testing.T, dsn string) {
		one, two := openInstance(t, dsn, nil), openInstance(t, dsn, nil)
		fromOne, fromTwo := one.login(), two.login()
		if got := two.me(fromOne); got != 200 {
			t.Errorf("a token from instance one on instance two: got %d, want 200", got)
		}
		if got := one.me(fromTwo); got != 200 {
			t.Errorf("a token from instance two on instance one: got %d, want 200", got)
		}

		one.close()
		two.close()
		restarted := openInstance(t, dsn, nil)
		for name, token := range map[string]string{"one": fromOne, "two": fromTwo} {
			if got := restarted.me(token); got != 200 {
				t.Errorf("a token from instance %s after a restart: got %d, want 200", name, got)
			}
		}

		// Control: the tokens pass for being signed with the database's
		// secret, not because anything passes.
		other := openInstance(t, dsn, nil, []byte("some-other-token-secret"))
		if got := other.me(fromOne); got != 401 {
			t.Errorf("a token on an instance with another secret: got %d, want 401", got)
		}
	})
}

const confirmSignUp = `{"formIdentifier":"reg","authData":[{"marker":"email_reg","value":"new@example.com"},` +
	`{"marker":"password_reg","value":"pass1234"}],"formData":[],"notificationData":{"email":"new@example.com","phonePush":[]},"langCode":"en_US"}`

// signUpPending signs new@example.com up on the provider that sends an
// activation code, and returns the code.
func signUpPending(t *testing.T, in *instance, smtp *mailtest.Server) string {
	t.Helper()
	if status, m := in.do("POST", providers+"email_confirm/users/sign-up", "", confirmSignUp); status != 201 {
		t.Fatalf("sign-up: got %d %v, want 201", status, m)
	}
	return smtp.Code(t, "new@example.com")
}

func activate(in *instance, code string) (int, map[string]any) {
	return in.do("POST", providers+"email_confirm/users/activate", "", `{"userIdentifier":"new@example.com","code":"`+code+`"}`)
}

func smtpMailer(t *testing.T, smtp *mailtest.Server) openentry.Mailer {
	t.Helper()
	m, err := mail.NewSMTP(smtp.URL(), "OpenEntry <shop@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPendingCodeSurvivesRestart: a code is stored under a key derived from
// the token secret, so the database's secret keeps it usable after a restart.
func TestPendingCodeSurvivesRestart(t *testing.T) {
	databases(t, func(t *testing.T, dsn string) {
		smtp := mailtest.Start(t)
		before := openInstance(t, dsn, smtpMailer(t, smtp))
		code := signUpPending(t, before, smtp)
		before.close()

		after := openInstance(t, dsn, smtpMailer(t, smtp))
		if status, m := activate(after, code); status != 201 {
			t.Errorf("activate after a restart: got %d %v, want 201", status, m)
		}
	})
}

// TestRotationDropsPendingCodes pins what the README says: codes follow the
// signing secret alone, so those pending when it changes stop working.
func TestRotationDropsPendingCodes(t *testing.T) {
	dsn := apptest.DSN(t)
	smtp := mailtest.Start(t)
	oldSecret, newSecret := []byte("old-token-secret-A"), []byte("new-token-secret-B")
	before := openInstance(t, dsn, smtpMailer(t, smtp), oldSecret)
	code := signUpPending(t, before, smtp)
	before.close()

	after := openInstance(t, dsn, smtpMailer(t, smtp), newSecret, oldSecret)
	if status, m := activate(after, code); status != 400 {
		t.Errorf("activate a code made before the rotation: got %d %v, want 400", status, m)
	}
}
