// Package bench drives the seed scenario against a running server the way a
// shop's traffic does, through the Go SDK, and measures it.
package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/openentry/openentry/oneentry"
)

// Config says what to drive.
type Config struct {
	URL      string
	AppToken string
	Users    int           // virtual users, each with its own login
	Duration time.Duration // of each phase
	Baseline bool          // also drive GET /healthz, for the ratio
	Scenario string        // "pay" (the seed scenario), "list" (users seeded by `openentry seed`) or "catalog"
	Product  int64         // product ordered by the pay scenario
	Catalog  Catalog       // what the catalog scenario queries
}

// Scenarios.
const (
	ScenarioPay  = "pay"
	ScenarioList = "list"
)

// Stats are one call's figures.
type Stats struct {
	Name          string
	Route         string // the server's route pattern, for its own figures
	Calls, Errors int
	PerSecond     float64
	P50, P95, P99 time.Duration
	ServerP99     float64 // seconds: upper bound of the server's p99 bucket; 0 if unknown
	FirstError    string
}

// Result is a whole run.
type Result struct {
	Calls            []Stats
	Flows            int
	FlowsPerSecond   float64
	RequestsPerSec   float64 // all scenario calls
	BaselinePerSec   float64 // GET /healthz, same concurrency; 0 without Baseline
	ScenarioDuration time.Duration
}

// Errors counts every failed call of the run.
func (r *Result) Errors() int {
	n := 0
	for _, c := range r.Calls {
		n += c.Errors
	}
	return n
}

// recorder collects one call's latencies from many goroutines.
type recorder struct {
	mu       sync.Mutex
	name     string
	samples  []time.Duration
	errors   int
	firstErr string
}

func (r *recorder) observe(start time.Time, err error) {
	d := time.Since(start)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errors++
		if r.firstErr == "" {
			r.firstErr = err.Error()
		}
		return
	}
	r.samples = append(r.samples, d)
}

func (r *recorder) stats(elapsed time.Duration) Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.Sort(r.samples)
	pct := func(p float64) time.Duration {
		if len(r.samples) == 0 {
			return 0
		}
		return r.samples[min(len(r.samples)-1, int(float64(len(r.samples))*p))]
	}
	return Stats{
		Name: r.name, Calls: len(r.samples) + r.errors, Errors: r.errors, FirstError: r.firstErr,
		PerSecond: float64(len(r.samples)) / elapsed.Seconds(),
		P50:       pct(0.50), P95: pct(0.95), P99: pct(0.99),
	}
}

// Run logs every virtual user in once, then drives the scenario for the
// duration; with Baseline it first drives GET /healthz as long, with as many
// workers, so that the two rates are measured side by side.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Users < 1 || cfg.Duration <= 0 {
		return nil, errors.New("bench: need at least one user and a duration")
	}
	transport := &http.Transport{MaxIdleConns: cfg.Users * 2, MaxIdleConnsPerHost: cfg.Users * 2, IdleConnTimeout: time.Minute}
	hc := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	res := &Result{}
	if cfg.Baseline {
		rate, err := baseline(ctx, hc, cfg)
		if err != nil {
			return nil, err
		}
		res.BaselinePerSec = rate
	}
	clients, err := logIn(ctx, hc, cfg)
	if err != nil {
		return nil, err
	}
	names := []string{"Orders.createOrder", "Payments.createSession", "Payments.getSessionByOrderId"}
	routes := []string{
		"POST /api/content/orders-storage/marker/{marker}/orders",
		"POST /api/content/payments/sessions",
		"GET /api/content/payments/sessions/order/{id}",
	}
	if cfg.Scenario == ScenarioList {
		names = []string{"Orders.getAllOrdersByMarker"}
		routes = []string{"GET /api/content/orders-storage/marker/{marker}/orders"}
	}
	if cfg.Scenario == ScenarioCatalog {
		names, routes = nil, nil
		for _, c := range catalogCalls {
			names, routes = append(names, c.name), append(routes, c.route)
		}
	}
	recs := make([]*recorder, len(names))
	for i, n := range names {
		recs[i] = &recorder{name: n}
	}
	before := scrape(ctx, hc, cfg.URL)
	var flows sync.WaitGroup
	var flowCount int64
	var flowMu sync.Mutex
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	for i, c := range clients {
		flows.Add(1)
		rng := mrand.New(mrand.NewPCG(uint64(i), 0x0e)) // each user its own, the same every run
		go func() {
			defer flows.Done()
			for runCtx.Err() == nil {
				var ok bool
				if cfg.Scenario == ScenarioList {
					ok = listFlow(runCtx, c, recs)
				} else if cfg.Scenario == ScenarioCatalog {
					ok = catalogFlow(runCtx, c, recs, cfg.Catalog, rng)
				} else {
					ok = payFlow(runCtx, c, recs, cfg.Product)
				}
				if ok {
					flowMu.Lock()
					flowCount++
					flowMu.Unlock()
				}
			}
		}()
	}
	flows.Wait()
	elapsed := time.Since(start)
	res.ScenarioDuration = elapsed
	after := scrape(ctx, hc, cfg.URL)
	var total int
	for i, r := range recs {
		s := r.stats(elapsed)
		s.Route = routes[i]
		s.ServerP99 = serverP99(before, after, routes[i])
		res.Calls = append(res.Calls, s)
		total += s.Calls - s.Errors
	}
	res.Flows = int(flowCount)
	res.FlowsPerSecond = float64(flowCount) / elapsed.Seconds()
	res.RequestsPerSec = float64(total) / elapsed.Seconds()
	return res, nil
}

