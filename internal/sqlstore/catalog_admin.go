package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/openentry/openentry"
)

// productRow is how writeProduct places a product: a project file's at its
// place in the file, an admin's where it was.
type productRow struct {
	position   int64
	visible    bool
	stock      sql.NullInt64 // the units to write, by stockRule
	stockRule  string
	alwaysBump bool // an admin's write moves the version even when it changes nothing
}

// Rules of an existing product's units (ON CONFLICT … SET stock = rule,
// stock_applied = …): stock_applied is the figure last written, by a file
// or an admin.
const (
	// a file's figure is written only when it moved, so that re-applying
	// a file keeps the units sold since
	stockIfFigureMoved = `CASE WHEN products.stock_applied IS NOT DISTINCT FROM excluded.stock_applied THEN products.stock ELSE excluded.stock END,
		stock_applied = excluded.stock_applied`
	// an admin's figure is the units now (the version precondition saw every sale)
	stockSet = `excluded.stock, stock_applied = excluded.stock_applied`
	// an admin's write without the stock value keeps the units
	stockKept = `products.stock, stock_applied = products.stock_applied`
)

// writeProduct upserts a product's row, a project file's or an admin's,
// moves its version if it changed, and records the change in the outbox when it may fire
// a trigger (priceDrop, backInStock). It returns whether the row is new.
// The caller bumps the catalogue revision, writes the product's pages,
// checks its references and reindexes it, in the same transaction.
func writeProduct(ctx context.Context, tx *tx, pr openentry.ProjectProduct, row productRow) (bool, error) {
	price, err := openentry.ParseMoney(pr.Price.String(), pr.Currency)
	if err != nil {
		return false, openentry.Invalid("price: " + err.Error())
	}
	status := pr.Status
	if status == "" {
		status = "in_stock"
	}
	values, related := pr.AttributeValues, pr.RelatedIDs
	if values == nil {
		values = openentry.AttributeValues{}
	}
	if related == nil {
		related = []int64{}
	}
	var before productState
	var content [7]string // what an editor writes back, as stored
	err = tx.QueryRowContext(ctx, `SELECT price_minor, currency, stock, localize_infos, sku, status_identifier, attribute_set,
		attribute_values, related_ids, blocks FROM products WHERE id = ?`, pr.ID).Scan(&before.price, &before.currency, &before.stock,
		&content[0], &content[1], &content[2], &content[3], &content[4], &content[5], &content[6])
	isNew := errors.Is(err, sql.ErrNoRows)
	if err != nil && !isNew {
		return false, err
	}
	after := productState{price: price.Minor, currency: price.Currency}
	written := [7]string{mustJSON(openentry.Titles(pr.Title)), pr.Sku, status, pr.AttributeSetIdentifier, mustJSON(values), mustJSON(related),
		mustJSON(pageBlocks(pr.Blocks))}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO products (id, localize_infos, price_minor, currency, sku, status_identifier, position, is_visible, updated_ms,
			attribute_set, attribute_values, related_ids, stock, stock_applied, blocks, search_text, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (id) DO UPDATE SET localize_infos = excluded.localize_infos, price_minor = excluded.price_minor,
			currency = excluded.currency, sku = excluded.sku, status_identifier = excluded.status_identifier,
			position = excluded.position, is_visible = excluded.is_visible, updated_ms = excluded.updated_ms,
			attribute_set = excluded.attribute_set, attribute_values = excluded.attribute_values, related_ids = excluded.related_ids,
			stock = `+row.stockRule+`, blocks = excluded.blocks, search_text = excluded.search_text
		RETURNING stock`,
		pr.ID, written[0], price.Minor, price.Currency, pr.Sku, status, row.position, row.visible, tx.nowMS,
		pr.AttributeSetIdentifier, written[4], written[5], row.stock, row.stock, written[6], searchText(pr)).Scan(&after.stock)
	if err != nil {
		return false, err
	}
	if isNew {
		return true, nil
	}
	// The version moves with a change only: a file applied again at every
	// start must not make every open editor's save a conflict.
	if row.alwaysBump || content != written || before != after {
		if _, err := tx.ExecContext(ctx, `UPDATE products SET version = version + 1 WHERE id = ?`, pr.ID); err != nil {
			return false, err
		}
	}
	if err := recordProductChange(ctx, tx, pr.ID, before, after); err != nil {
		return false, err
	}
	return isNew, nil
}

// searchText is a product's products.search_text.
func searchText(pr openentry.ProjectProduct) string {
	lines := make([]string, 0, len(pr.Title)+1)
	for _, lang := range slices.Sorted(maps.Keys(pr.Title)) {
		lines = append(lines, openentry.Fold(pr.Title[lang]))
	}
	return strings.Join(append(lines, openentry.Fold(pr.Sku)), "\n")
}

// adminProductColumns are productColumns (over productFrom) and what the
// editor needs besides.
const adminProductColumns = productColumns + `, p.version, COALESCE(p.created_ms, p.updated_ms), p.updated_ms`

func scanAdminProduct(row interface{ Scan(...any) error }) (*openentry.AdminProduct, error) {
	var ap openentry.AdminProduct
	var created, updated int64
	p, err := scanProduct(withExtra{row, []any{&ap.Version, &created, &updated}})
	if err != nil {
		return nil, err
	}
	ap.Product, ap.CreatedAt, ap.UpdatedAt = *p, openentry.UnixMilli(created), openentry.UnixMilli(updated)
	return &ap, nil
}

func adminProduct(ctx context.Context, q queryer, id int64) (*openentry.AdminProduct, error) {
	ap, err := scanAdminProduct(q.QueryRowContext(ctx, `SELECT `+adminProductColumns+productFrom+` WHERE p.id = ?`, false, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Product %d not found", id))
	}
	return ap, fillProductPages(ctx, q, []*openentry.AdminProduct{ap})
}

// fillProductPages fills in every page the products are on, hidden ones too.
func fillProductPages(ctx context.Context, q queryer, products []*openentry.AdminProduct) error {
	ps := make([]*openentry.Product, len(products))
	for i, p := range products {
		ps[i] = &p.Product
	}
	return listedPages(ctx, q, ps, false)
}

// adminOrder is the ORDER BY of an admin sort key.
func adminOrder(sortBy string, desc bool) (string, bool) {
	col, ok := map[string]string{"": "p.position", "position": "p.position", "id": "p.id", "price": "p.price_minor",
		"sku": "p.sku", "createdAt": "COALESCE(p.created_ms, p.updated_ms)", "updatedAt": "p.updated_ms"}[sortBy]
	if !ok {
		return "", false
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return col + dir + ", p.id" + dir, true
}

// likeEscaper escapes LIKE's wildcards, with \ as the escape.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// AdminProducts returns a page of the products q selects, hidden ones too.
func (d *DB) AdminProducts(ctx context.Context, q openentry.AdminProductQuery) ([]openentry.AdminProduct, int64, error) {
	order, ok := adminOrder(q.SortBy, q.Desc)
	if !ok {
		return nil, 0, openentry.Invalid(fmt.Sprintf("sortBy %q is not one of %s", q.SortBy, strings.Join(openentry.AdminProductSorts, ", ")))
	}
	page := clampPage(q.Page)
	var w query
	w.WriteString(` WHERE TRUE`)
	if q.Text != "" {
		// A row not written since migration 0023 is searched in its stored JSON.
		term := strings.ReplaceAll(openentry.Fold(q.Text), "\n", " ")
		w.add(` AND COALESCE(p.search_text, LOWER(p.localize_infos || p.sku)) LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(term)+"%")
	}
	if q.Status != "" {
		w.add(` AND p.status_identifier = ?`, q.Status)
	}
	if q.Visible != nil {
		w.add(` AND p.is_visible = ?`, *q.Visible)
	}
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM products p`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := d.QueryContext(ctx, `SELECT `+adminProductColumns+productFrom+w.String()+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(append([]any{false}, w.args...), page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ptrs []*openentry.AdminProduct
	for rows.Next() {
		ap, err := scanAdminProduct(rows)
		if err != nil {
			return nil, 0, err
		}
		ptrs = append(ptrs, ap)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	if err := fillProductPages(ctx, d, ptrs); err != nil {
		return nil, 0, err
	}
	out := make([]openentry.AdminProduct, len(ptrs))
	for i, p := range ptrs {
		out[i] = *p
	}
	return out, total, nil
}

// AdminProduct returns a product, hidden or not.
func (d *DB) AdminProduct(ctx context.Context, id int64) (*openentry.AdminProduct, error) {
	return adminProduct(ctx, d, id)
}

// lockProduct locks a product's row (PostgreSQL) and returns its version.
func lockProduct(ctx context.Context, tx *tx, id int64) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `SELECT version FROM products WHERE id = ?`+tx.dialect.forUpdate(), id).Scan(&v)
	return v, notFound(err, fmt.Sprintf("Product %d not found", id))
}

// productView is a product as the journal shows it.
func productView(p *openentry.AdminProduct) any {
	if p == nil {
		return nil
	}
	return map[string]any{"id": p.ID, "version": p.Version, "localizeInfos": p.LocalizeInfos, "price": p.Price.Fixed(),
		"currency": p.Price.Currency, "sku": p.Sku, "status": p.StatusIdentifier, "visible": p.IsVisible, "position": p.Position,
		"attributeSetIdentifier": p.AttributeSetIdentifier, "attributeValues": p.AttributeValues, "stock": p.Stock,
		"relatedIds": p.RelatedIDs, "pages": p.Categories(), "blocks": p.Blocks}
}

// reindexOne rewrites a product's search index rows in the index's
// locales: the ones it has, and any the product brings.
func reindexOne(ctx context.Context, tx *tx, pr openentry.ProjectProduct) error {
	return indexProjectProducts(ctx, tx, &openentry.Project{Products: []openentry.ProjectProduct{pr}})
}

// checkValuesOf checks values against set, when there is one.
func checkValuesOf(set *openentry.AttributeSet, values openentry.AttributeValues) error {
	if set == nil {
		return nil
	}
	return set.CheckValues(values)
}

// referenceFields names the field of each reference checkReferences reports.
var referenceFields = strings.NewReplacer("attribute set ", "attributeSetIdentifier: attribute set ",
	"product status ", "status: product status ", "related product ", "relatedIds: related product ",
	"page ", "pages: page ", "block ", "blocks: block ", "\n", "; ")

// SaveProduct creates or changes a product as an applied file would, in
// one transaction that keeps the derived state and journals the write.
func (d *DB) SaveProduct(ctx context.Context, w openentry.ProductWrite, a openentry.Audit) (*openentry.AdminProduct, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// First: the revision row's lock makes catalogue writers (applies
	// too) take turns, so a creation's next id and a change's version are
	// read after any other writer's commit.
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		return nil, err
	}
	pr := w.Product
	// The values were checked against the set before this transaction; a
	// set change that committed since (it takes the same lock first) is
	// seen here, and values it made invalid are refused rather than stored.
	if pr.AttributeSetIdentifier != "" {
		set, err := findSet(ctx, tx, pr.AttributeSetIdentifier)
		if err != nil && !errors.Is(err, openentry.ErrNotFound) { // an unknown set is the reference check's 400
			return nil, err
		}
		if err := checkValuesOf(set, pr.AttributeValues); err != nil {
			return nil, &openentry.Error{Code: openentry.ErrConflict,
				Message: fmt.Sprintf("Attribute set %q changed meanwhile and refuses these values (%s); reload", set.Identifier, err)}
		}
	}
	row := productRow{stockRule: stockSet, visible: !pr.Hidden, alwaysBump: true}
	var before *openentry.AdminProduct
	if w.Create {
		// Ids are the catalogue's own (project files name them), so a new
		// one is the next after the highest.
		if pr.ID == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM products`).Scan(&pr.ID); err != nil {
				return nil, err
			}
		} else if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM products WHERE id = ?)`, pr.ID); err == nil {
			return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Product %d exists", pr.ID)}
		} else if !errors.Is(err, openentry.ErrNotFound) {
			return nil, err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM products`).Scan(&row.position); err != nil {
			return nil, err
		}
	} else {
		version, err := lockProduct(ctx, tx, pr.ID)
		if err != nil {
			return nil, err
		}
		if version != w.Version {
			return nil, &openentry.Error{Code: openentry.ErrConflict,
				Message: fmt.Sprintf("Product %d changed since version %d (now %d); reload it", pr.ID, w.Version, version)}
		}
		if before, err = adminProduct(ctx, tx, pr.ID); err != nil {
			return nil, err
		}
		row.position, row.visible = before.Position, before.IsVisible
	}
	if w.Stock != nil {
		row.stock = sql.NullInt64{Int64: *w.Stock, Valid: true}
	}
	if w.KeepStock && before != nil {
		if before.Stock != nil {
			row.stockRule = stockKept
		} else {
			row.stock = sql.NullInt64{Valid: true} // its set counts units now: none yet
		}
	}
	if _, err := writeProduct(ctx, tx, pr, row); err != nil {
		return nil, err
	}
	if pr.Pages != nil {
		if err := setProductPages(ctx, tx, pr.ID, pr.Pages, row.position); err != nil {
			return nil, err
		}
	}
	// A reference that does not resolve is the caller's mistake here, not
	// a broken file: a 400.
	one := &openentry.Project{Products: []openentry.ProjectProduct{pr}}
	if err := checkReferences(ctx, tx, one); err != nil {
		var bad *openentry.ValidationError
		if errors.As(err, &bad) {
			return nil, openentry.Invalid(referenceFields.Replace(strings.ReplaceAll(err.Error(), fmt.Sprintf("product %d: ", pr.ID), "")))
		}
		return nil, err
	}
	if err := reindexOne(ctx, tx, pr); err != nil {
		return nil, fmt.Errorf("product search index: %w", err)
	}
	after, err := adminProduct(ctx, tx, pr.ID)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "product", fmt.Sprint(pr.ID), productView(before), productView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// SetProductVisible hides or shows a product: a hidden one leaves the
