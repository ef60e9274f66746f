package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/sqlstore"
)

func open(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, time.Now, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsRunOnce(t *testing.T) {
	path := apptest.DSN(t)
	open(t, path).Close()
	// Opening again must not re-run 0001 (it would fail: tables exist).
	db := open(t, path)
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsKeptInStep(t *testing.T) {
	names := func(dialect string) []string {
		entries, err := os.ReadDir(filepath.Join("migrations", dialect))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	if sqlite, postgres := names("sqlite"), names("postgres"); !reflect.DeepEqual(sqlite, postgres) {
		t.Errorf("migrations differ:\nsqlite   %v\npostgres %v", sqlite, postgres)
	}
}

func TestSkipMigrations(t *testing.T) {
	ctx := context.Background()
	dsn := apptest.DSN(t)
	if _, err := sqlstore.Open(ctx, dsn, time.Now, sqlstore.Options{SkipMigrations: true}); err == nil || !strings.Contains(err.Error(), "openentry migrate") {
		t.Fatalf("opening an empty database without migrating: got %v, want an error naming `openentry migrate`", err)
	}
	open(t, dsn).Close()
	db, err := sqlstore.Open(ctx, dsn, time.Now, sqlstore.Options{SkipMigrations: true})
	if err != nil {
		t.Fatalf("after migrating: %v", err)
	}
	db.Close()
}

func TestConcurrentMigrations(t *testing.T) {
	dsn := apptest.DSN(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := sqlstore.Open(context.Background(), dsn, time.Now, sqlstore.Options{})
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent start: %v", err)
		}
	}
}

// TestPostgresIsTested says out loud when a run did not cover PostgreSQL:
// every other test here runs on whichever database apptest.DSN gives.
func TestPostgresIsTested(t *testing.T) {
	if os.Getenv(apptest.PostgresEnv) == "" {
		t.Skipf("skipped PostgreSQL: %s is not set, so this run tested SQLite only (.ci/run tests both; "+
			"eval \"$(bash .ci/postgres)\" starts a local server)", apptest.PostgresEnv)
	}
	dsn := apptest.DSN(t)
	if !strings.HasPrefix(dsn, "postgres") {
		t.Fatalf("apptest.DSN gave %q with %s set", dsn, apptest.PostgresEnv)
	}
	open(t, dsn).Close()
}
