package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// Admin writes of locales, templates and integration collections. Each runs
// the apply's own upsert (upsertLocale, upsertTemplate, upsertCollection)
// and reference checks in one transaction with its journal entry.

func adminLocales(ctx context.Context, q queryer, where string, args ...any) ([]openentry.AdminLocale, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, short_code, name, native_name, image, is_default, position, is_active, version
		FROM locales`+where+` ORDER BY position, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.AdminLocale{}
	for rows.Next() {
		var l openentry.AdminLocale
		if err := rows.Scan(&l.ID, &l.Code, &l.ShortCode, &l.Name, &l.NativeName, &l.Image, &l.IsDefault, &l.Position,
			&l.IsActive, &l.Version); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func adminLocale(ctx context.Context, q queryer, code string) (*openentry.AdminLocale, error) {
	ls, err := adminLocales(ctx, q, ` WHERE code = ?`, code)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, openentry.NotFound(fmt.Sprintf("Locale %q not found", code))
	}
	return &ls[0], nil
}

// AdminLocales lists every stored locale by position.
func (d *DB) AdminLocales(ctx context.Context) ([]openentry.AdminLocale, error) {
	return adminLocales(ctx, d, ``)
}

func localeView(l *openentry.AdminLocale) any {
	return map[string]any{"code": l.Code, "shortCode": l.ShortCode, "name": l.Name, "nativeName": l.NativeName, "image": l.Image,
		"isActive": l.IsActive, "isDefault": l.IsDefault, "position": l.Position, "version": l.Version}
}

// takeDefault makes code the only default locale, moving the version of
// the one that stops being it.
func takeDefault(ctx context.Context, tx *tx, code string) error {
	_, err := tx.ExecContext(ctx, `UPDATE locales SET is_default = ?, version = version + 1 WHERE is_default = ? AND code <> ?`,
		false, true, code)
	return err
}

// InsertLocale stores a new locale. An empty table stands for the default
// locale alone (see DefaultLocales), so that one is stored first: adding
// fr_FR adds a language rather than replacing en_US.
func (d *DB) InsertLocale(ctx context.Context, e openentry.LocaleEdit, a openentry.Audit) (*openentry.AdminLocale, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	l := e.Locale
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM locales`).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 && l.Code != openentry.DefaultLocale {
		implicit := openentry.DefaultLocales()[0]
		if err := upsertLocale(ctx, tx, openentry.ProjectLocale{Code: implicit.Code, ShortCode: implicit.ShortCode,
			Name: implicit.Name, NativeName: implicit.NativeName, IsDefault: !l.IsDefault}, 1); err != nil {
			return nil, err
		}
	} else if n == 0 {
		l.IsDefault = true
	}
	if _, err := adminLocale(ctx, tx, l.Code); err == nil {
		return nil, openentry.Invalid(fmt.Sprintf("code: locale %q exists", l.Code))
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		if pos, err = nextPosition(ctx, tx, "locales"); err != nil {
			return nil, err
		}
	}
	if l.IsDefault {
		if err := takeDefault(ctx, tx, l.Code); err != nil {
			return nil, err
		}
	}
	if err := upsertLocale(ctx, tx, l, pos); err != nil {
		return nil, err
	}
	after, err := adminLocale(ctx, tx, l.Code)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "locale", l.Code, nil, localeView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// UpdateLocale replaces a locale at its version.
func (d *DB) UpdateLocale(ctx context.Context, e openentry.LocaleEdit, a openentry.Audit) (*openentry.AdminLocale, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	l := e.Locale
	if err := lockVersion(ctx, tx, "locales", "code", l.Code, e.Version, fmt.Sprintf("Locale %q", l.Code)); err != nil {
		return nil, err
	}
	before, err := adminLocale(ctx, tx, l.Code)
	if err != nil {
		return nil, err
	}
	if before.IsDefault && !l.IsDefault {
		return nil, openentry.Invalid(fmt.Sprintf("isDefault: %q is the default locale; make another one the default instead", l.Code))
	}
	pos := e.Position
	if pos == 0 {
		pos = before.Position
	}
	if l.IsDefault && !before.IsDefault {
		if err := takeDefault(ctx, tx, l.Code); err != nil {
			return nil, err
		}
	}
	if err := upsertLocale(ctx, tx, l, pos); err != nil {
		return nil, err
	}
	// Every admin write moves the version, changed or not, so that the
	// next stale write is caught.
	if _, err := tx.ExecContext(ctx, `UPDATE locales SET version = ? WHERE code = ?`, before.Version+1, l.Code); err != nil {
		return nil, err
	}
	after, err := adminLocale(ctx, tx, l.Code)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "locale", l.Code, localeView(before), localeView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// likeJSONString is a LIKE pattern (ESCAPE '\') for JSON text holding the
// string s in quotes.
func likeJSONString(s string) string {
	return `%"` + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + `"%`
}

// localeUsers are the columns whose JSON is keyed by locale: a locale with
// text in any of them is in use.
var localeUsers = []struct{ table, key, columns string }{
	{"pages", "page_url", "localize_infos || attribute_values"},
	{"blocks", "identifier", "localize_infos || attribute_values"},
	{"products", "CAST(id AS TEXT)", "localize_infos || attribute_values"},
	{"templates", "identifier", "title || attribute_values"},
	{"menus", "identifier", "localize_infos"},
	{"integration_collections", "identifier", "localize_infos"},
}

// DeleteLocale removes a locale that is not the default and that no
// content has text in: removing it would strand that text, so the answer
// is a 409 saying to hide it (isActive false) instead.
func (d *DB) DeleteLocale(ctx context.Context, code string, version int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, "locales", "code", code, version, fmt.Sprintf("Locale %q", code)); err != nil {
		return err
	}
	before, err := adminLocale(ctx, tx, code)
	if err != nil {
		return err
	}
	if before.IsDefault {
		return conflict("Locale %q is the default locale: make another one the default first", code)
	}
	var uses []string
	for _, u := range localeUsers {
		keys, err := queryColumn[string](ctx, tx, `SELECT `+u.key+` FROM `+u.table+` WHERE `+u.columns+` LIKE ? ESCAPE '\' ORDER BY 1`,
			likeJSONString(code))
		if err != nil {
			return err
		}
		if len(keys) > 3 {
			keys = append(keys[:3], fmt.Sprintf("%d more", len(keys)-3))
		}
		if len(keys) > 0 {
			uses = append(uses, u.table+" "+strings.Join(keys, ", "))
		}
	}
	if len(uses) > 0 {
		return conflict("Locale %q has text in %s: hide it (isActive false) instead", code, strings.Join(uses, "; "))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM locales WHERE code = ?`, code); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, "locale", code, localeView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}

func adminTemplate(ctx context.Context, q queryer, marker string) (*openentry.Template, error) {
	t, err := scanTemplate(q.QueryRowContext(ctx, `SELECT `+templateColumns+templateFrom+` WHERE t.identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Template %q not found", marker))
	}
	return t, nil
}

