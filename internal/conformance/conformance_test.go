// Package conformance checks OpenEntry against OneEntry's official clients.
//
// The tests here run the official JS SDK (npm oneentry@1.0.149, pinned in
// js/package-lock.json) against a real OpenEntry server with strict response
// validation, through a proxy that also checks every exchange against the
// server's OpenAPI document. They need Node.js ≥ 18 on PATH and the SDK
// installed:
//
//	npm ci --prefix internal/conformance/js
//
// Without either they fail rather than skip, so that a machine that cannot
// run them never passes silently.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/httpapi/openapitest"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
)

const (
	jsDir       = "js"
	sdkVersion  = "1.0.149"
	nodeTimeout = 2 * time.Minute
	installHint = "run `npm ci --prefix internal/conformance/js` (from the repository root) to install the pinned SDK"
)

// TestOfficialSDKSeed runs the seed page's final example (order, then pay,
// for the registered demo user) through the official SDK; see js/seed.mjs.
func TestOfficialSDKSeed(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t))
	runNode(t, node, checked(t, srv), "seed.mjs")
}

// TestOfficialSDKMethods calls every SDK method of the implemented routes,
// their error answers and the SDK's refresh on 401; see js/methods.mjs.
func TestOfficialSDKMethods(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t))
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "methods.mjs")
}

// TestOfficialSDKUsers calls the SDK's code, password, session and account
// methods (AuthProvider and Users) against a server that mails its codes to
// a real SMTP test server; see js/users.mjs. Node reads the codes from a
// loopback mailbox (see mailbox).
func TestOfficialSDKUsers(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	smtp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(smtp.URL(), "OpenEntry <noreply@openentry.test>")
	if err != nil {
		t.Fatal(err)
	}
	// email_short lets the access token expire within the test, so that the
	// SDK's refresh on 401 runs for an expired token, not just a missing one.
	short := &openentry.Project{AuthProviders: []openentry.ProjectAuthProvider{{
		Identifier: "email_short", Type: "email", FormIdentifier: "reg",
		Title:  map[string]string{"en_US": "Email, short tokens"},
		Config: map[string]string{"accessTokenTtlSec": "2", "refreshTokenTtlMc": "604800"},
		Events: []string{"reset"},
	}}}
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithMailer(mailer), apptest.WithProject(short))
	box := httptest.NewServer(mailbox(smtp, 5*time.Second))
	t.Cleanup(box.Close)
	runNodeEnv(t, node, checked(t, srv), []string{"OPENENTRY_MAILBOX_URL=" + box.URL},
		"--test", "--test-reporter=spec", "users.mjs")
}

// TestOfficialSDKPayments runs the SDK's payment and refund calls against a
// server whose stripe account talks to stripe-mock; see js/payments.mjs. Node
// signs the Stripe events itself with the webhook secret passed in its
// environment.
func TestOfficialSDKPayments(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	mock := stripemock.Start(t)
	const webhookSecret = "whsec_openentry_conformance"
	srv := apptest.Start(t, secretFreeLogs(t),
		apptest.WithStripe(app.StripeConfig{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, APIURL: mock.URL()}))
	runNodeEnv(t, node, checked(t, srv), []string{
		"OPENENTRY_STRIPE_WEBHOOK_SECRET=" + webhookSecret,
		"OPENENTRY_STRIPE_API_VERSION=" + stripe.APIVersion,
	}, "--test", "--test-reporter=spec", "payments.mjs")
}

// checked returns the URL of a proxy to srv that fails the test when a
// response, or a request the server accepted, does not match the OpenAPI
// document (internal/httpapi/openapi.json).
func checked(t *testing.T, srv *apptest.Server) string {
	t.Helper()
	return openapitest.New(t).Proxy(srv.BaseURL)
}

// requireNodeSDK returns the path of node, and fails the test when node or
// the pinned SDK is missing.
func requireNodeSDK(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH (%v): install Node.js ≥ 18, then %s", err, installHint)
	}
	out, err := exec.Command(node, "-p", "process.versions.node").Output()
	if err != nil {
		t.Fatalf("%s -p process.versions.node: %v", node, err)
	}
	version := strings.TrimSpace(string(out))
	// Below 18 the SDK leaves fetch for the https module, a path without its
	// refresh-on-401 logic: that is not the client these tests mean.
	if major, _ := strconv.Atoi(strings.SplitN(version, ".", 2)[0]); major < 18 {
		t.Fatalf("node %s at %s is too old: the tests need Node.js ≥ 18", version, node)
	}

	raw, err := os.ReadFile(filepath.Join(jsDir, "node_modules", "oneentry", "package.json"))
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the official SDK is not installed (%s/node_modules/oneentry is missing): %s", jsDir, installHint)
	}
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatalf("%s/node_modules/oneentry/package.json: %v", jsDir, err)
	}
	if pkg.Version != sdkVersion {
		t.Fatalf("installed oneentry is %s, want %s: %s", pkg.Version, sdkVersion, installHint)
	}
	return node
}

// runNode runs node with args in js/ against baseURL, logs its output line by
// line as it comes, and fails the test if node exits non-zero or runs longer
// than nodeTimeout.
func runNode(t *testing.T, node, baseURL string, args ...string) {
	t.Helper()
	runNodeEnv(t, node, baseURL, nil, args...)
}

// runNodeEnv is runNode with env (KEY=value entries) added to node's environment.
func runNodeEnv(t *testing.T, node, baseURL string, env []string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), nodeTimeout)
	defer cancel()

	out := &lineLogger{t: t}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = jsDir
	cmd.Env = append(os.Environ(),
		"OPENENTRY_URL="+baseURL,
		"OPENENTRY_APP_TOKEN="+apptest.AppToken,
		"NO_COLOR=1",
	)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout = out
	cmd.Stderr = out
	killProcessGroup(cmd) // node --test runs each file in a child process
	cmd.WaitDelay = 5 * time.Second

	start := time.Now()
	err := cmd.Run()
	out.flush()
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("node %s: killed after %v", strings.Join(args, " "), nodeTimeout)
	}
	if err != nil {
		t.Fatalf("node %s: %v (after %v; output above)", strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond))
	}
}

// lineLogger passes a process's output to t.Log one line at a time.
type lineLogger struct {
	t   *testing.T
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil { // no full line yet: keep the rest for later
			l.buf.Reset()
			l.buf.WriteString(line)
			return len(p), nil
		}
		l.t.Log(strings.TrimRight(line, "\r\n"))
	}
}

func (l *lineLogger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len() > 0 {
		l.t.Log(l.buf.String())
		l.buf.Reset()
	}
}
