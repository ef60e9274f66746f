package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestSIGTERMDuringOrders sends SIGTERM to a serving process in the middle of
// a burst of orders: every order a client saw created must be stored.
func TestSIGTERMDuringOrders(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "shop.db")
	cmd := process(t, []string{"OPENENTRY_APP_TOKEN=tok", "OPENENTRY_TOKEN_SECRET=shutdown-test-secret"},
		"serve", "--addr", "127.0.0.1:0", "--demo", "--db", "sqlite:"+dbPath)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	logs := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var entry struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &entry) == nil && entry.Msg == "listening" {
				addrc <- entry.Addr
			}
			select {
			case logs <- sc.Text():
			default:
			}
		}
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	_, tokens := call(t, "POST", base+"/api/content/users-auth-providers/marker/email/users/auth", "tok", "",
		`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`)
	bearer := fmt.Sprint(tokens["accessToken"])

	var mu sync.Mutex
	var created []int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 15 * time.Second}
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", base+"/api/content/orders-storage/marker/orders/orders", strings.NewReader(
					`{"formIdentifier":"order","paymentAccountIdentifier":"cash","formData":[{"marker":"name","type":"string","value":"A"}],"products":[{"productId":14,"quantity":1}]}`))
				req.Header.Set("x-app-token", "tok")
				req.Header.Set("Authorization", "Bearer "+bearer)
				resp, err := client.Do(req)
				if err != nil {
					continue // refused once shutdown began: the client never saw it created
				}
				var o struct{ ID int64 }
				_ = json.NewDecoder(resp.Body).Decode(&o)
				resp.Body.Close()
				if resp.StatusCode == 201 {
					mu.Lock()
					created = append(created, o.ID)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("server exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("server did not stop after SIGTERM")
	}
	close(stop)
	wg.Wait()

	if len(created) < 10 {
		t.Fatalf("only %d orders were created before the signal; the test proves nothing", len(created))
	}
	db, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var missing []int64
	for _, id := range created {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM orders WHERE id = ?`, id).Scan(&n); err != nil || n != 1 {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d orders answered 201 are not stored: %v", len(missing), len(created), missing)
	}
}

// TestSlowClientIsCut checks that a client that never finishes its headers
// loses the connection after the read-header timeout.
func TestSlowClientIsCut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tm := defaultTimeouts
	tm.readHeader = 200 * time.Millisecond
	go serveHTTPWith(ctx, ln, http.NotFoundHandler(), slog.New(slog.NewTextHandler(io.Discard, nil)), tm)
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n")); err != nil { // and never the blank line
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn)
	if err != nil {
		t.Fatalf("the server did not close the connection: %v", err)
	}
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("connection held %v, want about the 200ms read-header timeout", waited)
	}
}
