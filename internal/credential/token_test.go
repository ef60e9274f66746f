package credential_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/credential"
)

var (
	secret  = []byte("test-secret")
	t0      = time.Date(2025, 4, 30, 20, 15, 29, 254_000_000, time.UTC)
	header  = b64(`{"alg":"HS256","typ":"JWT"}`)
	claims0 = openentry.AccessClaims{UserID: 7, SessionID: 3, Provider: "email", Identifier: "your-user@email.com"}
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// sign makes a token over header and payload with key, independently of Tokens.
func sign(key []byte, header, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(header + "." + payload))
	return header + "." + payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// clock is a settable time source.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// seqReader yields 0, 1, 2, … so that random tokens are predictable.
type seqReader struct{ next byte }

func (r *seqReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.next
		r.next++
	}
	return len(p), nil
}

func newTokens(c *clock) *credential.Tokens {
	return credential.NewTokens([][]byte{secret}, c.Now, &seqReader{})
}

func TestAccessRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		claims openentry.AccessClaims
	}{
		{name: "demo user", claims: claims0},
		{name: "zero claims", claims: openentry.AccessClaims{}},
		{name: "large ids and unicode", claims: openentry.AccessClaims{UserID: 1<<53 + 1, SessionID: 1<<62 + 5, Provider: "phone", Identifier: "Žofia \"<&>\" +420"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tokens := newTokens(&clock{now: t0})
			token, err := tokens.IssueAccess(tc.claims, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tokens.VerifyAccess(token)
			if err != nil {
				t.Fatalf("VerifyAccess: got error %v, want %+v", err, tc.claims)
			}
			if !reflect.DeepEqual(got, tc.claims) {
				t.Errorf("VerifyAccess: got %+v, want %+v", got, tc.claims)
			}
		})
	}
}

func TestAccessTokenShape(t *testing.T) {
	t.Parallel()
	token, err := newTokens(&clock{now: t0}).IssueAccess(claims0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q: got %d parts, want 3", token, len(parts))
	}
	if parts[0] != header {
		t.Errorf("header: got %q, want %q", parts[0], header)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("payload %q is not base64url: %v", parts[1], err)
	}
	var got map[string]any
	if err := json.Unmarshal(payload, &got); err != nil {
		t.Fatalf("payload %s: %v", payload, err)
	}
	want := map[string]any{
		"id":                     float64(7),
		"sid":                    float64(3),
		"authProviderIdentifier": "email",
		"userIdentifier":         "your-user@email.com",
		"iat":                    float64(1746044129),
		"exp":                    float64(1746044129 + 3600),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("payload: got %v, want %v", got, want)
	}
	if want := sign(secret, parts[0], parts[1]); token != want {
		t.Errorf("signature: got %q, want %q", token, want)
	}
}

func TestAccessExpiry(t *testing.T) {
	t.Parallel()
	const ttl = 10 * time.Minute
	tests := []struct {
		name    string
		advance time.Duration
		wantErr bool
	}{
		{name: "just issued", advance: 0},
		{name: "a second before expiry", advance: ttl - time.Second},
		{name: "at expiry", advance: ttl, wantErr: true},
		{name: "an hour after expiry", advance: ttl + time.Hour, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{now: t0}
			tokens := newTokens(c)
			token, err := tokens.IssueAccess(claims0, ttl)
			if err != nil {
				t.Fatal(err)
			}
			c.now = t0.Add(tc.advance)
			got, err := tokens.VerifyAccess(token)
			if !tc.wantErr {
				if err != nil || !reflect.DeepEqual(got, claims0) {
					t.Errorf("VerifyAccess: got %+v, %v; want %+v, nil", got, err, claims0)
				}
				return
			}
			if !errors.Is(err, openentry.ErrUnauthorized) {
				t.Errorf("VerifyAccess: got error %v, want one that is ErrUnauthorized", err)
			}
			if got != (openentry.AccessClaims{}) {
				t.Errorf("VerifyAccess on error: got %+v, want zero claims", got)
			}
		})
	}
}

func TestAccessRejected(t *testing.T) {
	t.Parallel()
	valid, err := newTokens(&clock{now: t0}).IssueAccess(claims0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	payload, sig := parts[1], parts[2]
	exp := t0.Add(time.Hour).Unix()
	forged := b64(strings.Replace(mustDecode(t, payload), `"id":7`, `"id":8`, 1))
	if forged == payload {
		t.Fatalf("forging payload %q changed nothing", mustDecode(t, payload))
	}
	flipped := []byte(sig)
	if flipped[10] == 'A' {
		flipped[10] = 'B'
	} else {
		flipped[10] = 'A'
	}
	tests := []struct {
		name  string
		token string
	}{
		{name: "tampered payload", token: header + "." + forged + "." + sig},
		{name: "tampered signature", token: header + "." + payload + "." + string(flipped)},
		{name: "no signature", token: header + "." + payload + "."},
		{name: "signature dropped", token: header + "." + payload},
		{name: "extra part", token: valid + ".x"},
		{name: "other secret", token: sign([]byte("other-secret"), header, payload)},
		{name: "alg none", token: b64(`{"alg":"none","typ":"JWT"}`) + "." + payload + "."},
		{name: "other header signed with the secret", token: sign(secret, b64(`{"typ":"JWT","alg":"HS256"}`), payload)},
		{name: "payload not JSON, signed with the secret", token: sign(secret, header, b64("not json"))},
		{name: "payload not base64, signed with the secret", token: sign(secret, header, "!!!")},
		{name: "no exp, signed with the secret", token: sign(secret, header, b64(`{"id":7,"sid":3}`))},
		{name: "garbage", token: "not.a.token"},
		{name: "no dots", token: "garbage"},
		{name: "empty", token: ""},
		{name: "only the header", token: header + "."},
	}
	tokens := newTokens(&clock{now: t0})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tokens.VerifyAccess(tc.token)
			if !errors.Is(err, openentry.ErrUnauthorized) {
				t.Errorf("VerifyAccess(%q): got error %v, want one that is ErrUnauthorized", tc.token, err)
			}
			if got != (openentry.AccessClaims{}) {
				t.Errorf("VerifyAccess(%q): got %+v, want zero claims", tc.token, got)
			}
		})
	}

	// The same construction with the right secret is accepted, so the cases
	// above fail for the reason they name and not because sign is wrong.
	t.Run("control", func(t *testing.T) {
		t.Parallel()
		token := sign(secret, header, b64(`{"id":8,"sid":3,"authProviderIdentifier":"email","userIdentifier":"x","exp":`+jsonInt(exp)+`}`))
		got, err := tokens.VerifyAccess(token)
		want := openentry.AccessClaims{UserID: 8, SessionID: 3, Provider: "email", Identifier: "x"}
		if err != nil || got != want {
			t.Errorf("VerifyAccess: got %+v, %v; want %+v, nil", got, err, want)
		}
	})
}

