package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

// File returns a stored file with its bytes.
func (d *DB) File(ctx context.Context, id int64) (*openentry.File, error) {
	var (
		f         openentry.File
		createdMS int64
	)
	err := d.QueryRowContext(ctx, `SELECT id, digest, content_type, size, bytes, created_ms, name FROM files WHERE id = ?`, id).
		Scan(&f.ID, &f.Digest, &f.ContentType, &f.Size, &f.Bytes, &createdMS, &f.Name)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("File %d not found", id))
	}
	f.CreatedAt = time.UnixMilli(createdMS).UTC()
	return &f, nil
}

// PutFile stores f once per digest, in a transaction of its own. Its
// bytes are kept as a project's are: no upload's deletion removes them.
func (d *DB) PutFile(ctx context.Context, f *openentry.File) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := putFile(ctx, tx, f, true); err != nil {
		return err
	}
	return tx.Commit()
}

// putFile stores f unless its digest is stored, and sets f.ID,
// f.CreatedAt and f.ContentType from the row that holds the bytes; with
// inProject it marks the row as used by a project. The row is looked up
// first, so re-applying a project does not send its files' bytes again;
// DO NOTHING settles a race with another process storing the same bytes.
// The lookup locks the row (PostgreSQL) against DeleteUpload removing it
// meanwhile; a row deleted while we waited is not found, and stored anew.
func putFile(ctx context.Context, tx *tx, f *openentry.File, inProject bool) error {
	if len(f.Digest) == 0 {
		return errors.New("put file: no digest")
	}
	var (
		createdMS int64
		marked    bool
	)
	stored := `SELECT id, created_ms, content_type, in_project FROM files WHERE digest = ?` + tx.dialect.forUpdate()
	err := tx.QueryRowContext(ctx, stored, f.Digest).Scan(&f.ID, &createdMS, &f.ContentType, &marked)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `
			INSERT INTO files (digest, content_type, size, bytes, created_ms, name, in_project) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (digest) DO NOTHING
			RETURNING id, created_ms, content_type, in_project`,
			f.Digest, f.ContentType, int64(len(f.Bytes)), f.Bytes, tx.nowMS, f.Name, inProject).Scan(&f.ID, &createdMS, &f.ContentType, &marked)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, stored, f.Digest).Scan(&f.ID, &createdMS, &f.ContentType, &marked)
		}
	}
	if err == nil && inProject && !marked {
		_, err = tx.ExecContext(ctx, `UPDATE files SET in_project = TRUE WHERE id = ?`, f.ID)
	}
	if err != nil {
		return fmt.Errorf("store file %q: %w", f.Name, err)
	}
	f.CreatedAt = time.UnixMilli(createdMS).UTC()
	return nil
}

// applyFiles stores a project's files, then lets the use case put their
// IDs into the attribute values that name them.
func applyFiles(ctx context.Context, tx *tx, a openentry.ProjectApply) error {
	for _, f := range a.Files {
		if err := putFile(ctx, tx, f, true); err != nil {
			return err
		}
	}
	if a.FilesStored == nil {
		return nil
	}
	return a.FilesStored()
}