// timed runs one call and records it, unless the run ended under it.
func timed(ctx context.Context, r *recorder, call func() error) bool {
	start := time.Now()
	err := call()
	if err != nil && ctx.Err() != nil {
		return false // cut short by the end of the run
	}
	r.observe(start, err)
	return err == nil
}

func payFlow(ctx context.Context, c *oneentry.Client, recs []*recorder, product int64) bool {
	var order *oneentry.Order
	if !timed(ctx, recs[0], func() (err error) {
		order, err = c.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{
			FormIdentifier: "order", PaymentAccountIdentifier: "cash",
			FormData: oneentry.FormData{{Marker: "name", Type: "string", Value: "Bench"}},
			Products: []oneentry.OrderItem{{ProductID: product, Quantity: 1}},
		})
		return err
	}) {
		return false
	}
	var session *oneentry.PaymentSession
	if !timed(ctx, recs[1], func() (err error) {
		session, err = c.Payments.CreateSession(ctx, order.ID, "session", false)
		return err
	}) {
		return false
	}
	return timed(ctx, recs[2], func() error {
		got, err := c.Payments.GetSessionByOrderID(ctx, order.ID)
		if err == nil && (got.ID != session.ID || got.Status != "waiting") {
			err = fmt.Errorf("session of order %d: got %d %s, want %d waiting", order.ID, got.ID, got.Status, session.ID)
		}
		return err
	})
}

func listFlow(ctx context.Context, c *oneentry.Client, recs []*recorder) bool {
	return timed(ctx, recs[0], func() error {
		l, err := c.Orders.GetAllOrdersByMarker(ctx, "orders", "en_US", 0, 30)
		if err == nil && len(l.Items) == 0 {
			err = errors.New("a seeded user has no orders: run `openentry seed` first")
		}
		return err
	})
}

// logIn gives every virtual user a client with its own tokens: new users
// signed up for the pay scenario, seeded users for the list scenario.
func logIn(ctx context.Context, hc *http.Client, cfg Config) ([]*oneentry.Client, error) {
	run := make([]byte, 4)
	_, _ = rand.Read(run)
	clients := make([]*oneentry.Client, cfg.Users)
	errs := make(chan error, cfg.Users)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := oneentry.New(cfg.URL, oneentry.WithToken(cfg.AppToken), oneentry.WithHTTPClient(hc))
			if err != nil {
				errs <- err
				return
			}
			if cfg.Scenario == ScenarioCatalog { // browsing needs no login
				clients[i] = c
				return
			}
			login, password := fmt.Sprintf("bench-user-%d@example.com", i+1), "bench-password"
			if cfg.Scenario != ScenarioList {
				login, password = fmt.Sprintf("bench-%s-%d@example.com", hex.EncodeToString(run), i), "bench-password"
				if _, err := c.AuthProvider.SignUp(ctx, "email", oneentry.SignUpRequest{AuthData: []oneentry.AuthData{
					{Marker: "email_reg", Value: login}, {Marker: "password_reg", Value: password}}}); err != nil {
					errs <- fmt.Errorf("sign up %s: %w", login, err)
					return
				}
			}
			if _, err := c.AuthProvider.Auth(ctx, "email", []oneentry.AuthData{
				{Marker: "email_reg", Value: login}, {Marker: "password_reg", Value: password}}); err != nil {
				errs <- fmt.Errorf("log in %s: %w", login, err)
				return
			}
			clients[i] = c
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return clients, nil
}

// baseline drives GET /healthz with cfg.Users workers for cfg.Duration.
func baseline(ctx context.Context, hc *http.Client, cfg Config) (float64, error) {
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var mu sync.Mutex
	var ok int
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.Users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil {
				req, _ := http.NewRequestWithContext(runCtx, http.MethodGet, cfg.URL+"/healthz", nil)
				resp, err := hc.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("GET /healthz: %s", resp.Status)
					}
				}
				mu.Lock()
				if err == nil {
					ok++
				} else if runCtx.Err() == nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return 0, fmt.Errorf("baseline: %w", firstErr)
	}
	return float64(ok) / time.Since(start).Seconds(), nil
}

// Print writes the run's figures as a table.
func Print(w io.Writer, cfg Config, r *Result) {
	fmt.Fprintf(w, "scenario %s, %d users, %s\n\n", cfg.Scenario, cfg.Users, r.ScenarioDuration.Round(time.Millisecond))
	fmt.Fprintf(w, "%-30s %9s %7s %10s %9s %9s %9s %12s\n", "call", "calls", "errors", "req/s", "p50", "p95", "p99", "server p99")
	for _, c := range r.Calls {
		server := "n/a"
		if c.ServerP99 > 0 {
			server = fmt.Sprintf("<= %gms", c.ServerP99*1000)
		}
		fmt.Fprintf(w, "%-30s %9d %7d %10.0f %9s %9s %9s %12s\n", c.Name, c.Calls, c.Errors, c.PerSecond, ms(c.P50), ms(c.P95), ms(c.P99), server)
	}
	fmt.Fprintln(w, "(p50–p99 as the load generator saw them; server p99 from the server's own histogram, /metrics)")
	fmt.Fprintf(w, "\nflows: %d (%.0f/s); scenario requests: %.0f/s\n", r.Flows, r.FlowsPerSecond, r.RequestsPerSec)
	if r.BaselinePerSec > 0 {
		fmt.Fprintf(w, "baseline GET /healthz: %.0f/s; scenario/baseline: %.3f\n", r.BaselinePerSec, r.RequestsPerSec/r.BaselinePerSec)
	}
	for _, c := range r.Calls {
		if c.FirstError != "" {
			fmt.Fprintf(w, "first error of %s: %s\n", c.Name, c.FirstError)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
