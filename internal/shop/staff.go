package shop

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openentry/openentry"
)

// Staff signs staff in and out, checks their sessions and API keys, and
// manages staff accounts and keys. Every write is journaled by the store in
// its transaction.
type Staff struct {
	store openentry.Store
	StaffDeps
}

// StaffDeps are what Staff needs besides the store.
type StaffDeps struct {
	Hasher  openentry.PasswordHasher // the same pool as shop users'
	Limiter openentry.LoginLimiter   // failed sign-ins, per account and address
	Random  io.Reader
	Now     func() time.Time
	// CSRFKey derives each session's CSRF token from its cookie token, so
	// that the dashboard can render it into forms without storing it.
	CSRFKey    []byte
	SessionTTL time.Duration // zero: DefaultStaffSessionTTL
}

// DefaultStaffSessionTTL is how long a dashboard session lasts.
const DefaultStaffSessionTTL = 12 * time.Hour

// MinStaffPassword is the shortest staff password accepted.
const MinStaffPassword = 10

// NewStaff returns the staff use cases.
func NewStaff(store openentry.Store, deps StaffDeps) *Staff {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.SessionTTL <= 0 {
		deps.SessionTTL = DefaultStaffSessionTTL
	}
	return &Staff{store: store, StaffDeps: deps}
}

var errStaffCredentials = openentry.Unauthorized("Invalid email or password")

// StaffSignIn is a new dashboard session: the cookie's token and the CSRF
// token the dashboard sends back in a header or form field. Only the
// token's digest is stored.
type StaffSignIn struct {
	Staff     openentry.Staff
	Token     string
	CSRFToken string
	ExpiresAt time.Time
}

// NewAccount is a staff account to create.
type NewAccount struct {
	Email, Name, Password string
	Role                  openentry.Role
}

func (s *Staff) secret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.Random, b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

func (n *NewAccount) check() error {
	addr, err := mail.ParseAddress(n.Email)
	if err != nil || addr.Address != strings.TrimSpace(n.Email) || len(n.Email) > 254 {
		return openentry.Invalid(fmt.Sprintf("email %q is not an address", n.Email))
	}
	n.Email = strings.TrimSpace(n.Email)
	if _, err := openentry.ParseRole(string(n.Role)); err != nil {
		return err
	}
	if n.Name == "" {
		n.Name, _, _ = strings.Cut(n.Email, "@")
	}
	if !utf8.ValidString(n.Name) || utf8.RuneCountInString(n.Name) > 100 {
		return openentry.Invalid("name must be valid UTF-8 of at most 100 characters")
	}
	return checkStaffPassword(n.Password)
}

func checkStaffPassword(p string) error {
	if utf8.RuneCountInString(p) < MinStaffPassword || len(p) > 256 || !utf8.ValidString(p) {
		return openentry.Invalid(fmt.Sprintf("password must be %d to 256 characters", MinStaffPassword))
	}
	return nil
}

// Bootstrap creates a staff account from the server's command line, which
// needs no sign-in: that is how the first owner comes to be.
func (s *Staff) Bootstrap(ctx context.Context, n NewAccount) (*openentry.Staff, error) {
	return s.create(ctx, n, openentry.Audit{Actor: openentry.Actor{Kind: openentry.ActorSystem, Name: "openentry admin create"}, Action: "staff.create"})
}

// Invite creates a staff account; owners only.
func (s *Staff) Invite(ctx context.Context, by openentry.Actor, n NewAccount) (*openentry.Staff, error) {
	if err := by.Can(openentry.PermStaff); err != nil {
		return nil, err
	}
	return s.create(ctx, n, openentry.Audit{Actor: by, Action: "staff.create"})
}

func (s *Staff) create(ctx context.Context, n NewAccount, a openentry.Audit) (*openentry.Staff, error) {
	if err := n.check(); err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(ctx, a.Actor.Address, n.Password)
	if err != nil {
		return nil, err
	}
	m := &openentry.Staff{Email: n.Email, Name: n.Name, Role: n.Role}
	if err := s.store.InsertStaff(ctx, m, hash, a); err != nil {
		return nil, err
	}
	return m, nil
}

