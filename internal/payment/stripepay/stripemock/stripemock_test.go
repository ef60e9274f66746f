package stripemock

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

func TestStart(t *testing.T) {
	s := Start(t)
	req, err := http.NewRequest(http.MethodGet, s.URL()+"/v1/charges", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer sk_test_123")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("GET /v1/charges: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v1/charges: got %d, want 200", resp.StatusCode)
	}
}

func TestDown(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, Down(t)+"/v1/charges", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got status %d, want a refused connection", resp.StatusCode)
	}
}

// fatalTB records the first Fatalf and stops the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg     string
	skipped bool
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalTB) Skip(...any)          { f.skipped = true; runtime.Goexit() }
func (f *fatalTB) Skipf(string, ...any) { f.skipped = true; runtime.Goexit() }
func (f *fatalTB) SkipNow()             { f.skipped = true; runtime.Goexit() }

func TestStartWithoutBinaryFails(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty) // no stripe-mock, and no go command either
	t.Setenv("GOBIN", "")
	t.Setenv("GOPATH", empty)

	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(tb)
	}()
	<-done
	if tb.skipped {
		t.Fatal("Start skipped the test, want it to fail")
	}
	if !strings.Contains(tb.msg, InstallCommand) {
		t.Errorf("got failure %q, want it to say %q", tb.msg, InstallCommand)
	}
}
