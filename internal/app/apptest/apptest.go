// Package apptest runs the real OpenEntry app for tests: the real handler on
// an httptest server over a real SQLite file, seeded with the demo project.
package apptest

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "modernc.org/sqlite"             // driver "sqlite"
)

// AppToken is the app token of every test server.
const AppToken = "test-app-token"

// Server is a running test server.
type Server struct {
	BaseURL string
	DSN     string // the database, as --db takes it
	App     *app.App
}

// PostgresEnv names the variable that points the tests at a PostgreSQL
// server, e.g. postgres://postgres@127.0.0.1:55432/openentry_test. Without
// it, tests run on SQLite files.
// CollectionsProject is the project file of the integration-collection
// tests (Go and official SDK): a private wishlist over form wish and a
// public faq over form faq_form.
//
//go:embed testdata/collections.json
var CollectionsProject string

const PostgresEnv = "OPENENTRY_TEST_POSTGRES_URL"

// DSN returns a fresh, empty database for the test: a SQLite file in a temp
// dir, or, when PostgresEnv is set, a new schema on that server, dropped at
// the end of the test.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return "sqlite:" + filepath.Join(t.TempDir(), "openentry.db")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "oe_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Count returns SELECT COUNT(*) FROM <from> on the server's database, e.g.
// Count(t, "orders WHERE user_id = 1").
func (s *Server) Count(t testing.TB, from string) int {
	t.Helper()
	var n int
	s.QueryRow(t, "SELECT COUNT(*) FROM "+from).Scan(t, &n)
	return n
}

// Row is one row of a test query.
type Row struct{ row *sql.Row }

// Scan fails the test if the row cannot be read.
func (r Row) Scan(t testing.TB, dest ...any) {
	t.Helper()
	if err := r.row.Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

// QueryRow runs a query (no placeholders) on the server's database.
func (s *Server) QueryRow(t testing.TB, query string) Row {
	t.Helper()
	return Row{s.sqlDB(t).QueryRow(query)}
}

// Exec runs a statement (no placeholders) on the server's database, e.g.
// to make many rows at once.
func (s *Server) Exec(t testing.TB, stmt string) {
	t.Helper()
	if _, err := s.sqlDB(t).Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// sqlDB opens the server's database beside it, closed when the test ends.
func (s *Server) sqlDB(t testing.TB) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", s.DSN
	if !strings.HasPrefix(dsn, "postgres") {
		driver, dsn = "sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Option changes the config of a test server.
type Option func(*options)

type options struct {
	cfg  *app.Config
	logs io.Writer // nil: discard (or the test log, with -v)
	dsn  string    // "": a fresh database
}

// WithProject applies p after the demo project.
func WithProject(p *openentry.Project) Option {
	return func(o *options) { o.cfg.Projects = append(o.cfg.Projects, p) }
}

// WithDemoShop applies the demo shop (internal/demo/shop.json) after the
// demo project, as serve --demo does.
func WithDemoShop() Option {
	return func(o *options) {
		p, err := demo.Shop()
		if err != nil {
			panic(err) // the embedded file is tested to parse
		}
		o.cfg.Projects = append(o.cfg.Projects, p)
	}
}

// OnDatabase runs the server over an existing test database (Server.DSN of
// another), as a second instance: its projects are applied to it again.
func OnDatabase(dsn string) Option { return func(o *options) { o.dsn = dsn } }

// WithMailer sets how the server sends codes (e.g. SMTP to a mailtest server).
func WithMailer(m openentry.Mailer) Option { return func(o *options) { o.cfg.Mailer = m } }

// WithStripe points stripe accounts at a Stripe API (stripe-mock) with keys.
func WithStripe(c app.StripeConfig) Option { return func(o *options) { o.cfg.Stripe = c } }

// WithClock sets the server's clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.cfg.Now = now } }

// WithStorefront serves the storefront demo page at /demo/, as serve --demo does.
func WithStorefront() Option { return func(o *options) { o.cfg.Storefront = true } }

// WithLogs writes the server's log, every level, as JSON lines to w.
func WithLogs(w io.Writer) Option { return func(o *options) { o.logs = w } }

// WithConfig changes the app config directly.
func WithConfig(change func(*app.Config)) Option { return func(o *options) { change(o.cfg) } }

// Start runs a server for the test and stops it when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	p, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	o := options{cfg: &app.Config{}} // a first pass, for the database only
	for _, opt := range opts {
		opt(&o)
	}
	dsn := o.dsn
	if dsn == "" {
		dsn = DSN(t)
	}
	cfg := app.Config{
		DB:           dsn,
		AppToken:     AppToken,
		TokenSecrets: [][]byte{[]byte("test-token-secret")},
		Projects:     []*openentry.Project{p},
		Hashing:      credential.TestParams(),
		SweepEvery:   time.Hour, // tests sweep by calling App.ExpireSessions
		OutboxEvery:  time.Hour, // and dispatch with App.DispatchOutbox
	}
	o = options{cfg: &cfg}
	for _, opt := range opts {
		opt(&o)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	switch {
	case o.logs != nil:
		logger = slog.New(slog.NewJSONHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	case testing.Verbose():
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.Open(context.Background(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &Server{BaseURL: srv.URL, DSN: dsn, App: a}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// Open opens an app over dsn with the tests' settings and these projects
// only, without serving it: for tests of what an apply refuses. The caller
// closes the app it gets.
func Open(dsn string, projects ...*openentry.Project) (*app.App, error) {
	return app.Open(context.Background(), app.Config{DB: dsn, AppToken: AppToken,
		TokenSecrets: [][]byte{[]byte("test-token-secret")}, Projects: projects, Hashing: credential.TestParams(),
		SweepEvery: time.Hour, OutboxEvery: time.Hour}, slog.New(slog.NewTextHandler(io.Discard, nil)))
}
