package bench_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/bench"
)

func TestCatalogScenario(t *testing.T) {
	srv := apptest.Start(t)
	if err := app.SeedCatalog(context.Background(), srv.DSN, 120, nil); err != nil {
		t.Fatal(err)
	}
	shape := app.BenchCatalog()
	// Every seeded title ends in its id, 1000001…: a search for "10000" finds some.
	cat := bench.Catalog{Categories: shape.Categories[:3], Colors: shape.Colors, Nouns: []string{"10000"}, MaxPrice: shape.MaxPrice}
	cfg := bench.Config{URL: srv.BaseURL, AppToken: apptest.AppToken, Users: 2, Duration: 400 * time.Millisecond,
		Scenario: bench.ScenarioCatalog, Catalog: cat}
	res, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors() != 0 || res.Flows == 0 || len(res.Calls) != 2 {
		t.Fatalf("got %+v, want flows and no errors", res)
	}
	var out bytes.Buffer
	bench.Print(&out, cfg, res)
	for _, want := range []string{"Products.getProductsByPageUrl", "Products.searchProduct"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if n := srv.Count(t, "product_search WHERE product_id > 1000000"); n != 120 {
		t.Errorf("seeded products in the search index: got %d, want 120", n)
	}
}

func TestCatalogScenarioWithoutCatalogFails(t *testing.T) {
	srv := apptest.Start(t)
	shape := app.BenchCatalog()
	res, err := bench.Run(context.Background(), bench.Config{URL: srv.BaseURL, AppToken: apptest.AppToken, Users: 1,
		Duration: 100 * time.Millisecond, Scenario: bench.ScenarioCatalog,
		Catalog: bench.Catalog{Categories: shape.Categories, Colors: shape.Colors, Nouns: shape.Nouns, MaxPrice: shape.MaxPrice}})
	if err == nil && res.Errors() == 0 {
		t.Fatal("the catalog scenario ran without a catalogue and no call failed")
	}
}
