package shop

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/openentry/openentry"
)

// Code rules: a new code for the same event only after codeResendAfter, and
// the maxCodeAttempts-th wrong try destroys the code.
const (
	codeResendAfter = 30 * time.Second
	maxCodeAttempts = 5
)

var (
	errBadCode      = openentry.Invalid("The code is invalid or expired")
	errTooManyTries = &openentry.RateLimitError{Message: "Too many wrong codes: the code is destroyed, ask for a new one", RetryAfter: codeResendAfter}
)

// codeConfig reads the provider's code settings: length, digits only, time to live.
func codeConfig(p *openentry.AuthProvider) (length int, digitsOnly bool, ttl time.Duration) {
	length = 6
	if n, err := strconv.Atoi(p.Config["systemCodeLength"]); err == nil && n >= 4 && n <= 12 {
		length = n
	}
	digitsOnly = p.Config["systemCodeOnlyNumbers"] != "false"
	return length, digitsOnly, ttlFromConfig(p.Config, "systemCodeTlsSec", 10*time.Minute)
}

// newCode draws a uniformly random code.
func newCode(r io.Reader, length int, digitsOnly bool) (string, error) {
	alphabet := "0123456789"
	if !digitsOnly {
		alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ" // no I or O: they read as 1 and 0
	}
	out := make([]byte, 0, length)
	buf := make([]byte, 1)
	// Rejection sampling keeps every symbol equally likely.
	limit := byte(256 - 256%len(alphabet))
	for len(out) < length {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		if buf[0] < limit {
			out = append(out, alphabet[int(buf[0])%len(alphabet)])
		}
	}
	return string(out), nil
}

// codeDigest is what is stored of a code: an HMAC under a server key, so a
// leaked table does not give codes away to a brute force over 10^6 values.
func (a *Auth) codeDigest(userID int64, event, code string) []byte {
	m := hmac.New(sha256.New, a.CodeKey)
	fmt.Fprintf(m, "%d\x00%s\x00%s", userID, event, code)
	return m.Sum(nil)
}

func providerEvent(p *openentry.AuthProvider, event string) error {
	if event == "" {
		return openentry.Invalid("eventIdentifier should not be empty")
	}
	if !slices.Contains(p.Events, event) {
		return openentry.NotFound(fmt.Sprintf("Event %q with formType \"send_code\" not found", event))
	}
	return nil
}

// errNoCodeUser marks a login with no user; each code call answers it its own way.
var errNoCodeUser = errors.New("no such user")

// codeUserFor resolves what every code call names: an active provider, one
// of its events (when checkEvent), and the user (errNoCodeUser if none).
func (a *Auth) codeUserFor(ctx context.Context, provider, userIdentifier, event string, checkEvent bool) (*openentry.AuthProvider, *openentry.CodeUser, error) {
	p, err := a.store.Provider(ctx, provider)
	if err != nil {
		return nil, nil, err
	}
	if checkEvent {
		if err := providerEvent(p, event); err != nil {
			return nil, nil, err
		}
	}
	u, err := a.store.CodeUser(ctx, p.Identifier, userIdentifier)
	if errors.Is(err, openentry.ErrNotFound) {
		return nil, nil, errNoCodeUser
	}
	return p, u, err
}

// GenerateCode mails a new code for event to the user.
func (a *Auth) GenerateCode(ctx context.Context, provider, userIdentifier, event string) error {
	p, u, err := a.codeUserFor(ctx, provider, userIdentifier, event, true)
	if errors.Is(err, errNoCodeUser) {
		return nil // same answer as for a real user: logins are not disclosed
	}
	if err != nil {
		return err
	}
	if err := a.sendCode(ctx, p, u.ID, u.Email, event, nil); err != nil {
		if errors.Is(err, openentry.ErrTooManyRequests) {
			return err
		}
		return &openentry.Error{Code: openentry.ErrUpstream, Message: "The code could not be sent", Cause: err}
	}
	return nil
}