// SignIn checks a staff member's email and password and opens a session.
// Failed sign-ins are limited as shop users' are, and an unknown email
// costs the same hash check as a wrong password.
func (s *Staff) SignIn(ctx context.Context, email, password, address, userAgent string) (*StaffSignIn, error) {
	account := "staff\x00" + openentry.FoldLogin(email)
	wait, ok := s.Limiter.Reserve(account, address)
	if !ok {
		return nil, &openentry.RateLimitError{Message: "Too many failed sign-ins; try again later", RetryAfter: wait}
	}
	failed := false
	defer func() {
		if !failed {
			s.Limiter.Release(account, address)
		}
	}()
	l, err := s.store.StaffByEmail(ctx, email)
	if errors.Is(err, openentry.ErrNotFound) {
		l, err = &openentry.StaffLogin{}, nil
	}
	if err != nil {
		return nil, err
	}
	ok, err = s.Hasher.Verify(ctx, address, l.PasswordHash, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		failed = true
		return nil, errStaffCredentials
	}
	if l.Staff.Disabled {
		return nil, openentry.Forbidden("Staff account is disabled")
	}
	token, err := s.secret("oes_")
	if err != nil {
		return nil, err
	}
	if len(userAgent) > 300 || !utf8.ValidString(userAgent) {
		userAgent = strings.ToValidUTF8(userAgent[:min(len(userAgent), 300)], "")
	}
	if _, err := s.store.OpenStaffSession(ctx, openentry.NewStaffSession{StaffID: l.Staff.ID, TokenDigest: digestOf(token),
		TTL: s.SessionTTL, Address: address, UserAgent: userAgent}); err != nil {
		return nil, err
	}
	return &StaffSignIn{Staff: l.Staff, Token: token, CSRFToken: s.CSRFToken(token), ExpiresAt: s.Now().Add(s.SessionTTL)}, nil
}