func templateView(t *openentry.Template) any {
	return map[string]any{"id": t.ID, "identifier": t.Identifier, "type": t.Type, "title": t.Title, "position": t.Position,
		"attributeSetIdentifier": t.AttributeSetIdentifier, "attributeValues": t.AttributeValues, "version": t.Version}
}

// finishTemplate checks what the template names, as the apply does.
func finishTemplate(ctx context.Context, tx *tx, t openentry.ProjectTemplate) (*openentry.Template, error) {
	if err := referencesOK(func(bad func(string, ...any)) error {
		return checkPageReferences(ctx, tx, &openentry.Project{Templates: []openentry.ProjectTemplate{t}}, bad)
	}); err != nil {
		return nil, err
	}
	return adminTemplate(ctx, tx, t.Identifier)
}

// InsertTemplate stores a new template.
func (d *DB) InsertTemplate(ctx context.Context, e openentry.TemplateEdit, a openentry.Audit) (*openentry.Template, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t := e.Template
	if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM templates WHERE identifier = ?)`, t.Identifier); err == nil {
		return nil, openentry.Invalid(fmt.Sprintf("identifier: template %q exists", t.Identifier))
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		if pos, err = nextPosition(ctx, tx, "templates"); err != nil {
			return nil, err
		}
	}
	if err := upsertTemplate(ctx, tx, t, pos); err != nil {
		return nil, err
	}
	after, err := finishTemplate(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "template", t.Identifier, nil, templateView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// UpdateTemplate replaces a template at its version.
func (d *DB) UpdateTemplate(ctx context.Context, e openentry.TemplateEdit, a openentry.Audit) (*openentry.Template, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t := e.Template
	if err := lockVersion(ctx, tx, "templates", "identifier", t.Identifier, e.Version, fmt.Sprintf("Template %q", t.Identifier)); err != nil {
		return nil, err
	}
	before, err := adminTemplate(ctx, tx, t.Identifier)
	if err != nil {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		pos = before.Position
	}
	if err := upsertTemplate(ctx, tx, t, pos); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE templates SET version = ? WHERE identifier = ?`, before.Version+1, t.Identifier); err != nil {
		return nil, err
	}
	after, err := finishTemplate(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "template", t.Identifier, templateView(before), templateView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// DeleteTemplate removes a template no page or block names.
func (d *DB) DeleteTemplate(ctx context.Context, marker string, version int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, "templates", "identifier", marker, version, fmt.Sprintf("Template %q", marker)); err != nil {
		return err
	}
	before, err := adminTemplate(ctx, tx, marker)
	if err != nil {
		return err
	}
	pages, err := queryColumn[string](ctx, tx, `SELECT page_url FROM pages WHERE template_identifier = ? ORDER BY page_url`, marker)
	if err != nil {
		return err
	}
	blocks, err := queryColumn[string](ctx, tx, `SELECT identifier FROM blocks WHERE template_identifier = ? ORDER BY identifier`, marker)
	if err != nil {
		return err
	}
	if len(pages)+len(blocks) > 0 {
		return conflict("Template %q is used by pages [%s] and blocks [%s]: give them another template first",
			marker, strings.Join(pages, ", "), strings.Join(blocks, ", "))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM templates WHERE identifier = ?`, marker); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, "template", marker, templateView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}

func adminCollection(ctx context.Context, q queryer, marker string) (*openentry.Collection, error) {
	c, err := scanCollection(q.QueryRowContext(ctx, `SELECT `+collectionColumns+collectionFrom+` WHERE c.identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Collection %q not found", marker))
	}
	return c, nil
}

