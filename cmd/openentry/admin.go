package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/openentry/openentry/internal/app"
)

// runAdmin manages staff accounts from the server's command line, which is
// how the first owner comes to be:
//
//	openentry admin create --email E --role owner [--name N] [--password-stdin] [--db DB]
//
// Without --password-stdin a password is generated and printed this once.
func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: openentry admin create --email E --role owner|manager|support|viewer [--name N] [--password-stdin] [--db DB]")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", "sqlite:openentry.db"), "database (env OPENENTRY_DB)")
	email := fs.String("email", "", "the staff member's email, their sign-in")
	name := fs.String("name", "", "display name (default: the email's local part)")
	role := fs.String("role", "", "owner, manager, support or viewer")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		return errors.New("--email and --role are required")
	}
	password, printed := "", false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, printed = rand.Text(), true
	}
	return withOperator(ctx, app.Config{DB: *db}, stderr, func(a *app.Operator) error {
		s, err := a.CreateStaff(ctx, *email, *name, *role, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "staff %d %s is %s\n", s.ID, s.Email, s.Role)
		if printed {
			fmt.Fprintf(stdout, "password (shown this once): %s\n", password)
		}
		return nil
	})
}
