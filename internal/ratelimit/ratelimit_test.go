package ratelimit

import (
	"strconv"
	"testing"
	"time"

	"github.com/openentry/openentry"
)

func TestLogins(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLogins(3, 5, 15*time.Minute, func() time.Time { return now })

	for i := range 3 {
		if _, ok := l.Reserve("alice", "1.1.1.1"); !ok {
			t.Fatalf("attempt %d refused before the limit", i+1)
		}
	}
	wait, ok := l.Reserve("alice", "2.2.2.2")
	if ok || wait != 15*time.Minute {
		t.Errorf("alice after 3 failures: got %v %v, want refused for 15m", wait, ok)
	}
	if _, ok := l.Reserve("bob", "1.1.1.1"); !ok {
		t.Error("bob from the same address refused after 3 failures (address limit is 5)")
	}
	if _, ok := l.Reserve("carol", "1.1.1.1"); !ok {
		t.Error("carol refused at the 5th attempt from the address")
	}
	if _, ok := l.Reserve("dave", "1.1.1.1"); ok {
		t.Error("address with 5 failures still allowed")
	}
	if _, ok := l.Reserve("dave", "3.3.3.3"); !ok {
		t.Error("another address refused")
	}

	// A login that did not fail gives its slot back.
	l.Release("carol", "1.1.1.1")
	if _, ok := l.Reserve("erin", "1.1.1.1"); !ok {
		t.Error("released slot not given back")
	}

	now = now.Add(10 * time.Minute)
	if wait, ok := l.Reserve("alice", "9.9.9.9"); ok || wait != 5*time.Minute {
		t.Errorf("alice 10m later: got %v %v, want refused for 5m", wait, ok)
	}
	now = now.Add(5 * time.Minute)
	if _, ok := l.Reserve("alice", "1.1.1.1"); !ok {
		t.Error("alice refused after the window ended")
	}
}

func TestLoginsSweepBoundsMemory(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLogins(10, 10, time.Minute, func() time.Time { return now })
	for i := range 1000 {
		l.Reserve(string(rune(i)), "x")
	}
	now = now.Add(2 * time.Minute)
	l.Reserve("new", "y")
	if len(l.windows.m) != 2 {
		t.Errorf("after the window: %d keys kept, want 2 (the new account and address)", len(l.windows.m))
	}
}

var _ openentry.RequestLimiter = (*Requests)(nil)

func TestRequests(t *testing.T) {
	t.Parallel()
	type step struct {
		advance   time.Duration // of the clock, before the request
		key       string
		wantOK    bool
		wantRetry time.Duration
	}
	tests := []struct {
		name  string
		limit int
		steps []step
	}{
		{name: "up to the limit, then refused until the window ends", limit: 3, steps: []step{
			{key: "a", wantOK: true},
			{advance: 10 * time.Second, key: "a", wantOK: true},
			{advance: 10 * time.Second, key: "a", wantOK: true},
			{advance: 10 * time.Second, key: "a", wantRetry: 30 * time.Second},
			{advance: 29 * time.Second, key: "a", wantRetry: time.Second},
			{advance: time.Second, key: "a", wantOK: true},
		}},
		{name: "keys count apart", limit: 1, steps: []step{
			{key: "a", wantOK: true},
			{key: "a", wantRetry: time.Minute},
			{key: "b", wantOK: true},
			{key: "", wantOK: true},
			{key: "b", wantRetry: time.Minute},
		}},
		{name: "a refused request does not count", limit: 2, steps: []step{
			{key: "a", wantOK: true},
			{key: "a", wantOK: true},
			{advance: 30 * time.Second, key: "a", wantRetry: 30 * time.Second},
			{key: "a", wantRetry: 30 * time.Second},
			{advance: 30 * time.Second, key: "a", wantOK: true},
			{key: "a", wantOK: true},
			{key: "a", wantRetry: time.Minute},
		}},
		{name: "the window opens with a key's first request", limit: 1, steps: []step{
			{key: "a", wantOK: true},
			{advance: 45 * time.Second, key: "b", wantOK: true},
			{advance: 15 * time.Second, key: "a", wantOK: true},
			{key: "b", wantRetry: 45 * time.Second},
		}},
		{name: "a window left unused resets", limit: 1, steps: []step{
			{key: "a", wantOK: true},
			{advance: time.Hour, key: "a", wantOK: true},
			{key: "a", wantRetry: time.Minute},
		}},
		{name: "a limit below 1 counts as 1", limit: 0, steps: []step{
			{key: "a", wantOK: true},
			{key: "a", wantRetry: time.Minute},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			r := NewRequests(tc.limit, time.Minute, func() time.Time { return now })
			for i, s := range tc.steps {
				now = now.Add(s.advance)
				retry, ok := r.Allow(s.key)
				if ok != s.wantOK || retry != s.wantRetry {
					t.Errorf("step %d, Allow(%q): got %v, %v; want %v, %v", i, s.key, retry, ok, s.wantRetry, s.wantOK)
				}
			}
		})
	}
}

func TestRequestsSweepBoundsMemory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		keys    int           // distinct keys, one request each
		advance time.Duration // then, before one more key
		want    int           // keys kept
	}{
		{name: "expired windows go at the next sweep", keys: 1000, advance: 2 * time.Minute, want: 1},
		{name: "open windows stay", keys: 1000, advance: 30 * time.Second, want: 1001},
		{name: "past maxKeys, open windows go too", keys: maxKeys + 10, advance: 0, want: maxKeys},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			r := NewRequests(5, time.Minute, func() time.Time { return now })
			for i := range tc.keys {
				r.Allow(strconv.Itoa(i))
			}
			now = now.Add(tc.advance)
			if _, ok := r.Allow("new"); !ok {
				t.Error(`Allow("new"): got refused, want allowed`)
			}
			if got := len(r.windows.m); got != tc.want {
				t.Errorf("keys kept: got %d, want %d", got, tc.want)
			}
		})
	}
}
