package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openentry/openentry"
)

const collectionColumns = `c.id, c.identifier, c.form_identifier, COALESCE(f.id, 0), c.localize_infos, c.position,
	c.selected_markers, c.rows_public, c.version`

const collectionFrom = ` FROM integration_collections c LEFT JOIN forms f ON f.identifier = c.form_identifier`

func scanCollection(row interface{ Scan(...any) error }) (*openentry.Collection, error) {
	var c openentry.Collection
	var infos, markers string
	if err := row.Scan(&c.ID, &c.Identifier, &c.FormIdentifier, &c.FormID, &infos, &c.Position, &markers, &c.RowsPublic, &c.Version); err != nil {
		return nil, err
	}
	if err := fromJSON(infos, &c.LocalizeInfos); err != nil {
		return nil, err
	}
	return &c, fromJSON(markers, &c.SelectedAttributeMarkers)
}

// Collections returns a page of collections in the project file's order.
func (d *DB) Collections(ctx context.Context, page openentry.Page) ([]openentry.Collection, error) {
	page = clampPage(page)
	return queryCollections(ctx, d, ` ORDER BY c.position, c.id LIMIT ? OFFSET ?`, page.Limit, page.Offset)
}

func queryCollections(ctx context.Context, q queryer, tail string, args ...any) ([]openentry.Collection, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+collectionColumns+collectionFrom+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.Collection{}
	for rows.Next() {
		c, err := scanCollection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// CollectionByID returns a collection by id.
func (d *DB) CollectionByID(ctx context.Context, id int64) (*openentry.Collection, error) {
	c, err := scanCollection(d.QueryRowContext(ctx, `SELECT `+collectionColumns+collectionFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Collection %d not found", id))
	}
	return c, nil
}

// Collection returns a collection by marker.
func (d *DB) Collection(ctx context.Context, marker string) (*openentry.Collection, error) {
	c, err := scanCollection(d.QueryRowContext(ctx, `SELECT `+collectionColumns+collectionFrom+` WHERE c.identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Collection %q not found", marker))
	}
	return c, nil
}

const collectionRowColumns = `id, collection_id, user_id, entity_type, entity_id, form_data, created_ms, updated_ms`

func scanCollectionRow(row interface{ Scan(...any) error }) (*openentry.CollectionRow, error) {
	var r openentry.CollectionRow
	var entity sql.NullInt64
	var data string
	var created, updated int64
	if err := row.Scan(&r.ID, &r.CollectionID, &r.UserID, &r.EntityType, &entity, &data, &created, &updated); err != nil {
		return nil, err
	}
	if entity.Valid {
		r.EntityID = &entity.Int64
	}
	r.Created, r.Updated = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return &r, fromJSON(data, &r.FormData)
}

// CollectionRows returns a page of the rows q selects, newest first.
func (d *DB) CollectionRows(ctx context.Context, q openentry.CollectionRowQuery) ([]openentry.CollectionRow, int64, error) {
	var w query
	w.add(` WHERE collection_id = ?`, q.CollectionID)
	if q.EntityType != "" {
		w.add(` AND entity_type = ?`, q.EntityType)
	}
	if q.EntityID != nil {
		w.add(` AND entity_id = ?`, *q.EntityID)
	}
	if q.OnlyUserID > 0 {
		w.add(` AND user_id = ?`, q.OnlyUserID)
	}
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM collection_rows`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := []openentry.CollectionRow{}
	if q.Limit <= 0 || int64(q.Offset) >= total {
		return out, total, nil
	}
	rows, err := d.QueryContext(ctx, `SELECT `+collectionRowColumns+` FROM collection_rows`+w.String()+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(w.args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanCollectionRow(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *r)
	}
	return out, total, rows.Err()
}

func rowNotFound(id int64) error {
	return openentry.NotFound(fmt.Sprintf("Collection row %d not found", id))
}

// CollectionRow returns a row of the collection.
func (d *DB) CollectionRow(ctx context.Context, collectionID, id int64) (*openentry.CollectionRow, error) {
	r, err := scanCollectionRow(d.QueryRowContext(ctx, `SELECT `+collectionRowColumns+` FROM collection_rows
		WHERE id = ? AND collection_id = ?`, id, collectionID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rowNotFound(id)
	}
	return r, err
}

// AddCollectionRow stores a row.
func (d *DB) AddCollectionRow(ctx context.Context, r openentry.CollectionRow) (*openentry.CollectionRow, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var entity sql.NullInt64
	if r.EntityID != nil {
		entity = sql.NullInt64{Int64: *r.EntityID, Valid: true}
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO collection_rows (collection_id, user_id, entity_type, entity_id, form_data,
			created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.CollectionID, r.UserID, r.EntityType, entity, mustJSON(r.FormData), tx.nowMS, tx.nowMS).Scan(&r.ID); err != nil {
		return nil, err
	}
	r.Created, r.Updated = tx.now, tx.now
	return &r, tx.Commit()
}

// UpdateCollectionRow replaces the data of one of userID's rows: one
// statement naming the owner, so the change never lands on another's row.
func (d *DB) UpdateCollectionRow(ctx context.Context, userID, collectionID, id int64, data openentry.FormData) (*openentry.CollectionRow, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r, err := scanCollectionRow(tx.QueryRowContext(ctx, `UPDATE collection_rows SET form_data = ?, updated_ms = ?
		WHERE id = ? AND collection_id = ? AND user_id = ? RETURNING `+collectionRowColumns,
		mustJSON(data), tx.nowMS, id, collectionID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rowNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	return r, tx.Commit()
}

// DeleteCollectionRow deletes one of userID's rows.
func (d *DB) DeleteCollectionRow(ctx context.Context, userID, collectionID, id int64) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM collection_rows WHERE id = ? AND collection_id = ? AND user_id = ?`, id, collectionID, userID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return rowNotFound(id)
	}
	return tx.Commit()
}

// applyCollections upserts the project's collections by identifier; rows
// stay, and a collection's form is checked by checkCollectionReferences.
func applyCollections(ctx context.Context, tx *tx, cs []openentry.ProjectCollection) error {
	for i, c := range cs {
		if err := upsertCollection(ctx, tx, c, int64(i+1)); err != nil {
			return fmt.Errorf("integration collection %q: %w", c.Identifier, err)
		}
	}
	return nil
}

// upsertCollection writes a collection by marker; its version moves with
// a change.
func upsertCollection(ctx context.Context, tx *tx, c openentry.ProjectCollection, position int64) error {
	markers := c.SelectedAttributeMarkers
	if markers == nil {
		markers = []string{}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO integration_collections (identifier, form_identifier, localize_infos, position, selected_markers, rows_public)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (identifier) DO UPDATE SET form_identifier = excluded.form_identifier,
			localize_infos = excluded.localize_infos, position = excluded.position,
			selected_markers = excluded.selected_markers, rows_public = excluded.rows_public,
			version = integration_collections.version + CASE WHEN integration_collections.form_identifier = excluded.form_identifier
				AND integration_collections.localize_infos = excluded.localize_infos
				AND integration_collections.position = excluded.position
				AND integration_collections.selected_markers = excluded.selected_markers
				AND integration_collections.rows_public = excluded.rows_public THEN 0 ELSE 1 END`,
		c.Identifier, c.FormIdentifier, mustJSON(openentry.Titles(c.Title)), position, mustJSON(markers), c.RowsPublic)
	return err
}

// checkCollectionReferences checks each collection's form and columns.
func checkCollectionReferences(ctx context.Context, tx *tx, p *openentry.Project, bad func(string, ...any)) error {
	for _, c := range p.IntegrationCollections {
		f, err := findForm(ctx, tx, c.FormIdentifier)
		if errors.Is(err, openentry.ErrNotFound) {
			bad("integration collection %q: form %q is not defined", c.Identifier, c.FormIdentifier)
			continue
		}
		if err != nil {
			return err
		}
		for _, m := range c.SelectedAttributeMarkers {
			if !slices.ContainsFunc(f.Attributes, func(a openentry.FormAttribute) bool { return a.Marker == m }) {
				bad("integration collection %q: selectedAttributeMarkers: form %q has no attribute %q", c.Identifier, f.Identifier, m)
			}
		}
	}
	return nil
}
