package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openentry/openentry"
)

// SeedCatalog is the catalogue SeedProducts fills: its attribute set, with
// ten attributes, and the category pages its products are listed on.
type SeedCatalog struct {
	Set        string   // the attribute set (already applied)
	Categories []string // page urls (already applied); product i is on Categories[i % len]
	// Product returns the i-th product's title, sku and values (in
	// DefaultLocale), its price and status, from i = 0.
	Product func(i int) (title, sku string, values map[string]any, price openentry.Money, status string)
	FirstID int64 // the id of product 0
}

// seedProductBatch is how many products one SeedProducts transaction writes.
const seedProductBatch = 2000

// SeedProducts stores n products of c (updating those with the same ids)
// with their search index, in transactions of a few thousand through
// multi-row INSERTs, the index written by the same code that applies
// project files; then, on PostgreSQL, it refreshes the planner's statistics. progress, if
// not nil, gets the number of products stored after each transaction.
func (d *DB) SeedProducts(ctx context.Context, c SeedCatalog, n int, progress func(done int)) error {
	set, err := d.AttributeSet(ctx, c.Set)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	pages := make([]int64, len(c.Categories))
	for i, url := range c.Categories {
		if err := d.QueryRowContext(ctx, `SELECT id FROM pages WHERE page_url = ?`, url).Scan(&pages[i]); err != nil {
			return notFound(err, fmt.Sprintf("seed: page %q not found", url))
		}
	}
	if len(pages) == 0 {
		return fmt.Errorf("seed: no category pages")
	}
	locales, err := indexLocales(ctx, d)
	if err != nil {
		return err
	}
	for done := 0; done < n; {
		size := min(seedProductBatch, n-done)
		if err := d.seedProductBatch(ctx, c, set, pages, locales, done, size); err != nil {
			return fmt.Errorf("seed products %d to %d: %w", done+1, done+size, err)
		}
		done += size
		if progress != nil {
			progress(done)
		}
	}
	if !d.dialect.refreshesStatistics() {
		return nil
	}
	_, err = d.ExecContext(ctx, `ANALYZE`)
	return err
}

func (d *DB) seedProductBatch(ctx context.Context, c SeedCatalog, set *openentry.AttributeSet, pages []int64, locales []string, from, n int) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if pragma := d.dialect.bulkLoad(); pragma != "" {
		if _, err := tx.Tx.ExecContext(ctx, pragma); err != nil {
			return err
		}
	}
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		return err
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = c.FirstID + int64(from+i)
	}
	for _, table := range []string{"product_search", "product_values", "product_words", "product_pages"} {
		if _, err := tx.Tx.ExecContext(ctx, tx.dialect.rebind(`DELETE FROM `+table+` WHERE product_id >= ? AND product_id <= ?`),
			ids[0], ids[n-1]); err != nil {
			return err
		}
	}
	products := &rowWriter{ctx: ctx, tx: tx, width: 15, head: `INSERT INTO products (id, localize_infos, price_minor, currency, sku,
		status_identifier, position, is_visible, updated_ms, attribute_set, attribute_values, related_ids, stock, stock_applied, created_ms) VALUES `,
		tail: ` ON CONFLICT (id) DO UPDATE SET localize_infos = excluded.localize_infos, price_minor = excluded.price_minor,
			currency = excluded.currency, sku = excluded.sku, status_identifier = excluded.status_identifier, position = excluded.position,
			is_visible = excluded.is_visible, updated_ms = excluded.updated_ms, attribute_set = excluded.attribute_set,
			attribute_values = excluded.attribute_values, stock = excluded.stock, stock_applied = excluded.stock_applied,
			created_ms = excluded.created_ms`}
	onPages := &rowWriter{ctx: ctx, tx: tx, width: 3, head: `INSERT INTO product_pages (product_id, page_id, position) VALUES `}
	indexed := make([]*indexedProduct, 0, n)
	for k, id := range ids {
		i := from + k
		title, sku, raw, price, status := c.Product(i)
		values := map[string]json.RawMessage{}
		for marker, v := range raw {
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			values[marker] = b
		}
		var stock any
		if s, ok := raw[set.StockAttribute]; ok && set.StockAttribute != "" {
			stock = s
		}
		p := &indexedProduct{
			Product: openentry.Product{
				ID: id, LocalizeInfos: openentry.Titles(map[string]string{openentry.DefaultLocale: title}), Price: price, Sku: sku,
				StatusIdentifier: status, AttributeSetIdentifier: set.Identifier, Position: int64(i + 1), IsVisible: true,
				AttributeValues: openentry.AttributeValues{openentry.DefaultLocale: values}, SetAttributes: set.Attributes,
				StockAttribute: set.StockAttribute,
			},
			CreatedMS: tx.nowMS - int64(n-k), // distinct dates, in id order
			Pages:     []int64{pages[i%len(pages)]},
		}
		indexed = append(indexed, p)
		if err := products.add(id, mustJSON(p.LocalizeInfos), price.Minor, price.Currency, sku, status, p.Position, true, tx.nowMS,
			set.Identifier, mustJSON(p.AttributeValues), "[]", stock, stock, p.CreatedMS); err != nil {
			return err
		}
	}
	if err := products.flush(); err != nil {
		return err
	}
	for _, p := range indexed {
		if err := onPages.add(p.ID, p.Pages[0], p.Position); err != nil {
			return err
		}
	}
	if err := onPages.flush(); err != nil {
		return err
	}
	if err := writeIndex(ctx, tx, indexed, locales); err != nil {
		return err
	}
	return tx.Commit()
}
