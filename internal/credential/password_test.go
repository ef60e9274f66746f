package credential

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/openentry/openentry"
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
			if got := NewHasher(TestParams(), tc.concurrency).slots.limit; got != tc.want {
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

	if err := h.slots.acquire(t.Context(), "test"); err != nil { // hold the only slot
		t.Fatal(err)
	}
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
	if got := h.slots.inUse(); got != 1 {
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
	h.slots.release() // release the test's slot
	if ok := <-done; !ok {
		t.Errorf("Verify after the slot was freed: got false, want true")
	}
	if got := h.slots.inUse(); got != 0 {
		t.Errorf("slots in use after all calls returned: got %d, want 0", got)
	}
}

// inUse is how many slots are taken.
func (s *scheduler) inUse() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// queued is how many calls wait.
func (s *scheduler) queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// checkSettled fails t unless s has running slots taken and nothing queued:
// no waiter, no client and no turn left behind.
func checkSettled(t *testing.T, s *scheduler, running int) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != running || s.waiting != 0 || len(s.clients) != 0 || s.turns.Len() != 0 {
		t.Errorf("scheduler: got %d running, %d waiting, %d clients, %d turns; want %d, 0, 0, 0",
			s.running, s.waiting, len(s.clients), s.turns.Len(), running)
	}
}

// TestSchedulerRoundRobin queues calls one by one behind a held slot, then
// frees it: the order the calls run in is the order of service.
func TestSchedulerRoundRobin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		queue []string // clients, in the order their calls arrive
		want  []string // clients, in the order their calls run
	}{
		{name: "one client is served in order", queue: []string{"A", "A", "A"}, want: []string{"A", "A", "A"}},
		{name: "a bystander runs second behind a flood", queue: []string{"A", "A", "A", "B"}, want: []string{"A", "B", "A", "A"}},
		{name: "a bystander first stays first", queue: []string{"B", "A", "A", "A"}, want: []string{"B", "A", "A", "A"}},
		{name: "three clients take turns", queue: []string{"A", "A", "A", "B", "B", "C"}, want: []string{"A", "B", "C", "A", "B", "A"}},
		{name: "the server's own work is one more client", queue: []string{"A", "A", "A", ""}, want: []string{"A", "", "A", "A"}},
		{name: "a client served to the end rejoins at the back", queue: []string{"A", "B", "B", "B", "C"}, want: []string{"A", "B", "C", "B", "B"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				s := newScheduler(1)
				if err := s.acquire(t.Context(), "holder"); err != nil {
					t.Fatal(err)
				}
				order := make(chan string, len(tc.queue))
				for _, client := range tc.queue {
					go func() {
						if err := s.acquire(t.Context(), client); err != nil {
							order <- fmt.Sprintf("%s: %v", client, err)
							return
						}
						order <- client // while holding the only slot, so sends are in run order
						s.release()
					}()
					synctest.Wait() // queued before the next call arrives
				}
				s.release()
				var got []string
				for range tc.queue {
					got = append(got, <-order)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("run order of %q: got %q, want %q", tc.queue, got, tc.want)
				}
				checkSettled(t, s, 0)
			})
		})
	}
}

