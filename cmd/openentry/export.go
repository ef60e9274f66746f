package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/openentry/openentry/internal/app"
)

// runExport writes the shop as a project file, which `serve --project`
// applies to another database:
//
//	openentry export [--db DB] [--out FILE]
//
// Files (images) go to files/ next to FILE; without --out the project goes
// to stdout, for a shop that names no file.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", "sqlite:openentry.db"), "database (env OPENENTRY_DB)")
	out := fs.String("out", "", "project file to write, with its files in files/ next to it (default: stdout)")
	users := fs.Bool("users", false, "add the shop users' accounts (logins, profiles, password hashes): personal data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withOperator(ctx, app.Config{DB: *db}, stderr, func(a *app.Operator) error {
		n, err := a.Export(ctx, *out, stdout, *users)
		if err != nil {
			return err
		}
		if *out != "" {
			fmt.Fprintf(stdout, "exported the shop to %s with %d files\n", *out, n)
		}
		return nil
	})
}
