package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/openentry/openentry"
)

// AuthService implements openentry.AuthService and openentry.UserService.
type AuthService struct {
	db *DB
	AuthDeps
}

// AuthDeps are what AuthService needs besides the database.
type AuthDeps struct {
	Hasher  openentry.PasswordHasher
	Tokens  openentry.TokenIssuer
	Mailer  openentry.Mailer       // delivers one-time codes
	Limiter openentry.LoginLimiter // counts failed logins
	CodeKey []byte                 // HMAC key codes are stored under
	Random  io.Reader              // for codes; crypto/rand if nil
}

var (
	_ openentry.AuthService = (*AuthService)(nil)
	_ openentry.UserService = (*AuthService)(nil)
)

// NewAuthService returns an AuthService over db.
func NewAuthService(db *DB, deps AuthDeps) *AuthService {
	if deps.Random == nil {
		deps.Random = rand.Reader
	}
	return &AuthService{db: db, AuthDeps: deps}
}

const providerColumns = `id, identifier, type, form_identifier, user_group, is_active, is_check_code, position, localize_infos, config, events`

func scanProvider(row interface{ Scan(...any) error }) (*openentry.AuthProvider, error) {
	var p openentry.AuthProvider
	var infos, config, events string
	if err := row.Scan(&p.ID, &p.Identifier, &p.Type, &p.FormIdentifier, &p.UserGroupIdentifier,
		&p.IsActive, &p.IsCheckCode, &p.Position, &infos, &config, &events); err != nil {
		return nil, err
	}
	if err := fromJSON(infos, &p.LocalizeInfos); err != nil {
		return nil, err
	}
	if err := fromJSON(events, &p.Events); err != nil {
		return nil, err
	}
	return &p, fromJSON(config, &p.Config)
}

