package shop_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/payment/cash"
	"github.com/openentry/openentry/internal/payment/stripepay"
	"github.com/openentry/openentry/internal/ratelimit"
	"github.com/openentry/openentry/internal/shop"
	"github.com/openentry/openentry/internal/sqlstore"
)

// Benchmarks of the use cases' hot paths over a real database: a SQLite
// file, or PostgreSQL when OPENENTRY_TEST_POSTGRES_URL is set.
//
//	go test -run '^$' -bench . -benchtime 2s ./internal/shop

// testShop is a database with the demo project applied and the use cases over it.
type testShop struct {
	db       *sqlstore.DB
	hasher   *credential.Hasher
	projects *shop.Projects
	auth     *shop.Auth
	catalog  *shop.Catalogue
	orders   *shop.Orders
	payments *shop.Payments
}

// providers are the payment providers the server runs with; stripe has no
// key here, so its accounts stay hidden.
func providers() shop.Providers {
	return shop.Providers{cash.Type: cash.New(), stripepay.Type: stripepay.New(stripepay.Config{}, nil)}
}

// openShop opens the use cases over the database dsn, applying no project.
func openShop(tb testing.TB, dsn string) *testShop {
	tb.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, time.Now, sqlstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	hasher := credential.NewHasher(credential.TestParams(), 2)
	return &testShop{
		db:       db,
		hasher:   hasher,
		projects: shop.NewProjects(db, hasher, providers()),
		auth: shop.NewAuth(db, shop.AuthDeps{
			Hasher:  hasher,
			Tokens:  credential.NewTokens([][]byte{[]byte("secret")}, time.Now, nil),
			Limiter: ratelimit.NewLogins(10, 100, time.Minute, time.Now),
		}),
		catalog:  shop.NewCatalogue(db),
		orders:   shop.NewOrders(db, providers()),
		payments: shop.NewPayments(db, providers(), time.Now),
	}
}

