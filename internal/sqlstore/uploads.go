package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

// maxNameTries bounds the search for a free name: each try is the next
// millisecond, and only uploads of the same name into the same folder
// within those milliseconds take them.
const maxNameTries = 1000

// AddUploads stores the files and files each under a free name, in one
// transaction.
func (d *DB) AddUploads(ctx context.Context, uploads []openentry.NewUpload) ([]openentry.Upload, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := make([]openentry.Upload, 0, len(uploads))
	for _, u := range uploads {
		if err := putFile(ctx, tx, u.File, false); err != nil {
			return nil, err
		}
		name, err := freeUploadName(ctx, tx, u)
		if err != nil {
			return nil, err
		}
		owner := sql.NullInt64{Int64: u.OwnerID, Valid: u.OwnerID != 0}
		up := openentry.Upload{Folder: u.Folder, Name: name, FileID: u.File.ID, ContentType: u.File.ContentType,
			Size: u.File.Size, OwnerID: u.OwnerID, CreatedAt: tx.now}
		err = tx.QueryRowContext(ctx, `INSERT INTO uploads (file_id, folder_type, entity, object_id, name, owner_id, address, created_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.File.ID, u.Folder.Type, u.Folder.Entity, u.Folder.ObjectID, name, owner, u.Address, tx.nowMS).Scan(&up.ID)
		if isUniqueViolation(err) {
			// Another process took the name between our look and our insert.
			return nil, fmt.Errorf("upload %q: %w", name, openentry.ErrConflict)
		}
		if err != nil {
			return nil, fmt.Errorf("upload %q: %w", name, err)
		}
		out = append(out, up)
	}
	return out, tx.Commit()
}

// freeUploadName is Stem-<ms>Ext for the first millisecond from the
// transaction's time whose name is free in the folder.
func freeUploadName(ctx context.Context, tx *tx, u openentry.NewUpload) (string, error) {
	for i := range int64(maxNameTries) {
		name := fmt.Sprintf("%s-%d%s", u.Stem, tx.nowMS+i, u.Ext)
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM uploads WHERE folder_type = ? AND entity = ? AND object_id = ? AND name = ?`,
			u.Folder.Type, u.Folder.Entity, u.Folder.ObjectID, name).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free name for %q: %w", u.Stem+u.Ext, openentry.ErrConflict)
}

// Upload returns the upload named name in folder.
func (d *DB) Upload(ctx context.Context, folder openentry.UploadFolder, name string) (*openentry.Upload, error) {
	u := openentry.Upload{Folder: folder, Name: name}
	var createdMS int64
	err := d.QueryRowContext(ctx, `SELECT u.id, u.file_id, f.content_type, f.size, COALESCE(u.owner_id, 0), u.created_ms
		FROM uploads u JOIN files f ON f.id = u.file_id
		WHERE u.folder_type = ? AND u.entity = ? AND u.object_id = ? AND u.name = ?`,
		folder.Type, folder.Entity, folder.ObjectID, name).Scan(&u.ID, &u.FileID, &u.ContentType, &u.Size, &u.OwnerID, &createdMS)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("File %q not found", name))
	}
	u.CreatedAt = time.UnixMilli(createdMS).UTC()
	return &u, nil
}

// deleteUserUploads deletes a user's uploads (pictures of them, their
// documents) and the bytes no project or other upload uses. The files are
// locked in id order, as DeleteUpload and uploads lock them.
func deleteUserUploads(ctx context.Context, tx *tx, userID int64) error {
	fileIDs, err := queryIDs(ctx, tx, `SELECT DISTINCT file_id FROM uploads WHERE owner_id = ? ORDER BY file_id`, userID)
	if err != nil {
		return err
	}
	for _, fileID := range fileIDs {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM files WHERE id = ?`+tx.dialect.forUpdate(), fileID).Scan(&one); err != nil {
			return fmt.Errorf("lock file %d: %w", fileID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE owner_id = ?`, userID); err != nil {
		return err
	}
	for _, fileID := range fileIDs {
		if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE id = ? AND NOT in_project
			AND NOT EXISTS (SELECT 1 FROM uploads WHERE file_id = ?)`, fileID, fileID); err != nil {
			return fmt.Errorf("delete file %d: %w", fileID, err)
		}
	}
	return nil
}

// DeleteUpload deletes one of ownerID's uploads and, when nothing else
// uses them, its file's bytes. The file row is locked first (PostgreSQL;
// SQLite has one writer), so an upload or an apply of the same bytes
// either finds the row before we look for other users of it, or waits and
// stores the bytes again.
func (d *DB) DeleteUpload(ctx context.Context, ownerID int64, folder openentry.UploadFolder, name string) error {
	missing := openentry.NotFound(fmt.Sprintf("File %q not found", name))
	if ownerID == 0 {
		return missing // a guest's uploads are nobody's to delete
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id, fileID int64
	err = tx.QueryRowContext(ctx, `SELECT id, file_id FROM uploads
		WHERE folder_type = ? AND entity = ? AND object_id = ? AND name = ? AND owner_id = ?`,
		folder.Type, folder.Entity, folder.ObjectID, name, ownerID).Scan(&id, &fileID)
	if errors.Is(err, sql.ErrNoRows) {
		return missing
	}
	if err != nil {
		return err
	}
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM files WHERE id = ?`+tx.dialect.forUpdate(), fileID).Scan(&one); err != nil {
		return fmt.Errorf("lock file %d: %w", fileID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE id = ? AND NOT in_project
		AND NOT EXISTS (SELECT 1 FROM uploads WHERE file_id = ?)`, fileID, fileID); err != nil {
		return fmt.Errorf("delete file %d: %w", fileID, err)
	}
	return tx.Commit()
}
