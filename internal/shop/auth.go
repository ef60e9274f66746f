package shop

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/openentry/openentry"
)

// Auth registers users, logs them in and manages their sessions, tokens,
// one-time codes and profiles.
type Auth struct {
	store openentry.Store
	AuthDeps
}

// AuthDeps are what Auth needs besides the store.
type AuthDeps struct {
	Hasher  openentry.PasswordHasher
	Tokens  openentry.TokenIssuer
	Mailer  openentry.Mailer       // delivers one-time codes
	Limiter openentry.LoginLimiter // counts failed logins
	CodeKey []byte                 // HMAC key codes are stored under
	Random  io.Reader              // for codes; crypto/rand if nil
	// SignUpsPerAddress and SignUpsPerLogin bound sign-ups, each of which
	// costs a password hash; nil: no limit.
	SignUpsPerAddress openentry.RequestLimiter
	SignUpsPerLogin   openentry.RequestLimiter
	// RefreshReuseWindow is how long a rotated refresh token still yields
	// the pair its rotation made; zero: DefaultRefreshReuseWindow.
	RefreshReuseWindow time.Duration
}

var (
	_ openentry.AuthService = (*Auth)(nil)
	_ openentry.UserService = (*Auth)(nil)
)

// NewAuth returns the auth and user use cases over store.
func NewAuth(store openentry.Store, deps AuthDeps) *Auth {
	if deps.Random == nil {
		deps.Random = rand.Reader
	}
	if deps.RefreshReuseWindow <= 0 {
		deps.RefreshReuseWindow = DefaultRefreshReuseWindow
	}
	return &Auth{store: store, AuthDeps: deps}
}

// DefaultRefreshReuseWindow is how long after its rotation a refresh token
// that comes back is taken for a concurrent retry (it gets the same pair)
// rather than a stolen copy (refused, and the session closed). SDK 1.0.149
// sends one refresh per parallel 401, all with the same token, within a
// second or two.
const DefaultRefreshReuseWindow = 10 * time.Second

var (
	// errBadCredentials is one answer for an unknown login and a wrong password.
	errBadCredentials = openentry.Unauthorized("Invalid login or password")
	errBadRefresh     = openentry.Invalid("Refresh token is invalid or expired")
	errSessionClosed  = openentry.Unauthorized("Session is closed")
)

// Providers lists active auth providers.
func (a *Auth) Providers(ctx context.Context, page openentry.Page) ([]openentry.AuthProvider, error) {
	return a.store.Providers(ctx, page)
}

// Provider returns an active provider by marker.
func (a *Auth) Provider(ctx context.Context, marker string) (*openentry.AuthProvider, error) {
	return a.store.Provider(ctx, marker)
}

