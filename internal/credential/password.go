// Package credential hashes passwords with argon2id and mints and verifies
// access tokens and opaque refresh tokens.
package credential

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters; they are stored in every hash (PHC
// string), so raising them later does not break old hashes.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
}

// DefaultParams are OWASP's first argon2id configuration (19 MiB, 2 passes,
// 1 lane): strong enough for passwords, and cheap enough in memory that a
// burst of logins keeps a 2-core server under 200 MB.
func DefaultParams() Params { return Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1} }

// TestParams are cheap, for tests only.
func TestParams() Params { return Params{Memory: 1024, Iterations: 1, Parallelism: 1} }

// Hasher hashes and verifies passwords. At most a fixed number of hashes run
// at once, so that a flood of logins cannot take all CPUs and memory from
// order and payment requests.
type Hasher struct {
	params Params
	slots  chan struct{}
	dummy  string // verified against for unknown users, to cost the same time
}

// NewHasher returns a Hasher that runs at most concurrency hashes at once.
func NewHasher(p Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = 1
	}
	h := &Hasher{params: p, slots: make(chan struct{}, concurrency)}
	h.dummy = h.hash([]byte("openentry-dummy-password"), make([]byte, 16))
	return h
}

// Hash returns a PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func (h *Hasher) Hash(ctx context.Context, client, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.hash([]byte(password), salt), nil
}

func (h *Hasher) hash(password, salt []byte) string {
	p := h.params
	key := argon2.IDKey(password, salt, p.Iterations, p.Memory, p.Parallelism, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether password matches hash. An empty hash (unknown user)
// is checked against a dummy hash so that the answer takes the same time.
func (h *Hasher) Verify(ctx context.Context, client, hash, password string) (bool, error) {
	unknown := hash == ""
	if unknown {
		hash = h.dummy
	}
	p, salt, want, err := parsePHC(hash)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1 && !unknown, nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

var errBadHash = errors.New("credential: malformed argon2id hash")

func parsePHC(s string) (Params, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, errBadHash
	}
	var p Params
	// argon2 panics on zero rounds or threads; a stored hash must not crash a login.
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Iterations, &p.Parallelism); err != nil ||
		p.Iterations < 1 || p.Parallelism < 1 || p.Memory < 8*uint32(p.Parallelism) {
		return Params{}, nil, nil, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, errBadHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return Params{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
