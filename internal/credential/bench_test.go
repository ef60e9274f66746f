package credential_test

import (
	"context"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/credential"
)

// Benchmarks of what every authenticated request (VerifyAccess) and every
// login (IssueAccess, Verify) pays: go test -run '^$' -bench . ./internal/credential

var benchClaims = openentry.AccessClaims{UserID: 7, SessionID: 3, Provider: "email", Identifier: "your-user@email.com"}

func BenchmarkVerifyAccess(b *testing.B) {
	tokens := credential.NewTokens([]byte("bench-secret"), time.Now, nil)
	token, err := tokens.IssueAccess(benchClaims, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tokens.VerifyAccess(token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueAccess(b *testing.B) {
	tokens := credential.NewTokens([]byte("bench-secret"), time.Now, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tokens.IssueAccess(benchClaims, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHashTestParams measures the cheap parameters tests use: the
// overhead around argon2 (salt, PHC string, concurrency slot) shows here.
func BenchmarkHashTestParams(b *testing.B) {
	h := credential.NewHasher(credential.TestParams(), 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Hash(ctx, "", "bench-password"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyDefaultParams is slow by design: argon2id with the
// production parameters is the CPU and memory one login costs, so its ns/op
// says how many logins per second a core can take.
func BenchmarkVerifyDefaultParams(b *testing.B) {
	h := credential.NewHasher(credential.DefaultParams(), 1)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "", "bench-password")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ok, err := h.Verify(ctx, "", hash, "bench-password")
		if err != nil || !ok {
			b.Fatalf("Verify: got %v, %v; want true, nil", ok, err)
		}
	}
}
