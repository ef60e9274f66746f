package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestImagesUpToDate fails while the committed pictures differ from what
// gen draws for shop.json: run `go generate ./internal/demo`.
func TestImagesUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := run("../shop.json", dir); err != nil {
		t.Fatal(err)
	}
	made, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadDir("../images")
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != len(committed) || len(made) < 24 {
		t.Fatalf("pictures: gen draws %d, %d are committed; want the same, at least 24 (run go generate ./internal/demo)", len(made), len(committed))
	}
	for _, f := range made {
		want, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("../images", f.Name()))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("images/%s is stale or missing (run go generate ./internal/demo)", f.Name())
		}
	}
}
