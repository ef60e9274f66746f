package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// CatalogService implements openentry.FormService and openentry.ProductService.
type CatalogService struct{ db *DB }

var (
	_ openentry.FormService    = (*CatalogService)(nil)
	_ openentry.ProductService = (*CatalogService)(nil)
)

// NewCatalogService returns a CatalogService over db.
func NewCatalogService(db *DB) *CatalogService { return &CatalogService{db: db} }

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
func (s *CatalogService) Forms(ctx context.Context, page openentry.Page) ([]openentry.Form, int64, error) {
	page = clampPage(page)
	rows, err := s.db.QueryContext(ctx, `SELECT `+formColumns+` FROM forms ORDER BY position, id LIMIT ? OFFSET ?`, page.Limit, page.Offset)
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
	return out, total, s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM forms`).Scan(&total)
}

// Form returns a form by marker.
func (s *CatalogService) Form(ctx context.Context, marker string) (*openentry.Form, error) {
	return findForm(ctx, s.db, marker)
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
func (s *CatalogService) Product(ctx context.Context, id int64) (*openentry.Product, error) {
	p, err := scanProduct(s.db.QueryRowContext(ctx, `SELECT `+productColumns+` FROM products WHERE id = ? AND is_visible = ?`, id, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Product %d not found", id))
	}
	return p, nil
}

// ProductsByIDs returns the visible products among ids, in the order asked.
func (s *CatalogService) ProductsByIDs(ctx context.Context, ids []int64) ([]openentry.Product, error) {
	byID, err := productsByID(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	out := make([]openentry.Product, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
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
