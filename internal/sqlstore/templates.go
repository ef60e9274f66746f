package sqlstore

import (
	"context"
	"fmt"

	"github.com/openentry/openentry"
)

const templateColumns = `t.id, t.identifier, t.type, t.title, t.position, t.attribute_set, t.attribute_values, t.version,
	COALESCE(s.attributes, '[]')`

const templateFrom = ` FROM templates t LEFT JOIN attribute_sets s ON s.identifier = t.attribute_set`

func scanTemplate(row interface{ Scan(...any) error }) (*openentry.Template, error) {
	var t openentry.Template
	var title, values, attrs string
	if err := row.Scan(&t.ID, &t.Identifier, &t.Type, &title, &t.Position, &t.AttributeSetIdentifier, &values, &t.Version, &attrs); err != nil {
		return nil, err
	}
	for _, j := range []struct {
		raw string
		v   any
	}{{title, &t.Title}, {values, &t.AttributeValues}, {attrs, &t.Attributes}} {
		if err := fromJSON(j.raw, j.v); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

// Templates lists the templates of a type ("" all), by position.
func (d *DB) Templates(ctx context.Context, typ string) ([]openentry.Template, error) {
	var w query
	if typ != "" {
		w.add(` WHERE t.type = ?`, typ)
	}
	rows, err := d.QueryContext(ctx, `SELECT `+templateColumns+templateFrom+w.String()+` ORDER BY t.position, t.id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.Template{}
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// Template returns a template by marker.
func (d *DB) Template(ctx context.Context, marker string) (*openentry.Template, error) {
	t, err := scanTemplate(d.QueryRowContext(ctx, `SELECT `+templateColumns+templateFrom+` WHERE t.identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Template %q not found", marker))
	}
	return t, nil
}

// applyTemplates upserts the file's templates; version counts real changes.
func applyTemplates(ctx context.Context, tx *tx, templates []openentry.ProjectTemplate) error {
	for i, t := range templates {
		if err := upsertTemplate(ctx, tx, t, int64(i+1)); err != nil {
			return fmt.Errorf("template %q: %w", t.Identifier, err)
		}
	}
	return nil
}

// upsertTemplate writes a template by marker.
func upsertTemplate(ctx context.Context, tx *tx, t openentry.ProjectTemplate, position int64) error {
	values := t.AttributeValues
	if values == nil {
		values = openentry.AttributeValues{}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO templates (identifier, type, title, position, attribute_set, attribute_values, version)
		VALUES (?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (identifier) DO UPDATE SET type = excluded.type, title = excluded.title, position = excluded.position,
			attribute_set = excluded.attribute_set, attribute_values = excluded.attribute_values,
			version = templates.version + CASE WHEN templates.title = excluded.title AND templates.type = excluded.type
				AND templates.attribute_values = excluded.attribute_values THEN 0 ELSE 1 END`,
		t.Identifier, t.Type, mustJSON(openentry.Titles(t.Title)), position, t.AttributeSetIdentifier, mustJSON(values))
	return err
}
