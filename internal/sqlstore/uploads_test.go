package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// TestDeleteUploadRacesUpload: deleting the last upload of some bytes while
// another process uploads the same bytes never leaves the new upload
// without its file: the delete keeps the row, or the upload stores it anew.
func TestDeleteUploadRacesUpload(t *testing.T) {
	ctx := context.Background()
	dsn := apptest.DSN(t)
	a, b := open(t, dsn), open(t, dsn)
	owner := &openentry.User{Provider: "email", Identifier: "uploader@example.com"}
	if err := a.InsertUser(ctx, owner, "x"); err != nil {
		t.Fatal(err)
	}
	folder := openentry.UploadFolder{Type: "page", Entity: "editor", ObjectID: 1}
	for i := range 20 {
		data := []byte(fmt.Sprintf("\x89PNG\r\n\x1a\nround %d", i))
		first, err := a.AddUploads(ctx, []openentry.NewUpload{{File: newFile(data, "a.png"), Folder: folder, Stem: "a", Ext: ".png", OwnerID: owner.ID}})
		if err != nil {
			t.Fatal(err)
		}
		var (
			wg     sync.WaitGroup
			second []openentry.Upload
			addErr error
		)
		wg.Go(func() {
			if err := a.DeleteUpload(ctx, owner.ID, folder, first[0].Name); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			second, addErr = b.AddUploads(ctx, []openentry.NewUpload{{File: newFile(data, "b.png"), Folder: folder, Stem: "b", Ext: ".png"}})
		})
		wg.Wait()
		if addErr != nil {
			t.Fatal(addErr)
		}
		got, err := b.Upload(ctx, folder, second[0].Name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := b.File(ctx, got.FileID)
		if err != nil {
			t.Fatalf("round %d: the new upload's file: %v", i, err)
		}
		if string(f.Bytes) != string(data) {
			t.Fatalf("round %d: got other bytes", i)
		}
		if _, err := b.Upload(ctx, folder, first[0].Name); !errors.Is(err, openentry.ErrNotFound) {
			t.Fatalf("round %d: the deleted upload: got %v, want ErrNotFound", i, err)
		}
	}
}

// TestDeleteUploadKeepsProjectFiles: bytes a project stored stay when the
// last upload of them goes; a guest's upload is nobody's to delete.
func TestDeleteUploadKeepsProjectFiles(t *testing.T) {
	ctx := context.Background()
	db := open(t, apptest.DSN(t))
	owner := &openentry.User{Provider: "email", Identifier: "keeper@example.com"}
	if err := db.InsertUser(ctx, owner, "x"); err != nil {
		t.Fatal(err)
	}
	data := []byte("\x89PNG\r\n\x1a\nproject")
	pinned := newFile(data, "p.png")
	if err := db.PutFile(ctx, pinned); err != nil {
		t.Fatal(err)
	}
	var folder openentry.UploadFolder
	ups, err := db.AddUploads(ctx, []openentry.NewUpload{
		{File: newFile(data, "p.png"), Folder: folder, Stem: "p", Ext: ".png", OwnerID: owner.ID},
		{File: newFile(data, "p.png"), Folder: folder, Stem: "p", Ext: ".png"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ups[0].FileID != pinned.ID || ups[0].Name == ups[1].Name {
		t.Fatalf("uploads: got %+v, want file %d under two names", ups, pinned.ID)
	}
	if err := db.DeleteUpload(ctx, 0, folder, ups[1].Name); !errors.Is(err, openentry.ErrNotFound) {
		t.Errorf("deleting a guest's upload: got %v, want ErrNotFound", err)
	}
	if err := db.DeleteUpload(ctx, owner.ID+1, folder, ups[0].Name); !errors.Is(err, openentry.ErrNotFound) {
		t.Errorf("deleting another's upload: got %v, want ErrNotFound", err)
	}
	if err := db.DeleteUpload(ctx, owner.ID, folder, ups[0].Name); err != nil {
		t.Fatal(err)
	}
	if _, err := db.File(ctx, pinned.ID); err != nil {
		t.Errorf("the project's file after its upload went: %v", err)
	}
}
