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

func TestPayScenario(t *testing.T) {
	srv := apptest.Start(t)
	cfg := bench.Config{URL: srv.BaseURL, AppToken: apptest.AppToken, Users: 3, Duration: 500 * time.Millisecond,
		Baseline: true, Scenario: bench.ScenarioPay, Product: 14}
	res, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors() != 0 || res.Flows == 0 || res.BaselinePerSec == 0 || len(res.Calls) != 3 {
		t.Fatalf("got %+v, want flows, a baseline and no errors", res)
	}
	for _, c := range res.Calls {
		if c.Calls < res.Flows || c.P99 < c.P50 || c.ServerP99 == 0 {
			t.Errorf("%s: got %+v", c.Name, c)
		}
	}
	if n := srv.Count(t, "orders"); n < res.Flows {
		t.Errorf("orders stored: %d, want at least the %d flows", n, res.Flows)
	}
	var out bytes.Buffer
	bench.Print(&out, cfg, res)
	for _, want := range []string{"Orders.createOrder", "Payments.getSessionByOrderId", "flows:", "scenario/baseline:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestListScenario(t *testing.T) {
	srv := apptest.Start(t)
	if err := app.SeedOrders(context.Background(), srv.DSN, 2, 20, nil); err != nil {
		t.Fatal(err)
	}
	res, err := bench.Run(context.Background(), bench.Config{URL: srv.BaseURL, AppToken: apptest.AppToken, Users: 2,
		Duration: 300 * time.Millisecond, Scenario: bench.ScenarioList})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors() != 0 || res.Flows == 0 {
		t.Fatalf("got %+v", res)
	}
}

func TestListScenarioWithoutSeededUsersFails(t *testing.T) {
	srv := apptest.Start(t)
	_, err := bench.Run(context.Background(), bench.Config{URL: srv.BaseURL, AppToken: apptest.AppToken, Users: 1,
		Duration: 100 * time.Millisecond, Scenario: bench.ScenarioList})
	if err == nil {
		t.Fatal("the list scenario ran without seeded users")
	}
}
