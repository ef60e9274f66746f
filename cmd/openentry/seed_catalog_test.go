package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

func TestSeedProducts(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "catalog.db")
	var stdout apptest.Buffer
	err := run(context.Background(), []string{"openentry", "seed", "--db", db, "--products", "60"},
		func(string) string { return "" }, &stdout, &apptest.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "seeded 60 products in ") || strings.Contains(stdout.String(), "orders") {
		t.Errorf("stdout: got %q, want the products' total and no orders", stdout.String())
	}
	seeded := &apptest.Server{DSN: db}
	if got := seeded.Count(t, "products WHERE attribute_set = 'bench_product'"); got != 60 {
		t.Errorf("products: got %d, want 60", got)
	}
	if got := seeded.Count(t, "product_values WHERE product_id = 1000001 AND page_id = 0 AND value_key NOT LIKE 'v%'"); got != 11 {
		// Ten attributes less price (the product's own) and the stock
		// count (read live), and the product's price, currency and sku.
		t.Errorf("value keys of product 1000001: got %d, want 11", got)
	}
	if got := seeded.Count(t, "orders"); got != 0 {
		t.Errorf("orders: got %d, want none without --orders", got)
	}
	if err := run(context.Background(), []string{"openentry", "seed", "--db", db, "--products", "-1"},
		func(string) string { return "" }, &apptest.Buffer{}, &apptest.Buffer{}); err == nil {
		t.Error("seed --products -1: got no error")
	}
}
