package credential_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/credential"
)

// Benchmarks of what every authenticated request (VerifyAccess) and every
// login (IssueAccess, Verify) pays: go test -run '^$' -bench . ./internal/credential

var benchClaims = openentry.AccessClaims{UserID: 7, SessionID: 3, Provider: "email", Identifier: "your-user@email.com"}

func BenchmarkVerifyAccess(b *testing.B) {
	tokens := credential.NewTokens([][]byte{[]byte("bench-secret")}, time.Now, nil)
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
	tokens := credential.NewTokens([][]byte{[]byte("bench-secret")}, time.Now, nil)
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

// BenchmarkBystanderLogin measures one client's login (Verify with the
// production parameters and the server's concurrency) on a quiet Hasher and
// while another client keeps 200 calls going at once. Most flood calls are
// refused by the per-client bound and retried after a pause, so the flood
// also costs the CPU of its refusals. It reports the bystander's p50 and p99
// latency, and the flood calls served and refused while it was measured:
//
//	go test -run '^$' -bench BystanderLogin -benchtime 20x ./internal/credential
func BenchmarkBystanderLogin(b *testing.B) {
	const (
		bystander, flooder = "198.51.100.7", "203.0.113.9"
		floodCalls         = 200
		// A refused caller comes back after about a network round trip. In a
		// tight loop, 200 goroutines would starve the hashing ones of CPU,
		// which measures Go's scheduler rather than the Hasher.
		retryPause = time.Millisecond
	)
	concurrency := max(1, runtime.GOMAXPROCS(0)/2) // as internal/app sets it
	for _, bc := range []struct {
		name  string
		flood bool
	}{{name: "quiet"}, {name: "flood", flood: true}} {
		b.Run(bc.name, func(b *testing.B) {
			h := credential.NewHasher(credential.DefaultParams(), concurrency)
			hash, err := h.Hash(context.Background(), "", "bench-password")
			if err != nil {
				b.Fatal(err)
			}
			floodCtx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			var served, refused atomic.Int64
			if bc.flood {
				for i := range floodCalls {
					wg.Go(func() {
						for floodCtx.Err() == nil {
							var err error
							if i%2 == 0 { // wrong logins and sign-ups, half each
								_, err = h.Verify(floodCtx, flooder, hash, "wrong-password")
							} else {
								_, err = h.Hash(floodCtx, flooder, "flood-password")
							}
							switch {
							case err == nil:
								served.Add(1)
							case errors.Is(err, openentry.ErrTooManyRequests):
								refused.Add(1)
								time.Sleep(retryPause)
							case floodCtx.Err() == nil:
								b.Errorf("flood call: %v", err)
								return
							}
						}
					})
				}
				// Measure only once the flood has filled its share of the queue.
				for refused.Load() == 0 {
					time.Sleep(time.Millisecond)
				}
			}
			served0, refused0 := served.Load(), refused.Load()
			var latencies []time.Duration
			for b.Loop() {
				start := time.Now()
				ok, err := h.Verify(context.Background(), bystander, hash, "bench-password")
				latencies = append(latencies, time.Since(start))
				if err != nil || !ok {
					b.Fatalf("bystander Verify: got %v, %v; want true, nil", ok, err)
				}
			}
			servedN, refusedN := served.Load()-served0, refused.Load()-refused0
			stop()
			wg.Wait()

			slices.Sort(latencies)
			b.ReportMetric(percentile(latencies, 50).Seconds()*1000, "p50-ms")
			b.ReportMetric(percentile(latencies, 99).Seconds()*1000, "p99-ms")
			b.ReportMetric(float64(servedN), "flood-served")
			b.ReportMetric(float64(refusedN), "flood-refused")
		})
	}
}

// percentile is the nearest-rank p-th percentile of sorted, which is not empty.
func percentile(sorted []time.Duration, p int) time.Duration {
	return sorted[max(0, (p*len(sorted)+99)/100-1)]
}
