package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// Locales lists the active locales by position.
func (d *DB) Locales(ctx context.Context) ([]openentry.Locale, error) {
	rows, err := d.QueryContext(ctx, `SELECT id, code, short_code, name, native_name, image, is_default, position
		FROM locales WHERE is_active = ? ORDER BY position, id`, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.Locale{}
	for rows.Next() {
		var l openentry.Locale
		if err := rows.Scan(&l.ID, &l.Code, &l.ShortCode, &l.Name, &l.NativeName, &l.Image, &l.IsDefault, &l.Position); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Menu returns the menu with its visible pages, by position. A hidden page
// hides the pages nested under it in the menu.
func (d *DB) Menu(ctx context.Context, identifier string) (*openentry.Menu, error) {
	m := openentry.Menu{Identifier: identifier, Pages: []openentry.MenuPage{}}
	var infos string
	err := d.QueryRowContext(ctx, `SELECT id, localize_infos FROM menus WHERE identifier = ?`, identifier).Scan(&m.ID, &infos)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Menu %q not found", identifier))
	}
	if err := fromJSON(infos, &m.LocalizeInfos); err != nil {
		return nil, err
	}
	rows, err := d.QueryContext(ctx, `SELECT `+pageColumns+`, mp.position, COALESCE(mp.parent_page_id, 0)`+pageFrom+`
		JOIN menu_pages mp ON mp.page_id = p.id WHERE mp.menu_id = ? AND p.is_visible = ? ORDER BY mp.position`,
		true, true, m.ID, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []openentry.MenuPage
	for rows.Next() {
		var it openentry.MenuPage
		p, err := scanPage(withExtra{rows, []any{&it.Position, &it.ParentID}})
		if err != nil {
			return nil, err
		}
		it.Page = *p
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Drop the items whose parent item is gone, until none is: the parent
	// may come after its child in the menu.
	for dropped := true; dropped; {
		dropped = false
		shown := make(map[int64]bool, len(items))
		for _, it := range items {
			shown[it.Page.ID] = true
		}
		kept := items[:0]
		for _, it := range items {
			if it.ParentID != 0 && !shown[it.ParentID] {
				dropped = true
				continue
			}
			kept = append(kept, it)
		}
		items = kept
	}
	m.Pages = append(m.Pages, items...)
	return &m, nil
}

// applyLocales upserts the file's locales by code, in file order; the
// file's default replaces any earlier one. Nothing is deleted.
func applyLocales(ctx context.Context, tx *tx, locales []openentry.ProjectLocale) error {
	if len(locales) == 0 {
		return nil
	}
	for _, l := range locales {
		if l.IsDefault {
			if err := takeDefault(ctx, tx, l.Code); err != nil {
				return err
			}
		}
	}
	for i, l := range locales {
		if err := upsertLocale(ctx, tx, l, int64(i+1)); err != nil {
			return fmt.Errorf("locale %q: %w", l.Code, err)
		}
	}
	return nil
}

// upsertLocale writes a locale by code; its version moves with a change.
func upsertLocale(ctx context.Context, tx *tx, l openentry.ProjectLocale, position int64) error {
	native := l.NativeName
	if native == "" {
		native = l.Name
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO locales (code, short_code, name, native_name, image, is_active, is_default, position)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET short_code = excluded.short_code, name = excluded.name,
			native_name = excluded.native_name, image = excluded.image, is_active = excluded.is_active,
			is_default = excluded.is_default, position = excluded.position,
			version = locales.version + CASE WHEN locales.short_code = excluded.short_code AND locales.name = excluded.name
				AND locales.native_name = excluded.native_name AND locales.image = excluded.image
				AND locales.is_active = excluded.is_active AND locales.is_default = excluded.is_default
				AND locales.position = excluded.position THEN 0 ELSE 1 END`,
		l.Code, l.LocaleShortCode(), l.Name, native, l.Image, !l.Hidden, l.IsDefault, position)
	return err
}

// applyMenus upserts the file's menus by identifier and replaces the pages
// of each. A page the database does not have inserts nothing, for
// checkMenuReferences to report.
func applyMenus(ctx context.Context, tx *tx, menus []openentry.ProjectMenu) error {
	for i, m := range menus {
		if _, err := upsertMenu(ctx, tx, m, int64(i+1)); err != nil {
			return fmt.Errorf("menu %q: %w", m.Identifier, err)
		}
	}
	return nil
}

// upsertMenu writes a menu by identifier, replacing its pages, and returns
// its id.
func upsertMenu(ctx context.Context, tx *tx, m openentry.ProjectMenu, position int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO menus (identifier, localize_infos, position) VALUES (?, ?, ?)
		ON CONFLICT (identifier) DO UPDATE SET localize_infos = excluded.localize_infos, position = excluded.position,
			version = menus.version + 1
		RETURNING id`, m.Identifier, mustJSON(openentry.Titles(m.Title)), position).Scan(&id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM menu_pages WHERE menu_id = ?`, id); err != nil {
		return 0, err
	}
	for j, pg := range m.Pages {
		// No page has the url "", so a top-level item gets NULL.
		_, err := tx.ExecContext(ctx, `
			INSERT INTO menu_pages (menu_id, page_id, parent_page_id, position)
			SELECT ?, id, (SELECT id FROM pages WHERE page_url = ?), ? FROM pages WHERE page_url = ?`,
			id, pg.ParentURL, j+1, pg.PageURL)
		if err != nil {
			return 0, fmt.Errorf("page %q: %w", pg.PageURL, err)
		}
	}
	return id, nil
}

// checkMenuReferences reports, through bad, the pages the file's menus name
// that neither it nor an earlier file defines.
func checkMenuReferences(ctx context.Context, tx *tx, p *openentry.Project, bad func(format string, args ...any)) error {
	for _, m := range p.Menus {
		for _, pg := range m.Pages {
			err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM pages WHERE page_url = ?)`, pg.PageURL)
			if errors.Is(err, openentry.ErrNotFound) {
				bad("menu %q: page %q is not defined", m.Identifier, pg.PageURL)
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}
