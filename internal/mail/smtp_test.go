package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/mail/mailtest"
)

const testFrom = "OpenEntry <noreply@openentry.test>"

func newTestSMTP(t *testing.T, rawURL string, srv *mailtest.Server) *SMTP {
	t.Helper()
	s, err := NewSMTP(rawURL, testFrom)
	if err != nil {
		t.Fatalf("NewSMTP(%q): %v", rawURL, err)
	}
	s.rootCAs = srv.RootCAs()
	return s
}

func TestSMTPSend(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("0123456789abcdefghij", 100) // 2000 bytes, no spaces to break at
	tests := []struct {
		name    string
		subject string
		text    string
		want    string // text as received, if not the same
	}{
		{name: "ascii", subject: "Your code", text: "Your code: 123456\n"},
		{name: "vietnamese", subject: "Mã xác nhận của bạn", text: "Mã xác nhận: 123456\nCảm ơn bạn!\n"},
		{name: "long line", subject: strings.Repeat("Long subject ", 20) + "end", text: long + "\n" + long + "\n"},
		{name: "dot lines", subject: "dots", text: ".\n..\n.hidden\nend\n"},
		{name: "no trailing newline", subject: "x", text: "one\ntwo", want: "one\ntwo\n"}, // SMTP data ends with a line break
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := mailtest.Start(t)
			s := newTestSMTP(t, srv.URL(), srv)
			to := "buyer@example.com"
			if err := s.Send(t.Context(), openentry.Message{To: to, Subject: tc.subject, Text: tc.text}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.WaitFor(t, to, 5*time.Second)
			if want := []string{to}; !reflect.DeepEqual(got.To, want) {
				t.Errorf("envelope to: got %q, want %q", got.To, want)
			}
			if got.From != "noreply@openentry.test" {
				t.Errorf("envelope from: got %q, want noreply@openentry.test", got.From)
			}
			if got.Subject != tc.subject {
				t.Errorf("subject: got %q, want %q", got.Subject, tc.subject)
			}
			want := tc.want
			if want == "" {
				want = tc.text
			}
			if got.Text != want {
				t.Errorf("text: got %q, want %q", got.Text, want)
			}
			if got.Username != "" || got.TLS {
				t.Errorf("got auth user %q, TLS %v; want a plain relay without either", got.Username, got.TLS)
			}
			for i, line := range strings.Split(string(got.Raw), "\r\n") {
				if len(line) > 998 {
					t.Errorf("raw line %d has %d bytes; SMTP allows 998", i, len(line))
				}
			}
		})
	}
}

func TestSMTPSendCode(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	s := newTestSMTP(t, srv.URL(), srv)
	for _, m := range []openentry.Message{
		{To: "a@example.com", Subject: "Activate", Text: "Hello!\nYour code: 123456\nIt expires in 10 minutes."},
		{To: "B@Example.com", Subject: "Reset", Text: "Your reset code is AB12CD."},
	} {
		if err := s.Send(t.Context(), m); err != nil {
			t.Fatalf("Send to %s: %v", m.To, err)
		}
	}
	tests := []struct{ to, want string }{
		{"a@example.com", "123456"},
		{"b@example.com", "AB12CD"}, // recipients match without case
	}
	for _, tc := range tests {
		if got := srv.Code(t, tc.to); got != tc.want {
			t.Errorf("Code(%s): got %q, want %q", tc.to, got, tc.want)
		}
	}
}

