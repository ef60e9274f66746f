package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/demo"
)

// An order is stored only at a status its storage still has: the check
// runs in the order's transaction, with the storage's row held against a
// settings change that removes statuses.
func TestOrderNeedsAStatusOfItsStorage(t *testing.T) {
	dsn := apptest.DSN(t)
	p, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	a, err := apptest.Open(dsn, p)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	db := open(t, dsn)
	ctx := context.Background()
	storage, err := db.Storage(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	account, err := db.StorageAccount(ctx, storage.ID, "cash")
	if err != nil {
		t.Fatal(err)
	}
	def, err := db.DefaultStatus(ctx, storage.ID)
	if err != nil {
		t.Fatal(err)
	}
	order := func(status string) *openentry.Order {
		return &openentry.Order{StorageID: storage.ID, UserID: 1, FormIdentifier: "order", PaymentAccountID: account.ID,
			StatusIdentifier: status, Total: openentry.Money{Currency: "USD", Minor: 100}}
	}
	if err := db.InsertOrder(ctx, order("no_such_status")); !errors.Is(err, openentry.ErrConflict) {
		t.Fatalf("an order at an unknown status: %v, want a conflict", err)
	}
	o := order(def.Identifier)
	if err := db.InsertOrder(ctx, o); err != nil || o.ID == 0 {
		t.Fatalf("an order at the default status: %v", err)
	}
}

// A product write checks its values against the set again in its own
// transaction: a set change that committed after the use case's check
// cannot leave values the set refuses.
func TestProductValuesCheckedAgainstTheSetInTheirTransaction(t *testing.T) {
	dsn := apptest.DSN(t)
	p, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	shop, err := demo.Shop()
	if err != nil {
		t.Fatal(err)
	}
	a, err := apptest.Open(dsn, p, shop)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	db := open(t, dsn)
	ctx := context.Background()
	before, err := db.AdminProduct(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	pr := openentry.ProjectProduct{ID: 100, Title: map[string]string{"en_US": "Lamp"}, Price: "10", Currency: "USD",
		AttributeSetIdentifier: "product",
		// As if checked before the set lost the option "purple" (it never had it).
		AttributeValues: openentry.AttributeValues{"en_US": {"price": []byte("10"), "color": []byte(`"purple"`)}}}
	_, err = db.SaveProduct(ctx, openentry.ProductWrite{Product: pr, Version: before.Version, KeepStock: true},
		openentry.Audit{Actor: openentry.Actor{Kind: openentry.ActorSystem, Name: "test"}, Action: "product.update"})
	if !errors.Is(err, openentry.ErrConflict) {
		t.Fatalf("values the set refuses: %v, want a conflict", err)
	}
}
