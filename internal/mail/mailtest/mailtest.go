// Package mailtest runs a real SMTP server in the test process, so mail code
// is tested over the wire (dial, EHLO, AUTH, DATA, MIME encoding) rather than
// against a fake Mailer.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Delivered is one message the server accepted.
type Delivered struct {
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO)
	Subject  string   // decoded from RFC 2047 encoded words
	Text     string   // first text/plain part, transfer-decoded, CRLF turned into LF
	Header   mail.Header
	Raw      []byte // the message exactly as received in DATA
	Username string // from AUTH PLAIN; empty when the client did not authenticate
	Password string
	TLS      bool // the session was encrypted (implicit TLS or STARTTLS)
}

// Server is an SMTP server on 127.0.0.1 that records what it accepts.
type Server struct {
	url   string
	roots *x509.CertPool

	mu        sync.Mutex
	delivered []Delivered
	arrived   chan struct{} // closed and replaced on each delivery, so waiters need no polling
	fail      bool
	delay     time.Duration
}

// Start runs a plain-text server (no TLS) that offers AUTH PLAIN, accepts any
// credentials or none, and stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, nil, false)
}

// StartTLS runs a server with a fresh self-signed certificate for 127.0.0.1.
// With implicit it speaks TLS from the first byte (URL scheme smtps);
// otherwise it offers STARTTLS on a plain connection (scheme smtp). Clients
// must trust RootCAs.
func StartTLS(t testing.TB, implicit bool) *Server {
	t.Helper()
	cert, roots := selfSigned(t)
	s := start(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, implicit)
	s.roots = roots
	return s
}

func start(t testing.TB, tlsConfig *tls.Config, implicit bool) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{})}

	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{server: s, conn: c}, nil
	}))
	srv.Domain = "mailtest.localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	// The default logger writes to stderr, and t.Log would panic for
	// connections that outlive the test.
	srv.ErrorLog = discardLogger{}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	scheme := "smtp"
	switch {
	case tlsConfig != nil && implicit:
		l = tls.NewListener(l, tlsConfig)
		scheme = "smtps"
	case tlsConfig != nil:
		srv.TLSConfig = tlsConfig
	}
	s.url = scheme + "://" + l.Addr().String()

	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(l) // returns nil after Close
	}()
	t.Cleanup(func() {
		// srv.Close alone misses the listener if Serve has not registered it
		// yet, and Serve would then block in Accept for ever.
		_ = srv.Close()
		_ = l.Close()
		<-served
	})
	return s
}

// URL is the address to hand to the client, e.g. smtp://127.0.0.1:40123.
func (s *Server) URL() string { return s.url }

// RootCAs trusts the StartTLS certificate; it is nil for Start.
func (s *Server) RootCAs() *x509.CertPool { return s.roots }

// Fail makes the server answer DATA with 554 (while on), so callers can test
// how a refused delivery is reported.
func (s *Server) Fail(on bool) {
	s.mu.Lock()
	s.fail = on
	s.mu.Unlock()
}

// Delay makes the server wait d before it answers DATA, as a slow relay
// does, so tests can stop a sender in the middle of its work.
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Messages returns every accepted message, oldest first.
func (s *Server) Messages() []Delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivered(nil), s.delivered...)
}

// WaitFor returns the newest message to the address to (compared without
// case), waiting up to timeout for one to arrive. It returns at once if such
// a message is already there, so to wait for a second message, count
// Messages first. It fails the test on timeout.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Delivered {
	t.Helper()
	if a, err := mail.ParseAddress(to); err == nil {
		to = a.Address
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		arrived := s.arrived
		for i := len(s.delivered) - 1; i >= 0; i-- {
			d := s.delivered[i]
			for _, rcpt := range d.To {
				if strings.EqualFold(rcpt, to) {
					s.mu.Unlock()
					return d
				}
			}
		}
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-timer.C:
			t.Fatalf("mailtest: no message to %s within %v (%d messages to others)", to, timeout, len(s.Messages()))
			return Delivered{}
		}
	}
}

// codePattern finds a code in texts such as "Your code: 123456" or "Your
// code is AB12CD": the word "code" (any case), then on the same line the
// first whole word of 4–10 digits or uppercase ASCII letters.
var codePattern = regexp.MustCompile(`(?i:\bcode\b)[^\n]*?\b([0-9A-Z]{4,10})\b`)

// Code returns the code in the newest message to the address to, waiting up
// to 10 s for it (see WaitFor). Only the text body is searched, in the format
// described at codePattern; the test fails if there is none.
func (s *Server) Code(t testing.TB, to string) string {
	t.Helper()
	d := s.WaitFor(t, to, 10*time.Second)
	m := codePattern.FindStringSubmatch(d.Text)
	if m == nil {
		t.Fatalf("mailtest: no code in the newest message to %s; text:\n%s", to, d.Text)
		return ""
	}
	return m[1]
}

func (s *Server) deliver(d Delivered) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 0, 0}, Message: "mailtest: delivery refused"}
	}
	s.delivered = append(s.delivered, d)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

// session holds one SMTP transaction; go-smtp calls Reset between messages.
type session struct {
	server             *Server
	conn               *smtp.Conn
	username, password string
	from               string
	to                 []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		ss.username, ss.password = username, password
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.server.mu.Lock()
	delay := ss.server.delay
	ss.server.mu.Unlock()
	time.Sleep(delay)
	d := Delivered{
		From:     ss.from,
		To:       append([]string(nil), ss.to...),
		Raw:      raw,
		Username: ss.username,
		Password: ss.password,
	}
	_, d.TLS = ss.conn.TLSConnectionState()
	if err := parse(&d); err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	return ss.server.deliver(d)
}

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
}

func (ss *session) Logout() error { return nil }

// parse fills Header, Subject and Text from Raw.
func parse(d *Delivered) error {
	msg, err := mail.ReadMessage(bytes.NewReader(d.Raw))
	if err != nil {
		return fmt.Errorf("parse message: %w", err)
	}
	d.Header = msg.Header
	dec := new(mime.WordDecoder)
	if d.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return fmt.Errorf("decode subject: %w", err)
	}
	text, err := plainText(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		return err
	}
	d.Text = strings.ReplaceAll(text, "\r\n", "\n")
	return nil
}

// plainText returns the first text/plain part, descending into multiparts.
func plainText(contentType, encoding string, body io.Reader) (string, error) {
	mediaType, params := "text/plain", map[string]string{}
	if contentType != "" {
		var err error
		if mediaType, params, err = mime.ParseMediaType(contentType); err != nil {
			return "", fmt.Errorf("content type %q: %w", contentType, err)
		}
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return "", nil
			}
			if err != nil {
				return "", fmt.Errorf("multipart: %w", err)
			}
			// NextPart decodes quoted-printable itself and then drops
			// Content-Transfer-Encoding, so base64 is what remains to do.
			text, err := plainText(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			if err != nil || text != "" {
				return text, err
			}
		}
	}
	if mediaType != "text/plain" {
		return "", nil
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	case "", "7bit", "8bit", "binary":
	default:
		return "", fmt.Errorf("unknown transfer encoding %q", encoding)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", fmt.Errorf("decode %s body: %w", encoding, err)
	}
	return string(b), nil
}

// newlineStripper drops CR and LF, which base64.NewDecoder would reject
// as soon as a line break lands in an odd place.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	j := 0
	for _, b := range p[:k] {
		if b != '\r' && b != '\n' {
			p[j] = b
			j++
		}
	}
	return j, err
}

func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("mailtest: key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("mailtest: certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("mailtest: certificate: %v", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}
