package app

import (
	"context"
	"fmt"
	"time"

	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/sqlstore"
)

// SeedOrders fills the database dsn for measurements: it runs migrations,
// applies the demo project (products, storage, accounts, provider), then
// adds users bench users and orders orders spread over them (see
// sqlstore.DB.SeedOrders). progress gets the number of orders stored so far,
// every few thousand.
func SeedOrders(ctx context.Context, dsn string, users, orders int, progress func(int)) error {
	db, err := sqlstore.Open(ctx, dsn, time.Now)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := demo.Project()
	if err != nil {
		return err
	}
	// Production cost, as app.Open hashes: these users log in like real ones.
	// One hash serves every bench user.
	hasher := credential.NewHasher(credential.DefaultParams, 1)
	if err := db.ApplyProject(ctx, p, hasher); err != nil {
		return fmt.Errorf("apply the demo project: %w", err)
	}
	return db.SeedOrders(ctx, hasher, users, orders, progress)
}
