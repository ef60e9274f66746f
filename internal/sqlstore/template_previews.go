package sqlstore

import (
	"context"
	"fmt"

	"github.com/openentry/openentry"
)

const templatePreviewColumns = `t.id, t.identifier, t.title, t.position, t.proportions, t.attribute_set, t.attribute_values,
	t.version, COALESCE(s.attributes, '[]')`

const templatePreviewFrom = ` FROM template_previews t LEFT JOIN attribute_sets s ON s.identifier = t.attribute_set`

func scanTemplatePreview(row interface{ Scan(...any) error }) (*openentry.TemplatePreview, error) {
	var t openentry.TemplatePreview
	var title, proportions, values, attrs string
	if err := row.Scan(&t.ID, &t.Identifier, &title, &t.Position, &proportions, &t.AttributeSetIdentifier, &values,
		&t.Version, &attrs); err != nil {
		return nil, err
	}
	for _, j := range []struct {
		raw string
		v   any
	}{{title, &t.Title}, {proportions, &t.Proportions}, {values, &t.AttributeValues}, {attrs, &t.Attributes}} {
		if err := fromJSON(j.raw, j.v); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

// TemplatePreviews lists the preview templates by position.
func (d *DB) TemplatePreviews(ctx context.Context) ([]openentry.TemplatePreview, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+templatePreviewColumns+templatePreviewFrom+` ORDER BY t.position, t.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.TemplatePreview{}
	for rows.Next() {
		t, err := scanTemplatePreview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// TemplatePreview returns a preview template by marker.
func (d *DB) TemplatePreview(ctx context.Context, marker string) (*openentry.TemplatePreview, error) {
	t, err := scanTemplatePreview(d.QueryRowContext(ctx, `SELECT `+templatePreviewColumns+templatePreviewFrom+` WHERE t.identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Template preview %q not found", marker))
	}
	return t, nil
}

// applyTemplatePreviews upserts the file's preview templates; version
// counts real changes, so re-applying a file leaves it as it was.
func applyTemplatePreviews(ctx context.Context, tx *tx, previews []openentry.ProjectTemplatePreview) error {
	for i, t := range previews {
		if err := upsertTemplatePreview(ctx, tx, t, int64(i+1)); err != nil {
			return fmt.Errorf("template preview %q: %w", t.Identifier, err)
		}
	}
	return nil
}

// upsertTemplatePreview writes a preview template by marker.
func upsertTemplatePreview(ctx context.Context, tx *tx, t openentry.ProjectTemplatePreview, position int64) error {
	values := t.AttributeValues
	if values == nil {
		values = openentry.AttributeValues{}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO template_previews (identifier, title, position, proportions, attribute_set, attribute_values, version)
		VALUES (?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (identifier) DO UPDATE SET title = excluded.title, position = excluded.position,
			proportions = excluded.proportions, attribute_set = excluded.attribute_set,
			attribute_values = excluded.attribute_values,
			version = template_previews.version + CASE WHEN template_previews.title = excluded.title
				AND template_previews.proportions = excluded.proportions
				AND template_previews.attribute_set = excluded.attribute_set
				AND template_previews.attribute_values = excluded.attribute_values THEN 0 ELSE 1 END`,
		t.Identifier, mustJSON(openentry.Titles(t.Title)), position, mustJSON(t.Proportions.Default), t.AttributeSetIdentifier,
		mustJSON(values))
	return err
}
