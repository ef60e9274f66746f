// Package ratelimit counts failed logins in memory, per account and per
// client address. Counts are per process: behind a load balancer each
// instance keeps its own.
package ratelimit

import (
	"sync"
	"time"
)

// Logins limits failed logins: at most perAccount failures for one account
// and perAddress from one address within a window. It implements
// openentry.LoginLimiter: attempts count as failures until released.
type Logins struct {
	perAccount, perAddress int
	window                 time.Duration
	now                    func() time.Time

	mu      sync.Mutex
	windows map[string]*window
	sweepAt time.Time
}

type window struct {
	failures int
	resetAt  time.Time
}

// maxKeys bounds memory under a flood of distinct logins and addresses; past
// it, the next sweep drops windows, expired or not, until it is back under.
const maxKeys = 200_000

// NewLogins returns a limiter. Account limits are tighter than address
// limits so that many users behind one NAT are not locked out together.
func NewLogins(perAccount, perAddress int, span time.Duration, now func() time.Time) *Logins {
	return &Logins{perAccount: perAccount, perAddress: perAddress, window: span, now: now, windows: map[string]*window{}}
}

// Reserve counts a login attempt, unless the account or the address has
// used up its window, in which case it says how long until it has room.
func (l *Logins) Reserve(account, address string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	keys := [2]string{"a:" + account, "i:" + address}
	limits := [2]int{l.perAccount, l.perAddress}
	var wait time.Duration
	for i, key := range keys {
		if w, ok := l.windows[key]; ok && now.Before(w.resetAt) && w.failures >= limits[i] {
			wait = max(wait, w.resetAt.Sub(now))
		}
	}
	if wait > 0 {
		return wait, false
	}
	l.sweep(now)
	for _, key := range keys {
		w, ok := l.windows[key]
		if !ok || !now.Before(w.resetAt) {
			w = &window{resetAt: now.Add(l.window)}
			l.windows[key] = w
		}
		w.failures++
	}
	return 0, true
}

// Release takes back a reserved attempt that did not fail.
func (l *Logins) Release(account, address string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, key := range []string{"a:" + account, "i:" + address} {
		if w, ok := l.windows[key]; ok && w.failures > 0 {
			w.failures--
		}
	}
}

// sweep drops expired windows once per window, or when there are too many.
func (l *Logins) sweep(now time.Time) {
	if now.Before(l.sweepAt) && len(l.windows) < maxKeys {
		return
	}
	l.sweepAt = now.Add(l.window)
	for k, w := range l.windows {
		if !now.Before(w.resetAt) || len(l.windows) >= maxKeys {
			delete(l.windows, k)
		}
	}
}