// AdminCollections lists every collection by position.
func (d *DB) AdminCollections(ctx context.Context) ([]openentry.Collection, error) {
	return queryCollections(ctx, d, ` ORDER BY c.position, c.id`)
}

func collectionView(c *openentry.Collection) any {
	return map[string]any{"id": c.ID, "identifier": c.Identifier, "formIdentifier": c.FormIdentifier, "localizeInfos": c.LocalizeInfos,
		"position": c.Position, "selectedAttributeMarkers": c.SelectedAttributeMarkers, "rowsPublic": c.RowsPublic, "version": c.Version}
}

// finishCollection checks the collection's form and columns, as the apply does.
func finishCollection(ctx context.Context, tx *tx, c openentry.ProjectCollection) (*openentry.Collection, error) {
	if err := referencesOK(func(bad func(string, ...any)) error {
		return checkCollectionReferences(ctx, tx, &openentry.Project{IntegrationCollections: []openentry.ProjectCollection{c}}, bad)
	}); err != nil {
		return nil, err
	}
	return adminCollection(ctx, tx, c.Identifier)
}

// InsertCollection stores a new collection.
func (d *DB) InsertCollection(ctx context.Context, e openentry.CollectionEdit, a openentry.Audit) (*openentry.Collection, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := e.Collection
	if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM integration_collections WHERE identifier = ?)`, c.Identifier); err == nil {
		return nil, openentry.Invalid(fmt.Sprintf("identifier: collection %q exists", c.Identifier))
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		if pos, err = nextPosition(ctx, tx, "integration_collections"); err != nil {
			return nil, err
		}
	}
	if err := upsertCollection(ctx, tx, c, pos); err != nil {
		return nil, err
	}
	after, err := finishCollection(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "collection", c.Identifier, nil, collectionView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

func collectionRowCount(ctx context.Context, tx *tx, id int64) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM collection_rows WHERE collection_id = ?`, id).Scan(&n)
	return n, err
}

// UpdateCollection replaces a collection at its version. Its form stays
// while it has rows: their data was checked against that form.
func (d *DB) UpdateCollection(ctx context.Context, e openentry.CollectionEdit, a openentry.Audit) (*openentry.Collection, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := e.Collection
	if err := lockVersion(ctx, tx, "integration_collections", "identifier", c.Identifier, e.Version, fmt.Sprintf("Collection %q", c.Identifier)); err != nil {
		return nil, err
	}
	before, err := adminCollection(ctx, tx, c.Identifier)
	if err != nil {
		return nil, err
	}
	if c.FormIdentifier != before.FormIdentifier {
		n, err := collectionRowCount(ctx, tx, before.ID)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, conflict("Collection %q has %d rows written with form %q: its form cannot change", c.Identifier, n, before.FormIdentifier)
		}
	}
	pos := e.Position
	if pos == 0 {
		pos = before.Position
	}
	if err := upsertCollection(ctx, tx, c, pos); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE integration_collections SET version = ? WHERE identifier = ?`, before.Version+1, c.Identifier); err != nil {
		return nil, err
	}
	after, err := finishCollection(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "collection", c.Identifier, collectionView(before), collectionView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// DeleteCollection removes a collection without rows.
func (d *DB) DeleteCollection(ctx context.Context, marker string, version int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, "integration_collections", "identifier", marker, version, fmt.Sprintf("Collection %q", marker)); err != nil {
		return err
	}
	before, err := adminCollection(ctx, tx, marker)
	if err != nil {
		return err
	}
	n, err := collectionRowCount(ctx, tx, before.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		return conflict("Collection %q has %d rows: delete them first", marker, n)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM integration_collections WHERE identifier = ?`, marker); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, "collection", marker, collectionView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}

// ModerateCollectionRow deletes any user's row of the collection.
func (d *DB) ModerateCollectionRow(ctx context.Context, collectionID, id int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r, err := scanCollectionRow(tx.QueryRowContext(ctx, `SELECT `+collectionRowColumns+` FROM collection_rows
		WHERE id = ? AND collection_id = ?`+tx.dialect.forUpdate(), id, collectionID))
	if errors.Is(err, sql.ErrNoRows) {
		return rowNotFound(id)
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM collection_rows WHERE id = ?`, id); err != nil {
		return err
	}
	before := map[string]any{"id": r.ID, "collectionId": r.CollectionID, "userId": r.UserID, "entityType": r.EntityType,
		"entityId": r.EntityID, "formData": r.FormData, "createdAt": openentry.Time(r.Created)}
	if err := journal(ctx, tx, a, "collection_row", fmt.Sprint(id), before, nil); err != nil {
		return err
	}
	return tx.Commit()
}
