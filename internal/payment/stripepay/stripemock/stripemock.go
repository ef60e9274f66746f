// Package stripemock runs Stripe's API mock (github.com/stripe/stripe-mock)
// for tests. The binary must be installed:
//
//	go install github.com/stripe/stripe-mock@v0.203.0
//
// A missing binary fails the test: Stripe tests never skip silently.
package stripemock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// InstallCommand installs the stripe-mock version these tests are written for.
const InstallCommand = "go install github.com/stripe/stripe-mock@v0.203.0"

// startTimeout bounds how long Start waits for stripe-mock to answer.
const startTimeout = 20 * time.Second

// Server is a running stripe-mock, stopped by the test's cleanup.
type Server struct {
	url string
}

// URL returns the mock's HTTP base URL, e.g. "http://127.0.0.1:40123".
func (s *Server) URL() string { return s.url }

// Start runs stripe-mock on two free loopback ports (HTTP and HTTPS) and
// waits until it answers. It kills the mock's process group when the test
// ends. It fails the test if the binary is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := findBinary()
	if err != nil {
		t.Fatalf("stripemock: %v; install it with: %s", err, InstallCommand)
	}
	// Free ports can be taken between our probe and the mock's bind; try
	// a few times before giving up.
	var errs []error
	for range 3 {
		s, err := start(t, bin)
		if err == nil {
			return s
		}
		errs = append(errs, err)
	}
	t.Fatalf("stripemock: %v", errors.Join(errs...))
	return nil
}

func start(t testing.TB, bin string) (*Server, error) {
	httpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	httpsAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	out := &lockedBuffer{}
	cmd := exec.Command(bin, "-http-addr", httpAddr, "-https-addr", httpsAddr)
	cmd.Stdout, cmd.Stderr = out, out
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		killProcessGroup(cmd)
		<-exited
	}

	s := &Server{url: "http://" + httpAddr}
	if err := waitReady(s.url, httpAddr, out, exited); err != nil {
		stop()
		if waitErr != nil {
			err = fmt.Errorf("%w (%v)", err, waitErr)
		}
		return nil, fmt.Errorf("%w; output:\n%s", err, out.String())
	}
	t.Cleanup(stop)
	return s, nil
}

// waitReady polls until the mock says it listens on httpAddr and answers
// an authenticated GET /v1/charges. Its own word guards against another
// server that took the port after we found it free.
func waitReady(baseURL, httpAddr string, out *lockedBuffer, exited <-chan struct{}) error {
	listening := "Listening for HTTP at address: " + httpAddr
	deadline := time.Now().Add(startTimeout)
	for {
		if strings.Contains(out.String(), listening) && answers(baseURL) {
			return nil
		}
		select {
		case <-exited:
			return errors.New("stripe-mock exited before it answered")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stripe-mock did not answer at %s within %s", baseURL, startTimeout)
		}
	}
}

// answers reports whether a Stripe API answers GET /v1/charges.
func answers(baseURL string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/v1/charges", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer sk_test_123")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized
}

// findBinary looks for stripe-mock on PATH, then in GOBIN, then in each
// GOPATH's bin.
func findBinary() (string, error) {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	var dirs []string
	if gobin := goEnv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	gopath := goEnv("GOPATH")
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	for _, p := range filepath.SplitList(gopath) {
		dirs = append(dirs, filepath.Join(p, "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "stripe-mock")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("stripe-mock not found on PATH or in %s", strings.Join(dirs, ", "))
}

// goEnv asks the go command for a setting, falling back to the environment.
func goEnv(name string) string {
	if out, err := exec.Command("go", "env", name).Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return os.Getenv(name)
}

// freeAddr returns a loopback address with a port that was free just now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", err
	}
	return addr, nil
}

// Down returns the base URL of a loopback port where nothing listens, so
// every connection is refused: Stripe is down.
func Down(t testing.TB) string {
	t.Helper()
	addr, err := freeAddr()
	if err != nil {
		t.Fatalf("stripemock: %v", err)
	}
	return "http://" + addr
}

// lockedBuffer collects the mock's output while tests may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
