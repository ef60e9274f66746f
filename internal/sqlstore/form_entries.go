package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

const formEntryColumns = `e.id, e.form_identifier, COALESCE(e.user_id, 0), COALESCE(u.identifier, ''), e.entity_identifier,
	e.module_config_id, e.status, e.form_data, e.address, e.fingerprint, e.created_ms, e.version, e.updated_ms`

const formEntryFrom = ` FROM form_entries e LEFT JOIN users u ON u.id = e.user_id`

func scanFormEntry(row interface{ Scan(...any) error }) (*openentry.FormEntry, error) {
	var e openentry.FormEntry
	var data string
	var created, updated int64
	if err := row.Scan(&e.ID, &e.FormIdentifier, &e.UserID, &e.UserIdentifier, &e.EntityIdentifier, &e.ModuleConfigID,
		&e.Status, &data, &e.Address, &e.Fingerprint, &created, &e.Version, &updated); err != nil {
		return nil, err
	}
	e.Time, e.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return &e, fromJSON(data, &e.FormData)
}

// AddFormEntry stores a form entry.
func (d *DB) AddFormEntry(ctx context.Context, e openentry.FormEntry) (*openentry.FormEntry, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	user := sql.NullInt64{Int64: e.UserID, Valid: e.UserID != 0}
	if err := tx.QueryRowContext(ctx, `INSERT INTO form_entries (form_identifier, user_id, entity_identifier, module_config_id, status,
			form_data, address, fingerprint, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.FormIdentifier, user, e.EntityIdentifier, e.ModuleConfigID, e.Status, mustJSON(e.FormData), e.Address, e.Fingerprint,
		tx.nowMS, tx.nowMS).Scan(&e.ID); err != nil {
		return nil, err
	}
	e.Time, e.UpdatedAt, e.Version = tx.now, tx.now, 1
	return &e, tx.Commit()
}

// FormEntries returns a page of the entries q selects, newest first.
func (d *DB) FormEntries(ctx context.Context, q openentry.FormEntryQuery) ([]openentry.FormEntry, int64, error) {
	var w query
	w.add(` WHERE 1 = 1`)
	if q.Form != "" {
		w.add(` AND e.form_identifier = ?`, q.Form)
	}
	if q.EntityIdentifier != "" {
		w.add(` AND e.entity_identifier = ?`, q.EntityIdentifier)
	}
	if q.UserIdentifier != "" {
		w.add(` AND u.identifier_folded = ?`, openentry.FoldLogin(q.UserIdentifier))
	}
	if q.OnlyUserID > 0 {
		w.add(` AND e.user_id = ?`, q.OnlyUserID)
	}
	if len(q.Statuses) > 0 {
		w.WriteString(` AND e.status IN `)
		in(&w, q.Statuses)
	}
	if !q.From.IsZero() {
		w.add(` AND e.created_ms >= ?`, q.From.UnixMilli())
	}
	if !q.To.IsZero() {
		w.add(` AND e.created_ms <= ?`, q.To.UnixMilli())
	}
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*)`+formEntryFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := []openentry.FormEntry{}
	if q.Limit <= 0 || int64(q.Offset) >= total {
		return out, total, nil
	}
	rows, err := d.QueryContext(ctx, `SELECT `+formEntryColumns+formEntryFrom+w.String()+` ORDER BY e.id DESC LIMIT ? OFFSET ?`,
		append(w.args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanFormEntry(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *e)
	}
	return out, total, rows.Err()
}

// UserFormEntry returns one of userID's entries.
func (d *DB) UserFormEntry(ctx context.Context, userID, id int64) (*openentry.FormEntry, error) {
	e, err := scanFormEntry(d.QueryRowContext(ctx, `SELECT `+formEntryColumns+formEntryFrom+` WHERE e.id = ? AND e.user_id = ?`, id, userID))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Form data %d not found", id))
	}
	return e, nil
}

// UpdateFormEntry writes one of userID's entries.
func (d *DB) UpdateFormEntry(ctx context.Context, userID, id int64, data openentry.FormData, status string) error {
	raw := sql.NullString{}
	if data != nil {
		raw = sql.NullString{String: mustJSON(data), Valid: true}
	}
	return d.ownEntry(ctx, id, `UPDATE form_entries SET form_data = COALESCE(?, form_data),
		status = CASE WHEN ? = '' THEN status ELSE ? END, version = version + 1, updated_ms = ? WHERE id = ? AND user_id = ?`,
		func(nowMS int64) []any { return []any{raw, status, status, nowMS, id, userID} })
}

// DeleteFormEntry deletes one of userID's entries.
func (d *DB) DeleteFormEntry(ctx context.Context, userID, id int64) error {
	return d.ownEntry(ctx, id, `DELETE FROM form_entries WHERE id = ? AND user_id = ?`,
		func(int64) []any { return []any{id, userID} })
}

// ownEntry runs a write that names the owner in its WHERE: no row is
// another user's entry or none at all, the same 404.
func (d *DB) ownEntry(ctx context.Context, id int64, stmt string, args func(nowMS int64) []any) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, stmt, args(tx.nowMS)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return openentry.NotFound(fmt.Sprintf("Form data %d not found", id))
	}
	return tx.Commit()
}
