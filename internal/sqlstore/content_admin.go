package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openentry/openentry"
)

// Admin writes of pages, blocks and menus. Each runs the apply's own
// helpers (newPageRow, setPageParent, updateDepths, checkPageReferences,
// upsertBlock, upsertMenu, checkMenuReferences) in one transaction with its
// journal entry, so the tree, depths and catalogue revision stay what an
// apply of the same content would leave.

// adminPageSelect reads pages of any visibility with their parent's url.
const adminPageSelect = `SELECT ` + pageColumns + `, COALESCE(u.page_url, '')` + pageFrom + ` LEFT JOIN pages u ON u.id = p.parent_id`

func adminPages(ctx context.Context, q queryer, where string, args ...any) ([]openentry.ContentPage, error) {
	rows, err := q.QueryContext(ctx, adminPageSelect+where, append([]any{true, true}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.ContentPage{}
	for rows.Next() {
		var parent string
		p, err := scanPage(withExtra{rows, []any{&parent}})
		if err != nil {
			return nil, err
		}
		p.ParentURL = parent
		out = append(out, *p)
	}
	return out, rows.Err()
}

func adminPage(ctx context.Context, q queryer, id int64) (*openentry.ContentPage, error) {
	pages, err := adminPages(ctx, q, ` WHERE p.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, openentry.NotFound(fmt.Sprintf("Page %d not found", id))
	}
	return &pages[0], nil
}

// AdminPages lists every page by position.
func (d *DB) AdminPages(ctx context.Context) ([]openentry.ContentPage, error) {
	return adminPages(ctx, d, ` ORDER BY p.position, p.id`)
}

// AdminPage returns a page, hidden or not.
func (d *DB) AdminPage(ctx context.Context, id int64) (*openentry.ContentPage, error) {
	return adminPage(ctx, d, id)
}

// pageView is a page as the journal shows it.
func pageView(p *openentry.ContentPage) any {
	if p == nil {
		return nil
	}
	return map[string]any{"id": p.ID, "pageUrl": p.PageURL, "parentUrl": p.ParentURL, "position": p.Position, "type": p.Type,
		"isVisible": p.IsVisible, "localizeInfos": p.LocalizeInfos, "attributeSetIdentifier": p.AttributeSetIdentifier,
		"attributeValues": p.AttributeValues, "templateIdentifier": p.TemplateIdentifier, "config": p.Config,
		"blocks": p.Blocks, "version": p.Version}
}

// lockVersion locks the row of table whose key is val and checks that its
// version is still version.
func lockVersion(ctx context.Context, tx *tx, table, key string, val any, version int64, name string) error {
	var got int64
	err := tx.QueryRowContext(ctx, `SELECT version FROM `+table+` WHERE `+key+` = ?`+tx.dialect.forUpdate(), val).Scan(&got)
	if err != nil {
		return notFound(err, name+" not found")
	}
	if got != version {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("%s changed since version %d (now %d); reload it", name, version, got)}
	}
	return nil
}

func conflict(format string, args ...any) error {
	return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf(format, args...)}
}

// nextPosition is the position after every row of table.
func nextPosition(ctx context.Context, tx *tx, table string) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM `+table).Scan(&n)
	return n, err
}

// referencesOK runs one of the apply's reference checks on a project of
// one object and turns what it reports into a 400.
func referencesOK(check func(bad func(format string, args ...any)) error) error {
	var errs []error
	if err := check(func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }); err != nil {
		return err
	}
	if len(errs) > 0 {
		return openentry.Invalid(errors.Join(errs...).Error())
	}
	return nil
}

func pageURLFree(ctx context.Context, tx *tx, url string, id int64) error {
	err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM pages WHERE page_url = ? AND id <> ?)`, url, id)
	if errors.Is(err, openentry.ErrNotFound) {
		return nil
	}
	if err == nil {
		return openentry.Invalid(fmt.Sprintf("pageUrl: %q is taken by another page", url))
	}
	return err
}

// beginTreeChange starts a write that may move pages, as ApplyProject
// starts: it bumps the catalogue revision (product answers carry their
// pages' urls) first, so that the row lock this takes serializes tree
// changes on PostgreSQL and updateDepths sees every committed move (two
// concurrent moves could otherwise close a cycle neither saw).
func beginTreeChange(ctx context.Context, d *DB) (*tx, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// finishPage does what applyPages and ApplyProject do after writing a page:
// its parent, the references, every depth.
func finishPage(ctx context.Context, tx *tx, id int64, pg openentry.ProjectPage) (*openentry.ContentPage, error) {
	if err := setPageParent(ctx, tx, pg); err != nil {
		return nil, err
	}
	if err := referencesOK(func(bad func(string, ...any)) error {
		return checkPageReferences(ctx, tx, &openentry.Project{Pages: []openentry.ProjectPage{pg}}, bad)
	}); err != nil {
		return nil, err
	}
	if err := updateDepths(ctx, tx); err != nil {
		return nil, err
	}
	return adminPage(ctx, tx, id)
}

// InsertPage stores a new page.
func (d *DB) InsertPage(ctx context.Context, e openentry.PageEdit, a openentry.Audit) (*openentry.ContentPage, error) {
	tx, err := beginTreeChange(ctx, d)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	pg := e.Page
	if err := pageURLFree(ctx, tx, pg.PageURL, 0); err != nil {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		if pos, err = nextPosition(ctx, tx, "pages"); err != nil {
			return nil, err
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO pages (page_url, parent_id, depth, position, type, is_visible, localize_infos, attribute_set,
			attribute_values, template_identifier, config, blocks, updated_ms)
		VALUES (?, NULL, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		append([]any{pg.PageURL, pos}, newPageRow(pg).args(tx.nowMS)...)...).Scan(&id)
	if isUniqueViolation(err) {
		return nil, openentry.Invalid(fmt.Sprintf("pageUrl: %q is taken by another page", pg.PageURL))
	}
	if err != nil {
		return nil, err
	}
	after, err := finishPage(ctx, tx, id, pg)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "page", fmt.Sprint(id), nil, pageView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// UpdatePage replaces a page at its version.
func (d *DB) UpdatePage(ctx context.Context, id int64, e openentry.PageEdit, a openentry.Audit) (*openentry.ContentPage, error) {
	tx, err := beginTreeChange(ctx, d)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, "pages", "id", id, e.Version, fmt.Sprintf("Page %d", id)); err != nil {
		return nil, err
	}
	before, err := adminPage(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	pg := e.Page
	if err := pageURLFree(ctx, tx, pg.PageURL, id); err != nil {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		pos = before.Position
	}
	_, err = tx.ExecContext(ctx, `UPDATE pages SET page_url = ?, position = ?, type = ?, is_visible = ?, localize_infos = ?,
		attribute_set = ?, attribute_values = ?, template_identifier = ?, config = ?, blocks = ?, updated_ms = ?,
		version = version + 1 WHERE id = ?`,
		append(append([]any{pg.PageURL, pos}, newPageRow(pg).args(tx.nowMS)...), id)...)
	if err != nil {
		return nil, err
	}
	after, err := finishPage(ctx, tx, id, pg)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "page", fmt.Sprint(id), pageView(before), pageView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// DeletePage removes a page nothing refers to.
func (d *DB) DeletePage(ctx context.Context, id, version int64, a openentry.Audit) error {
	tx, err := beginTreeChange(ctx, d)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, "pages", "id", id, version, fmt.Sprintf("Page %d", id)); err != nil {
		return err
	}
	before, err := adminPage(ctx, tx, id)
	if err != nil {
		return err
	}
	var children, products int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM pages WHERE parent_id = ?), (SELECT COUNT(*) FROM product_pages WHERE page_id = ?)`,
		id, id).Scan(&children, &products); err != nil {
		return err
	}
	menus, err := queryColumn[string](ctx, tx, `SELECT DISTINCT m.identifier FROM menus m JOIN menu_pages mp ON mp.menu_id = m.id
		WHERE mp.page_id = ? OR mp.parent_page_id = ? ORDER BY m.identifier`, id, id)
	if err != nil {
		return err
	}
	var refs []string
	if children > 0 {
		refs = append(refs, fmt.Sprintf("%d child pages", children))
	}
	if products > 0 {
		refs = append(refs, fmt.Sprintf("%d products listed on it", products))
	}
	if len(menus) > 0 {
		refs = append(refs, "the menus "+strings.Join(menus, ", "))
	}
	if len(refs) > 0 {
		return conflict("Page %q has %s: move or remove them first", before.PageURL, strings.Join(refs, " and "))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM pages WHERE id = ?`, id); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, "page", fmt.Sprint(id), pageView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}

// ReorderPages gives the children of parentID the positions they hold now,
// in the order of ids, so that their places among other pages stay.
func (d *DB) ReorderPages(ctx context.Context, parentID int64, ids []int64, a openentry.Audit) ([]openentry.ContentPage, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	where, args := ` WHERE parent_id IS NULL`, []any{}
	if parentID != 0 {
		if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM pages WHERE id = ?)`, parentID); err != nil {
			return nil, notFoundAs(err, fmt.Sprintf("Page %d not found", parentID))
		}
		where, args = ` WHERE parent_id = ?`, []any{parentID}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, position FROM pages`+where+` ORDER BY position, id`+tx.dialect.forUpdate(), args...)
	if err != nil {
		return nil, err
	}
	type place struct {
		ID       int64 `json:"id"`
		Position int64 `json:"position"`
	}
	var before []place
	for rows.Next() {
		var p place
		if err := rows.Scan(&p.ID, &p.Position); err != nil {
			rows.Close()
			return nil, err
		}
		before = append(before, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := make([]int64, len(before))
	for i, p := range before {
		now[i] = p.ID
	}
	if !slices.Equal(slices.Sorted(slices.Values(now)), slices.Sorted(slices.Values(ids))) {
		return nil, conflict("ids must be exactly the pages under page %d, which are %v now; reload them", parentID, now)
	}
	after := make([]place, len(ids))
	for i, id := range ids {
		pos := before[i].Position
		if i > 0 && pos <= after[i-1].Position {
			pos = after[i-1].Position + 1 // ties from old data: keep the order strict
		}
		after[i] = place{ID: id, Position: pos}
	}
	old := make(map[int64]int64, len(before))
	for _, p := range before {
		old[p.ID] = p.Position
	}
	for _, p := range after {
		if old[p.ID] == p.Position {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pages SET position = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
			p.Position, tx.nowMS, p.ID); err != nil {
			return nil, err
		}
	}
	if err := journal(ctx, tx, a, "page", fmt.Sprint(parentID), map[string]any{"children": before}, map[string]any{"children": after}); err != nil {
		return nil, err
	}
	out, err := adminPages(ctx, tx, strings.Replace(where, "parent_id", "p.parent_id", 1)+` ORDER BY p.position, p.id`, args...)
	if err != nil {
		return nil, err
	}
	return out, tx.Commit()
}

func notFoundAs(err error, message string) error {
	if errors.Is(err, openentry.ErrNotFound) {
		return openentry.NotFound(message)
	}
	return err
}

// queryColumn runs a query of one column and reads every row.
func queryColumn[T any](ctx context.Context, q queryer, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AdminBlocks returns a page of every block.
func (d *DB) AdminBlocks(ctx context.Context, page openentry.Page) ([]openentry.Block, int64, error) {
	page = clampPage(page)
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM blocks`).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := queryBlocks(ctx, d, ` ORDER BY b.position, b.id LIMIT ? OFFSET ?`, page.Limit, page.Offset)
	return out, total, err
}

