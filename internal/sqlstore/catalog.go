package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

const formColumns = `id, identifier, type, processing_type, localize_infos, attributes, position, version,
	entry_statuses, entries_public, success_message`

func scanForm(row interface{ Scan(...any) error }) (*openentry.Form, error) {
	var f openentry.Form
	var infos, attrs, statuses, success string
	if err := row.Scan(&f.ID, &f.Identifier, &f.Type, &f.ProcessingType, &infos, &attrs, &f.Position, &f.Version,
		&statuses, &f.EntriesPublic, &success); err != nil {
		return nil, err
	}
	for _, j := range []struct {
		raw string
		v   any
	}{{infos, &f.LocalizeInfos}, {attrs, &f.Attributes}, {statuses, &f.EntryStatuses}, {success, &f.SuccessMessage}} {
		if err := fromJSON(j.raw, j.v); err != nil {
			return nil, err
		}
	}
	return &f, nil
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

// productColumns read a product with its status and its set's stock
// attribute and attribute definitions: FROM products p LEFT JOIN
// product_statuses ps … LEFT JOIN attribute_sets s ….
const productColumns = `p.id, p.localize_infos, p.price_minor, p.currency, p.sku, p.status_identifier, p.position, p.is_visible,
	p.attribute_set, p.attribute_values, p.related_ids, p.stock, COALESCE(ps.localize_infos, '{}'), COALESCE(ps.not_for_sale, ?),
	COALESCE(s.stock_attribute, ''), COALESCE(s.attributes, '[]'), (SELECT value FROM catalog_revision WHERE id = 1), p.blocks`

const productFrom = ` FROM products p LEFT JOIN product_statuses ps ON ps.identifier = p.status_identifier
	LEFT JOIN attribute_sets s ON s.identifier = p.attribute_set`

func scanProduct(row interface{ Scan(...any) error }) (*openentry.Product, error) {
	var p openentry.Product
	var infos, values, related, statusInfos, setAttrs, blocks string
	var stock sql.NullInt64
	if err := row.Scan(&p.ID, &infos, &p.Price.Minor, &p.Price.Currency, &p.Sku, &p.StatusIdentifier, &p.Position, &p.IsVisible,
		&p.AttributeSetIdentifier, &values, &related, &stock, &statusInfos, &p.NotForSale, &p.StockAttribute, &setAttrs, &p.Revision, &blocks); err != nil {
		return nil, err
	}
	if stock.Valid {
		p.Stock = &stock.Int64
	}
	for _, j := range []struct {
		raw string
		v   any
	}{{infos, &p.LocalizeInfos}, {values, &p.AttributeValues}, {related, &p.RelatedIDs}, {statusInfos, &p.StatusLocalizeInfos},
		{setAttrs, &p.SetAttributes}, {blocks, &p.Blocks}} {
		if err := fromJSON(j.raw, j.v); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// Product returns a visible product by id.
func (d *DB) Product(ctx context.Context, id int64) (*openentry.Product, error) {
	p, err := scanProduct(d.QueryRowContext(ctx, `SELECT `+productColumns+productFrom+` WHERE p.id = ? AND p.is_visible = ?`, false, id, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Product %d not found", id))
	}
	return p, productPages(ctx, d, []*openentry.Product{p})
}

// ProductsByID returns the visible products among ids, with their pages.
func (d *DB) ProductsByID(ctx context.Context, ids []int64) (map[int64]openentry.Product, error) {
	m, err := productsByID(ctx, d, ids)
	if err != nil {
		return nil, err
	}
	ps := make([]*openentry.Product, 0, len(m))
	for _, p := range m {
		ps = append(ps, &p)
	}
	if err := productPages(ctx, d, ps); err != nil {
		return nil, err
	}
	for _, p := range ps {
		m[p.ID] = *p
	}
	return m, nil
}

// productPages fills in the visible pages each product is listed on, in
// one query.
func productPages(ctx context.Context, q queryer, products []*openentry.Product) error {
	return listedPages(ctx, q, products, true)
}

// listedPages fills in the pages each product is listed on, only the
// visible ones or (the admin's view) all, in one query.
func listedPages(ctx context.Context, q queryer, products []*openentry.Product, visibleOnly bool) error {
	if len(products) == 0 {
		return nil
	}
	byID := make(map[int64]*openentry.Product, len(products))
	var b query
	b.WriteString(`SELECT pp.product_id, pp.page_id, pg.page_url, pp.position FROM product_pages pp
		JOIN pages pg ON pg.id = pp.page_id WHERE (pg.is_visible = ? OR ?) AND pp.product_id IN `)
	b.args = append(b.args, true, !visibleOnly)
	ids := make([]int64, 0, len(products))
	for _, p := range products {
		byID[p.ID] = p
		ids = append(ids, p.ID)
	}
	in(&b, ids)
	b.WriteString(` ORDER BY pp.product_id, pp.page_id`)
	rows, err := q.QueryContext(ctx, b.String(), b.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var pg openentry.ProductPage
		if err := rows.Scan(&id, &pg.PageID, &pg.PageURL, &pg.Position); err != nil {
			return err
		}
		if p := byID[id]; p != nil {
			p.Pages = append(p.Pages, pg)
		}
	}
	return rows.Err()
}

// productsByID loads the visible products among ids in one query.
func productsByID(ctx context.Context, q queryer, ids []int64) (map[int64]openentry.Product, error) {
	out := make(map[int64]openentry.Product, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(ids)+2)
	args = append(args, false, true)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+productColumns+productFrom+` WHERE p.is_visible = ? AND p.id IN (`+
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

const setColumns = `id, identifier, type, localize_infos, position, is_visible, version, attributes, stock_attribute, created_ms, updated_ms`

func scanAttributeSet(row interface{ Scan(...any) error }) (*openentry.AttributeSet, error) {
	var s openentry.AttributeSet
	var infos, attrs string
	var createdMS, updatedMS int64
	if err := row.Scan(&s.ID, &s.Identifier, &s.Type, &infos, &s.Position, &s.IsVisible, &s.Version, &attrs, &s.StockAttribute,
		&createdMS, &updatedMS); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(updatedMS)
	if err := fromJSON(infos, &s.LocalizeInfos); err != nil {
		return nil, err
	}
	return &s, fromJSON(attrs, &s.Attributes)
}

// setOrder is the ORDER BY of an AttributeSetQuery.SortBy; "" is id, the SDK's default.
func setOrder(sortBy string) (string, bool) {
	switch sortBy {
	case "", "id":
		return "id", true
	case "identifier":
		return "identifier, id", true
	case "position":
		return "position, id", true
	case "createdDate":
		return "created_ms, id", true
	case "updatedDate":
		return "updated_ms, id", true
	}
	return "", false
}

// AttributeSets returns a page of the attribute sets q selects and their total.
func (d *DB) AttributeSets(ctx context.Context, q openentry.AttributeSetQuery) ([]openentry.AttributeSet, int64, error) {
	order, ok := setOrder(q.SortBy)
	if !ok {
		return nil, 0, fmt.Errorf("attribute sets: sort key %q: %w", q.SortBy, openentry.ErrInvalid)
	}
	page, typ := clampPage(q.Page), q.Type
	rows, err := d.QueryContext(ctx, `SELECT `+setColumns+` FROM attribute_sets WHERE (? = '' OR type = ?)
		ORDER BY `+order+` LIMIT ? OFFSET ?`, typ, typ, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []openentry.AttributeSet{}
	for rows.Next() {
		s, err := scanAttributeSet(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var total int64
	return out, total, d.QueryRowContext(ctx, `SELECT COUNT(*) FROM attribute_sets WHERE (? = '' OR type = ?)`, typ, typ).Scan(&total)
}

// AttributeSet returns a set by marker.
func (d *DB) AttributeSet(ctx context.Context, marker string) (*openentry.AttributeSet, error) {
	return findSet(ctx, d, marker)
}

const productStatusColumns = `id, identifier, localize_infos, position, is_default, not_for_sale, version`

func scanProductStatus(row interface{ Scan(...any) error }) (*openentry.ProductStatus, error) {
	var st openentry.ProductStatus
	var infos string
	var notForSale bool
	if err := row.Scan(&st.ID, &st.Identifier, &infos, &st.Position, &st.IsDefault, &notForSale, &st.Version); err != nil {
		return nil, err
	}
	st.Purchasable = !notForSale
	return &st, fromJSON(infos, &st.LocalizeInfos)
}

// ProductStatuses lists the product statuses.
func (d *DB) ProductStatuses(ctx context.Context) ([]openentry.ProductStatus, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+productStatusColumns+` FROM product_statuses ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.ProductStatus{}
	for rows.Next() {
		st, err := scanProductStatus(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// ProductStatus returns a status by marker.
func (d *DB) ProductStatus(ctx context.Context, marker string) (*openentry.ProductStatus, error) {
	st, err := scanProductStatus(d.QueryRowContext(ctx, `SELECT `+productStatusColumns+` FROM product_statuses WHERE identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Product status %q not found", marker))
	}
	return st, nil
}

// bumpCatalogRevision moves the catalogue to its next revision, in the
// transaction that changes it.
func bumpCatalogRevision(ctx context.Context, tx *tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE catalog_revision SET value = value + 1 WHERE id = 1`)
	return err
}
