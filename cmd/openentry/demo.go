package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/oneentry"
)

// runDemo starts a server over a throw-away SQLite file seeded with the demo
// project and walks the seed scenario through the Go SDK, printing each call
// and the JSON the server answered.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "openentry-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	project, err := demo.Project()
	if err != nil {
		return err
	}
	tokenBytes := make([]byte, 16)
	if _, err := rand.Read(tokenBytes); err != nil {
		return err
	}
	appToken := hex.EncodeToString(tokenBytes)
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Open(ctx, app.Config{
		DB: "sqlite:" + filepath.Join(dir, "demo.db"), AppToken: appToken, Projects: []*openentry.Project{project},
	}, logger)
	if err != nil {
		return fmt.Errorf("start demo server: %w", err)
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	serverCtx, stopServer := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- serveHTTP(serverCtx, ln, a.Handler, logger) }()
	baseURL := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "OpenEntry demo server on %s (SQLite in %s)\n\n", baseURL, dir)

	scenarioErr := runScenario(ctx, baseURL, appToken, stdout)
	stopServer()
	if err := <-served; err != nil {
		return err
	}
	if scenarioErr != nil {
		return fmt.Errorf("seed scenario failed: %w", scenarioErr)
	}
	fmt.Fprintln(stdout, "The seed scenario ran end to end: the order is placed and its payment session is waiting.")
	return nil
}

// recorder keeps the body of the last response so the demo can print exactly
// what the server sent.
type recorder struct {
	next http.RoundTripper
	last []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.last = body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func runScenario(ctx context.Context, baseURL, appToken string, stdout io.Writer) error {
	rec := &recorder{next: http.DefaultTransport}
	client, err := oneentry.New(baseURL, oneentry.WithToken(appToken),
		oneentry.WithHTTPClient(&http.Client{Timeout: 30 * time.Second, Transport: rec}))
	if err != nil {
		return err
	}
	step := func(n int, call string) {
		fmt.Fprintf(stdout, "%d. %s\n", n, call)
	}
	show := func() {
		var pretty bytes.Buffer
		if json.Indent(&pretty, rec.last, "   ", "  ") != nil {
			pretty.Write(rec.last)
		}
		fmt.Fprintf(stdout, "   %s\n\n", bytes.TrimSpace(pretty.Bytes()))
	}

	step(1, fmt.Sprintf("AuthProvider.Auth(%q, email_reg=%q, password_reg=***)", "email", demo.UserLogin))
	if _, err := client.AuthProvider.Auth(ctx, "email", []oneentry.AuthData{
		{Marker: "email_reg", Value: demo.UserLogin},
		{Marker: "password_reg", Value: demo.UserPassword},
	}); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	show()

	step(2, `Orders.CreateOrder("orders", form "order", account "cash", product 14 × 1)`)
	order, err := client.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{
		FormIdentifier:           "order",
		PaymentAccountIdentifier: "cash",
		FormData:                 oneentry.FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
		Products:                 []oneentry.OrderItem{{ProductID: 14, Quantity: 1}},
	})
	if err != nil {
		return fmt.Errorf("create order: %w", err)
	}
	show()

	step(3, fmt.Sprintf("Payments.CreateSession(%d, %q)", order.ID, "session"))
	session, err := client.Payments.CreateSession(ctx, order.ID, "session", false)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	show()

	step(4, fmt.Sprintf("Payments.GetSessionByOrderID(%d)", order.ID))
	got, err := client.Payments.GetSessionByOrderID(ctx, order.ID)
	if err != nil {
		return fmt.Errorf("get session by order: %w", err)
	}
	show()
	if got.ID != session.ID || got.Status != openentry.SessionWaiting {
		return errors.New("the session read back is not the waiting session just created")
	}
	return nil
}
