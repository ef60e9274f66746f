package openentry

import (
	"context"
	"encoding/json"
	"time"
)

// AuthProvider is a way users sign up and log in (OneEntry "users-auth-providers").
type AuthProvider struct {
	ID                  int64
	Identifier          string
	Type                string // "email", "phone", "oauth", …
	FormIdentifier      string
	UserGroupIdentifier string
	IsActive            bool
	IsCheckCode         bool // new accounts must be activated with a code
	Position            int64
	LocalizeInfos       Localized
	Config              map[string]string // OneEntry sends every config value as a string
	Events              []string          // code events it sends, e.g. "user_registration", "reset"
}

// AuthData is one credential entry: {"marker":"email_reg","value":"…"}.
type AuthData struct {
	Marker string `json:"marker"`
	Value  string `json:"value"`
}

// Device is what a client says about itself in x-device-metadata. It is
// recorded, never used to refuse a request: the JS SDK sends a different
// fingerprint from each module.
type Device struct {
	Fingerprint string
	Info        json.RawMessage
	Address     string // the client's IP address, for rate limits
}

// TokenPair is the answer to auth and refresh.
type TokenPair struct {
	UserIdentifier         string `json:"userIdentifier"`
	AuthProviderIdentifier string `json:"authProviderIdentifier"`
	AccessToken            string `json:"accessToken"`
	RefreshToken           string `json:"refreshToken"`
}

// Principal is the signed-in user behind an access token.
type Principal struct {
	UserID     int64
	SessionID  int64
	Provider   string
	Identifier string
}

// SignUp is a registration request.
type SignUp struct {
	Provider          string
	FormIdentifier    string
	AuthData          []AuthData
	FormData          FormData
	NotificationEmail string
	PhonePush         []string
	Locale            string
	Device            Device
}

// AuthService registers users and manages their sessions and tokens.
type AuthService interface {
	// Providers lists active auth providers.
	Providers(ctx context.Context, page Page) ([]AuthProvider, error)
	// Provider returns an active provider; ErrNotFound otherwise.
	Provider(ctx context.Context, marker string) (*AuthProvider, error)
	// SignUp creates a user. ErrNotFound for an unknown provider, ErrInvalid
	// for bad data or a login that is taken.
	SignUp(ctx context.Context, in SignUp) (*User, error)
	// Auth checks credentials and opens a session. ErrUnauthorized for an
	// unknown login or a wrong password alike.
	Auth(ctx context.Context, provider string, authData []AuthData, device Device) (*TokenPair, error)
	// Refresh rotates a refresh token. ErrInvalid for an unknown, expired or
	// already used token; reuse, unless it comes right after the rotation
	// (concurrent retries of one client), also closes the session.
	Refresh(ctx context.Context, refreshToken string, device Device) (*TokenPair, error)
	// Logout closes the session that owns refreshToken, which must belong to p.
	Logout(ctx context.Context, p Principal, refreshToken string) error
	// Authenticate verifies an access token. ErrUnauthorized if it is
	// malformed, forged, expired or its session is closed.
	Authenticate(ctx context.Context, accessToken string) (*Principal, error)
	// LogoutAll closes every session of p's user.
	LogoutAll(ctx context.Context, p Principal) error
	// Sessions lists the open sessions of p's user, one per device.
	Sessions(ctx context.Context, p Principal) ([]DeviceSession, error)

	// GenerateCode mails a one-time code for event to the user. ErrNotFound
	// for an unknown provider or event; *RateLimitError within 30 s of the
	// last code. An unknown user gets the same answer and no mail.
	GenerateCode(ctx context.Context, provider, userIdentifier, event string) error
	// CheckCode verifies a code without using it up. ErrInvalid for a wrong
	// or expired code; *RateLimitError (and the code is destroyed) at the
	// fifth wrong attempt.
	CheckCode(ctx context.Context, provider, userIdentifier, event, code string) error
	// Activate uses up a registration code and activates the user.
	Activate(ctx context.Context, provider, userIdentifier, code string) error
	// ChangePassword uses up a code, sets a new password and closes every
	// session of the user.
	ChangePassword(ctx context.Context, in PasswordChange) error
}

// Code events. Providers name the events they send codes for; activation
// always uses EventRegistration.
const (
	EventRegistration = "user_registration"
	EventReset        = "reset"
)

// PasswordChange is a code-confirmed password change (Type 1) or recovery (Type 2).
type PasswordChange struct {
	Address        string // the client's, for fair hashing
	Provider       string
	UserIdentifier string
	Event          string
	Code           string
	Type           int
	Password1      string
	Password2      string
}

// DeviceSession is one device a user is signed in on.
type DeviceSession struct {
	Fingerprint string
	DeviceInfo  json.RawMessage
	CreatedAt   time.Time
	LastUsedAt  time.Time
}

// LoginLimiter counts failed logins per account and per client address. A
// login takes a slot before its password is checked, so that concurrent
// guesses cannot all slip in before the first failure is counted; a login
// that did not fail gives its slot back.
type LoginLimiter interface {
	// Reserve counts a login to account from address, or reports how long to
	// wait if either has no room left.
	Reserve(account, address string) (retryAfter time.Duration, ok bool)
	// Release gives back a reservation whose login did not fail.
	Release(account, address string)
}

// AccessClaims are what an access token says about its bearer.
type AccessClaims struct {
	UserID     int64
	SessionID  int64
	Provider   string
	Identifier string
}

// PasswordHasher hashes and checks passwords. Hashing is slow by design, so
// it is shared between clients: client names who asks (an address; "" for
// the server's own work, such as seeding), and a client with too much
// waiting gets a *RateLimitError instead of delaying everyone else.
type PasswordHasher interface {
	// Hash returns a self-describing hash of password.
	Hash(ctx context.Context, client, password string) (string, error)
	// Verify reports whether password matches hash. An empty hash stands for
	// an unknown user and must cost as much time as a real check.
	Verify(ctx context.Context, client, hash, password string) (bool, error)
}

// RequestLimiter bounds how often one key (an address, a login) may do a
// thing within a window.
type RequestLimiter interface {
	// Allow counts one more for key, or says how long to wait when it has
	// no room left.
	Allow(key string) (retryAfter time.Duration, ok bool)
}

// TokenIssuer mints and verifies access tokens and makes refresh tokens.
type TokenIssuer interface {
	// IssueAccess returns a signed access token carrying c, valid for ttl.
	IssueAccess(c AccessClaims, ttl time.Duration) (string, error)
	// VerifyAccess returns the claims of a valid, unexpired token, or ErrUnauthorized.
	VerifyAccess(token string) (AccessClaims, error)
	// NewRefresh returns a random opaque refresh token.
	NewRefresh() (string, error)
}
