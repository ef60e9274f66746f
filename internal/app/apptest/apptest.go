// Package apptest runs the real OpenEntry app for tests: the real handler on
// an httptest server over a real SQLite file, seeded with the demo project.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"
)

// AppToken is the app token of every test server.
const AppToken = "test-app-token"

// Server is a running test server.
type Server struct {
	BaseURL string
	DBPath  string
	App     *app.App
}

// Option changes the config of a test server.
type Option func(*app.Config)

// WithProject applies p after the demo project.
func WithProject(p *openentry.Project) Option {
	return func(c *app.Config) { c.Projects = append(c.Projects, p) }
}

// WithMailer sets how the server sends codes (e.g. SMTP to a mailtest server).
func WithMailer(m openentry.Mailer) Option { return func(c *app.Config) { c.Mailer = m } }

// WithStripe points stripe accounts at a Stripe API (stripe-mock) with keys.
func WithStripe(c app.StripeConfig) Option { return func(cfg *app.Config) { cfg.Stripe = c } }

// WithClock sets the server's clock.
func WithClock(now func() time.Time) Option { return func(c *app.Config) { c.Now = now } }

// Start runs a server for the test and stops it when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	p, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "openentry.db")
	cfg := app.Config{
		DB:          "sqlite:" + dbPath,
		AppToken:    AppToken,
		TokenSecret: []byte("test-token-secret"),
		Projects:    []*openentry.Project{p},
		Hashing:     credential.TestParams,
		SweepEvery:  time.Hour, // tests sweep by calling App.ExpireSessions
	}
	for _, o := range opts {
		o(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
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
	return &Server{BaseURL: srv.URL, DBPath: dbPath, App: a}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
