package ratelimit

import (
	"testing"
	"time"
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
	if len(l.windows) != 2 {
		t.Errorf("after the window: %d keys kept, want 2 (the new account and address)", len(l.windows))
	}
}
