package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

// pageColumns read a page with its set's attributes and its counts: FROM
// pages p LEFT JOIN attribute_sets s …; the two ? are true (visible).
const pageColumns = `p.id, COALESCE(p.parent_id, 0), p.page_url, p.depth, p.position, p.type, p.is_visible, p.localize_infos,
	p.attribute_set, p.attribute_values, p.template_identifier, p.config, p.updated_ms, COALESCE(s.attributes, '[]'), p.blocks, p.version,
	(SELECT COUNT(*) FROM product_pages pp JOIN products pr ON pr.id = pp.product_id WHERE pp.page_id = p.id AND pr.is_visible = ?),
	(SELECT COUNT(*) FROM pages c WHERE c.parent_id = p.id AND c.is_visible = ?)`

const pageFrom = ` FROM pages p LEFT JOIN attribute_sets s ON s.identifier = p.attribute_set`

func scanPage(row interface{ Scan(...any) error }) (*openentry.ContentPage, error) {
	var p openentry.ContentPage
	var infos, values, config, attrs, blocks string
	var updated int64
	if err := row.Scan(&p.ID, &p.ParentID, &p.PageURL, &p.Depth, &p.Position, &p.Type, &p.IsVisible, &infos,
		&p.AttributeSetIdentifier, &values, &p.TemplateIdentifier, &config, &updated, &attrs, &blocks, &p.Version, &p.Products, &p.ChildrenCount); err != nil {
		return nil, err
	}
	p.UpdatedAt = time.UnixMilli(updated).UTC()
	for _, j := range []struct {
		raw string
		v   any
	}{{infos, &p.LocalizeInfos}, {values, &p.AttributeValues}, {config, &p.Config}, {attrs, &p.Attributes}, {blocks, &p.Blocks}} {
		if err := fromJSON(j.raw, j.v); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// queryPages runs a page query (pageColumns+pageFrom+where) and scans every row.
func queryPages(ctx context.Context, q queryer, where string, args ...any) ([]openentry.ContentPage, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+pageColumns+pageFrom+where, append([]any{true, true}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.ContentPage{}
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

func findPage(ctx context.Context, q queryer, where string, arg any, message string) (*openentry.ContentPage, error) {
	p, err := scanPage(q.QueryRowContext(ctx, `SELECT `+pageColumns+pageFrom+` WHERE `+where+` AND p.is_visible = ?`, true, true, arg, true))
	if err != nil {
		return nil, notFound(err, message)
	}
	return p, nil
}

// Pages lists the visible pages, or the visible top-level ones, by position.
func (d *DB) Pages(ctx context.Context, rootsOnly bool) ([]openentry.ContentPage, error) {
	where := ` WHERE p.is_visible = ?`
	if rootsOnly {
		where += ` AND p.parent_id IS NULL`
	}
	return queryPages(ctx, d, where+` ORDER BY p.position, p.id`, true)
}

// PageByID returns a visible page.
func (d *DB) PageByID(ctx context.Context, id int64) (*openentry.ContentPage, error) {
	return findPage(ctx, d, `p.id = ?`, id, fmt.Sprintf("Page %d not found", id))
}

// PageByURL returns a visible page.
func (d *DB) PageByURL(ctx context.Context, pageURL string) (*openentry.ContentPage, error) {
	return findPage(ctx, d, `p.page_url = ?`, pageURL, fmt.Sprintf("Page %q not found", pageURL))
}

// ChildPages lists the visible children of a visible page.
func (d *DB) ChildPages(ctx context.Context, pageURL string) ([]openentry.ContentPage, error) {
	ids, err := d.PageDescendants(ctx, pageURL, false)
	if err != nil {
		return nil, err
	}
	return queryPages(ctx, d, ` WHERE p.parent_id = ? AND p.is_visible = ? ORDER BY p.position, p.id`, ids[0], true)
}

// SearchPages lists the visible pages (under a visible page) whose title
// in lang contains name. Titles are matched here, not in SQL: they sit in
// JSON, with a locale fallback and Unicode case folding SQLite lacks.
func (d *DB) SearchPages(ctx context.Context, name, lang, underURL string) ([]openentry.ContentPage, error) {
	var under map[int64]bool
	if underURL != "" {
		ids, err := d.PageDescendants(ctx, underURL, true)
		if err != nil {
			return nil, err
		}
		under = make(map[int64]bool, len(ids))
		for _, id := range ids[1:] { // the descendants, not the page itself
			under[id] = true
		}
	}
	all, err := d.Pages(ctx, false)
	if err != nil {
		return nil, err
	}
	out := []openentry.ContentPage{}
	for _, p := range all {
		if (under == nil || under[p.ID]) && openentry.PageTitleMatches(p.Title(lang), name) {
			out = append(out, p)
		}
	}
	return out, nil
}

// PageDescendants returns the visible page's id and, when nested, those of
// its visible descendants, a hidden page cutting off its branch.
func (d *DB) PageDescendants(ctx context.Context, pageURL string, nested bool) ([]int64, error) {
	query := `SELECT id FROM pages WHERE page_url = ? AND is_visible = ?`
	args := []any{pageURL, true}
	if nested {
		// ApplyProject keeps the tree free of cycles, so the recursion ends.
		query = `WITH RECURSIVE tree (id) AS (
				SELECT id FROM pages WHERE page_url = ? AND is_visible = ?
				UNION ALL
				SELECT c.id FROM pages c JOIN tree t ON c.parent_id = t.id WHERE c.is_visible = ?
			) SELECT id FROM tree`
		args = append(args, true)
	}
	rows, err := d.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, openentry.NotFound(fmt.Sprintf("Page %q not found", pageURL))
	}
	return ids, nil
}

// applyPages upserts the file's pages by url, in file order, then sets
// their parents (a parent may come later in the file or from an earlier
// one; a missing one is left unset for checkPageReferences to report) and
// recomputes every page's depth, refusing a cycle. Nothing is deleted.
func applyPages(ctx context.Context, tx *tx, pages []openentry.ProjectPage) error {
	for i, pg := range pages {
		r := newPageRow(pg)
		_, err := tx.ExecContext(ctx, `
			INSERT INTO pages (page_url, parent_id, depth, position, type, is_visible, localize_infos, attribute_set,
				attribute_values, template_identifier, config, blocks, updated_ms)
			VALUES (?, NULL, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (page_url) DO UPDATE SET position = excluded.position, type = excluded.type,
				is_visible = excluded.is_visible, localize_infos = excluded.localize_infos, attribute_set = excluded.attribute_set,
				attribute_values = excluded.attribute_values, template_identifier = excluded.template_identifier,
				config = excluded.config, blocks = excluded.blocks, updated_ms = excluded.updated_ms, version = pages.version + 1`,
			append([]any{pg.PageURL, i + 1}, r.args(tx.nowMS)...)...)
		if err != nil {
			return fmt.Errorf("page %q: %w", pg.PageURL, err)
		}
	}
	for _, pg := range pages {
		if err := setPageParent(ctx, tx, pg); err != nil {
			return err
		}
	}
	if len(pages) == 0 {
		return nil
	}
	return updateDepths(ctx, tx)
}

// pageRow is a page's stored columns from type to updated_ms, defaults
// filled in: what the apply and an admin write both store.
type pageRow struct {
	typ                   string
	visible               bool
	infos, set, values    string
	template, config, blk string
}

func newPageRow(pg openentry.ProjectPage) pageRow {
	typ := pg.Type
	if typ == "" {
		typ = openentry.PageTypeCommon
	}
	infos, values, config := pg.LocalizeInfos, pg.AttributeValues, pg.Config
	if infos == nil {
		infos = map[string]json.RawMessage{}
	}
	if values == nil {
		values = openentry.AttributeValues{}
	}
	if config == nil {
		config = map[string]int64{}
	}
	return pageRow{typ: typ, visible: !pg.Hidden, infos: mustJSON(infos), set: pg.AttributeSetIdentifier, values: mustJSON(values),
		template: pg.TemplateIdentifier, config: mustJSON(config), blk: mustJSON(pageBlocks(pg.Blocks))}
}

// args are the row's values in column order: type, is_visible,
// localize_infos, attribute_set, attribute_values, template_identifier,
// config, blocks, updated_ms.
func (r pageRow) args(nowMS int64) []any {
	return []any{r.typ, r.visible, r.infos, r.set, r.values, r.template, r.config, r.blk, nowMS}
}

// setPageParent points the page at its parent url's page. No page has the
// url "", so a top-level page gets NULL, and so does an unknown parent, for
// checkPageReferences to report.
func setPageParent(ctx context.Context, tx *tx, pg openentry.ProjectPage) error {
	_, err := tx.ExecContext(ctx, `UPDATE pages SET parent_id = (SELECT id FROM pages WHERE page_url = ?) WHERE page_url = ?`,
		pg.ParentURL, pg.PageURL)
	if err != nil {
		return fmt.Errorf("page %q: %w", pg.PageURL, err)
	}
	return nil
}

// updateDepths recomputes the depth of every page from the parents, since
// moving a page moves its subtree, and fails on a cycle, which a file can
// only make with an earlier file's pages.
func updateDepths(ctx context.Context, tx *tx) error {
	type node struct {
		parent, depth int64
		url           string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), depth, page_url FROM pages`)
	if err != nil {
		return err
	}
	nodes := map[int64]node{}
	for rows.Next() {
		var id int64
		var n node
		if err := rows.Scan(&id, &n.parent, &n.depth, &n.url); err != nil {
			rows.Close()
			return err
		}
		nodes[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	depths := make(map[int64]int64, len(nodes))
	var depthOf func(id int64, onPath map[int64]bool) (int64, error)
	depthOf = func(id int64, onPath map[int64]bool) (int64, error) {
		if d, ok := depths[id]; ok {
			return d, nil
		}
		n := nodes[id]
		if n.parent == 0 {
			depths[id] = 0
			return 0, nil
		}
		if onPath[id] {
			return 0, openentry.Invalid(fmt.Sprintf("page %q: is its own ancestor", n.url))
		}
		onPath[id] = true
		d, err := depthOf(n.parent, onPath)
		if err != nil {
			return 0, err
		}
		depths[id] = d + 1
		return d + 1, nil
	}
	for id, n := range nodes {
		d, err := depthOf(id, map[int64]bool{})
		if err != nil {
			return err
		}
		if d != n.depth {
			if _, err := tx.ExecContext(ctx, `UPDATE pages SET depth = ? WHERE id = ?`, d, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyProductPages replaces the pages of each product that lists them;
// a product without "pages" keeps its own. A product is placed on its
// pages at its position in the file.
func applyProductPages(ctx context.Context, tx *tx, products []openentry.ProjectProduct) error {
	for i, pr := range products {
		if pr.Pages == nil {
			continue
		}
		if err := setProductPages(ctx, tx, pr.ID, pr.Pages, int64(i+1)); err != nil {
			return fmt.Errorf("product %d: %w", pr.ID, err)
		}
	}
	return nil
}

// setProductPages replaces a product's pages by those urls, placing it at
// position on each.
func setProductPages(ctx context.Context, tx *tx, id int64, urls []string, position int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM product_pages WHERE product_id = ?`, id); err != nil {
		return err
	}
	for _, u := range urls {
		// An unknown url inserts nothing; checkPageReferences reports it.
		_, err := tx.ExecContext(ctx, `INSERT INTO product_pages (product_id, page_id, position)
			SELECT ?, id, ? FROM pages WHERE page_url = ?`, id, position, u)
		if err != nil {
			return fmt.Errorf("page %q: %w", u, err)
		}
	}
	return nil
}

// checkPageReferences reports, through bad, the parents, attribute sets and
// product pages the file names that neither it nor an earlier file defines.
func checkPageReferences(ctx context.Context, tx *tx, p *openentry.Project, bad func(format string, args ...any)) error {
	check := func(query string, arg any, format string, args ...any) error {
		err := exists(ctx, tx, query, arg)
		if errors.Is(err, openentry.ErrNotFound) {
			bad(format, args...)
			return nil
		}
		return err
	}
	const pageExists = `SELECT EXISTS (SELECT 1 FROM pages WHERE page_url = ?)`
	for _, pg := range p.Pages {
		if pg.ParentURL != "" {
			if err := check(pageExists, pg.ParentURL, "page %q: parent page %q is not defined", pg.PageURL, pg.ParentURL); err != nil {
				return err
			}
		}
		if pg.AttributeSetIdentifier != "" {
			if err := check(`SELECT EXISTS (SELECT 1 FROM attribute_sets WHERE identifier = ?)`, pg.AttributeSetIdentifier,
				"page %q: attribute set %q is not defined", pg.PageURL, pg.AttributeSetIdentifier); err != nil {
				return err
			}
		}
		for _, m := range pg.Blocks {
			if err := check(`SELECT EXISTS (SELECT 1 FROM blocks WHERE identifier = ?)`, m,
				"page %q: block %q is not defined", pg.PageURL, m); err != nil {
				return err
			}
		}
	}
	for _, t := range p.Templates {
		if t.AttributeSetIdentifier != "" {
			if err := check(`SELECT EXISTS (SELECT 1 FROM attribute_sets WHERE identifier = ?)`, t.AttributeSetIdentifier,
				"template %q: attribute set %q is not defined", t.Identifier, t.AttributeSetIdentifier); err != nil {
				return err
			}
		}
	}
	for _, t := range p.TemplatePreviews {
		if t.AttributeSetIdentifier != "" {
			if err := check(`SELECT EXISTS (SELECT 1 FROM attribute_sets WHERE identifier = ?)`, t.AttributeSetIdentifier,
				"template preview %q: attribute set %q is not defined", t.Identifier, t.AttributeSetIdentifier); err != nil {
				return err
			}
		}
	}
	for _, b := range p.Blocks {
		if b.AttributeSetIdentifier != "" {
			if err := check(`SELECT EXISTS (SELECT 1 FROM attribute_sets WHERE identifier = ?)`, b.AttributeSetIdentifier,
				"block %q: attribute set %q is not defined", b.Identifier, b.AttributeSetIdentifier); err != nil {
				return err
			}
		}
	}
	for _, pr := range p.Products {
		for _, u := range pr.Pages {
			if err := check(pageExists, u, "product %d: page %q is not defined", pr.ID, u); err != nil {
				return err
			}
		}
		for _, m := range pr.Blocks {
			if err := check(`SELECT EXISTS (SELECT 1 FROM blocks WHERE identifier = ?)`, m,
				"product %d: block %q is not defined", pr.ID, m); err != nil {
				return err
			}
		}
	}
	return nil
}

func pageBlocks(markers []string) []string {
	if markers == nil {
		return []string{}
	}
	return markers
}
