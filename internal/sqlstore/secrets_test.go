package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/sqlstore"
)

// generator returns a generate func that makes a different secret on each
// call and counts its calls.
func generator(calls *atomic.Int64) func() ([]byte, error) {
	return func() ([]byte, error) {
		n := calls.Add(1)
		return bytes.Repeat([]byte{byte(n)}, 32), nil
	}
}

func TestServerSecretKept(t *testing.T) {
	ctx := context.Background()
	dsn := apptest.DSN(t)
	var calls atomic.Int64
	db := open(t, dsn)
	first, err := db.ServerSecret(ctx, "token", generator(&calls))
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 32 {
		t.Fatalf("first call: got %d bytes, want the 32 generated", len(first))
	}
	db.Close()

	// Reopened, as after a restart: the stored secret, no new one made.
	db = open(t, dsn)
	again, err := db.ServerSecret(ctx, "token", generator(&calls))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, first) || calls.Load() != 1 {
		t.Errorf("after reopening: got %x with %d generate calls, want %x with 1", again, calls.Load(), first)
	}

	other, err := db.ServerSecret(ctx, "other", generator(&calls))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, first) {
		t.Errorf("secret %q: got the same bytes as %q, want its own", "other", "token")
	}
}

func TestServerSecretGenerateFails(t *testing.T) {
	ctx := context.Background()
	db := open(t, apptest.DSN(t))
	boom := errors.New("no entropy")
	tests := []struct {
		name     string
		generate func() ([]byte, error)
		want     error
	}{
		{name: "error", generate: func() ([]byte, error) { return nil, boom }, want: boom},
		{name: "empty secret", generate: func() ([]byte, error) { return []byte{}, nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.ServerSecret(ctx, "token", tc.generate)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("got %x, %v; want an error (%v)", got, err, tc.want)
			}
		})
	}
	// Nothing was stored: the next call generates.
	var calls atomic.Int64
	if _, err := db.ServerSecret(ctx, "token", generator(&calls)); err != nil || calls.Load() != 1 {
		t.Errorf("after failures: got %v with %d generate calls, want nil with 1", err, calls.Load())
	}
}

// TestServerSecretConcurrent has callers over two handles on one database,
// as two instances starting together, all find no secret and all race to
// store theirs: each must come back with the one the database kept.
func TestServerSecretConcurrent(t *testing.T) {
	ctx := context.Background()
	dsn := apptest.DSN(t)
	dbs := [2]*sqlstore.DB{open(t, dsn), open(t, dsn)}
	const callers = 8
	var calls atomic.Int64
	// No caller stores before every one has generated, so all of them race
	// to insert rather than the later ones just reading the first's secret.
	var generated sync.WaitGroup
	generated.Add(callers)
	generate := func() ([]byte, error) {
		secret, err := generator(&calls)()
		generated.Done()
		generated.Wait()
		return secret, err
	}
	got := make([][]byte, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = dbs[i%2].ServerSecret(ctx, "token", generate)
		}()
	}
	wg.Wait()
	if calls.Load() != callers {
		t.Fatalf("generate called %d times, want %d (every caller racing)", calls.Load(), callers)
	}
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if len(got[i]) != 32 || !bytes.Equal(got[i], got[0]) {
			t.Errorf("caller %d: got %x, want %x like caller 0", i, got[i], got[0])
		}
	}
}
