package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/ratelimit"
	"github.com/openentry/openentry/internal/sqlstore"
)

func open(t *testing.T, path string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestApplyProjectIsIdempotentAndKeepsUserData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shop.db")
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
	db := open(t, filepath.Join(t.TempDir(), "shop.db"))
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
	path := filepath.Join(t.TempDir(), "shop.db")
	open(t, path).Close()
	// Opening again must not re-run 0001 (it would fail: tables exist).
	db := open(t, path)
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}
