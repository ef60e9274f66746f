package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/openentry/openentry/internal/app"
)

// runBackup copies a SQLite database while servers use it:
//
//	openentry backup --to FILE [--db sqlite:PATH]
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", "sqlite:openentry.db"), "database (env OPENENTRY_DB)")
	to := fs.String("to", "", "the backup file to create (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("--to: name the backup file to create")
	}
	if err := app.Backup(ctx, *db, *to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up to %s\n", *to)
	return nil
}
