package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
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
func (s *AuthService) codeDigest(userID int64, event, code string) []byte {
	m := hmac.New(sha256.New, s.CodeKey)
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

type codeUser struct {
	id     int64
	email  string
	active bool
}

// findCodeUser looks a user up by login for the code calls; deleted users are gone.
func (s *AuthService) findCodeUser(ctx context.Context, q queryer, provider, login string) (*codeUser, error) {
	var u codeUser
	err := q.QueryRowContext(ctx, `SELECT id, notification_email, is_active FROM users
		WHERE provider = ? AND identifier_folded = ? AND deleted_ms IS NULL`, provider, foldLogin(login)).Scan(&u.id, &u.email, &u.active)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// codeUserFor resolves what every code call names: an active provider, one
// of its events (skipped when event is ""), and the user. A user that does
// not exist is sql.ErrNoRows, which each caller answers its own way.
func (s *AuthService) codeUserFor(ctx context.Context, provider, userIdentifier, event string, checkEvent bool) (*openentry.AuthProvider, *codeUser, error) {
	p, err := findProvider(ctx, s.db, provider)
	if err != nil {
		return nil, nil, err
	}
	if checkEvent {
		if err := providerEvent(p, event); err != nil {
			return nil, nil, err
		}
	}
	u, err := s.findCodeUser(ctx, s.db, p.Identifier, userIdentifier)
	return p, u, err
}

// GenerateCode mails a new code for event to the user.
func (s *AuthService) GenerateCode(ctx context.Context, provider, userIdentifier, event string) error {
	p, u, err := s.codeUserFor(ctx, provider, userIdentifier, event, true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // same answer as for a real user: logins are not disclosed
	}
	if err != nil {
		return err
	}
	if err := s.sendCode(ctx, p, u.id, u.email, event); err != nil {
		if errors.Is(err, openentry.ErrTooManyRequests) {
			return err
		}
		return &openentry.Error{Code: openentry.ErrUpstream, Message: "The code could not be sent", Cause: err}
	}
	return nil
}

// sendCode stores a fresh code (refusing within codeResendAfter of the last
// one) and mails it. The code is stored first so a mail that arrives is
// always valid; if mailing fails it is removed so the user may ask again.
func (s *AuthService) sendCode(ctx context.Context, p *openentry.AuthProvider, userID int64, email, event string) error {
	length, digitsOnly, ttl := codeConfig(p)
	code, err := newCode(s.Random, length, digitsOnly)
	if err != nil {
		return err
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var createdMS int64
	err = tx.QueryRowContext(ctx, `SELECT created_ms FROM user_codes WHERE user_id = ? AND event = ?`, userID, event).Scan(&createdMS)
	if err == nil {
		if wait := time.Duration(createdMS+codeResendAfter.Milliseconds()-tx.nowMS) * time.Millisecond; wait > 0 {
			return &openentry.RateLimitError{Message: "A code was sent less than 30 seconds ago", RetryAfter: wait}
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	digest := s.codeDigest(userID, event, code)
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = ? AND event = ?`, userID, event); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_codes (user_id, event, digest, attempts, created_ms, expires_ms)
		VALUES (?, ?, ?, 0, ?, ?)`, userID, event, digest, tx.nowMS, tx.now.Add(ttl).UnixMilli()); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	subject := "Your code"
	switch event {
	case openentry.EventRegistration:
		subject = "Confirm your registration"
	case openentry.EventReset:
		subject = "Reset your password"
	}
	err = s.Mailer.Send(ctx, openentry.Message{
		To:      email,
		Subject: subject,
		Text:    fmt.Sprintf("Your code: %s\n\nIt is valid for %d minutes. If you did not ask for it, ignore this message.\n", code, int(ttl.Minutes())),
	})
	if err != nil {
		// Only this code's row: a newer one may have replaced it meanwhile.
		_, _ = s.db.ExecContext(context.WithoutCancel(ctx), `DELETE FROM user_codes WHERE user_id = ? AND event = ? AND digest = ?`, userID, event, digest)
		return err
	}
	return nil
}

// useCode checks code in tx, counting a wrong try (committed even though the
// check fails) and deleting the code when consume is set or tries run out.
func (s *AuthService) useCode(ctx context.Context, userID int64, event, code string, consume bool, then func(*tx) error) error {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var (
		digest              []byte
		attempts, expiresMS int64
	)
	err = tx.QueryRowContext(ctx, `SELECT digest, attempts, expires_ms FROM user_codes WHERE user_id = ? AND event = ?`,
		userID, event).Scan(&digest, &attempts, &expiresMS)
	if errors.Is(err, sql.ErrNoRows) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	if tx.nowMS >= expiresMS {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = ? AND event = ?`, userID, event); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		return errBadCode
	}
	if !hmac.Equal(digest, s.codeDigest(userID, event, code)) {
		// Counted in the UPDATE, so concurrent wrong tries are all counted.
		if err := tx.QueryRowContext(ctx, `UPDATE user_codes SET attempts = attempts + 1 WHERE user_id = ? AND event = ?
			RETURNING attempts`, userID, event).Scan(&attempts); err != nil {
			return err
		}
		if attempts >= maxCodeAttempts {
			if _, err := tx.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = ? AND event = ?`, userID, event); err != nil {
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		if attempts >= maxCodeAttempts {
			return errTooManyTries
		}
		return errBadCode
	}
	if consume {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = ? AND event = ?`, userID, event); err != nil {
			return err
		}
	}
	if then != nil {
		if err := then(tx); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// CheckCode verifies a code without using it up.
func (s *AuthService) CheckCode(ctx context.Context, provider, userIdentifier, event, code string) error {
	_, u, err := s.codeUserFor(ctx, provider, userIdentifier, event, true)
	if errors.Is(err, sql.ErrNoRows) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	return s.useCode(ctx, u.id, event, code, false, nil)
}

// Activate uses up a registration code and activates the user.
func (s *AuthService) Activate(ctx context.Context, provider, userIdentifier, code string) error {
	_, u, err := s.codeUserFor(ctx, provider, userIdentifier, "", false)
	if errors.Is(err, sql.ErrNoRows) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	if u.active {
		return openentry.Invalid("The user is already activated")
	}
	return s.useCode(ctx, u.id, openentry.EventRegistration, code, true, func(tx *tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET is_active = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND archived_ms IS NULL`, true, tx.nowMS, u.id)
		return err
	})
}

// ChangePassword uses up a code, sets the new password and closes every
// session of the user, so old access and refresh tokens stop working.
func (s *AuthService) ChangePassword(ctx context.Context, in openentry.PasswordChange) error {
	if in.Type != 1 && in.Type != 2 {
		return openentry.Invalid("type must be 1 (change) or 2 (recovery)")
	}
	if in.Password2 != "" && in.Password1 != in.Password2 {
		return openentry.Invalid("password1 and password2 differ")
	}
	if err := checkPassword(in.Password1); err != nil {
		return err
	}
	_, u, err := s.codeUserFor(ctx, in.Provider, in.UserIdentifier, in.Event, true)
	if errors.Is(err, sql.ErrNoRows) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, in.Password1)
	if err != nil {
		return err
	}
	return s.useCode(ctx, u.id, in.Event, in.Code, true, func(tx *tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
			hash, tx.nowMS, u.id); err != nil {
			return err
		}
		return closeSessions(ctx, tx, u.id, 0)
	})
}

// closeSessions revokes every open session of a user except keep (0: none).
func closeSessions(ctx context.Context, tx *tx, userID, keep int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE user_sessions SET revoked_ms = ? WHERE user_id = ? AND id <> ? AND revoked_ms IS NULL`,
		tx.nowMS, userID, keep)
	return err
}

func checkPassword(pw string) error {
	if len(pw) < openentry.MinPasswordLength || len(pw) > 1024 {
		return openentry.Invalid(fmt.Sprintf("password must have %d to 1024 characters", openentry.MinPasswordLength))
	}
	return nil
}
