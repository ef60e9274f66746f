// Package app wires the stores, credentials and HTTP handler together. It is
// the only package that knows all of them.
package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/httpapi"
	"github.com/openentry/openentry/internal/metrics"
	"github.com/openentry/openentry/internal/ratelimit"
	"github.com/openentry/openentry/internal/sqlstore"
	"github.com/openentry/openentry/internal/storefront"
	"github.com/openentry/openentry/internal/stripepay"
)

// Config is everything a running server needs.
type Config struct {
	DB          string               // "sqlite:PATH" (or a bare path), or "postgres://…"
	DBOptions   DBOptions            // pool size, statement timeout, migrations
	AppToken    string               // x-app-token of the project
	TokenSecret []byte               // HMAC key for access tokens; random if empty
	Projects    []*openentry.Project // applied at start, in order
	Hashing     credential.Params    // argon2id cost; DefaultParams if zero
	Now         func() time.Time     // clock; time.Now if nil
	Random      io.Reader            // randomness; crypto/rand if nil
	Mailer      openentry.Mailer     // delivers codes; without one, sending a code is a 502
	LoginLimits LoginLimits          // zero: DefaultLoginLimits
	Stripe      StripeConfig
	// SweepEvery is how often sessions past their timeout are expired; zero: 30 s.
	SweepEvery time.Duration
	// CORSOrigins are browser origins allowed to call the API, besides those
	// the projects list.
	CORSOrigins []string
	// Storefront serves the storefront demo page at /demo/; it hands the
	// page AppToken, so only the demo sets it.
	Storefront bool
}

// StripeConfig fills in stripe accounts whose project entry has no keys,
// and points the Stripe client elsewhere (stripe-mock) when APIURL is set.
type StripeConfig struct {
	SecretKey     string // OPENENTRY_STRIPE_SECRET_KEY
	WebhookSecret string // OPENENTRY_STRIPE_WEBHOOK_SECRET
	APIURL        string // OPENENTRY_STRIPE_API_URL
}

// LoginLimits bounds failed logins within Window.
type LoginLimits struct {
	PerAccount int
	PerAddress int
	Window     time.Duration
}

// DefaultLoginLimits: ten failures lock an account for the rest of 15
// minutes; an address gets more room, since many users may share one NAT.
var DefaultLoginLimits = LoginLimits{PerAccount: 10, PerAddress: 100, Window: 15 * time.Minute}

// noMailer is used when no mail server is configured: codes cannot be sent.
type noMailer struct{}

func (noMailer) Send(context.Context, openentry.Message) error {
	return fmt.Errorf("no mail server configured (OPENENTRY_SMTP_URL): %w", openentry.ErrUpstream)
}

// DBOptions tune the database: pool size, PostgreSQL statement timeout,
// and whether migrations run at start.
type DBOptions = sqlstore.Options

// Migrate applies pending migrations to the database and closes it.
func Migrate(ctx context.Context, dsn string) error {
	db, err := sqlstore.Open(ctx, dsn, time.Now)
	if err != nil {
		return err
	}
	return db.Close()
}

// App is an opened server: database, services and handler.
type App struct {
	Handler  http.Handler
	db       *sqlstore.DB
	payments *sqlstore.PaymentService
	refunds  *sqlstore.RefundService
	stop     context.CancelFunc
	swept    chan struct{}
}

