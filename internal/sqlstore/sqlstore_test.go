package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/ratelimit"
	"github.com/openentry/openentry/internal/sqlstore"
)

func open(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestApplyProjectIsIdempotentAndKeepsUserData(t *testing.T) {
	ctx := context.Background()
	path := apptest.DSN(t)
	db := open(t, path)
	hasher := credential.NewHasher(credential.TestParams, 1)
	deps := sqlstore.AuthDeps{
		Hasher:  hasher,
		Tokens:  credential.NewTokens([]byte("secret"), time.Now, nil),
		Limiter: ratelimit.NewLogins(10, 100, time.Minute, time.Now),
	}
	p, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyProject(ctx, p, hasher); err != nil {
		t.Fatal(err)
	}
	auth := sqlstore.NewAuthService(db, deps)
	orders := sqlstore.NewOrderService(db)
	login := []openentry.AuthData{{Marker: "email_reg", Value: demo.UserLogin}, {Marker: "password_reg", Value: demo.UserPassword}}
	pair, err := auth.Auth(ctx, "email", login, openentry.Device{})
	if err != nil {
		t.Fatal(err)
	}
	principal, err := auth.Authenticate(ctx, pair.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	order, err := orders.CreateOrder(ctx, principal.UserID, openentry.OrderCreate{
		StorageMarker: "orders", FormIdentifier: "order", PaymentAccountIdentifier: "cash",
		FormData: openentry.FormData{"en_US": {{Marker: "name", Type: "string", Value: []byte(`"A"`)}}},
		Lines:    []openentry.LineInput{{ProductID: 14, Quantity: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}

	// Re-apply a changed project on a reopened database: the price changes for
	// new orders, the seed user keeps its (changed) state, nothing is lost.
	db.Close()
	db = open(t, path)
	p.Products[3].Price = "350.00" // product 14
	p.Users[0].Password = "another-password"
	for range 2 {
		if err := db.ApplyProject(ctx, p, hasher); err != nil {
			t.Fatal(err)
		}
	}
	auth = sqlstore.NewAuthService(db, deps)
	orders = sqlstore.NewOrderService(db)
	if _, err := auth.Auth(ctx, "email", login, openentry.Device{}); err != nil {
		t.Errorf("seed user's password was overwritten by re-applying the project: %v", err)
	}
	got, err := orders.Order(ctx, principal.UserID, "orders", order.ID)
	if err != nil {
		t.Fatalf("order lost after re-applying the project: %v", err)
	}
	if got.Total.Fixed() != "680.00" || got.Lines[0].UnitPrice.Fixed() != "340.00" {
		t.Errorf("stored order: got total %s, unit %s; want the prices it was placed at (680.00, 340.00)", got.Total.Fixed(), got.Lines[0].UnitPrice.Fixed())
	}
	catalog := sqlstore.NewCatalogService(db)
	pr, err := catalog.Product(ctx, 14)
	if err != nil || pr.Price.Fixed() != "350.00" {
		t.Errorf("product 14 after re-apply: got %v, %v; want price 350.00", pr, err)
	}
	forms, total, err := catalog.Forms(ctx, openentry.Page{Limit: 30})
	if err != nil || total != 2 || len(forms) != 2 {
		t.Fatalf("forms after re-apply: got %d of %d, %v; want 2 of 2", len(forms), total, err)
	}
	for _, f := range forms {
		if f.Version != 0 {
			t.Errorf("form %s: version %d after re-applying an unchanged form, want 0", f.Identifier, f.Version)
		}
	}
	statuses, err := orders.Statuses(ctx, "orders", openentry.Page{Limit: 30})
	if err != nil || len(statuses) != 3 {
		t.Fatalf("statuses: got %v, %v", statuses, err)
	}
	defaults := 0
	for _, s := range statuses {
		if s.IsDefault {
			defaults++
		}
	}
	if defaults != 1 {
		t.Errorf("statuses: %d defaults after re-apply, want 1", defaults)
	}
}

func TestApplyProjectRejectsBrokenProjectWholly(t *testing.T) {
	ctx := context.Background()
	db := open(t, apptest.DSN(t))
	p := &openentry.Project{
		Products: []openentry.ProjectProduct{{ID: 1, Title: map[string]string{"en_US": "A"}, Price: "1.00", Currency: "USD"}},
		OrderStorages: []openentry.ProjectOrderStorage{{Identifier: "orders", FormIdentifier: "missing",
			Statuses: []openentry.ProjectOrderStatus{{Identifier: "new", IsDefault: true}}}},
	}
	if err := db.ApplyProject(ctx, p, credential.NewHasher(credential.TestParams, 1)); err == nil {
		t.Fatal("a storage with a missing form was accepted")
	}
	if _, err := sqlstore.NewCatalogService(db).Product(ctx, 1); err == nil {
		t.Error("a rejected project was half applied: product 1 exists")
	}
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

func TestApplyProjectChecksReferences(t *testing.T) {
	ctx := context.Background()
	hasher := credential.NewHasher(credential.TestParams, 1)
	cases := []struct {
		name   string
		change func(p *openentry.Project)
		want   string
	}{
		{"provider form missing", func(p *openentry.Project) { p.AuthProviders[0].FormIdentifier = "signup" },
			`auth provider "email": form "signup" is not defined`},
		{"provider form without login", func(p *openentry.Project) { p.Forms[0].Attributes[0].IsLogin = false },
			`auth provider "email": form "reg" needs exactly one isLogin and one isPassword attribute`},
		{"provider form with two passwords", func(p *openentry.Project) { p.Forms[0].Attributes[2].IsPassword = true },
			`auth provider "email_confirm": form "reg" needs exactly one isLogin and one isPassword attribute`},
		{"provider on the order form", func(p *openentry.Project) { p.AuthProviders[0].FormIdentifier = "order" },
			`auth provider "email": form "order" needs exactly one isLogin and one isPassword attribute`},
		{"storage form not of type order", func(p *openentry.Project) { p.OrderStorages[0].FormIdentifier = "reg" },
			`order storage "orders": form "reg" must be a form of type order`},
		{"storage form missing", func(p *openentry.Project) { p.OrderStorages[0].FormIdentifier = "checkout" },
			`order storage "orders": form "checkout" must be a form of type order`},
		{"storage with unknown account", func(p *openentry.Project) { p.OrderStorages[0].PaymentAccounts = []string{"cash", "card"} },
			`order storage "orders": payment account "card" is not defined`},
		{"user with unknown provider", func(p *openentry.Project) { p.Users[0].AuthProvider = "phone" },
			`user "your-user@email.com": auth provider "phone" is not defined`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := open(t, apptest.DSN(t))
			p, err := demo.Project()
			if err != nil {
				t.Fatal(err)
			}
			tc.change(p)
			err = db.ApplyProject(ctx, p, hasher)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if _, err := sqlstore.NewCatalogService(db).Product(ctx, 14); err == nil {
				t.Error("a rejected project was half applied: product 14 exists")
			}
		})
	}

	// A later file may refer to what an earlier one defined.
	db := open(t, apptest.DSN(t))
	p, _ := demo.Project()
	if err := db.ApplyProject(ctx, p, hasher); err != nil {
		t.Fatal(err)
	}
	later := &openentry.Project{
		AuthProviders: []openentry.ProjectAuthProvider{{Identifier: "email2", Type: "email", FormIdentifier: "reg"}},
		OrderStorages: []openentry.ProjectOrderStorage{{Identifier: "b2b", FormIdentifier: "order", PaymentAccounts: []string{"cash"},
			Statuses: []openentry.ProjectOrderStatus{{Identifier: "new", IsDefault: true}}}},
		Users: []openentry.ProjectUser{{AuthProvider: "email2", Login: "b2b@example.com", Password: "secret-pw"}},
	}
	if err := db.ApplyProject(ctx, later, hasher); err != nil {
		t.Errorf("a file referring to an earlier apply's form and account: %v", err)
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
			db, err := sqlstore.Open(context.Background(), dsn, time.Now)
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
