package app

import (
	"context"
	"fmt"
	"time"

	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/shop"
	"github.com/openentry/openentry/internal/sqlstore"
)

// SeedPassword is the password of every user SeedOrders creates.
const SeedPassword = "bench-password"

// SeedOrders fills the database dsn for measurements: it runs migrations,
// applies the demo project (products, storage, accounts, provider), then
// adds users bench users and orders orders spread over them (see
// sqlstore.DB.SeedOrders). progress gets the number of orders stored so far,
// every few thousand.
func SeedOrders(ctx context.Context, dsn string, users, orders int, progress func(int)) error {
	db, err := sqlstore.Open(ctx, dsn, time.Now, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := demo.Project()
	if err != nil {
		return err
	}
	// Production cost, as app.Open hashes: these users log in like real ones.
	hasher := credential.NewHasher(credential.DefaultParams(), 1)
	if err := shop.NewProjects(db, hasher, providers(Config{Now: time.Now}, nil)).Apply(ctx, p); err != nil {
		return fmt.Errorf("apply the demo project: %w", err)
	}
	// One hash serves every bench user: hashing is slow by design.
	hash, err := hasher.Hash(ctx, "", SeedPassword)
	if err != nil {
		return err
	}
	return db.SeedOrders(ctx, hash, users, orders, progress)
}