// Open opens the database, runs migrations, applies the project and builds
// the handler.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	if len(cfg.TokenSecret) == 0 {
		// Tokens then die with the process; fine for a demo, and serve warns.
		cfg.TokenSecret = make([]byte, 32)
		if _, err := io.ReadFull(cfg.Random, cfg.TokenSecret); err != nil {
			return nil, err
		}
	}
	if cfg.Hashing == (credential.Params{}) {
		cfg.Hashing = credential.DefaultParams
	}
	dsn := cfg.DB
	if dsn == "" {
		dsn = "sqlite:openentry.db"
	}
	db, err := sqlstore.Open(ctx, dsn, cfg.Now, cfg.DBOptions)
	if err != nil {
		return nil, err
	}
	hasher := credential.NewHasher(cfg.Hashing, max(1, runtime.GOMAXPROCS(0)/2))
	for _, p := range cfg.Projects {
		withStripeKeys(p, cfg.Stripe)
		if err := db.ApplyProject(ctx, p, hasher); err != nil {
			db.Close()
			return nil, fmt.Errorf("apply project: %w", err)
		}
	}
	if cfg.Mailer == nil {
		cfg.Mailer = noMailer{}
	}
	if cfg.LoginLimits == (LoginLimits{}) {
		cfg.LoginLimits = DefaultLoginLimits
	}
	// Codes are stored under a key derived from the token secret, not the
	// secret itself, so one key never serves two purposes.
	codeKey := hmac.New(sha256.New, cfg.TokenSecret)
	codeKey.Write([]byte("openentry one-time codes"))
	auth := sqlstore.NewAuthService(db, sqlstore.AuthDeps{
		Hasher:  hasher,
		Tokens:  credential.NewTokens(cfg.TokenSecret, cfg.Now, cfg.Random),
		Mailer:  cfg.Mailer,
		Limiter: ratelimit.NewLogins(cfg.LoginLimits.PerAccount, cfg.LoginLimits.PerAddress, cfg.LoginLimits.Window, cfg.Now),
		CodeKey: codeKey.Sum(nil),
		Random:  cfg.Random,
	})
	catalog := sqlstore.NewCatalogService(db)
	gateway := stripepay.New(cfg.Stripe.APIURL, logger)
	a := &App{db: db, payments: sqlstore.NewPaymentService(db, gateway), refunds: sqlstore.NewRefundService(db, gateway)}
	origins := cfg.CORSOrigins
	for _, p := range cfg.Projects {
		origins = append(origins, p.CORSOrigins...)
	}
	var demo http.Handler
	if cfg.Storefront {
		demo = storefront.Handler(cfg.AppToken)
	}
	a.Handler = httpapi.NewHandler(logger, httpapi.Config{
		AppToken: cfg.AppToken, Ready: db.Ping, Metrics: metrics.New(a.payments.SessionCounts), CORSOrigins: origins,
		Demo: demo,
	},
		auth, auth, catalog, catalog, sqlstore.NewOrderService(db), a.payments, a.refunds)
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = 30 * time.Second
	}
	sweepCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stop, a.swept = stop, make(chan struct{})
	go a.sweep(sweepCtx, cfg.SweepEvery, logger)
	return a, nil
}

// sweep expires sessions past their timeout until ctx ends. Every instance
// may run it: the update is idempotent.
func (a *App) sweep(ctx context.Context, every time.Duration, logger *slog.Logger) {
	defer close(a.swept)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := a.payments.ExpireSessions(ctx)
		if err != nil && ctx.Err() == nil {
			logger.Error("expire payment sessions", "err", err)
		} else if n > 0 {
			logger.Info("expired payment sessions", "count", n)
		}
	}
}

// ExpireSessions runs one sweep now.
func (a *App) ExpireSessions(ctx context.Context) (int64, error) {
	return a.payments.ExpireSessions(ctx)
}

// SettleSession marks a waiting cash (custom) session completed or canceled.
func (a *App) SettleSession(ctx context.Context, id int64, status string) error {
	return a.payments.SettleSession(ctx, id, status)
}

// ApproveRefund pays a waiting refund request back.
func (a *App) ApproveRefund(ctx context.Context, id int64) (*openentry.Refund, error) {
	return a.refunds.ApproveRefund(ctx, id)
}

// Close stops the sweeper and closes the database. Call it after the HTTP
// server has shut down.
func (a *App) Close() error {
	a.stop()
	<-a.swept
	return a.db.Close()
}

// withStripeKeys gives stripe accounts without keys the ones from the environment.
func withStripeKeys(p *openentry.Project, c StripeConfig) {
	for i := range p.PaymentAccounts {
		a := &p.PaymentAccounts[i]
		if a.Type != openentry.AccountStripe {
			continue
		}
		if a.SecretKey == "" {
			a.SecretKey = c.SecretKey
		}
		if a.WebhookSecret == "" {
			a.WebhookSecret = c.WebhookSecret
		}
	}
}
