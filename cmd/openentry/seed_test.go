package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

func TestSeed(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "seed.db")
	var stdout apptest.Buffer
	err := run(context.Background(), []string{"openentry", "seed", "--db", db, "--users", "2", "--orders", "10"},
		func(string) string { return "" }, &stdout, &apptest.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "seeded 10 orders for 2 users in ") {
		t.Errorf("stdout: got %q, want the total", stdout.String())
	}
	seeded := &apptest.Server{DSN: db}
	if got := seeded.Count(t, "orders"); got != 10 {
		t.Errorf("orders: got %d, want 10", got)
	}
	if got := seeded.Count(t, "users WHERE identifier LIKE 'bench-user-%'"); got != 2 {
		t.Errorf("bench users: got %d, want 2", got)
	}
	for _, args := range [][]string{{"--users", "0"}, {"--orders", "-1"}} {
		if err := run(context.Background(), append([]string{"openentry", "seed", "--db", db}, args...),
			func(string) string { return "" }, &apptest.Buffer{}, &apptest.Buffer{}); err == nil {
			t.Errorf("seed %v: got no error", args)
		}
	}
}