// search index and every list, in the same transaction.
func (d *DB) SetProductVisible(ctx context.Context, id int64, visible bool, a openentry.Audit) (*openentry.AdminProduct, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := lockProduct(ctx, tx, id); err != nil {
		return nil, err
	}
	before, err := adminProduct(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if before.IsVisible == visible {
		return before, nil // nothing changes, nothing to journal
	}
	if _, err := tx.ExecContext(ctx, `UPDATE products SET is_visible = ?, updated_ms = ? WHERE id = ?`, visible, tx.nowMS, id); err != nil {
		return nil, err
	}
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		return nil, err
	}
	if err := reindexOne(ctx, tx, openentry.ProjectProduct{ID: id}); err != nil {
		return nil, err
	}
	after, err := adminProduct(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "product", fmt.Sprint(id), productView(before), productView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// DeleteProduct deletes a product that no order line names, with its index
// rows, pages and subscriptions. Orders keep their lines' product ids, so
// a product once ordered is hidden instead (ErrConflict says so).
func (d *DB) DeleteProduct(ctx context.Context, id int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := lockProduct(ctx, tx, id); err != nil {
		return err
	}
	before, err := adminProduct(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM order_lines WHERE product_id = ?)`, id); err == nil {
		return &openentry.Error{Code: openentry.ErrConflict,
			Message: fmt.Sprintf("Product %d is in orders, which keep it: hide it instead", id)}
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return err
	}
	for _, table := range []string{"product_search", "product_values", "product_words", "product_pages", "event_subscriptions"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE product_id = ?`, id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM products WHERE id = ?`, id); err != nil {
		return err
	}
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, "product", fmt.Sprint(id), productView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}

// ReorderProducts gives the products ids, in that order, the positions
// they held between them, so that a page's products are reordered without
// moving any other; their page positions follow.
func (d *DB) ReorderProducts(ctx context.Context, ids []int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	sorted := slices.Sorted(slices.Values(ids)) // locked in id order, as any other writer would
	before := map[int64]int64{}
	positions := make([]int64, 0, len(ids))
	for _, id := range sorted {
		if _, err := lockProduct(ctx, tx, id); err != nil {
			return err
		}
		var pos int64
		if err := tx.QueryRowContext(ctx, `SELECT position FROM products WHERE id = ?`, id).Scan(&pos); err != nil {
			return err
		}
		before[id] = pos
		positions = append(positions, pos)
	}
	slices.Sort(positions)
	for i, id := range ids {
		pos := positions[i]
		if before[id] == pos {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE products SET position = ?, updated_ms = ? WHERE id = ?`, pos, tx.nowMS, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE product_pages SET position = ? WHERE product_id = ?`, pos, id); err != nil {
			return err
		}
		if err := journal(ctx, tx, a, "product", fmt.Sprint(id), map[string]int64{"position": before[id]}, map[string]int64{"position": pos}); err != nil {
			return err
		}
	}
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		return err
	}
	locales, err := indexLocales(ctx, tx)
	if err != nil {
		return err
	}
	if err := reindexProducts(ctx, tx, ids, locales); err != nil {
		return err
	}
	return tx.Commit()
}

// PutProductFile stores a file for one of the product's values, journaled.
func (d *DB) PutProductFile(ctx context.Context, productID int64, f *openentry.File, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := lockProduct(ctx, tx, productID); err != nil {
		return err
	}
	if err := putFile(ctx, tx, f, true); err != nil {
		return err
	}
	after := map[string]any{"fileId": f.ID, "name": f.Name, "contentType": f.ContentType, "size": f.Size}
	if err := journal(ctx, tx, a, "product", fmt.Sprint(productID), nil, after); err != nil {
		return err
	}
	return tx.Commit()
}

// upsertProductStatus writes a status, a project file's or an admin's, at
// position, moving its version when what an editor writes changed (so
// that a file applied again at every start changes none).
func upsertProductStatus(ctx context.Context, tx *tx, st openentry.ProjectProductStatus, position int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO product_statuses (identifier, localize_infos, position, is_default, not_for_sale, version) VALUES (?, ?, ?, ?, ?, 1)
		ON CONFLICT (identifier) DO UPDATE SET localize_infos = excluded.localize_infos, position = excluded.position,
			is_default = excluded.is_default, not_for_sale = excluded.not_for_sale,
			version = product_statuses.version + CASE WHEN product_statuses.localize_infos = excluded.localize_infos
				AND product_statuses.is_default = excluded.is_default AND product_statuses.not_for_sale = excluded.not_for_sale THEN 0 ELSE 1 END`,
		st.Identifier, mustJSON(openentry.Titles(st.Title)), position, st.IsDefault, st.NotForSale)
	return err
}

// clearDefaultStatus makes every status but keep ("": all) not the
// default, moving the versions of those that were.
func clearDefaultStatus(ctx context.Context, tx *tx, keep string) error {
	_, err := tx.ExecContext(ctx, `UPDATE product_statuses SET is_default = ?, version = version + 1 WHERE is_default = ? AND identifier <> ?`,
		false, true, keep)
	return err
}

func productStatus(ctx context.Context, q queryer, identifier string) (*openentry.ProductStatus, error) {
	st, err := scanProductStatus(q.QueryRowContext(ctx, `SELECT `+productStatusColumns+` FROM product_statuses WHERE identifier = ?`, identifier))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Product status %q not found", identifier))
	}
	return st, nil
}

