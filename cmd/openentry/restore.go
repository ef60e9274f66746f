package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/openentry/openentry/internal/app"
)

// runRestore puts a backup in place as a SQLite database, then migrates
// it; stop the servers that use the database first:
//
//	openentry restore --from FILE --db sqlite:PATH [--force]
func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", ""), "database to restore into: sqlite:PATH (env OPENENTRY_DB)")
	from := fs.String("from", "", "the backup file (openentry backup --to)")
	force := fs.Bool("force", false, "replace an existing database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *db == "" {
		return errors.New("--from and --db are required")
	}
	if err := app.Restore(ctx, *from, *db, *force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s to %s\n", *from, *db)
	return nil
}