// Providers lists active auth providers.
func (s *AuthService) Providers(ctx context.Context, page openentry.Page) ([]openentry.AuthProvider, error) {
	page = clampPage(page)
	rows, err := s.db.QueryContext(ctx, `SELECT `+providerColumns+` FROM auth_providers
		WHERE is_active = ? ORDER BY position, id LIMIT ? OFFSET ?`, true, page.Limit, page.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.AuthProvider{}
	for rows.Next() {
		p, err := scanProvider(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Provider returns an active provider by marker.
func (s *AuthService) Provider(ctx context.Context, marker string) (*openentry.AuthProvider, error) {
	return findProvider(ctx, s.db, marker)
}

func findProvider(ctx context.Context, q queryer, marker string) (*openentry.AuthProvider, error) {
	p, err := scanProvider(q.QueryRowContext(ctx, `SELECT `+providerColumns+` FROM auth_providers
		WHERE identifier = ? AND is_active = ?`, marker, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Auth provider %q not found", marker))
	}
	return p, nil
}

// providerWithForm loads a provider and its registration form, whose
// attributes say which authData marker is the login and which the password.
func (s *AuthService) providerWithForm(ctx context.Context, marker string) (*openentry.AuthProvider, *openentry.Form, error) {
	p, err := findProvider(ctx, s.db, marker)
	if err != nil {
		return nil, nil, err
	}
	f, err := findForm(ctx, s.db, p.FormIdentifier)
	if err != nil {
		return nil, nil, fmt.Errorf("form of provider %q: %w", marker, err)
	}
	if f.LoginAttribute() == nil || f.PasswordAttribute() == nil {
		return nil, nil, fmt.Errorf("form %q of provider %q has no login or password attribute", f.Identifier, marker)
	}
	return p, f, nil
}

func credentials(f *openentry.Form, authData []openentry.AuthData) (login, password string, err error) {
	loginMarker, passwordMarker := f.LoginAttribute().Marker, f.PasswordAttribute().Marker
	for _, a := range authData {
		switch a.Marker {
		case loginMarker:
			login = a.Value
		case passwordMarker:
			password = a.Value
		}
	}
	if login == "" || password == "" {
		return "", "", openentry.Invalid(fmt.Sprintf("authData must hold %q and %q", loginMarker, passwordMarker))
	}
	return login, password, nil
}

func ttlFromConfig(config map[string]string, key string, fallback time.Duration) time.Duration {
	if n, err := strconv.ParseInt(config[key], 10, 64); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return fallback
}

// SignUp registers a user on a provider. Users of a provider that checks
// codes start inactive.
func (s *AuthService) SignUp(ctx context.Context, in openentry.SignUp) (*openentry.User, error) {
	p, f, err := s.providerWithForm(ctx, in.Provider)
	if err != nil {
		return nil, err
	}
	if in.FormIdentifier != "" && in.FormIdentifier != f.Identifier {
		return nil, openentry.Invalid(fmt.Sprintf("Incorrect formIdentifier for provided config: %q", in.FormIdentifier))
	}
	login, password, err := credentials(f, in.AuthData)
	if err != nil {
		return nil, err
	}
	if len(login) > 254 {
		return nil, openentry.Invalid("login is longer than 254 characters")
	}
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	data := openentry.FormData{}
	for lang, fields := range in.FormData {
		checked, err := f.CheckData(fields)
		if err != nil {
			return nil, err
		}
		data[lang] = checked
	}
	if len(data) == 0 {
		if _, err := f.CheckData(nil); err != nil { // required fields
			return nil, err
		}
	}
	email := in.NotificationEmail
	if email == "" && p.Type == "email" {
		email = login
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	u := &openentry.User{
		Identifier: login, Provider: p.Identifier, FormIdentifier: f.Identifier, FormData: data,
		NotificationEmail: email, PhonePush: in.PhonePush, Locale: in.Locale, IsActive: !p.IsCheckCode,
	}
	if u.Locale == "" {
		u.Locale = openentry.DefaultLocale
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if u.ID, err = insertUser(ctx, tx, u, hash); err != nil {
		if isUniqueViolation(err) {
			return nil, openentry.Invalid("A user with this login already exists")
		}
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	if p.IsCheckCode {
		// The first code goes out with sign-up, as on OneEntry.
		if err := s.sendCode(ctx, p, u.ID, u.NotificationEmail, openentry.EventRegistration); err != nil {
			return nil, &openentry.Error{Code: openentry.ErrUpstream,
				Message: "The account was created, but its activation code could not be sent: ask for a new one with generate-code",
				Cause:   err}
		}
	}
	return u, nil
}

func insertUser(ctx context.Context, tx *tx, u *openentry.User, hash string) (int64, error) {
	state := u.State
	if len(state) == 0 {
		state = json.RawMessage(`{}`)
	}
	phones := u.PhonePush
	if phones == nil {
		phones = []string{}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO users (provider, identifier, identifier_folded, password_hash, form_identifier, form_data,
			notification_email, phone_push, locale, state, is_active, version, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id`,
		u.Provider, u.Identifier, foldLogin(u.Identifier), hash, u.FormIdentifier, mustJSON(u.FormData),
		u.NotificationEmail, mustJSON(phones), u.Locale, string(state), u.IsActive, tx.nowMS, tx.nowMS).Scan(&id)
	return id, err
}

// errBadCredentials is one answer for an unknown login and a wrong password.
var errBadCredentials = openentry.Unauthorized("Invalid login or password")

// Auth checks a login and password and opens a session for the device.
func (s *AuthService) Auth(ctx context.Context, provider string, authData []openentry.AuthData, device openentry.Device) (*openentry.TokenPair, error) {
	p, f, err := s.providerWithForm(ctx, provider)
	if err != nil {
		return nil, err
	}
	login, password, err := credentials(f, authData)
	if err != nil {
		return nil, err
	}
	// Limits apply before any work, to unknown accounts as to known ones.
	account := p.Identifier + "\x00" + foldLogin(login)
	wait, ok := s.Limiter.Reserve(account, device.Address)
	if !ok {
		return nil, &openentry.RateLimitError{Message: "Too many failed logins; try again later", RetryAfter: wait}
	}
	failed := false
	defer func() {
		if !failed {
			s.Limiter.Release(account, device.Address)
		}
	}()
	var (
		userID     int64
		identifier string
		hash       string
		active     bool
		archivedMS sql.NullInt64
	)
	err = s.db.QueryRowContext(ctx, `SELECT id, identifier, password_hash, is_active, archived_ms FROM users
		WHERE provider = ? AND identifier_folded = ?`, p.Identifier, foldLogin(login)).Scan(&userID, &identifier, &hash, &active, &archivedMS)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// An unknown user is checked against a dummy hash: same time, same answer.
	ok, err = s.Hasher.Verify(ctx, hash, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		failed = true
		return nil, errBadCredentials
	}
	if archivedMS.Valid {
		return nil, openentry.Forbidden("User is archived")
	}
	if !active {
		return nil, openentry.Forbidden("User is not activated")
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if device.Fingerprint != "" {
		// Signing in again from the same device replaces that device's session.
		if _, err := tx.ExecContext(ctx, `UPDATE user_sessions SET revoked_ms = ?
			WHERE user_id = ? AND fingerprint = ? AND revoked_ms IS NULL`, tx.nowMS, userID, device.Fingerprint); err != nil {
			return nil, err
		}
	}
	info := string(device.Info)
	if info == "" {
		info = "{}"
	}
	var sessionID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO user_sessions (user_id, fingerprint, device_info, created_ms, last_used_ms)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, userID, device.Fingerprint, info, tx.nowMS, tx.nowMS).Scan(&sessionID); err != nil {
		return nil, err
	}
	pair, err := s.issue(ctx, tx, p, openentry.AccessClaims{UserID: userID, SessionID: sessionID, Provider: p.Identifier, Identifier: identifier})
	if err != nil {
		return nil, err
	}
	return pair, tx.Commit()
}

// issue stores a new refresh token for the session and mints an access token.
func (s *AuthService) issue(ctx context.Context, tx *tx, p *openentry.AuthProvider, c openentry.AccessClaims) (*openentry.TokenPair, error) {
	refresh, err := s.Tokens.NewRefresh()
	if err != nil {
		return nil, err
	}
	refreshTTL := ttlFromConfig(p.Config, "refreshTokenTtlMc", 7*24*time.Hour)
	if _, err := tx.ExecContext(ctx, `INSERT INTO refresh_tokens (digest, session_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)`,
		digestOf(refresh), c.SessionID, tx.nowMS, tx.now.Add(refreshTTL).UnixMilli()); err != nil {
		return nil, err
	}
	access, err := s.Tokens.IssueAccess(c, ttlFromConfig(p.Config, "accessTokenTtlSec", 10*time.Hour))
	if err != nil {
		return nil, err
	}
	return &openentry.TokenPair{UserIdentifier: c.Identifier, AuthProviderIdentifier: p.Identifier, AccessToken: access, RefreshToken: refresh}, nil
}

var errBadRefresh = openentry.Invalid("Refresh token is invalid or expired")

// RefreshReuseGrace is how long after its rotation a refresh token that comes
// back is taken for a concurrent retry rather than a stolen copy.
const RefreshReuseGrace = 30 * time.Second

// Refresh rotates a refresh token. The token is looked up on its own, not by
// the provider in the path or the device: the JS SDK refreshes through
// provider "email" and with a per-module fingerprint.
func (s *AuthService) Refresh(ctx context.Context, refreshToken string, device openentry.Device) (*openentry.TokenPair, error) {
	if refreshToken == "" {
		return nil, openentry.Invalid("refreshToken should not be empty")
	}
	digest := digestOf(refreshToken)
	tx, err := s.db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var (
		sessionID, userID, expiresMS int64
		usedMS, revokedMS            sql.NullInt64
		identifier, provider         string
		active                       bool
	)
	err = tx.QueryRowContext(ctx, `
		SELECT t.session_id, t.expires_ms, t.used_ms, s.revoked_ms, u.id, u.identifier, u.provider, u.is_active
		FROM refresh_tokens t JOIN user_sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
		WHERE t.digest = ?`, digest).Scan(&sessionID, &expiresMS, &usedMS, &revokedMS, &userID, &identifier, &provider, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadRefresh
	}
	if err != nil {
		return nil, err
	}
	if usedMS.Valid {
		if tx.nowMS-usedMS.Int64 < RefreshReuseGrace.Milliseconds() {
			// The JS SDK sends one refresh per concurrent 401, all with the
			// same token: the losers of that race are refused, but the
			// session the winner renewed stays open.
			return nil, errBadRefresh
		}
		// A rotated token came back later: someone holds a copy. Close the
		// session so that neither copy yields tokens again.
		if _, err := tx.ExecContext(ctx, `UPDATE user_sessions SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL`, tx.nowMS, sessionID); err != nil {
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		return nil, errBadRefresh
	}
	if revokedMS.Valid || !active || tx.nowMS >= expiresMS {
		return nil, errBadRefresh
	}
	// The used_ms guard makes rotation single-use even if two refreshes race.
	res, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET used_ms = ? WHERE digest = ? AND used_ms IS NULL`, tx.nowMS, digest)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, errBadRefresh
	}
	if _, err := tx.ExecContext(ctx, `UPDATE user_sessions SET last_used_ms = ? WHERE id = ?`, tx.nowMS, sessionID); err != nil {
		return nil, err
	}
	p, err := findProvider(ctx, tx, provider)
	if err != nil {
		return nil, err
	}
	pair, err := s.issue(ctx, tx, p, openentry.AccessClaims{UserID: userID, SessionID: sessionID, Provider: provider, Identifier: identifier})
	if err != nil {
		return nil, err
	}
	return pair, tx.Commit()
}

// Logout closes the session of refreshToken, which must be the caller's.
// Without a token it closes the session of the access token used.
func (s *AuthService) Logout(ctx context.Context, p openentry.Principal, refreshToken string) error {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	sessionID := p.SessionID
	if refreshToken != "" {
		err := tx.QueryRowContext(ctx, `SELECT t.session_id FROM refresh_tokens t JOIN user_sessions s ON s.id = t.session_id
			WHERE t.digest = ? AND s.user_id = ?`, digestOf(refreshToken), p.UserID).Scan(&sessionID)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadRefresh
		}
		if err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE user_sessions SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL`, tx.nowMS, sessionID); err != nil {
		return err
	}
	return tx.Commit()
}

var errSessionClosed = openentry.Unauthorized("Session is closed")

// Authenticate verifies an access token and that its session is still open.
func (s *AuthService) Authenticate(ctx context.Context, accessToken string) (*openentry.Principal, error) {
	c, err := s.Tokens.VerifyAccess(accessToken)
	if err != nil {
		return nil, err
	}
	var open bool
	err = s.db.QueryRowContext(ctx, `SELECT s.revoked_ms IS NULL AND u.is_active FROM user_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.user_id = ?`, c.SessionID, c.UserID).Scan(&open)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !open) {
		return nil, errSessionClosed
	}
	if err != nil {
		return nil, err
	}
	return &openentry.Principal{UserID: c.UserID, SessionID: c.SessionID, Provider: c.Provider, Identifier: c.Identifier}, nil
}

// User returns a user by id.
func (s *AuthService) User(ctx context.Context, id int64) (*openentry.User, error) {
	var u openentry.User
	var formData, phones, state string
	var createdMS, updatedMS int64
	err := s.db.QueryRowContext(ctx, `SELECT id, identifier, provider, form_identifier, form_data, notification_email,
		phone_push, locale, state, is_active, version, created_ms, updated_ms FROM users WHERE id = ?`, id).Scan(
		&u.ID, &u.Identifier, &u.Provider, &u.FormIdentifier, &formData, &u.NotificationEmail,
		&phones, &u.Locale, &state, &u.IsActive, &u.Version, &createdMS, &updatedMS)
	if err != nil {
		return nil, notFound(err, "User not found")
	}
	u.State = json.RawMessage(state)
	u.CreatedAt, u.UpdatedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(updatedMS)
	if err := fromJSON(formData, &u.FormData); err != nil {
		return nil, err
	}
	return &u, fromJSON(phones, &u.PhonePush)
}