// TestHasherQueueBounds fills the queues behind a held slot, then makes one
// more call through the Hasher: past a bound it is refused at once (a call
// that blocked would deadlock the bubble), under it it waits.
func TestHasherQueueBounds(t *testing.T) {
	t.Parallel()
	fill := func(clients, each int) map[string]int {
		m := map[string]int{}
		for i := range clients {
			m[fmt.Sprintf("10.0.0.%d", i)] = each
		}
		return m
	}
	almostFull := fill(maxQueued/maxQueuedPerClient, maxQueuedPerClient)
	almostFull["10.0.0.0"]--
	tests := []struct {
		name    string
		queued  map[string]int // calls already waiting, per client
		client  string
		refused bool
	}{
		{name: "client under its bound", queued: map[string]int{"A": maxQueuedPerClient - 1}, client: "A"},
		{name: "client at its bound", queued: map[string]int{"A": maxQueuedPerClient}, client: "A", refused: true},
		{name: "another client while one is at its bound", queued: map[string]int{"A": maxQueuedPerClient}, client: "B"},
		{name: "the server's own work at its bound", queued: map[string]int{"": maxQueuedPerClient}, client: "", refused: true},
		{name: "a new client just under the total bound", queued: almostFull, client: "B"},
		{name: "a new client at the total bound", queued: fill(maxQueued/maxQueuedPerClient, maxQueuedPerClient), client: "B", refused: true},
	}
	calls := []struct {
		name string
		call func(ctx context.Context, h *Hasher, client string) error
	}{
		{name: "Hash", call: func(ctx context.Context, h *Hasher, client string) error {
			_, err := h.Hash(ctx, client, "123456")
			return err
		}},
		{name: "Verify", call: func(ctx context.Context, h *Hasher, client string) error {
			_, err := h.Verify(ctx, client, h.dummy, "123456")
			return err
		}},
		{name: "Verify of an unknown user", call: func(ctx context.Context, h *Hasher, client string) error {
			_, err := h.Verify(ctx, client, "", "123456")
			return err
		}},
	}
	for _, tc := range tests {
		for _, c := range calls {
			t.Run(tc.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				synctest.Test(t, func(t *testing.T) {
					h := NewHasher(TestParams(), 1)
					if err := h.slots.acquire(t.Context(), "holder"); err != nil {
						t.Fatal(err)
					}
					ctx, cancel := context.WithCancel(t.Context())
					var wg sync.WaitGroup
					total := 0
					for client, n := range tc.queued {
						total += n
						for range n {
							wg.Go(func() {
								if err := h.slots.acquire(ctx, client); !errors.Is(err, context.Canceled) {
									t.Errorf("queued call of %q: got %v, want %v", client, err, context.Canceled)
								}
							})
						}
					}
					synctest.Wait()
					if got := h.slots.queued(); got != total {
						t.Fatalf("calls queued: got %d, want %d", got, total)
					}

					if tc.refused {
						err := c.call(ctx, h, tc.client)
						var rl *openentry.RateLimitError
						if !errors.As(err, &rl) || !errors.Is(err, openentry.ErrTooManyRequests) || rl.RetryAfter != time.Second {
							t.Errorf("%s from %q: got %v, want a *RateLimitError to retry after 1s", c.name, tc.client, err)
						}
					} else {
						wg.Go(func() {
							if err := c.call(ctx, h, tc.client); !errors.Is(err, context.Canceled) {
								t.Errorf("%s from %q: got %v, want it to wait until cancelled", c.name, tc.client, err)
							}
						})
						synctest.Wait()
						if got := h.slots.queued(); got != total+1 {
							t.Errorf("calls queued after one more: got %d, want %d", got, total+1)
						}
					}
					cancel()
					wg.Wait()
					checkSettled(t, h.slots, 1)
					h.slots.release()
					checkSettled(t, h.slots, 0)
				})
			})
		}
	}
}

