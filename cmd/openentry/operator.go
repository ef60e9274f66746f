package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
)

// runPayments is the shop's word on cash and other custom-account sessions:
//
//	openentry payments complete|cancel --session N [--db sqlite:PATH]
func runPayments(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "complete" && args[0] != "cancel") {
		return errors.New("usage: openentry payments complete|cancel --session N [--db DB]")
	}
	status := map[string]string{"complete": openentry.SessionCompleted, "cancel": openentry.SessionCanceled}[args[0]]
	fs := flag.NewFlagSet("payments "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", "sqlite:openentry.db"), "database (env OPENENTRY_DB)")
	id := fs.Int64("session", 0, "payment session id")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *id <= 0 {
		return errors.New("--session: give the payment session's id")
	}
	return withOperator(ctx, app.Config{DB: *db}, stderr, func(a *app.Operator) error {
		if err := a.SettleSession(ctx, *id, status); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "payment session %d is %s\n", *id, status)
		return nil
	})
}

// runRefunds pays refund requests back:
//
//	openentry refunds approve --refund N [--db sqlite:PATH]
func runRefunds(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "approve" {
		return errors.New("usage: openentry refunds approve --refund N [--db DB]")
	}
	fs := flag.NewFlagSet("refunds approve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", "sqlite:openentry.db"), "database (env OPENENTRY_DB)")
	id := fs.Int64("refund", 0, "refund request id")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *id <= 0 {
		return errors.New("--refund: give the refund request's id")
	}
	return withOperator(ctx, app.Config{DB: *db, Stripe: stripeConfig(getenv)}, stderr, func(a *app.Operator) error {
		r, err := a.ApproveRefund(ctx, *id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "refund %d of order %d (%s %s) is %s\n", r.ID, r.OrderID, r.Amount.Fixed(), r.Amount.Currency, r.Status)
		return nil
	})
}

// withOperator opens the database (running migrations, applying no
// project) and the payment providers for one operator action: no server,
// no sweeper, no mail.
func withOperator(ctx context.Context, cfg app.Config, stderr io.Writer, do func(*app.Operator) error) error {
	a, err := app.OpenOperator(ctx, cfg, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer a.Close()
	return do(a)
}
