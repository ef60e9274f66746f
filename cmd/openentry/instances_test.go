package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestMain lets a test start this binary as `openentry`: with
// OPENENTRY_TEST_RUN_MAIN=1 it runs main with the arguments it was given.
func TestMain(m *testing.M) {
	if os.Getenv("OPENENTRY_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// process runs `openentry args…` in a child process.
func process(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "OPENENTRY_TEST_RUN_MAIN=1"), env...)
	return cmd
}

// startInstance starts `openentry serve --demo` in its own process and returns its base URL.
func startInstance(t *testing.T, env []string) string {
	t.Helper()
	return startProcess(t, env, "--demo").base
}

type client struct {
	t            *testing.T
	base, bearer string
}

func (c client) do(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	return call(c.t, method, c.base+"/api/content"+path, "tok", c.bearer, body)
}

func TestInstancesShareOnePostgres(t *testing.T) {
	if os.Getenv(apptest.PostgresEnv) == "" {
		t.Skipf("skipped: set %s to run several instances over one PostgreSQL (.ci/run does)", apptest.PostgresEnv)
	}
	dsn := apptest.DSN(t)
	env := []string{"OPENENTRY_DB=" + dsn, "OPENENTRY_APP_TOKEN=tok", "OPENENTRY_TOKEN_SECRET=shared-test-secret"}
	bases := []string{startInstance(t, env), startInstance(t, env)}

	// One login serves both instances: tokens live in the shared database.
	status, tokens := call(t, "POST", bases[0]+"/api/content/users-auth-providers/marker/email/users/auth", "tok", "",
		`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`)
	if status != 201 {
		t.Fatalf("auth: %d", status)
	}
	bearer := fmt.Sprint(tokens["accessToken"])
	clients := []client{{t, bases[0], bearer}, {t, bases[1], bearer}}
	const orderBody = `{"formIdentifier":"order","paymentAccountIdentifier":"cash","formData":[{"marker":"name","type":"string","value":"A"}],"products":[{"productId":14,"quantity":1}]}`

	// Concurrent orders through both instances: distinct ids, all stored.
	const perInstance = 40
	ids := make(chan int64, 2*perInstance)
	var wg sync.WaitGroup
	for i := range 2 * perInstance {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, o := clients[i%2].do("POST", "/orders-storage/marker/orders/orders", orderBody)
			if status != 201 {
				t.Errorf("order through instance %d: %d %v", i%2, status, o)
				return
			}
			ids <- int64(o["id"].(float64))
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("order id %d given twice", id)
		}
		seen[id] = true
	}
	if _, l := clients[1].do("GET", "/orders-storage/marker/orders/orders?limit=1", ""); len(seen) != 2*perInstance || l["total"] != float64(2*perInstance) {
		t.Errorf("stored orders: %v, distinct ids %d; want %d", l["total"], len(seen), 2*perInstance)
	}

	// A session created on one instance is read on the other.
	_, order := clients[0].do("POST", "/orders-storage/marker/orders/orders", orderBody)
	orderID := int64(order["id"].(float64))
	_, s := clients[0].do("POST", "/payments/sessions", fmt.Sprintf(`{"orderId":%d,"type":"session"}`, orderID))
	if status, got := clients[1].do("GET", fmt.Sprintf("/payments/sessions/order/%d", orderID), ""); status != 200 || got["id"] != s["id"] {
		t.Errorf("session read on the other instance: %d %v, want %v", status, got, s["id"])
	}

	// Concurrent createSession for one order through both: one waiting session.
	_, order = clients[0].do("POST", "/orders-storage/marker/orders/orders", orderBody)
	orderID = int64(order["id"].(float64))
	sessionIDs := make([]any, 10)
	for i := range sessionIDs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, s := clients[i%2].do("POST", "/payments/sessions", fmt.Sprintf(`{"orderId":%d,"type":"session"}`, orderID))
			sessionIDs[i] = s["id"]
		}()
	}
	wg.Wait()
	for _, id := range sessionIDs {
		if id == nil || id != sessionIDs[0] {
			t.Fatalf("concurrent createSession through two instances: got ids %v, want one session", sessionIDs)
		}
	}
	if _, l := clients[1].do("GET", "/payments/sessions?limit=100", ""); l["total"] != float64(2) {
		t.Errorf("sessions: got total %v, want 2", l["total"])
	}

	// Concurrent transitions of one session, from separate processes, apply once.
	sessionID := fmt.Sprint(sessionIDs[0])
	results := make(chan error, 2)
	for _, verb := range []string{"complete", "cancel"} {
		go func() {
			cmd := process(t, []string{"OPENENTRY_DB=" + dsn}, "payments", verb, "--session", sessionID)
			out, err := cmd.CombinedOutput()
			if err != nil {
				err = fmt.Errorf("%s: %v: %s", verb, err, out)
			}
			results <- err
		}()
	}
	var failed int
	for range 2 {
		if err := <-results; err != nil {
			failed++
			if !strings.Contains(err.Error(), "not waiting") {
				t.Errorf("the losing transition failed for another reason: %v", err)
			}
		}
	}
	_, got := clients[1].do("GET", "/payments/sessions/"+sessionID, "")
	if failed != 1 || (got["status"] != "completed" && got["status"] != "canceled") {
		t.Errorf("concurrent transitions: %d failed, final status %v; want exactly one applied", failed, got["status"])
	}
}
