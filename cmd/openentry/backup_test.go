package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app/apptest"
)

func cli(args ...string) (string, error) {
	var stdout, stderr apptest.Buffer
	err := run(context.Background(), append([]string{"openentry"}, args...), func(string) string { return "" }, &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

// A backup taken while orders are being placed restores to a consistent
// database with every order answered before it began, which serves.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "shop.db") // backup is SQLite's: never the PostgreSQL test server
	srv := apptest.Start(t, apptest.OnDatabase(dsn))
	api := srv.BaseURL + "/api/content"
	_, tokens := call(t, "POST", api+"/users-auth-providers/marker/email/users/auth", apptest.AppToken, "",
		`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`)
	bearer := fmt.Sprint(tokens["accessToken"])

	var (
		mu      sync.Mutex
		created []int64
		wg      sync.WaitGroup
	)
	stop := make(chan struct{})
	client := &http.Client{Timeout: 15 * time.Second}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", api+"/orders-storage/marker/orders/orders", strings.NewReader(
					`{"formIdentifier":"order","paymentAccountIdentifier":"cash","formData":[{"marker":"name","type":"string","value":"A"}],`+
						`"products":[{"productId":14,"quantity":1},{"productId":1,"quantity":2}]}`))
				req.Header.Set("x-app-token", apptest.AppToken)
				req.Header.Set("Authorization", "Bearer "+bearer)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				var o struct{ ID int64 }
				_ = json.NewDecoder(resp.Body).Decode(&o)
				resp.Body.Close()
				if resp.StatusCode != 201 {
					t.Errorf("create order: got %d", resp.StatusCode)
					return
				}
				mu.Lock()
				created = append(created, o.ID)
				mu.Unlock()
			}
		}()
	}
	// Orders first, so the backup has some to carry, then the backup while
	// more are placed.
	placed := func() []int64 {
		mu.Lock()
		defer mu.Unlock()
		return append([]int64(nil), created...)
	}
	for deadline := time.Now().Add(30 * time.Second); len(placed()) < 50 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	before := placed()
	backup := filepath.Join(dir, "backup.db")
	if out, err := cli("backup", "--db", dsn, "--to", backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	for deadline := time.Now().Add(30 * time.Second); len(placed()) < len(before)+20 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // writes go on after the copy
	}
	close(stop)
	wg.Wait()
	if len(before) < 10 {
		t.Fatalf("only %d orders before the backup: the test proves nothing", len(before))
	}
	if out, err := cli("backup", "--db", dsn, "--to", backup); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: got %v %s, want a refusal", err, out)
	}

	restored := filepath.Join(t.TempDir(), "restored.db")
	if out, err := cli("restore", "--from", backup, "--db", "sqlite:"+restored); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if _, err := cli("restore", "--from", backup, "--db", "sqlite:"+restored); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("restore over a database: got %v, want a refusal naming --force", err)
	}
	if out, err := cli("restore", "--from", backup, "--db", "sqlite:"+restored, "--force"); err != nil {
		t.Fatalf("restore --force: %v\n%s", err, out)
	}

	db, err := sql.Open("sqlite", "file:"+restored)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: got %q %v", check, err)
	}
	var orders, lineless, lines int
	for _, q := range []struct {
		query string
		n     *int
	}{
		{`SELECT COUNT(*) FROM orders`, &orders},
		{`SELECT COUNT(*) FROM orders o WHERE (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) <> 2`, &lineless},
		{`SELECT COUNT(*) FROM order_lines`, &lines},
	} {
		if err := db.QueryRow(q.query).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d orders answered before the backup, %d in it, %d in all", len(before), orders, len(created))
	if orders < len(before) || lineless != 0 || lines != 2*orders {
		t.Errorf("restored: %d orders (want at least %d), %d without their 2 lines, %d lines", orders, len(before), lineless, lines)
	}
	for _, id := range before {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM orders WHERE id = ?`, id).Scan(&n); err != nil || n != 1 {
			t.Errorf("order %d, answered before the backup, is not in it", id)
		}
	}
	db.Close()

	copy := apptest.Start(t, apptest.OnDatabase("sqlite:"+restored))
	_, tokens = call(t, "POST", copy.BaseURL+"/api/content/users-auth-providers/marker/email/users/auth", apptest.AppToken, "",
		`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`)
	code, list := call(t, "GET", copy.BaseURL+"/api/content/orders-storage/marker/orders/orders?limit=1", apptest.AppToken,
		fmt.Sprint(tokens["accessToken"]), "")
	if total, _ := list["total"].(float64); code != 200 || int(total) != orders {
		t.Errorf("the restored server lists: got %d total %v, want 200 and %d", code, list["total"], orders)
	}
}

func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := cli("backup", "--db", "postgres://postgres@127.0.0.1:1/x", "--to", filepath.Join(dir, "b.db")); err == nil ||
		!strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of PostgreSQL: got %v, want a message naming pg_dump", err)
	}
	if _, err := cli("restore", "--from", filepath.Join(dir, "b.db"), "--db", "postgres://postgres@127.0.0.1:1/x"); err == nil ||
		!strings.Contains(err.Error(), "pg_restore") {
		t.Errorf("restore to PostgreSQL: got %v, want a message naming pg_restore", err)
	}
	if _, err := cli("backup", "--db", "sqlite:"+filepath.Join(dir, "b.db")); err == nil {
		t.Error("backup without --to: got no error")
	}
	// Not an OpenEntry database: text, and a SQLite file of another program.
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database at all, but long enough to look like one.............."), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE notes (body TEXT)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, from := range []string{junk, other, filepath.Join(dir, "missing.db")} {
		target := filepath.Join(dir, "target.db")
		if _, err := cli("restore", "--from", from, "--db", "sqlite:"+target); err == nil {
			t.Errorf("restore from %s: got no error", filepath.Base(from))
		}
		if _, err := os.Stat(target); err == nil {
			t.Errorf("restore from %s left a database behind", filepath.Base(from))
		}
	}
}

// A backup of an older version's database restores and is migrated to
// this build's schema.
func TestRestoreMigratesForward(t *testing.T) {
	dir := t.TempDir()
	names, err := filepath.Glob("../../internal/sqlstore/migrations/sqlite/*.sql")
	if err != nil || len(names) < 2 {
		t.Fatalf("migrations: %v %v", names, err)
	}
	old := filepath.Join(dir, "old.db")
	db, err := sql.Open("sqlite", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_ms BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range names[:len(names)-1] { // all but this build's last
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, 0)`, strings.TrimSuffix(filepath.Base(name), ".sql")); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	backup := filepath.Join(dir, "old-backup.db")
	if out, err := cli("backup", "--db", "sqlite:"+old, "--to", backup); err != nil {
		t.Fatalf("backup of the old database: %v\n%s", err, out)
	}
	restored := filepath.Join(dir, "restored.db")
	if out, err := cli("restore", "--from", backup, "--db", "sqlite:"+restored); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	last := strings.TrimSuffix(filepath.Base(names[len(names)-1]), ".sql")
	if n := (&apptest.Server{DSN: "sqlite:" + restored}).Count(t, "schema_migrations WHERE version = '"+last+"'"); n != 1 {
		t.Errorf("migration %s after restore: got %d rows, want 1", last, n)
	}
}
