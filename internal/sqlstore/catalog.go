package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

const formColumns = `id, identifier, type, processing_type, localize_infos, attributes, position, version`

func scanForm(row interface{ Scan(...any) error }) (*openentry.Form, error) {
	var f openentry.Form
	var infos, attrs string
	if err := row.Scan(&f.ID, &f.Identifier, &f.Type, &f.ProcessingType, &infos, &attrs, &f.Position, &f.Version); err != nil {
		return nil, err
	}
	if err := fromJSON(infos, &f.LocalizeInfos); err != nil {
		return nil, err
	}
	return &f, fromJSON(attrs, &f.Attributes)
}

func findForm(ctx context.Context, q queryer, marker string) (*openentry.Form, error) {
	f, err := scanForm(q.QueryRowContext(ctx, `SELECT `+formColumns+` FROM forms WHERE identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Form %q not found", marker))
	}
	return f, nil
}

// Forms returns a page of forms and the total count.
func (d *DB) Forms(ctx context.Context, page openentry.Page) ([]openentry.Form, int64, error) {
	page = clampPage(page)
	rows, err := d.QueryContext(ctx, `SELECT `+formColumns+` FROM forms ORDER BY position, id LIMIT ? OFFSET ?`, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []openentry.Form{}
	for rows.Next() {
		f, err := scanForm(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *f)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var total int64
	return out, total, d.QueryRowContext(ctx, `SELECT COUNT(*) FROM forms`).Scan(&total)
}

// Form returns a form by marker.
func (d *DB) Form(ctx context.Context, marker string) (*openentry.Form, error) {
	return findForm(ctx, d, marker)
}

const productColumns = `id, localize_infos, price_minor, currency, sku, status_identifier, position, is_visible`

func scanProduct(row interface{ Scan(...any) error }) (*openentry.Product, error) {
	var p openentry.Product
	var infos string
	if err := row.Scan(&p.ID, &infos, &p.Price.Minor, &p.Price.Currency, &p.Sku, &p.StatusIdentifier, &p.Position, &p.IsVisible); err != nil {
		return nil, err
	}
	p.Categories = []string{}
	return &p, fromJSON(infos, &p.LocalizeInfos)
}

// Product returns a visible product by id.
func (d *DB) Product(ctx context.Context, id int64) (*openentry.Product, error) {
	p, err := scanProduct(d.QueryRowContext(ctx, `SELECT `+productColumns+` FROM products WHERE id = ? AND is_visible = ?`, id, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Product %d not found", id))
	}
	return p, nil
}

// ProductsByID returns the visible products among ids.
func (d *DB) ProductsByID(ctx context.Context, ids []int64) (map[int64]openentry.Product, error) {
	return productsByID(ctx, d, ids)
}

// productsByID loads the visible products among ids in one query.
func productsByID(ctx context.Context, q queryer, ids []int64) (map[int64]openentry.Product, error) {
	out := make(map[int64]openentry.Product, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, true)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+productColumns+` FROM products WHERE is_visible = ? AND id IN (`+
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, err
		}
		out[p.ID] = *p
	}
	return out, rows.Err()
}
