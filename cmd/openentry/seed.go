package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/openentry/openentry/internal/app"
)

// runSeed fills a database with bench users and orders, or a catalogue of
// products, for measuring with realistic amounts of data:
//
//	openentry seed --db DB [--users 1000] [--orders 1000000]
//	openentry seed --db DB --products 100000 [--orders N]
func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// No default: a million test orders must never land in a shop's database by accident.
	db := fs.String("db", "", "database to fill with test data: sqlite:PATH or postgres://… (required)")
	users := fs.Int("users", 1000, "bench users: bench-user-1@example.com…, password bench-password (existing ones are kept)")
	orders := fs.Int("orders", 1_000_000, "orders to add, spread round-robin over the users (with --products: none unless given)")
	products := fs.Int("products", 0, "products with 10 attribute values each, on 50 category pages, for the bench's catalog scenario")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ordersGiven := false
	fs.Visit(func(f *flag.Flag) { ordersGiven = ordersGiven || f.Name == "orders" })
	if *db == "" {
		return errors.New("--db: name the database to fill with test data")
	}
	if *users < 1 || *orders < 0 || *products < 0 {
		return errors.New("--users must be at least 1, --orders and --products not negative")
	}
	start := time.Now()
	if *products > 0 {
		const every = 10_000
		next := every
		progress := func(done int) {
			if done >= next {
				fmt.Fprintf(stdout, "%d products (%s)\n", done, time.Since(start).Round(100*time.Millisecond))
				next = done - done%every + every
			}
		}
		if err := app.SeedCatalog(ctx, *db, *products, progress); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "seeded %d products in %s\n", *products, time.Since(start).Round(100*time.Millisecond))
		if !ordersGiven {
			return nil
		}
		start = time.Now()
	}
	const every = 100_000
	next := every
	progress := func(done int) {
		if done >= next {
			fmt.Fprintf(stdout, "%d orders (%s)\n", done, time.Since(start).Round(100*time.Millisecond))
			next = done - done%every + every
		}
	}
	if err := app.SeedOrders(ctx, *db, *users, *orders, progress); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d orders for %d users in %s\n", *orders, *users, time.Since(start).Round(100*time.Millisecond))
	return nil
}
