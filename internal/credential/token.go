package credential

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openentry/openentry"
)

// claims are what an access token carries; the field names follow OneEntry's
// JWTs (id, authProviderIdentifier, userIdentifier, iat, exp) plus sid, the
// session the token belongs to, so that logout can revoke it.
type claims struct {
	UserID     int64  `json:"id"`
	SessionID  int64  `json:"sid"`
	Provider   string `json:"authProviderIdentifier"`
	Identifier string `json:"userIdentifier"`
	IssuedAt   int64  `json:"iat"`
	ExpiresAt  int64  `json:"exp"`
}

// Tokens mints HS256 JWT access tokens and opaque refresh tokens.
type Tokens struct {
	secrets [][]byte // secrets[0] signs; any of them verifies
	now     func() time.Time
	random  io.Reader
}

// NewTokens returns a Tokens that signs with secrets[0] and accepts tokens
// signed with any of secrets, so that a secret can be rotated: list the new
// one first and the old one after it until the old tokens have expired. It
// panics if secrets is empty or holds an empty secret: anyone could sign
// with that. now and random are injected so that tests can pin them.
func NewTokens(secrets [][]byte, now func() time.Time, random io.Reader) *Tokens {
	if len(secrets) == 0 {
		panic("credential: NewTokens without a secret")
	}
	for _, s := range secrets {
		if len(s) == 0 {
			panic("credential: NewTokens with an empty secret")
		}
	}
	if random == nil {
		random = rand.Reader
	}
	return &Tokens{secrets: secrets, now: now, random: random}
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// IssueAccess mints an access token valid for ttl.
func (t *Tokens) IssueAccess(ac openentry.AccessClaims, ttl time.Duration) (string, error) {
	c := claims{UserID: ac.UserID, SessionID: ac.SessionID, Provider: ac.Provider, Identifier: ac.Identifier}
	now := t.now()
	c.IssuedAt = now.Unix()
	c.ExpiresAt = now.Add(ttl).Unix()
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	signing := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signing + "." + sign(t.secrets[0], signing), nil
}

// VerifyAccess checks an access token's signature and expiry and returns its claims.
func (t *Tokens) VerifyAccess(token string) (openentry.AccessClaims, error) {
	c, ok := t.verify(token)
	if !ok {
		return openentry.AccessClaims{}, openentry.Unauthorized("Access token is invalid or expired")
	}
	return openentry.AccessClaims{UserID: c.UserID, SessionID: c.SessionID, Provider: c.Provider, Identifier: c.Identifier}, nil
}

// verify reports whether token is well formed, signed by us and unexpired;
// the client is told no more than that.
func (t *Tokens) verify(token string) (claims, bool) {
	dot := strings.LastIndexByte(token, '.')
	if dot < 0 || !strings.HasPrefix(token, jwtHeader+".") {
		return claims{}, false
	}
	signing, sig := token[:dot], token[dot+1:]
	if !t.signedByUs(signing, sig) {
		return claims{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(signing[len(jwtHeader)+1:])
	if err != nil {
		return claims{}, false
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return claims{}, false
	}
	return c, t.now().Unix() < c.ExpiresAt
}

// signedByUs reports whether sig signs signing under one of the secrets.
// It tries them all, so the time it takes does not tell which one matched.
func (t *Tokens) signedByUs(signing, sig string) bool {
	ok := false
	for _, secret := range t.secrets {
		if hmac.Equal([]byte(sig), []byte(sign(secret, signing))) {
			ok = true
		}
	}
	return ok
}

func sign(secret []byte, s string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// NewRefresh returns a new opaque refresh token, shaped like OneEntry's
// "<epoch-ms>-<random>". Stores keep only a digest of it.
func (t *Tokens) NewRefresh() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(t.random, b); err != nil {
		return "", err
	}
	return strconv.FormatInt(t.now().UnixMilli(), 10) + "-" + base64.RawURLEncoding.EncodeToString(b), nil
}
