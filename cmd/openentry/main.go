// Command openentry runs a self-hosted server that speaks the OneEntry
// Content API.
//
//	openentry serve [--addr 127.0.0.1:8080] [--db sqlite:openentry.db] [--project FILE] [--demo]
//	openentry demo
//	openentry migrate [--db DB]
//	openentry payments complete|cancel --session N
//	openentry refunds approve --refund N
//	openentry seed [--db DB] [--users 1000] [--orders 1000000]
//	openentry export [--db DB] [--out FILE] [--users]
//	openentry backup --to FILE [--db sqlite:PATH]
//	openentry restore --from FILE --db sqlite:PATH [--force]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := runIO(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "openentry:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage:
  openentry serve [flags]   serve the OneEntry API (see openentry serve -h)
  openentry demo            run the seed scenario against a throw-away demo server
  openentry bench --url URL --token T [--users N --duration D]   load-test the seed scenario
  openentry migrate [--db DB]                      apply pending database migrations
  openentry payments complete|cancel --session N   settle a cash (custom) payment session
  openentry refunds approve --refund N             pay a refund request back
  openentry admin create --email E --role R [--password-stdin]   add a staff account (the first owner)
  openentry seed [--db DB] [--users N] [--orders N] fill a database with bench users and orders, for measuring
  openentry export [--db DB] [--out FILE] [--users] write the shop as a project file (files in files/ next to it)
  openentry backup --to FILE [--db sqlite:PATH]    copy a SQLite database while the server runs
  openentry restore --from FILE --db sqlite:PATH [--force]   put a backup in place and migrate it
`

// run is the whole program, with its environment injected so tests can
// call it, and nothing on stdin.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runIO(ctx, args, getenv, strings.NewReader(""), stdout, stderr)
}

// runIO is run with stdin, which `admin create --password-stdin` reads.
func runIO(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[1] {
	case "serve":
		return runServe(ctx, args[2:], getenv, stdout, stderr)
	case "demo":
		return runDemo(ctx, args[2:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[2:], getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[2:], getenv, stdout, stderr)
	case "payments":
		return runPayments(ctx, args[2:], getenv, stdout, stderr)
	case "refunds":
		return runRefunds(ctx, args[2:], getenv, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args[2:], getenv, stdin, stdout, stderr)
	case "seed":
		return runSeed(ctx, args[2:], getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args[2:], getenv, stdout, stderr)
	case "backup":
		return runBackup(ctx, args[2:], getenv, stdout, stderr)
	case "restore":
		return runRestore(ctx, args[2:], getenv, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[1])
	}
}
