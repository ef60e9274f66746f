package sqlstore

import (
	"context"
	"fmt"

	"github.com/openentry/openentry"
)

// SitemapProductIDs lists the ids of the visible products, by id.
func (d *DB) SitemapProductIDs(ctx context.Context) ([]int64, error) {
	rows, err := d.QueryContext(ctx, `SELECT id FROM products WHERE is_visible = ? ORDER BY id`, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ReplaceSitemaps makes files the stored sitemaps in one transaction. A
// file whose body is unchanged is not rewritten (its updated_ms stays).
func (d *DB) ReplaceSitemaps(ctx context.Context, files []openentry.SitemapFile) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	keep := make(map[string]bool, len(files))
	for _, f := range files {
		keep[f.Name] = true
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sitemaps (name, body, updated_ms) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_ms = excluded.updated_ms
			WHERE sitemaps.body <> excluded.body`, f.Name, string(f.Body), tx.nowMS)
		if err != nil {
			return fmt.Errorf("sitemap %q: %w", f.Name, err)
		}
	}
	names, err := sitemapNames(ctx, tx)
	if err != nil {
		return err
	}
	for _, n := range names {
		if !keep[n] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sitemaps WHERE name = ?`, n); err != nil {
				return fmt.Errorf("sitemap %q: %w", n, err)
			}
		}
	}
	return tx.Commit()
}

// SitemapNames lists the stored sitemaps' names, in order.
func (d *DB) SitemapNames(ctx context.Context) ([]string, error) { return sitemapNames(ctx, d) }

func sitemapNames(ctx context.Context, q queryer) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM sitemaps ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// SitemapFile returns a stored sitemap by name.
func (d *DB) SitemapFile(ctx context.Context, name string) (*openentry.SitemapFile, error) {
	var body string
	if err := d.QueryRowContext(ctx, `SELECT body FROM sitemaps WHERE name = ?`, name).Scan(&body); err != nil {
		return nil, notFound(err, fmt.Sprintf("Sitemap %q not found", name))
	}
	return &openentry.SitemapFile{Name: name, Body: []byte(body)}, nil
}
