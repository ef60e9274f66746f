package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/demo"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "OPENENTRY_ADDR", "127.0.0.1:8080"), "listen address (env OPENENTRY_ADDR)")
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", "sqlite:openentry.db"), "database: sqlite:PATH or postgres://… (env OPENENTRY_DB)")
	projectFile := fs.String("project", getenv("OPENENTRY_PROJECT"), "project file (JSON) to apply at start (env OPENENTRY_PROJECT)")
	withDemo := fs.Bool("demo", false, "load the built-in demo project and serve its storefront page at /demo/")
	dbOpts := dbFlags(fs, getenv)
	var origins stringList
	if env := getenv("OPENENTRY_CORS_ORIGINS"); env != "" {
		origins = strings.Split(env, ",")
	}
	fs.Var(&origins, "cors-origin", "browser origin allowed to call the API, e.g. https://shop.example; repeatable; * for any (env OPENENTRY_CORS_ORIGINS, comma-separated)")
	pprofAddr := fs.String("pprof", getenv("OPENENTRY_PPROF_ADDR"), "serve Go's profiler on this (loopback) address, e.g. 127.0.0.1:6060 (env OPENENTRY_PPROF_ADDR)")
	publicURL := fs.String("public-url", getenv("OPENENTRY_PUBLIC_URL"), "scheme and host clients reach the server at, e.g. https://api.shop.example: the base of file links; default: each request's (env OPENENTRY_PUBLIC_URL)")
	reuse, err := durationEnv(getenv, "OPENENTRY_REFRESH_REUSE_WINDOW", 10*time.Second)
	if err != nil {
		return err
	}
	refreshReuse := fs.Duration("refresh-reuse-window", reuse, "how long a rotated refresh token still yields the pair its rotation made, for an SDK's parallel retries (env OPENENTRY_REFRESH_REUSE_WINDOW)")
	every, err := durationEnv(getenv, "OPENENTRY_OUTBOX_EVERY", 2*time.Second)
	if err != nil {
		return err
	}
	outboxEvery := fs.Duration("outbox-every", every, "how often each instance looks for due outbox work: the mails of product events (env OPENENTRY_OUTBOX_EVERY)")
	lease, err := durationEnv(getenv, "OPENENTRY_OUTBOX_LEASE", time.Minute)
	if err != nil {
		return err
	}
	outboxLease := fs.Duration("outbox-lease", lease, "how long an instance holds outbox work it took; after a crash, another takes it over then (env OPENENTRY_OUTBOX_LEASE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *outboxEvery <= 0 || *outboxLease < time.Second {
		return errors.New("--outbox-every: give a duration above 0; --outbox-lease: at least 1s")
	}
	if *refreshReuse <= 0 || *refreshReuse > time.Minute {
		return errors.New("--refresh-reuse-window: give a duration above 0 and at most 1m")
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	var projects []*openentry.Project
	if *withDemo {
		p, err := demo.Project()
		if err != nil {
			return err
		}
		shop, err := demo.Shop()
		if err != nil {
			return err
		}
		projects = append(projects, p, shop)
	}
	if *projectFile != "" {
		data, err := os.ReadFile(*projectFile)
		if err != nil {
			return fmt.Errorf("read project: %w", err)
		}
		p, err := openentry.ParseProject(data)
		if err != nil {
			return fmt.Errorf("project %s: %w", *projectFile, err)
		}
		// Files the project names are read from its directory, and a root
		// refuses paths (symlinks too) that lead out of it.
		dir, err := os.OpenRoot(filepath.Dir(*projectFile))
		if err != nil {
			return fmt.Errorf("project %s: %w", *projectFile, err)
		}
		defer dir.Close()
		p.Files = dir.FS()
		projects = append(projects, p)
	}

	token := getenv("OPENENTRY_APP_TOKEN")
	if token == "" && *withDemo {
		var err error
		if token, err = randomToken(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "OPENENTRY_APP_TOKEN was not set; generated one for this run:\n%s\n", token)
	}
	if token == "" {
		return errors.New("no app token: set OPENENTRY_APP_TOKEN")
	}
	secrets, err := tokenSecrets(getenv("OPENENTRY_TOKEN_SECRET"))
	if err != nil {
		return err
	}
	if len(secrets) == 0 {
		logger.Info("OPENENTRY_TOKEN_SECRET is not set: access tokens are signed with the secret kept in the database")
	} else if len(secrets) > 1 {
		logger.Info("OPENENTRY_TOKEN_SECRET lists several secrets: signing with the first, accepting all", "count", len(secrets))
	}
	mailer, err := app.NewMailer(getenv("OPENENTRY_SMTP_URL"), envOr(getenv, "OPENENTRY_SMTP_FROM", "OpenEntry <no-reply@localhost>"), *withDemo, logger)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, app.Config{
		DB: *db, DBOptions: dbOpts.options(), AppToken: token, TokenSecrets: secrets, Projects: projects, Mailer: mailer,
		Stripe: stripeConfig(getenv), CORSOrigins: origins, Storefront: *withDemo, RefreshReuseWindow: *refreshReuse,
		PublicURL: *publicURL, OutboxEvery: *outboxEvery, Outbox: app.OutboxConfig{Lease: *outboxLease},
	}, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if *pprofAddr != "" {
		go servePprof(ctx, *pprofAddr, logger)
	}
	logger.Info("listening", "addr", ln.Addr().String(), "db", redactDSN(*db))
	return serveHTTP(ctx, ln, a.Handler, logger)
}