// TestSchedulerCancel queues calls behind a held slot, lets some give up,
// and frees the slot: those that gave up return their context's error,
// never run, and leave no trace in the queues.
func TestSchedulerCancel(t *testing.T) {
	t.Parallel()
	type call struct {
		client  string
		givesUp bool
	}
	tests := []struct {
		name  string
		queue []call
		// atGrant gives up as the slot is being handed over, so the one
		// giving up has been granted it and must pass it on.
		atGrant  bool
		deadline bool // give up by a deadline rather than cancel
		want     []string
	}{
		{name: "a waiter in the middle", queue: []call{{"A", false}, {"A", true}, {"B", false}}, want: []string{"A", "B"}},
		{name: "a client's only waiter", queue: []call{{"A", true}, {"B", false}}, want: []string{"B"}},
		{name: "a client keeps its turn while it has others waiting", queue: []call{{"A", true}, {"B", false}, {"A", false}}, want: []string{"A", "B"}},
		{name: "every waiter", queue: []call{{"A", true}, {"B", true}}, want: nil},
		{name: "by deadline", queue: []call{{"A", true}, {"B", false}}, deadline: true, want: []string{"B"}},
		{name: "as the slot is handed over", queue: []call{{"A", true}, {"B", false}}, atGrant: true, want: []string{"B"}},
		{name: "as the slot is handed over to the last waiter", queue: []call{{"A", true}}, atGrant: true, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				s := newScheduler(1)
				if err := s.acquire(t.Context(), "holder"); err != nil {
					t.Fatal(err)
				}
				order := make(chan string, len(tc.queue))
				errs := make([]error, len(tc.queue))
				var cancels []context.CancelFunc
				var wg sync.WaitGroup
				stays := 0
				for i, c := range tc.queue {
					ctx, cancel := t.Context(), context.CancelFunc(func() {})
					switch {
					case c.givesUp && tc.deadline:
						ctx, cancel = context.WithTimeout(t.Context(), time.Second)
					case c.givesUp:
						ctx, cancel = context.WithCancel(t.Context())
						cancels = append(cancels, cancel)
					default:
						stays++
					}
					defer cancel()
					wg.Go(func() {
						if errs[i] = s.acquire(ctx, c.client); errs[i] == nil {
							order <- c.client
							s.release()
						}
					})
					synctest.Wait()
				}

				switch {
				case tc.atGrant:
					s.mu.Lock()
					for _, cancel := range cancels {
						cancel()
					}
					s.releaseLocked() // to the first waiter, who is giving up
					s.mu.Unlock()
				default:
					for _, cancel := range cancels {
						cancel()
					}
					if tc.deadline {
						time.Sleep(2 * time.Second)
					}
					synctest.Wait()
					if got := s.queued(); got != stays {
						t.Errorf("calls queued after some gave up: got %d, want %d", got, stays)
					}
					s.release()
				}
				wg.Wait()
				close(order)
				var got []string
				for c := range order {
					got = append(got, c)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("run order: got %q, want %q", got, tc.want)
				}
				for i, c := range tc.queue {
					want := error(nil)
					if c.givesUp {
						want = context.Canceled
						if tc.deadline {
							want = context.DeadlineExceeded
						}
					}
					if !errors.Is(errs[i], want) || (want == nil && errs[i] != nil) {
						t.Errorf("call %d (%q): got %v, want %v", i, c.client, errs[i], want)
					}
				}
				checkSettled(t, s, 0)
			})
		})
	}
}

// TestSchedulerStress runs many calls from a few clients, some giving up
// at random moments, and checks that no more than the limit ever run at
// once and that the scheduler ends empty.
func TestSchedulerStress(t *testing.T) {
	t.Parallel()
	const limit = 2
	s := newScheduler(limit)
	var running, peak atomic.Int64
	var served, refused, gaveUp atomic.Int64
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(t.Context(), time.Duration(i%7)*100*time.Microsecond)
			defer cancel()
			err := s.acquire(ctx, fmt.Sprintf("client-%d", i%5))
			var rl *openentry.RateLimitError
			switch {
			case err == nil:
				n := running.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				time.Sleep(50 * time.Microsecond)
				running.Add(-1)
				s.release()
				served.Add(1)
			case errors.As(err, &rl):
				refused.Add(1)
			case errors.Is(err, context.DeadlineExceeded):
				gaveUp.Add(1)
			default:
				t.Errorf("acquire: got %v, want nil, a *RateLimitError or %v", err, context.DeadlineExceeded)
			}
		})
	}
	wg.Wait()
	if got := peak.Load(); got > limit {
		t.Errorf("calls running at once: got %d, want at most %d", got, limit)
	}
	if served.Load() == 0 {
		t.Errorf("served: got 0, want some (refused %d, gave up %d)", refused.Load(), gaveUp.Load())
	}
	t.Logf("served %d, refused %d, gave up %d", served.Load(), refused.Load(), gaveUp.Load())
	checkSettled(t, s, 0)
}