func adminBlock(ctx context.Context, q queryer, marker string) (*openentry.Block, error) {
	b, err := scanBlock(q.QueryRowContext(ctx, `SELECT `+blockColumns+blockFrom+` WHERE b.identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Block %q not found", marker))
	}
	return b, nil
}

// AdminBlock returns a block, hidden or not.
func (d *DB) AdminBlock(ctx context.Context, marker string) (*openentry.Block, error) {
	return adminBlock(ctx, d, marker)
}

func blockView(b *openentry.Block) any {
	if b == nil {
		return nil
	}
	return map[string]any{"id": b.ID, "identifier": b.Identifier, "type": b.Type, "localizeInfos": b.LocalizeInfos,
		"position": b.Position, "isVisible": b.IsVisible, "templateIdentifier": b.TemplateIdentifier,
		"attributeSetIdentifier": b.AttributeSetIdentifier, "attributeValues": b.AttributeValues, "products": b.ProductIDs,
		"countElementsPerRow": b.PerRow, "quantity": b.Quantity, "version": b.Version}
}

// finishBlock checks what the block names, as the apply does, and that
// its products exist, which the apply leaves to the reads.
func finishBlock(ctx context.Context, tx *tx, b openentry.ProjectBlock) (*openentry.Block, error) {
	if err := referencesOK(func(bad func(string, ...any)) error {
		if err := checkPageReferences(ctx, tx, &openentry.Project{Blocks: []openentry.ProjectBlock{b}}, bad); err != nil {
			return err
		}
		for _, id := range b.Products {
			err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM products WHERE id = ?)`, id)
			if errors.Is(err, openentry.ErrNotFound) {
				bad("block %q: products: product %d is not defined", b.Identifier, id)
			} else if err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return adminBlock(ctx, tx, b.Identifier)
}

// InsertBlock stores a new block.
func (d *DB) InsertBlock(ctx context.Context, e openentry.BlockEdit, a openentry.Audit) (*openentry.Block, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	b := e.Block
	if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM blocks WHERE identifier = ?)`, b.Identifier); err == nil {
		return nil, openentry.Invalid(fmt.Sprintf("identifier: block %q exists", b.Identifier))
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		if pos, err = nextPosition(ctx, tx, "blocks"); err != nil {
			return nil, err
		}
	}
	if err := upsertBlock(ctx, tx, b, pos); err != nil {
		return nil, err
	}
	after, err := finishBlock(ctx, tx, b)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "block", b.Identifier, nil, blockView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// UpdateBlock replaces a block at its version.
func (d *DB) UpdateBlock(ctx context.Context, e openentry.BlockEdit, a openentry.Audit) (*openentry.Block, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	b := e.Block
	if err := lockVersion(ctx, tx, "blocks", "identifier", b.Identifier, e.Version, fmt.Sprintf("Block %q", b.Identifier)); err != nil {
		return nil, err
	}
	before, err := adminBlock(ctx, tx, b.Identifier)
	if err != nil {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		pos = before.Position
	}
	if err := upsertBlock(ctx, tx, b, pos); err != nil {
		return nil, err
	}
	// Every admin write moves the version, whatever upsertBlock counted as
	// a change, so that the next stale write is caught.
	if _, err := tx.ExecContext(ctx, `UPDATE blocks SET version = ? WHERE identifier = ?`, before.Version+1, b.Identifier); err != nil {
		return nil, err
	}
	after, err := finishBlock(ctx, tx, b)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "block", b.Identifier, blockView(before), blockView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// listing returns the keys of the rows of query (candidates found by a
// LIKE on their JSON list of markers) whose list holds marker exactly.
func listing(ctx context.Context, tx *tx, query, marker string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, likeJSONString(marker))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var key, raw string
		if err := rows.Scan(&key, &raw); err != nil {
			return nil, err
		}
		var markers []string
		if err := fromJSON(raw, &markers); err != nil {
			return nil, err
		}
		if slices.Contains(markers, marker) {
			out = append(out, key)
		}
	}
	return out, rows.Err()
}

// DeleteBlock removes a block no page or product lists.
func (d *DB) DeleteBlock(ctx context.Context, marker string, version int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, "blocks", "identifier", marker, version, fmt.Sprintf("Block %q", marker)); err != nil {
		return err
	}
	before, err := adminBlock(ctx, tx, marker)
	if err != nil {
		return err
	}
	pages, err := listing(ctx, tx, `SELECT page_url, blocks FROM pages WHERE blocks LIKE ? ESCAPE '\' ORDER BY page_url`, marker)
	if err != nil {
		return err
	}
	products, err := listing(ctx, tx, `SELECT CAST(id AS TEXT), blocks FROM products WHERE blocks LIKE ? ESCAPE '\' ORDER BY id`, marker)
	if err != nil {
		return err
	}
	if len(pages)+len(products) > 0 {
		return conflict("Block %q is listed by pages [%s] and products [%s]: remove it from them first",
			marker, strings.Join(pages, ", "), strings.Join(products, ", "))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE identifier = ?`, marker); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, "block", marker, blockView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}

func adminMenus(ctx context.Context, q queryer, where string, args ...any) ([]openentry.AdminMenu, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, identifier, localize_infos, position, version FROM menus`+where+` ORDER BY position, id`, args...)
	if err != nil {
		return nil, err
	}
	var out []openentry.AdminMenu
	for rows.Next() {
		var m openentry.AdminMenu
		var infos string
		if err := rows.Scan(&m.ID, &m.Identifier, &infos, &m.Position, &m.Version); err != nil {
			rows.Close()
			return nil, err
		}
		var loc openentry.Localized
		if err := fromJSON(infos, &loc); err != nil {
			rows.Close()
			return nil, err
		}
		m.Title = make(map[string]string, len(loc))
		for lang, raw := range loc {
			var t struct {
				Title string `json:"title"`
			}
			_ = json.Unmarshal(raw, &t) // Titles wrote it
			m.Title[lang] = t.Title
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		m := &out[i]
		m.Items = []openentry.AdminMenuItem{}
		rows, err := q.QueryContext(ctx, `SELECT p.id, p.page_url, COALESCE(u.page_url, ''), mp.position, p.is_visible
			FROM menu_pages mp JOIN pages p ON p.id = mp.page_id LEFT JOIN pages u ON u.id = mp.parent_page_id
			WHERE mp.menu_id = ? ORDER BY mp.position`, m.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var it openentry.AdminMenuItem
			if err := rows.Scan(&it.PageID, &it.PageURL, &it.ParentURL, &it.Position, &it.IsVisible); err != nil {
				rows.Close()
				return nil, err
			}
			m.Items = append(m.Items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func adminMenu(ctx context.Context, q queryer, marker string) (*openentry.AdminMenu, error) {
	menus, err := adminMenus(ctx, q, ` WHERE identifier = ?`, marker)
	if err != nil {
		return nil, err
	}
	if len(menus) == 0 {
		return nil, openentry.NotFound(fmt.Sprintf("Menu %q not found", marker))
	}
	return &menus[0], nil
}

// AdminMenus lists every menu with its items.
func (d *DB) AdminMenus(ctx context.Context) ([]openentry.AdminMenu, error) {
	out, err := adminMenus(ctx, d, ``)
	if out == nil && err == nil {
		out = []openentry.AdminMenu{}
	}
	return out, err
}

// AdminMenu returns a menu with its items.
func (d *DB) AdminMenu(ctx context.Context, marker string) (*openentry.AdminMenu, error) {
	return adminMenu(ctx, d, marker)
}

func menuView(m *openentry.AdminMenu) any {
	items := make([]map[string]string, len(m.Items))
	for i, it := range m.Items {
		items[i] = map[string]string{"pageUrl": it.PageURL, "parentUrl": it.ParentURL}
	}
	return map[string]any{"identifier": m.Identifier, "title": m.Title, "pages": items, "version": m.Version}
}

// UpdateMenu replaces a menu's title and pages at its version.
func (d *DB) UpdateMenu(ctx context.Context, e openentry.MenuEdit, a openentry.Audit) (*openentry.AdminMenu, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m := e.Menu
	if err := lockVersion(ctx, tx, "menus", "identifier", m.Identifier, e.Version, fmt.Sprintf("Menu %q", m.Identifier)); err != nil {
		return nil, err
	}
	before, err := adminMenu(ctx, tx, m.Identifier)
	if err != nil {
		return nil, err
	}
	if _, err := upsertMenu(ctx, tx, m, before.Position); err != nil {
		return nil, err
	}
	if err := referencesOK(func(bad func(string, ...any)) error {
		return checkMenuReferences(ctx, tx, &openentry.Project{Menus: []openentry.ProjectMenu{m}}, bad)
	}); err != nil {
		return nil, err
	}
	after, err := adminMenu(ctx, tx, m.Identifier)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "menu", m.Identifier, menuView(before), menuView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}
