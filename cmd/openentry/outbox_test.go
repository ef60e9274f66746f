package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/mail/mailtest"
)

// instance is a serve process of a test.
type instance struct {
	base  string // http://127.0.0.1:port
	owner string // its outbox leases' owner
	cmd   *exec.Cmd
}

// startServe runs `openentry serve --addr 127.0.0.1:0 args…` and waits for
// it to listen.
func startProcess(t *testing.T, env []string, args ...string) *instance {
	t.Helper()
	cmd := process(t, env, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	in := &instance{cmd: cmd}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var entry struct{ Msg, Addr, Owner string }
			if json.Unmarshal(sc.Bytes(), &entry) != nil {
				continue
			}
			switch entry.Msg {
			case "outbox":
				in.owner = entry.Owner
			case "listening":
				in.base = "http://" + entry.Addr
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
		return in
	case <-time.After(60 * time.Second):
		t.Fatal("instance did not start")
		return nil
	}
}

// eventProject writes the demo project with a price event, users and
// product 14 at price, as a project file.
func eventProject(t *testing.T, users int, price string) string {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(demo.ProjectJSON(), &p); err != nil {
		t.Fatal(err)
	}
	p["events"] = []map[string]any{{"marker": "product_price", "trigger": "priceDrop", "subject": map[string]string{"en_US": "{title} now costs {price}"}}}
	list := p["users"].([]any)
	for i := range users {
		list = append(list, map[string]any{"authProvider": "email", "login": fmt.Sprintf("watcher%d@example.com", i), "password": "watcher-pw",
			"formData": []map[string]string{{"marker": "name_reg", "type": "string", "value": "Watcher"}}})
	}
	p["users"] = list
	for _, pr := range p["products"].([]any) {
		if pr := pr.(map[string]any); pr["id"] == float64(14) {
			pr["price"] = price
		}
	}
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "project-"+price+".json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOutboxSharedByInstances: a price drop applied by one process is
// mailed to every subscriber by the instances sharing the database, each
// mail once, though the instance sending them is killed mid-way: its
// leases run out and another instance takes the rest over.
func TestOutboxSharedByInstances(t *testing.T) {
	if os.Getenv(apptest.PostgresEnv) == "" {
		t.Skipf("skipped: set %s to run several instances over one PostgreSQL (.ci/run does)", apptest.PostgresEnv)
	}
	const users = 12
	smtp := mailtest.Start(t)
	smtp.Delay(300 * time.Millisecond) // a slow relay: sending takes seconds
	dsn := apptest.DSN(t)
	env := []string{"OPENENTRY_DB=" + dsn, "OPENENTRY_APP_TOKEN=tok", "OPENENTRY_TOKEN_SECRET=shared-test-secret",
		"OPENENTRY_SMTP_URL=" + smtp.URL(), "OPENENTRY_SMTP_FROM=Shop <shop@example.com>",
		"OPENENTRY_OUTBOX_EVERY=100ms", "OPENENTRY_OUTBOX_LEASE=3s"}
	before, after := eventProject(t, users, "340.00"), eventProject(t, users, "300.00")
	instances := []*instance{startProcess(t, env, "--project", before), startProcess(t, env, "--project", before)}

	for i := range users {
		base := instances[i%2].base
		status, tokens := call(t, "POST", base+"/api/content/users-auth-providers/marker/email/users/auth", "tok", "",
			fmt.Sprintf(`{"authData":[{"marker":"email_reg","value":"watcher%d@example.com"},{"marker":"password_reg","value":"watcher-pw"}]}`, i))
		if status != 201 {
			t.Fatalf("auth watcher%d: %d", i, status)
		}
		if status, _ := call(t, "POST", base+"/api/content/events/subscribe/marker/product_price", "tok", fmt.Sprint(tokens["accessToken"]),
			`{"productId":14,"locale":"en_US"}`); status != 201 {
			t.Fatalf("subscribe watcher%d: %d", i, status)
		}
	}

	// A third instance applies the drop; all three share the mails.
	instances = append(instances, startProcess(t, env, "--project", after))
	for first := time.Now().Add(60 * time.Second); len(smtp.Messages()) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(first) {
			t.Fatal("no mail within 60 s of the price drop")
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var owner string
	if err := db.QueryRow(`SELECT lease_owner FROM outbox WHERE done_ms IS NULL AND lease_owner IS NOT NULL LIMIT 1`).Scan(&owner); err != nil {
		t.Fatalf("no instance holds mails mid-way: %v", err)
	}
	killed := false
	for _, in := range instances {
		if in.owner == owner {
			_ = in.cmd.Process.Signal(syscall.SIGKILL)
			killed = true
		}
	}
	if !killed {
		t.Fatalf("no instance has owner %s", owner)
	}
	startProcess(t, env, "--project", after) // a restart: the same file, no new change

	deadline := time.Now().Add(60 * time.Second)
	for {
		var pending int
		if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE done_ms IS NULL`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d outbox messages still pending", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
	ids := map[string]int{}
	recipients := map[string]int{}
	for _, m := range smtp.Messages() {
		ids[m.Header.Get("Message-Id")]++
		recipients[strings.ToLower(m.To[0])]++
		if m.Subject != "Cosmo now costs 300.00 USD" {
			t.Errorf("subject %q", m.Subject)
		}
	}
	sent := len(smtp.Messages())
	t.Logf("%d mails sent, %d distinct Message-IDs, %d recipients", sent, len(ids), len(recipients))
	// At most the one mail in flight when the process died is sent again,
	// under the same Message-ID.
	if len(ids) != users || len(recipients) != users || sent > users+1 {
		t.Errorf("mails: %d sent, %d distinct ids, %d recipients; want %d mails (one more at most, the one in flight at the kill)", sent, len(ids), len(recipients), users)
	}
	var dead int
	if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE dead`).Scan(&dead); err != nil || dead != 0 {
		t.Errorf("dead messages: %d %v", dead, err)
	}
}