// productStatusView is a status as the journal shows it.
func productStatusView(st *openentry.ProductStatus) any {
	if st == nil {
		return nil
	}
	return map[string]any{"identifier": st.Identifier, "localizeInfos": st.LocalizeInfos, "position": st.Position,
		"isDefault": st.IsDefault, "notForSale": !st.Purchasable, "version": st.Version}
}

// SaveProductStatus creates or changes a product status; the products in
// it render anew (the catalogue revision moves).
func (d *DB) SaveProductStatus(ctx context.Context, w openentry.ProductStatusWrite, a openentry.Audit) (*openentry.ProductStatus, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := bumpCatalogRevision(ctx, tx); err != nil { // first: writers take turns (see SaveProduct)
		return nil, err
	}
	st := w.Status
	before, err := productStatus(ctx, tx, st.Identifier)
	var position int64
	switch {
	case w.Create && err == nil:
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Product status %q exists", st.Identifier)}
	case w.Create && errors.Is(err, openentry.ErrNotFound):
		before = nil
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM product_statuses`).Scan(&position); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case before.Version != w.Version:
		return nil, &openentry.Error{Code: openentry.ErrConflict,
			Message: fmt.Sprintf("Product status %q changed since version %d (now %d); reload it", st.Identifier, w.Version, before.Version)}
	default:
		position = before.Position
	}
	if st.IsDefault {
		if err := clearDefaultStatus(ctx, tx, st.Identifier); err != nil {
			return nil, err
		}
	}
	if err := upsertProductStatus(ctx, tx, st, position); err != nil {
		return nil, err
	}
	after, err := productStatus(ctx, tx, st.Identifier)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "product_status", st.Identifier, productStatusView(before), productStatusView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// DeleteProductStatus deletes a status no product is in.
func (d *DB) DeleteProductStatus(ctx context.Context, identifier string, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		return err
	}
	before, err := productStatus(ctx, tx, identifier)
	if err != nil {
		return err
	}
	if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM products WHERE status_identifier = ?)`, identifier); err == nil {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Product status %q has products; move them first", identifier)}
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM product_statuses WHERE identifier = ?`, identifier); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, "product_status", identifier, productStatusView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}
