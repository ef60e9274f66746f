// Package ratelimit counts in memory: failed logins per account and per
// client address, and requests per key. Counts are per process: behind a
// load balancer each instance keeps its own.
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
	windows windows
}

type window struct {
	count   int // failed logins for Logins, requests for Requests
	resetAt time.Time
}

// windows holds the open windows by key, and when to sweep them next.
type windows struct {
	m       map[string]*window
	sweepAt time.Time
}

// maxKeys bounds memory under a flood of distinct logins and addresses; past
// it, the next sweep drops windows, expired or not, until it is back under.
const maxKeys = 200_000

// NewLogins returns a limiter. Account limits are tighter than address
// limits so that many users behind one NAT are not locked out together.
func NewLogins(perAccount, perAddress int, span time.Duration, now func() time.Time) *Logins {
	return &Logins{perAccount: perAccount, perAddress: perAddress, window: span, now: now, windows: windows{m: map[string]*window{}}}
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
		if w, ok := l.windows.m[key]; ok && now.Before(w.resetAt) && w.count >= limits[i] {
			wait = max(wait, w.resetAt.Sub(now))
		}
	}
	if wait > 0 {
		return wait, false
	}
	l.windows.sweep(now, l.window)
	for _, key := range keys {
		w, ok := l.windows.m[key]
		if !ok || !now.Before(w.resetAt) {
			w = &window{resetAt: now.Add(l.window)}
			l.windows.m[key] = w
		}
		w.count++
	}
	return 0, true
}

// Release takes back a reserved attempt that did not fail.
func (l *Logins) Release(account, address string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, key := range []string{"a:" + account, "i:" + address} {
		if w, ok := l.windows.m[key]; ok && w.count > 0 {
			w.count--
		}
	}
}

// sweep drops expired windows once per span, or when there are too many.
func (ws *windows) sweep(now time.Time, span time.Duration) {
	if now.Before(ws.sweepAt) && len(ws.m) < maxKeys {
		return
	}
	ws.sweepAt = now.Add(span)
	for k, w := range ws.m {
		if !now.Before(w.resetAt) || len(ws.m) >= maxKeys {
			delete(ws.m, k)
		}
	}
}

// Requests allows at most limit requests per key within a window that
// opens with a key's first request. It implements openentry.RequestLimiter.
// A fixed window lets a key make up to twice the limit across the moment
// one window ends and the next opens; in exchange it needs one counter per
// key and its retry-after is exact.
type Requests struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows windows
}

// NewRequests returns a limiter of limit requests per key and window. A
// limit below 1 counts as 1, so that a misconfiguration slows a key down
// rather than locking it out for good.
func NewRequests(limit int, span time.Duration, now func() time.Time) *Requests {
	return &Requests{limit: max(1, limit), window: span, now: now, windows: windows{m: map[string]*window{}}}
}

// Allow counts a request for key, unless key has used up its window, in
// which case it says how long until the window ends. A refused request is
// not counted, so retrying early does not push the end back.
func (r *Requests) Allow(key string) (time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	w, ok := r.windows.m[key]
	if ok && now.Before(w.resetAt) {
		if w.count >= r.limit {
			return w.resetAt.Sub(now), false
		}
		w.count++
		return 0, true
	}
	r.windows.sweep(now, r.window)
	r.windows.m[key] = &window{count: 1, resetAt: now.Add(r.window)}
	return 0, true
}