// newShop is openShop on a fresh database with the demo project applied.
func newShop(tb testing.TB) *testShop {
	tb.Helper()
	s := openShop(tb, apptest.DSN(tb))
	p, err := demo.Project()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.projects.Apply(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
	return s
}

// seed adds bench users and orders, as openentry seed does.
func (s *testShop) seed(tb testing.TB, users, orders int, progress func(int)) {
	tb.Helper()
	hash, err := s.hasher.Hash(context.Background(), "", app.SeedPassword)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.db.SeedOrders(context.Background(), hash, users, orders, progress); err != nil {
		tb.Fatal(err)
	}
}

// login signs a user in on provider "email" and returns its access token and principal.
func (s *testShop) login(tb testing.TB, login, password string) (string, *openentry.Principal) {
	tb.Helper()
	ctx := context.Background()
	pair, err := s.auth.Auth(ctx, "email", []openentry.AuthData{
		{Marker: "email_reg", Value: login}, {Marker: "password_reg", Value: password}}, openentry.Device{})
	if err != nil {
		tb.Fatalf("log in as %s: %v", login, err)
	}
	p, err := s.auth.Authenticate(ctx, pair.AccessToken)
	if err != nil {
		tb.Fatal(err)
	}
	return pair.AccessToken, p
}

// benchOrder is the order the benchmarks place: product 14 ×1 + 2 ×2, cash.
var benchOrder = openentry.OrderCreate{
	StorageMarker: "orders", FormIdentifier: "order", PaymentAccountIdentifier: "cash",
	FormData: openentry.FormData{"en_US": {{Marker: "name", Type: "string", Value: []byte(`"Christina Thomas"`)}}},
	Lines:    []openentry.LineInput{{ProductID: 14, Quantity: 1}, {ProductID: 2, Quantity: 2}},
}

func BenchmarkCreateOrder(b *testing.B) {
	s := newShop(b)
	_, user := s.login(b, demo.UserLogin, demo.UserPassword)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.orders.CreateOrder(ctx, user.UserID, benchOrder); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateOrderParallel places orders from 4×GOMAXPROCS goroutines at
// once, as concurrent checkouts do: on SQLite the writers take turns for the
// one write lock, on PostgreSQL they run side by side.
func BenchmarkCreateOrderParallel(b *testing.B) {
	s := newShop(b)
	_, user := s.login(b, demo.UserLogin, demo.UserPassword)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.orders.CreateOrder(ctx, user.UserID, benchOrder); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAuthenticate is what every authenticated request pays before its
// handler runs: the token's signature, then its session's row.
func BenchmarkAuthenticate(b *testing.B) {
	s := newShop(b)
	token, _ := s.login(b, demo.UserLogin, demo.UserPassword)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.auth.Authenticate(ctx, token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateSession opens a cash session on a fresh order each time (a
// second call on the same order would only read the open one). The orders
// are placed in batches with the timer stopped.
func BenchmarkCreateSession(b *testing.B) {
	s := newShop(b)
	_, user := s.login(b, demo.UserLogin, demo.UserPassword)
	ctx := context.Background()
	var ready []int64
	b.ReportAllocs()
	for b.Loop() {
		if len(ready) == 0 {
			b.StopTimer()
			for range 200 {
				o, err := s.orders.CreateOrder(ctx, user.UserID, benchOrder)
				if err != nil {
					b.Fatal(err)
				}
				ready = append(ready, o.ID)
			}
			b.StartTimer()
		}
		ps, err := s.payments.CreateSession(ctx, user.UserID, ready[0], openentry.SessionTypeSession)
		if err != nil {
			b.Fatal(err)
		}
		if ps.Status != openentry.SessionWaiting {
			b.Fatalf("session status: got %q, want %q", ps.Status, openentry.SessionWaiting)
		}
		ready = ready[1:]
	}
}

// BenchmarkListOrders reads the first page (30, newest first, with the
// total) of a user who has 1,000 orders.
func BenchmarkListOrders(b *testing.B) {
	s := newShop(b)
	ctx := context.Background()
	s.seed(b, 1, 1000, nil)
	_, user := s.login(b, "bench-user-1@example.com", "bench-password")
	b.ReportAllocs()
	for b.Loop() {
		page, total, err := s.orders.Orders(ctx, user.UserID, "orders", openentry.Page{Limit: 30})
		if err != nil {
			b.Fatal(err)
		}
		if len(page) != 30 || total != 1000 {
			b.Fatalf("got %d orders of %d, want 30 of 1000", len(page), total)
		}
	}
}

func TestSeedOrders(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	ctx := context.Background()
	var reported []int
	s.seed(t, 3, 100, func(done int) { reported = append(reported, done) })
	if len(reported) == 0 || reported[len(reported)-1] != 100 {
		t.Errorf("progress: got %v, want it to end at 100", reported)
	}
	// Seeding again finds the users it made and adds nothing with no orders.
	s.seed(t, 3, 0, nil)
	count := func(from string) int {
		t.Helper()
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		from string
		want int
	}{
		{"users WHERE identifier LIKE 'bench-user-%@example.com'", 3},
		{"orders", 100},
		{"order_lines", 100},
		{"order_lines WHERE line_no = 1 AND product_id = 14 AND quantity = 1 AND unit_minor = 34000", 100},
		{"orders WHERE total_minor = 34000 AND currency = 'USD' AND status_identifier = 'inProgress'", 100},
	} {
		if got := count(tc.from); got != tc.want {
			t.Errorf("COUNT(*) FROM %s: got %d, want %d", tc.from, got, tc.want)
		}
	}

	// Orders go round-robin: users 1, 2, 3 get 34, 33 and 33 of 100.
	for i, want := range []int64{34, 33, 33} {
		_, user := s.login(t, fmt.Sprintf("bench-user-%d@example.com", i+1), "bench-password")
		orders, total, err := s.orders.Orders(ctx, user.UserID, "orders", openentry.Page{Limit: 30})
		if err != nil {
			t.Fatal(err)
		}
		if total != want || len(orders) != 30 {
			t.Fatalf("user %d: got %d orders of %d, want 30 of %d", i+1, len(orders), total, want)
		}
		o := orders[0]
		if o.Total.Fixed() != "340.00" || len(o.Lines) != 1 || o.Lines[0].ProductID != 14 || o.Lines[0].Sku != "COSMO-14" ||
			o.PaymentAccountIdentifier != "cash" || len(o.FormData["en_US"]) != 1 || string(o.FormData["en_US"][0].Value) != `"Bench"` {
			t.Errorf("user %d's newest order: got %+v", i+1, o)
		}
	}
}