// sendCode stores a fresh code (refused within codeResendAfter of the last
// one) and mails it. The code is stored first so a mail that arrives is
// always valid; if mailing fails it is removed so the user may ask again.
// A staff resend passes its audit, journaled with the code.
func (a *Auth) sendCode(ctx context.Context, p *openentry.AuthProvider, userID int64, email, event string, audit *openentry.Audit) error {
	length, digitsOnly, ttl := codeConfig(p)
	code, err := newCode(a.Random, length, digitsOnly)
	if err != nil {
		return err
	}
	digest := a.codeDigest(userID, event, code)
	wait, err := a.store.PutCode(ctx, openentry.NewCode{UserID: userID, Event: event, Digest: digest, TTL: ttl, ResendAfter: codeResendAfter, Audit: audit})
	if err != nil {
		return err
	}
	if wait > 0 {
		return &openentry.RateLimitError{Message: "A code was sent less than 30 seconds ago", RetryAfter: wait}
	}
	subject := "Your code"
	switch event {
	case openentry.EventRegistration:
		subject = "Confirm your registration"
	case openentry.EventReset:
		subject = "Reset your password"
	}
	err = a.Mailer.Send(ctx, openentry.Message{
		To:      email,
		Subject: subject,
		Text:    fmt.Sprintf("Your code: %s\n\nIt is valid for %d minutes. If you did not ask for it, ignore this message.\n", code, int(ttl.Minutes())),
	})
	if err != nil {
		_ = a.store.DeleteCode(context.WithoutCancel(ctx), userID, event, digest)
		return err
	}
	return nil
}

// useCode checks a code and, when it is right, does what use says.
func (a *Auth) useCode(ctx context.Context, userID int64, event, code string, use openentry.CodeUse) error {
	use.UserID, use.Event, use.Digest, use.MaxAttempts = userID, event, a.codeDigest(userID, event, code), maxCodeAttempts
	result, err := a.store.UseCode(ctx, use)
	if err != nil {
		return err
	}
	switch result {
	case openentry.CodeRight:
		return nil
	case openentry.CodeDestroyed:
		return errTooManyTries
	}
	return errBadCode
}

// CheckCode verifies a code without using it up.
func (a *Auth) CheckCode(ctx context.Context, provider, userIdentifier, event, code string) error {
	_, u, err := a.codeUserFor(ctx, provider, userIdentifier, event, true)
	if errors.Is(err, errNoCodeUser) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	return a.useCode(ctx, u.ID, event, code, openentry.CodeUse{})
}

// Activate uses up a registration code and activates the user.
func (a *Auth) Activate(ctx context.Context, provider, userIdentifier, code string) error {
	_, u, err := a.codeUserFor(ctx, provider, userIdentifier, "", false)
	if errors.Is(err, errNoCodeUser) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	if u.Active {
		return openentry.Invalid("The user is already activated")
	}
	return a.useCode(ctx, u.ID, openentry.EventRegistration, code, openentry.CodeUse{Consume: true, Activate: true})
}

// ChangePassword uses up a code, sets the new password and closes every
// session of the user, so old access and refresh tokens stop working.
func (a *Auth) ChangePassword(ctx context.Context, in openentry.PasswordChange) error {
	if in.Type != 1 && in.Type != 2 {
		return openentry.Invalid("type must be 1 (change) or 2 (recovery)")
	}
	if in.Password2 != "" && in.Password1 != in.Password2 {
		return openentry.Invalid("password1 and password2 differ")
	}
	if err := openentry.CheckPassword(in.Password1); err != nil {
		return err
	}
	_, u, err := a.codeUserFor(ctx, in.Provider, in.UserIdentifier, in.Event, true)
	if errors.Is(err, errNoCodeUser) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	hash, err := a.Hasher.Hash(ctx, in.Address, in.Password1)
	if err != nil {
		return err
	}
	return a.useCode(ctx, u.ID, in.Event, in.Code, openentry.CodeUse{Consume: true, PasswordHash: hash})
}
