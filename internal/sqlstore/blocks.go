package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openentry/openentry"
)

const blockColumns = `b.id, b.identifier, b.type, b.localize_infos, b.position, b.is_visible, b.template_identifier,
	b.attribute_set, b.attribute_values, b.products, b.per_row, b.quantity, b.version, COALESCE(s.attributes, '[]')`

const blockFrom = ` FROM blocks b LEFT JOIN attribute_sets s ON s.identifier = b.attribute_set`

func scanBlock(row interface{ Scan(...any) error }) (*openentry.Block, error) {
	var b openentry.Block
	var infos, values, products, attrs string
	if err := row.Scan(&b.ID, &b.Identifier, &b.Type, &infos, &b.Position, &b.IsVisible, &b.TemplateIdentifier,
		&b.AttributeSetIdentifier, &values, &products, &b.PerRow, &b.Quantity, &b.Version, &attrs); err != nil {
		return nil, err
	}
	for _, j := range []struct {
		raw string
		v   any
	}{{infos, &b.LocalizeInfos}, {values, &b.AttributeValues}, {products, &b.ProductIDs}, {attrs, &b.Attributes}} {
		if err := fromJSON(j.raw, j.v); err != nil {
			return nil, err
		}
	}
	return &b, nil
}

func queryBlocks(ctx context.Context, q queryer, where string, args ...any) ([]openentry.Block, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+blockColumns+blockFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.Block{}
	for rows.Next() {
		b, err := scanBlock(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// Blocks returns a page of visible blocks of a type ("" any), by position.
func (d *DB) Blocks(ctx context.Context, typ string, page openentry.Page) ([]openentry.Block, int64, error) {
	page = clampPage(page)
	var w query
	w.add(` WHERE b.is_visible = ?`, true)
	if typ != "" {
		w.add(` AND b.type = ?`, typ)
	}
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM blocks b`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := queryBlocks(ctx, d, w.String()+` ORDER BY b.position, b.id LIMIT ? OFFSET ?`, append(w.args, page.Limit, page.Offset)...)
	return out, total, err
}

// Block returns a visible block by marker.
func (d *DB) Block(ctx context.Context, marker string) (*openentry.Block, error) {
	b, err := scanBlock(d.QueryRowContext(ctx, `SELECT `+blockColumns+blockFrom+` WHERE b.identifier = ? AND b.is_visible = ?`, marker, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Block %q not found", marker))
	}
	return b, nil
}

// BlocksByMarkers returns the visible blocks among markers, in their order.
func (d *DB) BlocksByMarkers(ctx context.Context, markers []string) ([]openentry.Block, error) {
	if len(markers) == 0 {
		return []openentry.Block{}, nil
	}
	var w query
	w.add(` WHERE b.is_visible = ? AND b.identifier IN `, true)
	in(&w, markers)
	found, err := queryBlocks(ctx, d, w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	byMarker := make(map[string]openentry.Block, len(found))
	for _, b := range found {
		byMarker[b.Identifier] = b
	}
	out := make([]openentry.Block, 0, len(found))
	for _, m := range markers {
		if b, ok := byMarker[m]; ok {
			out = append(out, b)
		}
	}
	return out, nil
}

// SearchBlocks returns up to limit visible blocks whose title in lang, else
// in the default locale, contains folded. Blocks are few: they are read
// and matched here.
func (d *DB) SearchBlocks(ctx context.Context, lang, folded string, limit int) ([]openentry.Block, error) {
	all, err := queryBlocks(ctx, d, ` WHERE b.is_visible = ? ORDER BY b.position, b.id`, true)
	if err != nil {
		return nil, err
	}
	out := []openentry.Block{}
	for _, b := range all {
		var info struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(b.LocalizeInfos.Resolve(lang), &info)
		if openentry.PageTitleMatches(info.Title, folded) {
			out = append(out, b)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// FrequentlyOrdered returns the products most often in the same
// (not canceled) orders as productID.
func (d *DB) FrequentlyOrdered(ctx context.Context, productID int64, limit int) ([]int64, error) {
	return queryIDs(ctx, d, `SELECT o2.product_id FROM order_lines o1
		JOIN orders o ON o.id = o1.order_id AND o.canceled_ms IS NULL
		JOIN order_lines o2 ON o2.order_id = o1.order_id AND o2.product_id <> o1.product_id
		JOIN products p ON p.id = o2.product_id AND p.is_visible = ?
		WHERE o1.product_id = ?
		GROUP BY o2.product_id ORDER BY COUNT(DISTINCT o2.order_id) DESC, o2.product_id LIMIT ?`, true, productID, limit)
}

// PageBlocks returns the block markers a visible page lists.
func (d *DB) PageBlocks(ctx context.Context, pageURL string) ([]string, error) {
	var raw string
	if err := d.QueryRowContext(ctx, `SELECT blocks FROM pages WHERE page_url = ? AND is_visible = ?`, pageURL, true).Scan(&raw); err != nil {
		return nil, notFound(err, fmt.Sprintf("Page %q not found", pageURL))
	}
	var out []string
	return out, fromJSON(raw, &out)
}

// applyBlocks upserts the file's blocks, in its order.
func applyBlocks(ctx context.Context, tx *tx, blocks []openentry.ProjectBlock) error {
	for i, b := range blocks {
		if err := upsertBlock(ctx, tx, b, int64(i+1)); err != nil {
			return fmt.Errorf("block %q: %w", b.Identifier, err)
		}
	}
	return nil
}

// upsertBlock writes a block by marker; version counts real changes.
func upsertBlock(ctx context.Context, tx *tx, b openentry.ProjectBlock, position int64) error {
	typ := b.Type
	if typ == "" {
		typ = openentry.BlockTypeCommon
	}
	infos, values, products := b.LocalizeInfos, b.AttributeValues, b.Products
	if infos == nil {
		infos = map[string]json.RawMessage{}
	}
	if values == nil {
		values = openentry.AttributeValues{}
	}
	if products == nil {
		products = []int64{}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO blocks (identifier, type, localize_infos, position, is_visible, template_identifier, attribute_set,
			attribute_values, products, per_row, quantity, version, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (identifier) DO UPDATE SET type = excluded.type, localize_infos = excluded.localize_infos,
			position = excluded.position, is_visible = excluded.is_visible, template_identifier = excluded.template_identifier,
			attribute_set = excluded.attribute_set, attribute_values = excluded.attribute_values, products = excluded.products,
			per_row = excluded.per_row, quantity = excluded.quantity,
			version = blocks.version + CASE WHEN blocks.localize_infos = excluded.localize_infos
				AND blocks.attribute_values = excluded.attribute_values AND blocks.products = excluded.products
				AND blocks.type = excluded.type AND blocks.is_visible = excluded.is_visible THEN 0 ELSE 1 END,
			updated_ms = excluded.updated_ms`,
		b.Identifier, typ, mustJSON(infos), position, !b.Hidden, b.TemplateIdentifier, b.AttributeSetIdentifier,
		mustJSON(values), mustJSON(products), b.PerRow, b.Quantity, tx.nowMS)
	return err
}