func TestSMTPAuthAndTLS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		start    func(testing.TB) *mailtest.Server
		userinfo string
		wantUser string
		wantPass string
		wantTLS  bool
	}{
		{
			name:     "plain with auth",
			start:    mailtest.Start,
			userinfo: "mailer%40openentry.test:p%40ss%3Aw%2Frd%20%C3%A3@",
			wantUser: "mailer@openentry.test",
			wantPass: "p@ss:w/rd ã",
			wantTLS:  false,
		},
		{
			name:     "starttls without auth",
			start:    func(t testing.TB) *mailtest.Server { return mailtest.StartTLS(t, false) },
			userinfo: "",
			wantTLS:  true,
		},
		{
			name:     "starttls with auth",
			start:    func(t testing.TB) *mailtest.Server { return mailtest.StartTLS(t, false) },
			userinfo: "user:secret@",
			wantUser: "user",
			wantPass: "secret",
			wantTLS:  true,
		},
		{
			name:     "implicit tls with auth",
			start:    func(t testing.TB) *mailtest.Server { return mailtest.StartTLS(t, true) },
			userinfo: "user:secret@",
			wantUser: "user",
			wantPass: "secret",
			wantTLS:  true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.start(t)
			rawURL := strings.Replace(srv.URL(), "://", "://"+tc.userinfo, 1)
			s := newTestSMTP(t, rawURL, srv)
			if err := s.Send(t.Context(), openentry.Message{To: "x@example.com", Subject: "s", Text: "t"}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.WaitFor(t, "x@example.com", 5*time.Second)
			if got.Username != tc.wantUser || got.Password != tc.wantPass {
				t.Errorf("auth: got %q/%q, want %q/%q", got.Username, got.Password, tc.wantUser, tc.wantPass)
			}
			if got.TLS != tc.wantTLS {
				t.Errorf("TLS: got %v, want %v", got.TLS, tc.wantTLS)
			}
		})
	}
}

func TestNewSMTPErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		rawURL string
		from   string
	}{
		{"http scheme", "http://mail.example.com", testFrom},
		{"no scheme", "mail.example.com:25", testFrom},
		{"bare host", "mail.example.com", testFrom},
		{"opaque", "smtp:mail.example.com", testFrom},
		{"no host", "smtp://:25", testFrom},
		{"port zero", "smtp://mail.example.com:0", testFrom},
		{"port too big", "smtp://mail.example.com:70000", testFrom},
		{"port not a number", "smtp://mail.example.com:smtp", testFrom},
		{"path", "smtp://mail.example.com/inbox", testFrom},
		{"query", "smtp://mail.example.com?tls=off", testFrom},
		{"password without user", "smtp://:secret@mail.example.com", testFrom},
		{"bad escape in password", "smtp://user:se%zzcret@mail.example.com", testFrom},
		{"empty from", "smtp://mail.example.com", ""},
		{"from without at", "smtp://mail.example.com", "noreply"},
		{"two froms", "smtp://mail.example.com", "a@example.com, b@example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewSMTP(tc.rawURL, tc.from)
			if err == nil {
				t.Fatalf("NewSMTP(%q, %q): got %v, want an error", tc.rawURL, tc.from, s)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "cret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestSMTPString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rawURL string
		want   string
	}{
		{"smtp://mail.example.com", "smtp://mail.example.com:25"},
		{"smtp://mail.example.com/", "smtp://mail.example.com:25"},
		{"smtps://mail.example.com", "smtps://mail.example.com:465"},
		{"smtp://relay:587", "smtp://relay:587"},
		{"smtp://[::1]:2525", "smtp://[::1]:2525"},
		{"smtp://apikey@mail.example.com", "smtp://apikey@mail.example.com:25"},
		{"smtps://user%40x.test:hunter2%21@mail.example.com:2465", "smtps://user%40x.test:xxxxx@mail.example.com:2465"},
	}
	for _, tc := range tests {
		t.Run(tc.rawURL, func(t *testing.T) {
			t.Parallel()
			s, err := NewSMTP(tc.rawURL, testFrom)
			if err != nil {
				t.Fatalf("NewSMTP: %v", err)
			}
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("mailer", "smtp", s)
			slog.New(slog.NewTextHandler(&buf, nil)).Info("mailer", "smtp", s)
			for _, out := range []string{s.String(), fmt.Sprint(s), fmt.Sprintf("%+v %#v", s, s), buf.String()} {
				if strings.Contains(out, "hunter2") {
					t.Errorf("output shows the password: %s", out)
				}
			}
			if got := s.String(); got != tc.want {
				t.Errorf("String: got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSMTPSendErrors(t *testing.T) {
	t.Parallel()
	closedPort := func(t testing.TB) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	ok := openentry.Message{To: "x@example.com", Subject: "s", Text: "t"}
	tests := []struct {
		name string
		// setup returns the URL to use and whether to trust the server's certificate.
		setup func(t *testing.T) (rawURL string, srv *mailtest.Server)
		msg   openentry.Message
		want  error
	}{
		{
			name: "server refuses",
			setup: func(t *testing.T) (string, *mailtest.Server) {
				srv := mailtest.Start(t)
				srv.Fail(true)
				return srv.URL(), srv
			},
			msg:  ok,
			want: openentry.ErrUpstream,
		},
		{
			name:  "closed port",
			setup: func(t *testing.T) (string, *mailtest.Server) { return "smtp://" + closedPort(t), mailtest.Start(t) },
			msg:   ok,
			want:  openentry.ErrUpstream,
		},
		{
			name: "smtps to a plain server",
			setup: func(t *testing.T) (string, *mailtest.Server) {
				srv := mailtest.Start(t)
				return strings.Replace(srv.URL(), "smtp://", "smtps://", 1), srv
			},
			msg:  ok,
			want: openentry.ErrUpstream,
		},
		{
			name: "starttls with an untrusted certificate",
			setup: func(t *testing.T) (string, *mailtest.Server) {
				return mailtest.StartTLS(t, false).URL(), mailtest.Start(t) // trust the wrong server
			},
			msg:  ok,
			want: openentry.ErrUpstream,
		},
		{
			name:  "bad recipient",
			setup: func(t *testing.T) (string, *mailtest.Server) { srv := mailtest.Start(t); return srv.URL(), srv },
			msg:   openentry.Message{To: "not an address", Subject: "s", Text: "t"},
			want:  openentry.ErrInvalid,
		},
		{
			name:  "two recipients",
			setup: func(t *testing.T) (string, *mailtest.Server) { srv := mailtest.Start(t); return srv.URL(), srv },
			msg:   openentry.Message{To: "a@example.com, b@example.com", Subject: "s", Text: "t"},
			want:  openentry.ErrInvalid,
		},
		{
			name:  "header injection in subject",
			setup: func(t *testing.T) (string, *mailtest.Server) { srv := mailtest.Start(t); return srv.URL(), srv },
			msg:   openentry.Message{To: "x@example.com", Subject: "hi\r\nBcc: victim@example.com", Text: "t"},
			want:  openentry.ErrInvalid,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rawURL, srv := tc.setup(t)
			s := newTestSMTP(t, rawURL, srv)
			err := s.Send(t.Context(), tc.msg)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Send: got %v, want an error wrapping %v", err, tc.want)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server recorded %d messages, want 0", n)
			}
		})
	}
}

// TestSMTPSendContext uses a server that accepts connections and never says
// hello, so only ctx can end Send before the 10 s timeout.
func TestSMTPSendContext(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	s, err := NewSMTP("smtp://"+l.Addr().String(), testFrom)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancelled while waiting for the greeting", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(100*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(t.Context(), 100*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancelled before", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx, cancel
		}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			err := s.Send(ctx, openentry.Message{To: "x@example.com", Subject: "s", Text: "t"})
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("Send took %v after ctx ended; want well under the 10 s timeout", elapsed)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("Send: got %v, want an error wrapping %v", err, tc.want)
			}
		})
	}
}

func TestLogMailer(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	m := NewLogMailer(slog.New(slog.NewJSONHandler(&buf, nil)))
	msg := openentry.Message{To: "dev@example.com", Subject: "Mã xác nhận", Text: "Your code: 123456\n"}
	if err := m.Send(t.Context(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	delete(got, "time")
	want := map[string]any{
		"level":   "WARN",
		"msg":     "development mail delivery (no SMTP configured): not sent",
		"to":      msg.To,
		"subject": msg.Subject,
		"text":    msg.Text,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("log line: got %v, want %v", got, want)
	}
}