// providerWithForm loads a provider and its registration form, whose
// attributes say which authData marker is the login and which the password.
func (a *Auth) providerWithForm(ctx context.Context, marker string) (*openentry.AuthProvider, *openentry.Form, error) {
	p, err := a.store.Provider(ctx, marker)
	if err != nil {
		return nil, nil, err
	}
	f, err := a.store.Form(ctx, p.FormIdentifier)
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
	for _, d := range authData {
		switch d.Marker {
		case loginMarker:
			login = d.Value
		case passwordMarker:
			password = d.Value
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

func refreshTTL(p *openentry.AuthProvider) time.Duration {
	return ttlFromConfig(p.Config, "refreshTokenTtlMc", 7*24*time.Hour)
}

func accessTTL(p *openentry.AuthProvider) time.Duration {
	return ttlFromConfig(p.Config, "accessTokenTtlSec", 10*time.Hour)
}

// SignUp registers a user on a provider. Users of a provider that checks
// codes start inactive and are mailed an activation code.
func (a *Auth) SignUp(ctx context.Context, in openentry.SignUp) (*openentry.User, error) {
	p, f, err := a.providerWithForm(ctx, in.Provider)
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
	if err := openentry.CheckPassword(password); err != nil {
		return nil, err
	}
	// Limits come before the hash, which is what a flood of sign-ups costs.
	for _, lim := range []struct {
		limiter openentry.RequestLimiter
		key     string
	}{{a.SignUpsPerAddress, in.Device.Address}, {a.SignUpsPerLogin, p.Identifier + "\x00" + openentry.FoldLogin(login)}} {
		if lim.limiter == nil {
			continue
		}
		if wait, ok := lim.limiter.Allow(lim.key); !ok {
			return nil, &openentry.RateLimitError{Message: "Too many sign-ups; try again later", RetryAfter: wait}
		}
	}
	data, err := f.CheckFormData(in.FormData)
	if err != nil {
		return nil, err
	}
	email := in.NotificationEmail
	if email == "" && p.Type == "email" {
		email = login
	}
	hash, err := a.Hasher.Hash(ctx, in.Device.Address, password)
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
	if err := a.store.InsertUser(ctx, u, hash); err != nil {
		if errors.Is(err, openentry.ErrConflict) {
			return nil, openentry.Invalid("A user with this login already exists")
		}
		return nil, err
	}
	if p.IsCheckCode {
		// The first code goes out with sign-up, as on OneEntry.
		if err := a.sendCode(ctx, p, u.ID, u.NotificationEmail, openentry.EventRegistration, nil); err != nil {
			return nil, &openentry.Error{Code: openentry.ErrUpstream,
				Message: "The account was created, but its activation code could not be sent: ask for a new one with generate-code",
				Cause:   err}
		}
	}
	return u, nil
}

// Auth checks a login and password and opens a session for the device.
// Failed logins are limited per account and per address; a login takes a
// slot before its password is checked, so concurrent guesses cannot all slip
// in before the first failure counts.
func (a *Auth) Auth(ctx context.Context, provider string, authData []openentry.AuthData, device openentry.Device) (*openentry.TokenPair, error) {
	p, f, err := a.providerWithForm(ctx, provider)
	if err != nil {
		return nil, err
	}
	login, password, err := credentials(f, authData)
	if err != nil {
		return nil, err
	}
	// Limits apply before any work, to unknown accounts as to known ones.
	account := p.Identifier + "\x00" + openentry.FoldLogin(login)
	wait, ok := a.Limiter.Reserve(account, device.Address)
	if !ok {
		return nil, &openentry.RateLimitError{Message: "Too many failed logins; try again later", RetryAfter: wait}
	}
	failed := false
	defer func() {
		if !failed {
			a.Limiter.Release(account, device.Address)
		}
	}()
	u, err := a.store.UserLogin(ctx, p.Identifier, login)
	if errors.Is(err, openentry.ErrNotFound) {
		u, err = &openentry.UserLogin{}, nil
	}
	if err != nil {
		return nil, err
	}
	// An unknown user is checked against a dummy hash: same time, same answer.
	ok, err = a.Hasher.Verify(ctx, device.Address, u.PasswordHash, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		failed = true
		return nil, errBadCredentials
	}
	if u.Archived {
		return nil, openentry.Forbidden("User is archived")
	}
	if !u.Active {
		return nil, openentry.Forbidden("User is not activated")
	}
	refresh, err := a.Tokens.NewRefresh()
	if err != nil {
		return nil, err
	}
	sessionID, err := a.store.OpenSession(ctx, openentry.NewSession{
		UserID: u.UserID, Device: device, RefreshDigest: digestOf(refresh), RefreshTTL: refreshTTL(p),
	})
	if err != nil {
		return nil, err
	}
	return a.pair(p, openentry.AccessClaims{UserID: u.UserID, SessionID: sessionID, Provider: p.Identifier, Identifier: u.Identifier}, refresh)
}

// pair mints the access token that goes with a stored refresh token.
func (a *Auth) pair(p *openentry.AuthProvider, c openentry.AccessClaims, refresh string) (*openentry.TokenPair, error) {
	access, err := a.Tokens.IssueAccess(c, accessTTL(p))
	if err != nil {
		return nil, err
	}
	return &openentry.TokenPair{UserIdentifier: c.Identifier, AuthProviderIdentifier: p.Identifier, AccessToken: access, RefreshToken: refresh}, nil
}

// Refresh rotates a refresh token. The token is looked up on its own, not by
// the provider in the path or the device: the JS SDK refreshes through
// provider "email" and with a per-module fingerprint.
func (a *Auth) Refresh(ctx context.Context, refreshToken string, _ openentry.Device) (*openentry.TokenPair, error) {
	if refreshToken == "" {
		return nil, openentry.Invalid("refreshToken should not be empty")
	}
	digest := digestOf(refreshToken)
	owner, err := a.store.RefreshOwner(ctx, digest)
	if errors.Is(err, openentry.ErrNotFound) {
		return nil, errBadRefresh
	}
	if err != nil {
		return nil, err
	}
	p, err := a.store.Provider(ctx, owner.Provider)
	if err != nil {
		return nil, err
	}
	// The successor pair is made before the rotation, so that it can be
	// stored sealed with it for the concurrent retries.
	next, err := a.Tokens.NewRefresh()
	if err != nil {
		return nil, err
	}
	pair, err := a.pair(p, openentry.AccessClaims{UserID: owner.UserID, SessionID: owner.SessionID, Provider: owner.Provider, Identifier: owner.Identifier}, next)
	if err != nil {
		return nil, err
	}
	sealed, err := sealPair(a.Random, refreshToken, pair)
	if err != nil {
		return nil, err
	}
	_, result, successor, err := a.store.RotateRefresh(ctx, openentry.RefreshRotation{
		Old: digest, New: digestOf(next), TTL: refreshTTL(p), ReuseWindow: a.RefreshReuseWindow, Sealed: sealed,
	})
	if err != nil {
		return nil, err
	}
	switch result {
	case openentry.RefreshRotated:
		return pair, nil
	case openentry.RefreshReplayed:
		if pair, err := openPair(refreshToken, successor); err == nil {
			return pair, nil
		}
	}
	return nil, errBadRefresh
}

// sealPair seals a token pair under a key only the old refresh token gives:
// the store keeps it for the reuse window without holding a usable token.
func sealPair(random io.Reader, oldToken string, pair *openentry.TokenPair) ([]byte, error) {
	plain, err := json.Marshal(pair)
	if err != nil {
		return nil, err
	}
	aead, err := pairCipher(oldToken)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(random, nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plain, nil), nil
}

// openPair opens what sealPair sealed.
func openPair(oldToken string, sealed []byte) (*openentry.TokenPair, error) {
	aead, err := pairCipher(oldToken)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("sealed pair too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return nil, err
	}
	var pair openentry.TokenPair
	return &pair, json.Unmarshal(plain, &pair)
}

func pairCipher(oldToken string) (cipher.AEAD, error) {
	key := sha256.Sum256([]byte("openentry refresh successor\x00" + oldToken))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Logout closes the session of refreshToken, which must be the caller's.
// Without a token it closes the session of the access token used.
func (a *Auth) Logout(ctx context.Context, p openentry.Principal, refreshToken string) error {
	var digest []byte
	if refreshToken != "" {
		digest = digestOf(refreshToken)
	}
	err := a.store.CloseSession(ctx, p.UserID, p.SessionID, digest)
	if errors.Is(err, openentry.ErrNotFound) {
		return errBadRefresh
	}
	return err
}

// Authenticate verifies an access token and that its session is still open.
func (a *Auth) Authenticate(ctx context.Context, accessToken string) (*openentry.Principal, error) {
	c, err := a.Tokens.VerifyAccess(accessToken)
	if err != nil {
		return nil, err
	}
	open, err := a.store.SessionOpen(ctx, c.UserID, c.SessionID)
	if err != nil {
		return nil, err
	}
	if !open {
		return nil, errSessionClosed
	}
	return &openentry.Principal{UserID: c.UserID, SessionID: c.SessionID, Provider: c.Provider, Identifier: c.Identifier}, nil
}

// LogoutAll closes every session of p's user.
func (a *Auth) LogoutAll(ctx context.Context, p openentry.Principal) error {
	return a.store.CloseSessions(ctx, p.UserID, 0)
}

// Sessions lists p's user's open sessions, one per device fingerprint.
func (a *Auth) Sessions(ctx context.Context, p openentry.Principal) ([]openentry.DeviceSession, error) {
	return a.store.DeviceSessions(ctx, p.UserID)
}
