package conformance

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
)

// mailCode finds the code in a mail text such as "Your code: 123456".
var mailCode = regexp.MustCompile(`(?i)\bcode:\s*([0-9A-Z]+)`)

// mailbox serves the codes the SMTP server received, for node:
//
//	GET /code?to=ADDR&after=N
//
// waits up to wait until more than N messages to ADDR have arrived, then
// answers the code in the newest one as text/plain, with the number of
// messages to ADDR so far in X-Mail-Count (pass it as after to wait for the
// next code). It answers 404 on timeout and 422 if the newest message holds
// no code.
//
//	GET /count?to=ADDR
//
// answers at once with that number, as text.
//
// Handlers run on the server's goroutines, so they report through the
// response and never call t.Fatal.
func mailbox(s *mailtest.Server, wait time.Duration) http.Handler {
	// to is compared without case, as mailtest.WaitFor does.
	messagesTo := func(to string) []mailtest.Delivered {
		var out []mailtest.Delivered
		for _, d := range s.Messages() {
			for _, rcpt := range d.To {
				if strings.EqualFold(rcpt, to) {
					out = append(out, d)
					break
				}
			}
		}
		return out
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, len(messagesTo(r.URL.Query().Get("to"))))
	})
	mux.HandleFunc("GET /code", func(w http.ResponseWriter, r *http.Request) {
		to := r.URL.Query().Get("to")
		after, err := strconv.Atoi(r.URL.Query().Get("after"))
		if to == "" || (r.URL.Query().Has("after") && (err != nil || after < 0)) {
			http.Error(w, "want ?to=ADDR[&after=N]", http.StatusBadRequest)
			return
		}
		deadline := time.NewTimer(wait)
		defer deadline.Stop()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if got := messagesTo(to); len(got) > after {
				w.Header().Set("X-Mail-Count", strconv.Itoa(len(got)))
				m := mailCode.FindStringSubmatch(got[len(got)-1].Text)
				if m == nil {
					http.Error(w, "no code in the newest message to "+to+":\n"+got[len(got)-1].Text, http.StatusUnprocessableEntity)
					return
				}
				fmt.Fprint(w, m[1])
				return
			}
			select {
			case <-tick.C:
			case <-deadline.C:
				http.Error(w, fmt.Sprintf("no message to %s after the first %d within %v", to, after, wait), http.StatusNotFound)
				return
			case <-r.Context().Done():
				return
			}
		}
	})
	return mux
}

// TestMailbox checks the mailbox that hands codes to node, so that a broken
// helper is not mistaken for a broken server.
func TestMailbox(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(smtp.URL(), "OpenEntry <noreply@openentry.test>")
	if err != nil {
		t.Fatal(err)
	}
	box := httptest.NewServer(mailbox(smtp, 2*time.Second)) // room for a loaded machine; the 404 checks wait it out
	t.Cleanup(box.Close)
	get := func(path string) (status int, body, count string) {
		t.Helper()
		res, err := http.Get(box.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, string(b), res.Header.Get("X-Mail-Count")
	}
	send := func(to, text string) {
		t.Helper()
		if err := mailer.Send(context.Background(), openentry.Message{To: to, Subject: "Your code", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	const to = "Someone@Example.test"

	if status, body, _ := get("/code?to=" + to); status != http.StatusNotFound {
		t.Errorf("no mail yet: got %d %q, want 404", status, body)
	}
	send("someone@example.test", "Your code: 123456\n\nIt is valid for 10 minutes.\n")
	send("other@example.test", "Your code: 999999\n")
	if status, body, count := get("/code?to=" + to); status != http.StatusOK || body != "123456" || count != "1" {
		t.Errorf("first code: got %d %q count %q, want 200 \"123456\" count \"1\"", status, body, count)
	}
	if status, body, _ := get("/code?to=" + to + "&after=1"); status != http.StatusNotFound {
		t.Errorf("after=1 with one message: got %d %q, want 404", status, body)
	}

	// A request waiting for the next code gets it when it arrives.
	type answer struct {
		status      int
		body, count string
	}
	next := make(chan answer, 1)
	go func() {
		res, err := http.Get(box.URL + "/code?to=" + to + "&after=1")
		if err != nil {
			next <- answer{status: -1, body: err.Error()}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		next <- answer{res.StatusCode, string(b), res.Header.Get("X-Mail-Count")}
	}()
	time.Sleep(50 * time.Millisecond)
	send(to, "Your code: 654321\n")
	if a := <-next; a.status != http.StatusOK || a.body != "654321" || a.count != "2" {
		t.Errorf("next code: got %d %q count %q, want 200 \"654321\" count \"2\"", a.status, a.body, a.count)
	}

	if status, body, _ := get("/count?to=" + to); status != http.StatusOK || body != "2" {
		t.Errorf("count: got %d %q, want 200 \"2\"", status, body)
	}
	if status, body, _ := get("/count?to=nobody@example.test"); status != http.StatusOK || body != "0" {
		t.Errorf("count for nobody: got %d %q, want 200 \"0\"", status, body)
	}
	send("plain@example.test", "Hello, no digits here.\n")
	if status, body, _ := get("/code?to=plain@example.test"); status != http.StatusUnprocessableEntity {
		t.Errorf("message without a code: got %d %q, want 422", status, body)
	}
	for _, path := range []string{"/code", "/code?to=" + to + "&after=x", "/code?to=" + to + "&after=-1"} {
		if status, body, _ := get(path); status != http.StatusBadRequest {
			t.Errorf("GET %s: got %d %q, want 400", path, status, body)
		}
	}
}
