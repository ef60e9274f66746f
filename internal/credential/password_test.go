package credential

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

func TestHasherHashFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params Params
		want   string // pattern of the whole PHC string
	}{
		{name: "test params", params: TestParams(), want: `^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`},
		{name: "other params", params: Params{Memory: 2048, Iterations: 2, Parallelism: 2}, want: `^\$argon2id\$v=19\$m=2048,t=2,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := NewHasher(tc.params, 2)
			first, err := h.Hash(t.Context(), "", "123456")
			if err != nil {
				t.Fatal(err)
			}
			second, err := h.Hash(t.Context(), "", "123456")
			if err != nil {
				t.Fatal(err)
			}
			re := regexp.MustCompile(tc.want)
			for _, got := range []string{first, second} {
				if !re.MatchString(got) {
					t.Errorf("Hash: got %q, want a match of %s", got, tc.want)
				}
			}
			if first == second {
				t.Errorf("two hashes of one password: got both %q, want them to differ by salt", first)
			}
		})
	}
}

// phc builds a PHC string the way RFC 9106 and the PHC format describe it,
// independently of Hasher.hash.
func phc(password, salt string, p Params, keyLen uint32) string {
	key := argon2.IDKey([]byte(password), []byte(salt), p.Iterations, p.Memory, p.Parallelism, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString([]byte(salt)), b64.EncodeToString(key))
}

func TestHasherVerify(t *testing.T) {
	t.Parallel()
	h := NewHasher(TestParams(), 4)
	hash, err := h.Hash(t.Context(), "", "123456")
	if err != nil {
		t.Fatal(err)
	}
	heavier := Params{Memory: 2048, Iterations: 2, Parallelism: 2}
	other, err := NewHasher(heavier, 1).Hash(t.Context(), "", "123456")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		hash     string
		password string
		want     bool
	}{
		{name: "right password", hash: hash, password: "123456", want: true},
		{name: "wrong password", hash: hash, password: "1234567", want: false},
		{name: "empty password", hash: hash, password: "", want: false},
		{name: "password prefix", hash: hash, password: "12345", want: false},
		{name: "unknown user", hash: "", password: "123456", want: false},
		{name: "unknown user with the dummy's password", hash: "", password: "openentry-dummy-password", want: false},
		{name: "hash with other params", hash: other, password: "123456", want: true},
		{name: "hash with other params, wrong password", hash: other, password: "654321", want: false},
		{name: "independently built hash", hash: phc("123456", "0123456789abcdef", TestParams(), 32), password: "123456", want: true},
		{name: "independently built hash with a short key", hash: phc("123456", "0123456789abcdef", heavier, 16), password: "123456", want: true},
		{name: "independently built hash, wrong password", hash: phc("123456", "0123456789abcdef", TestParams(), 32), password: "123457", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := h.Verify(t.Context(), "", tc.hash, tc.password)
			if err != nil {
				t.Fatalf("Verify(%q, %q): got error %v, want %v", tc.hash, tc.password, err, tc.want)
			}
			if got != tc.want {
				t.Errorf("Verify(%q, %q): got %v, want %v", tc.hash, tc.password, got, tc.want)
			}
		})
	}
}

func TestHasherVerifyMalformed(t *testing.T) {
	t.Parallel()
	const salt, key = "MDEyMzQ1Njc4OWFiY2RlZg", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"
	tests := []struct {
		name string
		hash string
	}{
		{name: "garbage", hash: "not a hash"},
		{name: "bcrypt", hash: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{name: "argon2i", hash: "$argon2i$v=19$m=1024,t=1,p=1$" + salt + "$" + key},
		{name: "other version", hash: "$argon2id$v=16$m=1024,t=1,p=1$" + salt + "$" + key},
		{name: "no version", hash: "$argon2id$m=1024,t=1,p=1$" + salt + "$" + key},
		{name: "params not numbers", hash: "$argon2id$v=19$m=x,t=1,p=1$" + salt + "$" + key},
		{name: "params missing", hash: "$argon2id$v=19$$" + salt + "$" + key},
		{name: "parallelism past uint8", hash: "$argon2id$v=19$m=1024,t=1,p=256$" + salt + "$" + key},
		{name: "zero rounds", hash: "$argon2id$v=19$m=1024,t=0,p=1$" + salt + "$" + key},
		{name: "zero parallelism", hash: "$argon2id$v=19$m=1024,t=1,p=0$" + salt + "$" + key},
		{name: "zero memory", hash: "$argon2id$v=19$m=0,t=1,p=1$" + salt + "$" + key},
		{name: "salt not base64", hash: "$argon2id$v=19$m=1024,t=1,p=1$!!!!$" + key},
		{name: "key not base64", hash: "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$!!!!"},
		{name: "padded key", hash: "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key + "=="},
		{name: "empty key", hash: "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$"},
		{name: "no key", hash: "$argon2id$v=19$m=1024,t=1,p=1$" + salt},
		{name: "extra part", hash: "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key + "$"},
		{name: "no leading dollar", hash: "argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key},
	}
	h := NewHasher(TestParams(), 1)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := h.Verify(t.Context(), "", tc.hash, "123456")
			if !errors.Is(err, errBadHash) {
				t.Errorf("Verify(%q): got error %v, want %v", tc.hash, err, errBadHash)
			}
			if got {
				t.Errorf("Verify(%q): got true, want false", tc.hash)
			}
		})
	}
}

func TestNewHasherConcurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		concurrency int
		want        int
	}{
		{name: "negative", concurrency: -1, want: 1},
		{name: "zero", concurrency: 0, want: 1},
		{name: "one", concurrency: 1, want: 1},
		{name: "four", concurrency: 4, want: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := cap(NewHasher(TestParams(), tc.concurrency).slots); got != tc.want {
				t.Errorf("NewHasher(_, %d): got %d slots, want %d", tc.concurrency, got, tc.want)
			}
		})
	}
}

// TestHasherWaitsForSlot holds the only slot of a Hasher, so that a call can
// only get past acquire by its context ending.
func TestHasherWaitsForSlot(t *testing.T) {
	t.Parallel()
	h := NewHasher(TestParams(), 1)
	hash, err := h.Hash(t.Context(), "", "123456")
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	expired, cancelExpired := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancelExpired()
	tests := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{name: "cancelled", ctx: cancelled, want: context.Canceled},
		{name: "deadline passes while waiting", ctx: expired, want: context.DeadlineExceeded},
	}

	h.slots <- struct{}{} // hold the only slot
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := h.Hash(tc.ctx, "", "123456")
			if !errors.Is(err, tc.want) || got != "" {
				t.Errorf("Hash: got %q, %v; want \"\", %v", got, err, tc.want)
			}
			ok, err := h.Verify(tc.ctx, "", hash, "123456")
			if !errors.Is(err, tc.want) || ok {
				t.Errorf("Verify: got %v, %v; want false, %v", ok, err, tc.want)
			}
			ok, err = h.Verify(tc.ctx, "", "", "123456")
			if !errors.Is(err, tc.want) || ok {
				t.Errorf("Verify of an unknown user: got %v, %v; want false, %v", ok, err, tc.want)
			}
		})
	}
	if got := len(h.slots); got != 1 {
		t.Fatalf("slots in use after calls that gave up: got %d, want 1 (the test's own)", got)
	}

	// A waiting call goes on once the slot is free.
	done := make(chan bool)
	go func() {
		ok, err := h.Verify(context.Background(), "", hash, "123456")
		done <- ok && err == nil
	}()
	select {
	case <-done:
		t.Fatal("Verify finished while the only slot was held")
	case <-time.After(50 * time.Millisecond):
	}
	<-h.slots // release the test's slot
	if ok := <-done; !ok {
		t.Errorf("Verify after the slot was freed: got false, want true")
	}
	if got := len(h.slots); got != 0 {
		t.Errorf("slots in use after all calls returned: got %d, want 0", got)
	}
}
