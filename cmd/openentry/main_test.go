package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/mail/mailtest"
)

// listenAddr waits for serve's "listening" log line and returns its address.
func listenAddr(t *testing.T, logs *apptest.Buffer, errc <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(logs.String(), "\n") {
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" {
				return entry.Addr
			}
		}
		select {
		case err := <-errc:
			t.Fatalf("serve exited early: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not log its address:\n%s", logs.String())
	return ""
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	project := filepath.Join(dir, "project.json")
	if err := os.WriteFile(project, []byte(`{"products":[{"id":500,"title":{"en_US":"Extra"},"price":"2.00","currency":"USD"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"OPENENTRY_APP_TOKEN":    "serve-test-token",
		"OPENENTRY_TOKEN_SECRET": "serve-test-secret",
		"OPENENTRY_DB":           "sqlite:" + filepath.Join(dir, "shop.db"),
		"OPENENTRY_PROJECT":      project,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr apptest.Buffer
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"openentry", "serve", "--addr", "127.0.0.1:0", "--demo"}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	base := "http://" + listenAddr(t, &stderr, errc)

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: got %d, want 200", resp.StatusCode)
	}
	// Both the demo project and the project file were applied.
	for _, path := range []string{"/api/content/products/14", "/api/content/products/500"} {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("x-app-token", "serve-test-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: got %d, want 200", path, resp.StatusCode)
		}
	}
	if strings.Contains(stdout.String(), "generated") {
		t.Error("printed a generated app token although OPENENTRY_APP_TOKEN was set")
	}

	cancel() // what SIGINT/SIGTERM do through signal.NotifyContext
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func TestServeDemoGeneratesToken(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr apptest.Buffer
	errc := make(chan error, 1)
	db := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	go func() {
		errc <- run(ctx, []string{"openentry", "serve", "--addr", "127.0.0.1:0", "--demo", "--db", db},
			func(string) string { return "" }, &stdout, &stderr)
	}()
	base := "http://" + listenAddr(t, &stderr, errc)
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	token := lines[len(lines)-1]
	if len(lines) != 2 || len(token) < 20 {
		t.Fatalf("stdout: got %q, want a notice and a token", stdout.String())
	}
	req, _ := http.NewRequest("GET", base+"/api/content/forms", nil)
	req.Header.Set("x-app-token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with the printed token: got %d, want 200", resp.StatusCode)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestServeWithoutTokenFails(t *testing.T) {
	err := run(context.Background(), []string{"openentry", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "x.db")},
		func(string) string { return "" }, &apptest.Buffer{}, &apptest.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "OPENENTRY_APP_TOKEN") {
		t.Errorf("got %v, want an error naming OPENENTRY_APP_TOKEN", err)
	}
}

func TestDemo(t *testing.T) {
	var stdout, stderr apptest.Buffer
	if err := run(context.Background(), []string{"openentry", "demo"}, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"1. AuthProvider.Auth", `"accessToken"`,
		"2. Orders.CreateOrder", `"totalSum": 340`, `"currency": "USD"`,
		"3. Payments.CreateSession", "4. Payments.GetSessionByOrderID", `"status": "waiting"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var stderr apptest.Buffer
	if err := run(context.Background(), []string{"openentry", "nope"}, func(string) string { return "" }, &apptest.Buffer{}, &stderr); err == nil {
		t.Error("unknown command: got no error")
	}
	if !strings.Contains(stderr.String(), "usage") {
		t.Errorf("unknown command: stderr %q lacks usage", stderr.String())
	}
}

// startServe runs `openentry serve` with env and returns its base URL and logs.
func startServe(t *testing.T, env map[string]string, args ...string) (string, *apptest.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr apptest.Buffer
	errc := make(chan error, 1)
	argv := append([]string{"openentry", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "s.db")}, args...)
	go func() { errc <- run(ctx, argv, func(k string) string { return env[k] }, &stdout, &stderr) }()
	base := "http://" + listenAddr(t, &stderr, errc)
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return base, &stderr
}

func post(t *testing.T, url, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("x-app-token", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

const confirmSignUp = `{"formIdentifier":"reg","authData":[{"marker":"email_reg","value":"new@example.com"},{"marker":"password_reg","value":"pass1234"}],"formData":[],"notificationData":{"email":"new@example.com","phonePush":[]},"langCode":"en_US"}`

func TestServeSendsCodesOverSMTP(t *testing.T) {
	smtp := mailtest.Start(t)
	base, _ := startServe(t, map[string]string{
		"OPENENTRY_APP_TOKEN": "tok", "OPENENTRY_SMTP_URL": smtp.URL(), "OPENENTRY_SMTP_FROM": "Shop <shop@example.com>",
	}, "--demo")
	if got := post(t, base+"/api/content/users-auth-providers/marker/email_confirm/users/sign-up", "tok", confirmSignUp); got != 201 {
		t.Fatalf("sign-up: got %d, want 201", got)
	}
	code := smtp.Code(t, "new@example.com")
	if got := smtp.WaitFor(t, "new@example.com", 5*time.Second).From; !strings.Contains(got, "shop@example.com") {
		t.Errorf("from: got %q, want OPENENTRY_SMTP_FROM", got)
	}
	activate := `{"userIdentifier":"new@example.com","code":"` + code + `"}`
	if got := post(t, base+"/api/content/users-auth-providers/marker/email_confirm/users/activate", "tok", activate); got != 201 {
		t.Errorf("activate with the mailed code: got %d, want 201", got)
	}
}

func TestServeDemoLogsCodesWithoutSMTP(t *testing.T) {
	base, logs := startServe(t, map[string]string{"OPENENTRY_APP_TOKEN": "tok"}, "--demo")
	if got := post(t, base+"/api/content/users-auth-providers/marker/email_confirm/users/sign-up", "tok", confirmSignUp); got != 201 {
		t.Fatalf("sign-up: got %d, want 201", got)
	}
	if !strings.Contains(logs.String(), "development mail delivery") || !strings.Contains(logs.String(), "Your code: ") {
		t.Errorf("the code was not written to the log:\n%s", logs.String())
	}
}

func TestServeWithoutSMTPCannotSendCodes(t *testing.T) {
	project := filepath.Join(t.TempDir(), "p.json")
	demoFile, err := os.ReadFile("../../internal/demo/project.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(project, demoFile, 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, map[string]string{"OPENENTRY_APP_TOKEN": "tok"}, "--project", project)
	if got := post(t, base+"/api/content/users-auth-providers/marker/email_confirm/users/sign-up", "tok", confirmSignUp); got != 502 {
		t.Errorf("sign-up needing a code without a mail server: got %d, want 502", got)
	}
}

// call sends a JSON request and decodes a JSON object answer.
func call(t *testing.T, method, url, token, bearer, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("x-app-token", token)
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestOperatorCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "shop.db")
	env := map[string]string{"OPENENTRY_APP_TOKEN": "tok", "OPENENTRY_DB": db}
	getenv := func(k string) string { return env[k] }
	base, _ := startServe(t, env, "--demo", "--db", db)
	api := base + "/api/content"
	_, tokens := call(t, "POST", api+"/users-auth-providers/marker/email/users/auth", "tok", "",
		`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`)
	access := fmt.Sprint(tokens["accessToken"])
	_, order := call(t, "POST", api+"/orders-storage/marker/orders/orders", "tok", access,
		`{"formIdentifier":"order","paymentAccountIdentifier":"cash","formData":[{"marker":"name","type":"string","value":"A"}],"products":[{"productId":14,"quantity":1}]}`)
	orderID := int64(order["id"].(float64))
	_, session := call(t, "POST", api+"/payments/sessions", "tok", access, fmt.Sprintf(`{"orderId":%d,"type":"session"}`, orderID))
	sessionID := fmt.Sprint(session["id"])

	var out apptest.Buffer
	if err := run(context.Background(), []string{"openentry", "payments", "complete", "--session", sessionID}, getenv, &out, &apptest.Buffer{}); err != nil {
		t.Fatalf("payments complete: %v", err)
	}
	if _, s := call(t, "GET", api+"/payments/sessions/"+sessionID, "tok", access, ""); s["status"] != "completed" {
		t.Errorf("session after `payments complete`: got %v, want completed (output %q)", s["status"], out.String())
	}
	if err := run(context.Background(), []string{"openentry", "payments", "cancel", "--session", sessionID}, getenv, &out, &apptest.Buffer{}); err == nil {
		t.Error("canceling a completed session: got no error")
	}

	if status, _ := call(t, "POST", fmt.Sprintf("%s/orders/%d/refund", api, orderID), "tok", access, `{}`); status != 201 {
		t.Fatalf("refund request: got %d", status)
	}
	out = apptest.Buffer{}
	if err := run(context.Background(), []string{"openentry", "refunds", "approve", "--refund", "1"}, getenv, &out, &apptest.Buffer{}); err != nil {
		t.Fatalf("refunds approve: %v", err)
	}
	if !strings.Contains(out.String(), "340.00 USD") || !strings.Contains(out.String(), "refunded") {
		t.Errorf("refunds approve output: %q", out.String())
	}
	// Both go through the use cases the admin API calls, journaled as the system.
	conn, err := sql.Open("sqlite", strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT actor_kind || ' ' || actor_name || ': ' || action FROM audit_journal WHERE object_kind = 'order' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var journal []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		journal = append(journal, line)
	}
	rows.Close()
	if want := []string{"system openentry payments: payment.settle", "system openentry refunds approve: refund.approve"}; !slices.Equal(journal, want) {
		t.Errorf("journal of the operator commands: got %q, want %q", journal, want)
	}
	for _, args := range [][]string{{"payments"}, {"payments", "complete"}, {"refunds", "approve"}, {"refunds", "deny", "--refund", "1"}} {
		if err := run(context.Background(), append([]string{"openentry"}, args...), getenv, &apptest.Buffer{}, &apptest.Buffer{}); err == nil {
			t.Errorf("openentry %v: got no error", args)
		}
	}
}

func TestServeRefreshReuseWindow(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"zero flag", []string{"--refresh-reuse-window", "0s"}, nil, "--refresh-reuse-window"},
		{"too long flag", []string{"--refresh-reuse-window", "2m"}, nil, "--refresh-reuse-window"},
		{"malformed env", nil, map[string]string{"OPENENTRY_REFRESH_REUSE_WINDOW": "soon"}, "OPENENTRY_REFRESH_REUSE_WINDOW"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"OPENENTRY_APP_TOKEN": "tok"}
			for k, v := range tc.env {
				env[k] = v
			}
			argv := append([]string{"openentry", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "r.db")}, tc.args...)
			err := run(context.Background(), argv, func(k string) string { return env[k] }, &apptest.Buffer{}, &apptest.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error naming %s", err, tc.want)
			}
		})
	}
}
