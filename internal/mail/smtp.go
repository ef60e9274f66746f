// Package mail sends OpenEntry's email (activation and reset codes) through an
// SMTP server, or, for local development, writes it to the log.
package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/openentry/openentry"
)

var _ openentry.Mailer = (*SMTP)(nil)

// SMTP sends each message over its own connection, which is plenty for the
// few codes a sign-up flow sends and leaves no idle connection to go stale.
type SMTP struct {
	host        string
	port        int
	implicitTLS bool
	username    string
	password    string
	from        *netmail.Address
	timeout     time.Duration
	rootCAs     *x509.CertPool // nil means the system roots; tests swap in their own
}

// NewSMTP parses smtp://[user[:pass]@]host[:port] (default port 25; STARTTLS
// when offered) or smtps://… (TLS from the start, default port 465). User
// and password are URL-decoded; without a user no AUTH is attempted, which
// suits a local relay. from is the sender, e.g. "Shop <noreply@shop.example>".
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, parseError(err)
	}
	s := &SMTP{timeout: 10 * time.Second}
	switch u.Scheme {
	case "smtp":
		s.port = 25
	case "smtps":
		s.port, s.implicitTLS = 465, true
	default:
		return nil, fmt.Errorf("mail: SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("mail: SMTP URL must be scheme://[user[:password]@]host[:port] with nothing after the port")
	}
	if s.host = u.Hostname(); s.host == "" {
		return nil, errors.New("mail: SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("mail: SMTP URL port %q: want 1–65535", p)
		}
	}
	if u.User != nil {
		s.username = u.User.Username()
		s.password, _ = u.User.Password()
		if s.username == "" && s.password != "" {
			return nil, errors.New("mail: SMTP URL has a password but no user")
		}
	}
	if s.from, err = netmail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("mail: from address %q: %w", from, err)
	}
	return s, nil
}

// parseError drops the URL from url.Parse's message, since it may hold the
// password and config errors end up in logs.
func parseError(err error) error {
	var uerr *url.Error
	if !errors.As(err, &uerr) {
		return errors.New("mail: SMTP URL does not parse")
	}
	var esc url.EscapeError
	if errors.As(uerr.Err, &esc) {
		return errors.New("mail: SMTP URL has a bad %-escape (not shown: it may be in the password)")
	}
	return fmt.Errorf("mail: SMTP URL does not parse: %v", uerr.Err)
}

// String is the URL with the password masked, safe for logs.
func (s *SMTP) String() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(s.host, strconv.Itoa(s.port))}
	if s.implicitTLS {
		u.Scheme = "smtps"
	}
	switch {
	case s.password != "":
		u.User = url.UserPassword(s.username, "xxxxx")
	case s.username != "":
		u.User = url.User(s.username)
	}
	return u.String()
}

// LogValue keeps slog's JSON handler from printing the struct (it would show
// nothing useful) and any future handler from printing the password.
func (s *SMTP) LogValue() slog.Value { return slog.StringValue(s.String()) }

// GoString keeps %#v from printing the password.
func (s *SMTP) GoString() string { return "mail.SMTP(" + s.String() + ")" }

// Send delivers m. A server that refuses, fails or cannot be reached gives an
// error wrapping openentry.ErrUpstream; a bad recipient or a subject with a
// line break wraps openentry.ErrInvalid; if ctx ends first, the error wraps
// ctx.Err() instead, and the connection is closed at once.
func (s *SMTP) Send(ctx context.Context, m openentry.Message) error {
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("mail: recipient %q: %w: %v", m.To, openentry.ErrInvalid, err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("mail: subject contains a line break: %w", openentry.ErrInvalid)
	}
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.ID != "" {
		if strings.ContainsAny(m.ID, "<>@ \r\n") {
			return fmt.Errorf("mail: message id %q: %w", m.ID, openentry.ErrInvalid)
		}
		msg.SetMessageIDWithValue(m.ID + "@" + s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:])
	}

	// go-mail watches ctx only while dialling; closing the connection when
	// ctx ends also aborts a server that stalls mid-conversation.
	stop := func() bool { return false }
	tlsConfig := &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12, RootCAs: s.rootCAs}
	dial := func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{}
		var conn net.Conn
		var err error
		if s.implicitTLS {
			// Dialled here rather than with gomail.WithSSL, which a custom
			// dial function would switch off.
			conn, err = (&tls.Dialer{NetDialer: d, Config: tlsConfig}).DialContext(dialCtx, network, addr)
		} else {
			conn, err = d.DialContext(dialCtx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		stop = context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(s.timeout),
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(tlsConfig),
		// Use STARTTLS when offered, so a plain local relay still works.
		gomail.WithTLSPolicy(gomail.TLSOpportunistic),
	}
	if s.username != "" {
		// go-mail's auto-discovery never picks PLAIN or LOGIN before TLS is up,
		// so a relay on localhost offering only PLAIN would fail. Asked for by
		// name, both still refuse to send the password unencrypted to any
		// host other than localhost/127.0.0.1/::1.
		opts = append(opts,
			gomail.WithUsername(s.username),
			gomail.WithPassword(s.password),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
		)
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("mail: configure SMTP client for %s: %w", s, err)
	}
	err = client.DialAndSendWithContext(ctx, msg)
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("mail: send via %s: %w", s, ctx.Err())
		}
		return fmt.Errorf("mail: send via %s: %w: %w", s, openentry.ErrUpstream, err)
	}
	return nil
}