// timeouts bound every connection, so a slow or stuck client cannot hold
// one forever.
type timeouts struct {
	readHeader, read, write, idle, shutdown time.Duration
}

var defaultTimeouts = timeouts{readHeader: 10 * time.Second, read: 30 * time.Second, write: 60 * time.Second,
	idle: 2 * time.Minute, shutdown: 10 * time.Second}

// serveHTTP serves until ctx is done, then stops accepting connections and
// lets in-flight requests finish.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	return serveHTTPWith(ctx, ln, h, logger, defaultTimeouts)
}

func serveHTTPWith(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, t timeouts) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), t.shutdown)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// minTokenSecret is the shortest token secret serve accepts: a short HMAC
// key can be guessed offline from any one token.
const minTokenSecret = 16

// tokenSecrets parses OPENENTRY_TOKEN_SECRET: one secret, or several
// separated by commas, the one to sign with first ("new,old" while
// rotating). Errors name a secret by position, never by value.
func tokenSecrets(env string) ([][]byte, error) {
	var secrets [][]byte
	for _, s := range strings.Split(env, ",") {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, []byte(s))
		}
	}
	for i, s := range secrets {
		if len(s) < minTokenSecret {
			return nil, fmt.Errorf("OPENENTRY_TOKEN_SECRET: secret %d of %d is %d bytes long, want at least %d "+
				"(e.g. head -c32 /dev/urandom | base64)", i+1, len(secrets), len(s), minTokenSecret)
		}
	}
	return secrets, nil
}

func stripeConfig(getenv func(string) string) app.StripeConfig {
	return app.StripeConfig{
		SecretKey:     getenv("OPENENTRY_STRIPE_SECRET_KEY"),
		WebhookSecret: getenv("OPENENTRY_STRIPE_WEBHOOK_SECRET"),
		APIURL:        getenv("OPENENTRY_STRIPE_API_URL"),
	}
}

// durationEnv reads a duration variable; unset is fallback.
func durationEnv(getenv func(string) string, key string, fallback time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return fallback, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return d, nil
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// dbSettings are the database flags serve and migrate share.
type dbSettings struct {
	maxConns *int
	timeout  *time.Duration
	migrate  *bool
}

func dbFlags(fs *flag.FlagSet, getenv func(string) string) *dbSettings {
	conns, _ := strconv.Atoi(getenv("OPENENTRY_DB_MAX_CONNS"))
	timeout, _ := time.ParseDuration(getenv("OPENENTRY_DB_STATEMENT_TIMEOUT"))
	return &dbSettings{
		maxConns: fs.Int("db-max-conns", conns, "database connection pool size; 0: 8 for SQLite, 16 for PostgreSQL (env OPENENTRY_DB_MAX_CONNS)"),
		timeout:  fs.Duration("db-statement-timeout", timeout, "PostgreSQL statement timeout; 0: 10s (env OPENENTRY_DB_STATEMENT_TIMEOUT)"),
		migrate:  fs.Bool("migrate", getenv("OPENENTRY_MIGRATE") != "false", "run pending migrations at start; false: refuse to start until `openentry migrate` ran (env OPENENTRY_MIGRATE)"),
	}
}

func (d *dbSettings) options() app.DBOptions {
	return app.DBOptions{MaxConns: *d.maxConns, StatementTimeout: *d.timeout, SkipMigrations: !*d.migrate}
}

// runMigrate applies pending migrations and exits: for shops that migrate
// once before starting several instances with --migrate=false.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", "sqlite:openentry.db"), "database: sqlite:PATH or postgres://… (env OPENENTRY_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := app.Migrate(ctx, *db); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

// servePprof serves the profiler on its own mux and listener, never on the API's.
func servePprof(ctx context.Context, addr string, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		logger.Error("pprof", "err", err)
		return
	}
	logger.Info("pprof listening", "addr", ln.Addr().String())
	if err := serveHTTP(ctx, ln, mux, logger); err != nil {
		logger.Error("pprof", "err", err)
	}
}

// redactDSN hides a database password before the DSN is logged.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