func mustDecode(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestNewRefresh(t *testing.T) {
	t.Parallel()
	tokens := newTokens(&clock{now: t0})
	want := []string{
		"1746044129254-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
		"1746044129254-ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8",
	}
	var got []string
	for range want {
		r, err := tokens.NewRefresh()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNewRefreshCryptoRandom(t *testing.T) {
	t.Parallel()
	tokens := credential.NewTokens([][]byte{secret}, time.Now, nil)
	shape := regexp.MustCompile(`^[0-9]+-[A-Za-z0-9_-]{43}$`)
	seen := map[string]bool{}
	for range 2 {
		r, err := tokens.NewRefresh()
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(r) {
			t.Errorf("NewRefresh: got %q, want <epoch-ms>-<43 base64url chars>", r)
		}
		if seen[r] {
			t.Errorf("NewRefresh: got %q twice, want different tokens", r)
		}
		seen[r] = true
	}
}

func TestNewRefreshShortRandom(t *testing.T) {
	t.Parallel()
	tokens := credential.NewTokens([][]byte{secret}, (&clock{now: t0}).Now, bytes.NewReader(make([]byte, 31)))
	got, err := tokens.NewRefresh()
	if !errors.Is(err, io.ErrUnexpectedEOF) || got != "" {
		t.Errorf("NewRefresh: got %q, %v; want \"\", %v", got, err, io.ErrUnexpectedEOF)
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	oldSecret, newSecret, retired := []byte("old-secret"), []byte("new-secret"), []byte("retired-secret")
	issue := func(secrets ...[]byte) string {
		t.Helper()
		token, err := credential.NewTokens(secrets, (&clock{now: t0}).Now, &seqReader{}).IssueAccess(claims0, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	tests := []struct {
		name    string
		token   string
		secrets [][]byte // of the verifier
		ok      bool
	}{
		{name: "old token after rotation", token: issue(oldSecret), secrets: [][]byte{newSecret, oldSecret}, ok: true},
		{name: "new token during rotation", token: issue(newSecret, oldSecret), secrets: [][]byte{newSecret, oldSecret}, ok: true},
		{name: "new token after the old secret is dropped", token: issue(newSecret, oldSecret), secrets: [][]byte{newSecret}, ok: true},
		{name: "new token on an instance not yet rotated", token: issue(newSecret, oldSecret), secrets: [][]byte{oldSecret}},
		{name: "old token after the old secret is dropped", token: issue(oldSecret), secrets: [][]byte{newSecret}},
		{name: "token under a secret no longer listed", token: issue(retired), secrets: [][]byte{newSecret, oldSecret}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := credential.NewTokens(tc.secrets, (&clock{now: t0}).Now, nil).VerifyAccess(tc.token)
			if tc.ok {
				if err != nil || got != claims0 {
					t.Errorf("VerifyAccess: got %+v, %v; want %+v, nil", got, err, claims0)
				}
				return
			}
			if !errors.Is(err, openentry.ErrUnauthorized) || got != (openentry.AccessClaims{}) {
				t.Errorf("VerifyAccess: got %+v, %v; want zero claims and an error that is ErrUnauthorized", got, err)
			}
		})
	}
}

func TestSignsWithFirstSecret(t *testing.T) {
	t.Parallel()
	first, second := []byte("first-secret"), []byte("second-secret")
	token, err := credential.NewTokens([][]byte{first, second}, (&clock{now: t0}).Now, nil).IssueAccess(claims0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q: got %d parts, want 3", token, len(parts))
	}
	if want := sign(first, parts[0], parts[1]); token != want {
		t.Errorf("got %q, want %q (signed with the first secret)", token, want)
	}
}

func TestNewTokensNeedsSecret(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secrets [][]byte
	}{
		{name: "none", secrets: nil},
		{name: "empty", secrets: [][]byte{{}}},
		{name: "empty old", secrets: [][]byte{secret, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Errorf("NewTokens(%q): got no panic, want one", tc.secrets)
				}
			}()
			credential.NewTokens(tc.secrets, time.Now, nil)
		})
	}
}
