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
	"os"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/demo"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "OPENENTRY_ADDR", "127.0.0.1:8080"), "listen address (env OPENENTRY_ADDR)")
	db := fs.String("db", envOr(getenv, "OPENENTRY_DB", "sqlite:openentry.db"), "database: sqlite:PATH (env OPENENTRY_DB)")
	projectFile := fs.String("project", getenv("OPENENTRY_PROJECT"), "project file (JSON) to apply at start (env OPENENTRY_PROJECT)")
	withDemo := fs.Bool("demo", false, "load the built-in demo project")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	var projects []*openentry.Project
	if *withDemo {
		p, err := demo.Project()
		if err != nil {
			return err
		}
		projects = append(projects, p)
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
	secret := []byte(getenv("OPENENTRY_TOKEN_SECRET"))
	if len(secret) == 0 {
		logger.Warn("OPENENTRY_TOKEN_SECRET is not set: access tokens will not survive a restart")
	}
	a, err := app.Open(ctx, app.Config{DB: *db, AppToken: token, TokenSecret: secret, Projects: projects}, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String(), "db", *db)
	return serveHTTP(ctx, ln, a.Handler, logger)
}

// serveHTTP serves until ctx is done, then lets in-flight requests finish.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
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
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
