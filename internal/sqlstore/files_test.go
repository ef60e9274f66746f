package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

func newFile(data []byte, name string) *openentry.File {
	sum := sha256.Sum256(data)
	return &openentry.File{Digest: sum[:], ContentType: "image/png", Size: int64(len(data)), Bytes: data, Name: name}
}

// TestPutFileOncePerDigest: the same bytes are one row, whoever stores them
// and under whatever name; the row keeps its first name and type.
func TestPutFileOncePerDigest(t *testing.T) {
	ctx := context.Background()
	db := open(t, apptest.DSN(t))
	if _, err := db.File(ctx, 1); !errors.Is(err, openentry.ErrNotFound) {
		t.Fatalf("no file yet: got %v, want ErrNotFound", err)
	}
	data := []byte("\x89PNG\r\n\x1a\n not really")
	first := newFile(data, "a.png")
	if err := db.PutFile(ctx, first); err != nil {
		t.Fatal(err)
	}
	if first.ID <= 0 || first.CreatedAt.IsZero() {
		t.Fatalf("PutFile: got id %d, created %v", first.ID, first.CreatedAt)
	}
	again := newFile(data, "b.png")
	again.ContentType = "application/octet-stream"
	if err := db.PutFile(ctx, again); err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || !again.CreatedAt.Equal(first.CreatedAt) || again.ContentType != "image/png" {
		t.Errorf("same bytes again: got id %d, created %v, type %s; want %d, %v, image/png", again.ID, again.CreatedAt, again.ContentType, first.ID, first.CreatedAt)
	}
	other := newFile([]byte("other bytes"), "c.png")
	if err := db.PutFile(ctx, other); err != nil || other.ID == first.ID {
		t.Fatalf("other bytes: got id %d, %v; want a new row", other.ID, err)
	}
	got, err := db.File(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes, data) || !bytes.Equal(got.Digest, first.Digest) || got.Name != "a.png" ||
		got.ContentType != "image/png" || got.Size != int64(len(data)) || !got.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("File: got %+v", got)
	}
}

// TestPutFileConcurrent: processes storing the same bytes at once agree on one row.
func TestPutFileConcurrent(t *testing.T) {
	ctx := context.Background()
	dsn := apptest.DSN(t)
	a, b := open(t, dsn), open(t, dsn)
	data := bytes.Repeat([]byte("x"), 1<<16)
	ids := make([]int64, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			db := a
			if i%2 == 1 {
				db = b
			}
			f := newFile(data, "same.bin")
			if err := db.PutFile(ctx, f); err != nil {
				t.Error(err)
			}
			ids[i] = f.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent PutFile of the same bytes: got ids %v, want one", ids)
		}
	}
}
