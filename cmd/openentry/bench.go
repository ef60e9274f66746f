package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/bench"
)

// runBench drives a running server:
//
//	openentry bench --url URL --token T [--users 32] [--duration 10s] [--baseline] [--scenario pay|list|catalog] [--server-pid PID]
func runBench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.Config
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "server base URL (loopback only on shared machines)")
	fs.StringVar(&cfg.AppToken, "token", getenv("OPENENTRY_APP_TOKEN"), "app token (env OPENENTRY_APP_TOKEN)")
	fs.IntVar(&cfg.Users, "users", 32, "virtual users, each logged in once")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "length of each phase")
	fs.BoolVar(&cfg.Baseline, "baseline", true, "first drive GET /healthz as long with as many workers, and report the ratio")
	fs.StringVar(&cfg.Scenario, "scenario", bench.ScenarioPay, "pay: createOrder → createSession → getSessionByOrderId; list: getAllOrdersByMarker as users made by `openentry seed`; "+
		"catalog: a filtered category page and a quick search over `openentry seed --products N`")
	fs.Int64Var(&cfg.Product, "product", 14, "product the pay scenario orders")
	pid := fs.Int("server-pid", 0, "server process to report peak memory (VmHWM) of, if on this machine")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.Scenario != bench.ScenarioPay && cfg.Scenario != bench.ScenarioList && cfg.Scenario != bench.ScenarioCatalog {
		return fmt.Errorf("--scenario: %q is neither pay, list nor catalog", cfg.Scenario)
	}
	shape := app.BenchCatalog()
	cfg.Catalog = bench.Catalog{Categories: shape.Categories, Colors: shape.Colors, Nouns: shape.Nouns, MaxPrice: shape.MaxPrice}
	cfg.URL = strings.TrimSuffix(cfg.URL, "/")
	res, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	bench.Print(stdout, cfg, res)
	if *pid > 0 {
		if peak, err := peakRSS(*pid); err == nil {
			fmt.Fprintf(stdout, "server peak RSS (VmHWM): %s\n", peak)
		} else {
			fmt.Fprintf(stdout, "server peak RSS: %v\n", err)
		}
	}
	if n := res.Errors(); n > 0 {
		return fmt.Errorf("%d calls failed", n)
	}
	return nil
}

// peakRSS reads a process's high-water resident set size from /proc.
func peakRSS(pid int) (string, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", errors.New("no VmHWM in /proc status")
}
