// Package credential hashes passwords with argon2id and mints and verifies
// access tokens and opaque refresh tokens.
package credential

import (
	"container/list"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openentry/openentry"
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
// order and payment requests; calls that must wait are served round-robin
// between clients, so that one client's flood cannot hold up the others.
type Hasher struct {
	params Params
	slots  *scheduler
	dummy  string // verified against for unknown users, to cost the same time
}

// NewHasher returns a Hasher that runs at most concurrency hashes at once.
func NewHasher(p Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = 1
	}
	h := &Hasher{params: p, slots: newScheduler(concurrency)}
	h.dummy = h.hash([]byte("openentry-dummy-password"), make([]byte, 16))
	return h
}

// Hash returns a PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash. It
// returns a *openentry.RateLimitError at once when client already has too
// many calls waiting, or the Hasher too many in all.
func (h *Hasher) Hash(ctx context.Context, client, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.slots.acquire(ctx, client); err != nil {
		return "", err
	}
	defer h.slots.release()
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
// Like Hash, it returns a *openentry.RateLimitError at once when the queues
// are full for client.
func (h *Hasher) Verify(ctx context.Context, client, hash, password string) (bool, error) {
	unknown := hash == ""
	if unknown {
		hash = h.dummy
	}
	p, salt, want, err := parsePHC(hash)
	if err != nil {
		return false, err
	}
	if err := h.slots.acquire(ctx, client); err != nil {
		return false, err
	}
	defer h.slots.release()
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1 && !unknown, nil
}

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

// Queue bounds. Waiting calls hold no argon2 memory, only an open request,
// but each queued call makes every later one wait longer: past these bounds
// a call is refused at once, and the client can retry after RetryAfter.
const (
	// maxQueuedPerClient leaves room for a few users behind one NAT signing
	// in at the same moment; more than that from one address is a script.
	maxQueuedPerClient = 8
	// maxQueued bounds the waiters (open requests) when many addresses
	// flood together.
	maxQueued = 1024
)

// scheduler hands out a fixed number of slots. A call that finds them all
// taken waits in its client's queue; clients with waiting calls take turns
// (round-robin), so a newcomer waits behind at most one call of each other
// waiting client, however many calls those clients have queued.
type scheduler struct {
	limit int // slots, that is hashes that may run at once

	mu      sync.Mutex
	running int                     // slots taken; less than limit only when nobody waits
	waiting int                     // calls in all queues
	clients map[string]*clientQueue // only clients with waiting calls, so it stays bounded
	turns   list.List               // of *clientQueue, the next to be served first
}

type clientQueue struct {
	client  string
	waiters []*waiter // oldest first
	turn    *list.Element
}

type waiter struct {
	ready   chan struct{} // closed when the waiter is given a slot
	granted bool          // guarded by scheduler.mu
}

func newScheduler(limit int) *scheduler {
	return &scheduler{limit: limit, clients: map[string]*clientQueue{}}
}

// acquire takes a slot for client, waiting for one if needed. It returns
// ctx's error if ctx ends first (then it holds no slot and no place in the
// queue), and a *openentry.RateLimitError at once if the queues are full.
func (s *scheduler) acquire(ctx context.Context, client string) error {
	// A request already given up must not cost a hash.
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.running < s.limit {
		s.running++
		s.mu.Unlock()
		return nil
	}
	q := s.clients[client]
	if s.waiting >= maxQueued || (q != nil && len(q.waiters) >= maxQueuedPerClient) {
		s.mu.Unlock()
		return &openentry.RateLimitError{Message: "Too many password checks from this address at once; try again shortly", RetryAfter: time.Second}
	}
	if q == nil {
		q = &clientQueue{client: client}
		q.turn = s.turns.PushBack(q)
		s.clients[client] = q
	}
	w := &waiter{ready: make(chan struct{})}
	q.waiters = append(q.waiters, w)
	s.waiting++
	s.mu.Unlock()

	select {
	case <-w.ready:
		if ctx.Err() == nil {
			return nil
		}
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.granted {
		// The slot came as ctx ended: pass it on rather than hash for nobody.
		s.releaseLocked()
	} else {
		s.dequeue(q, w)
	}
	return ctx.Err()
}

// release gives a slot back, to the next client in turn if any waits.
func (s *scheduler) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.releaseLocked()
}

func (s *scheduler) releaseLocked() {
	front := s.turns.Front()
	if front == nil {
		s.running--
		return
	}
	// The slot passes straight to the waiter, so running stays as it is and
	// no newcomer can take it in between.
	q := front.Value.(*clientQueue)
	w := q.waiters[0]
	q.waiters[0] = nil
	q.waiters = q.waiters[1:]
	s.waiting--
	if len(q.waiters) == 0 {
		s.turns.Remove(front)
		delete(s.clients, q.client)
	} else {
		s.turns.MoveToBack(front)
	}
	w.granted = true
	close(w.ready)
}

// dequeue removes a waiter that gave up; its client keeps its turn if it
// has other calls waiting.
func (s *scheduler) dequeue(q *clientQueue, w *waiter) {
	if i := slices.Index(q.waiters, w); i >= 0 {
		q.waiters = slices.Delete(q.waiters, i, i+1)
		s.waiting--
	}
	if len(q.waiters) == 0 {
		s.turns.Remove(q.turn)
		delete(s.clients, q.client)
	}
}