// CSRFToken is the CSRF token of a session token: an HMAC of it.
func (s *Staff) CSRFToken(token string) string {
	m := hmac.New(sha256.New, s.CSRFKey)
	m.Write([]byte(token))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Session returns the actor of a dashboard session token. A write must
// also present the session's CSRF token (csrf non-empty checks it).
func (s *Staff) Session(ctx context.Context, token, csrf string, write bool) (*openentry.Actor, error) {
	ss, err := s.store.StaffSession(ctx, digestOf(token))
	if errors.Is(err, openentry.ErrNotFound) {
		return nil, openentry.Unauthorized("Sign in again: the session is closed or expired")
	}
	if err != nil {
		return nil, err
	}
	if write && subtle.ConstantTimeCompare([]byte(csrf), []byte(s.CSRFToken(token))) != 1 {
		return nil, openentry.Forbidden("Missing or wrong X-CSRF-Token header")
	}
	return &openentry.Actor{Kind: openentry.ActorStaff, ID: ss.Staff.ID, Name: ss.Staff.Email, Role: ss.Staff.Role, SessionID: ss.ID}, nil
}

// Key returns the actor of an API key.
func (s *Staff) Key(ctx context.Context, key string) (*openentry.Actor, error) {
	if !strings.HasPrefix(key, openentry.APIKeyPrefix) {
		return nil, openentry.Unauthorized("Not an admin API key")
	}
	k, err := s.store.APIKeyByDigest(ctx, digestOf(key))
	if errors.Is(err, openentry.ErrNotFound) {
		return nil, openentry.Unauthorized("API key is unknown or revoked")
	}
	if err != nil {
		return nil, err
	}
	return &openentry.Actor{Kind: openentry.ActorAPIKey, ID: k.ID, Name: k.Name, Role: k.Role}, nil
}

// EndSession closes the session of a token, if it is open: a sign-in made
// from a browser that still holds a session replaces it.
func (s *Staff) EndSession(ctx context.Context, token string) error {
	ss, err := s.store.StaffSession(ctx, digestOf(token))
	if errors.Is(err, openentry.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.CloseStaffSession(ctx, ss.ID)
}

// SignOut closes the actor's dashboard session.
func (s *Staff) SignOut(ctx context.Context, by openentry.Actor) error {
	if by.SessionID == 0 {
		return nil
	}
	return s.store.CloseStaffSession(ctx, by.SessionID)
}

// Me returns the actor's own account (nil for an API key).
func (s *Staff) Me(ctx context.Context, by openentry.Actor) (*openentry.Staff, error) {
	if by.Kind != openentry.ActorStaff {
		return nil, nil
	}
	return s.store.StaffMember(ctx, by.ID)
}

// List lists staff accounts; owners only, since it shows who can do what.
func (s *Staff) List(ctx context.Context, by openentry.Actor) ([]openentry.Staff, error) {
	if err := by.Can(openentry.PermStaff); err != nil {
		return nil, err
	}
	return s.store.ListStaff(ctx)
}

// AccountChange is a change an owner makes to a staff account.
type AccountChange struct {
	Version  int64
	Role     *openentry.Role
	Name     *string
	Disabled *bool
	Password *string
}

// Update changes a staff account at version; owners only, except that a
// member may change their own name and password.
func (s *Staff) Update(ctx context.Context, by openentry.Actor, id int64, c AccountChange) (*openentry.Staff, error) {
	self := by.Kind == openentry.ActorStaff && by.ID == id
	if err := by.Can(openentry.PermStaff); err != nil && (!self || c.Role != nil || c.Disabled != nil) {
		return nil, err
	}
	if c.Version <= 0 {
		return nil, openentry.Invalid("version is required: the version of the account as read")
	}
	if c.Role != nil {
		if _, err := openentry.ParseRole(string(*c.Role)); err != nil {
			return nil, err
		}
	}
	if c.Name != nil && (*c.Name == "" || !utf8.ValidString(*c.Name) || utf8.RuneCountInString(*c.Name) > 100) {
		return nil, openentry.Invalid("name must be valid UTF-8 of 1 to 100 characters")
	}
	sc := openentry.StaffChange{ID: id, Version: c.Version, Role: c.Role, Name: c.Name, Disabled: c.Disabled}
	if c.Password != nil {
		if err := checkStaffPassword(*c.Password); err != nil {
			return nil, err
		}
		hash, err := s.Hasher.Hash(ctx, by.Address, *c.Password)
		if err != nil {
			return nil, err
		}
		sc.PasswordHash = hash
	}
	return s.store.UpdateStaff(ctx, sc, openentry.Audit{Actor: by, Action: "staff.update"})
}

// NewKey is an API key as created: the key itself is shown this once.
type NewKey struct {
	openentry.APIKey
	Key string
}

// CreateKey makes an API key with a role; owners only.
func (s *Staff) CreateKey(ctx context.Context, by openentry.Actor, name string, role openentry.Role) (*NewKey, error) {
	if err := by.Can(openentry.PermStaff); err != nil {
		return nil, err
	}
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 100 {
		return nil, openentry.Invalid("name must be valid UTF-8 of 1 to 100 characters")
	}
	if _, err := openentry.ParseRole(string(role)); err != nil {
		return nil, err
	}
	key, err := s.secret(openentry.APIKeyPrefix)
	if err != nil {
		return nil, err
	}
	k := openentry.APIKey{Name: name, Prefix: key[:len(openentry.APIKeyPrefix)+6], Role: role, CreatedBy: by.ID}
	if err := s.store.InsertAPIKey(ctx, &k, digestOf(key), openentry.Audit{Actor: by, Action: "api_key.create"}); err != nil {
		return nil, err
	}
	return &NewKey{APIKey: k, Key: key}, nil
}

// Keys lists API keys; owners only.
func (s *Staff) Keys(ctx context.Context, by openentry.Actor) ([]openentry.APIKey, error) {
	if err := by.Can(openentry.PermStaff); err != nil {
		return nil, err
	}
	return s.store.ListAPIKeys(ctx)
}

// RevokeKey revokes an API key; owners only.
func (s *Staff) RevokeKey(ctx context.Context, by openentry.Actor, id int64) error {
	if err := by.Can(openentry.PermStaff); err != nil {
		return err
	}
	return s.store.RevokeAPIKey(ctx, id, openentry.Audit{Actor: by, Action: "api_key.revoke"})
}

// Journal lists the admin journal; any staff role reads it.
func (s *Staff) Journal(ctx context.Context, by openentry.Actor, f openentry.JournalFilter) ([]openentry.AuditEntry, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	return s.store.Journal(ctx, f)
}

// PublicStaff lists the enabled staff as the Content API's
// Admins.getAdminsInfo shows them: names and roles, never emails. Filters
// test "name" and "role" with eq, neq, in and nin.
func (s *Staff) PublicStaff(ctx context.Context, filters []openentry.ProductFilter, page openentry.Page) ([]openentry.Staff, error) {
	tests := make([]func(openentry.Staff) bool, 0, len(filters))
	for i, f := range filters {
		t, err := staffTest(f)
		if err != nil {
			return nil, openentry.Invalid(fmt.Sprintf("filter[%d]: %s", i, err.Error()))
		}
		tests = append(tests, t)
	}
	all, err := s.store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	out := []openentry.Staff{}
next:
	for _, m := range all {
		if m.Disabled {
			continue
		}
		for _, t := range tests {
			if !t(m) {
				continue next
			}
		}
		m.Email = ""
		out = append(out, m)
	}
	page.Offset = min(max(page.Offset, 0), len(out))
	end := len(out)
	if page.Limit > 0 {
		end = min(end, page.Offset+page.Limit)
	}
	return out[page.Offset:end], nil
}

func staffTest(f openentry.ProductFilter) (func(openentry.Staff) bool, error) {
	field := map[string]func(openentry.Staff) string{
		"name": func(m openentry.Staff) string { return m.Name },
		"role": func(m openentry.Staff) string { return string(m.Role) },
	}[f.AttributeMarker]
	if field == nil {
		return nil, fmt.Errorf("attributeMarker %q is not one of name, role", f.AttributeMarker)
	}
	var values []string
	var one string
	if json.Unmarshal(f.ConditionValue, &one) == nil {
		values = []string{one}
	} else if json.Unmarshal(f.ConditionValue, &values) != nil || len(values) == 0 {
		return nil, errors.New("conditionValue must be a string or a list of strings")
	}
	switch f.ConditionMarker {
	case openentry.CondEqual, openentry.CondIn:
		return func(m openentry.Staff) bool { return slices.Contains(values, field(m)) }, nil
	case openentry.CondNotEqual, openentry.CondNotIn:
		return func(m openentry.Staff) bool { return !slices.Contains(values, field(m)) }, nil
	}
	return nil, fmt.Errorf("conditionMarker %q is not one of eq, neq, in, nin", f.ConditionMarker)
}
