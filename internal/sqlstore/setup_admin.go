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

// markedKind is what the admin writes of one kind of object kept by
// marker with a version (templates, template previews, collections) need.
type markedKind[T any] struct {
	table, kind, name string // "templates", "template" (the journal's), "Template" (messages)
	read              func(ctx context.Context, q queryer, marker string) (*T, error)
	position          func(*T) int64
	view              func(*T) any
	// upsert writes the object at position with the apply's SQL; check
	// then runs the apply's reference checks on it.
	upsert func(ctx context.Context, tx *tx, position int64) error
	check  func(ctx context.Context, tx *tx, bad func(string, ...any)) error
	// inUse says, for a delete, what still refers to the object ("": nothing).
	inUse func(ctx context.Context, tx *tx, before *T) (string, error)
	// mayUpdate refuses an update the object's state forbids; nil: any.
	mayUpdate func(ctx context.Context, tx *tx, before *T) error
}

func (k markedKind[T]) finish(ctx context.Context, tx *tx, marker string) (*T, error) {
	if err := referencesOK(func(bad func(string, ...any)) error { return k.check(ctx, tx, bad) }); err != nil {
		return nil, err
	}
	return k.read(ctx, tx, marker)
}

func (k markedKind[T]) insert(ctx context.Context, d *DB, marker string, position int64, a openentry.Audit) (*T, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM `+k.table+` WHERE identifier = ?)`, marker); err == nil {
		return nil, openentry.Invalid(fmt.Sprintf("identifier: %s %q exists", strings.ToLower(k.name), marker))
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return nil, err
	}
	if position == 0 {
		if position, err = nextPosition(ctx, tx, k.table); err != nil {
			return nil, err
		}
	}
	if err := k.upsert(ctx, tx, position); err != nil {
		return nil, err
	}
	after, err := k.finish(ctx, tx, marker)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, k.kind, marker, nil, k.view(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

func (k markedKind[T]) update(ctx context.Context, d *DB, marker string, position, version int64, a openentry.Audit) (*T, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, k.table, "identifier", marker, version, fmt.Sprintf("%s %q", k.name, marker)); err != nil {
		return nil, err
	}
	before, err := k.read(ctx, tx, marker)
	if err != nil {
		return nil, err
	}
	if k.mayUpdate != nil {
		if err := k.mayUpdate(ctx, tx, before); err != nil {
			return nil, err
		}
	}
	if position == 0 {
		position = k.position(before)
	}
	if err := k.upsert(ctx, tx, position); err != nil {
		return nil, err
	}
	// Every admin write moves the version, whatever the upsert counted as
	// a change, so that the next stale write is caught.
	if _, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET version = ? WHERE identifier = ?`, version+1, marker); err != nil {
		return nil, err
	}
	after, err := k.finish(ctx, tx, marker)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, k.kind, marker, k.view(before), k.view(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

func (k markedKind[T]) delete(ctx context.Context, d *DB, marker string, version int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, k.table, "identifier", marker, version, fmt.Sprintf("%s %q", k.name, marker)); err != nil {
		return err
	}
	before, err := k.read(ctx, tx, marker)
	if err != nil {
		return err
	}
	if k.inUse != nil {
		if why, err := k.inUse(ctx, tx, before); err != nil {
			return err
		} else if why != "" {
			return conflict("%s %q %s", k.name, marker, why)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+k.table+` WHERE identifier = ?`, marker); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, k.kind, marker, k.view(before), nil); err != nil {
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

// templates is the template kind, t the one a write gives.
func templates(t openentry.ProjectTemplate) markedKind[openentry.Template] {
	return markedKind[openentry.Template]{table: "templates", kind: "template", name: "Template", read: adminTemplate,
		position: func(t *openentry.Template) int64 { return t.Position },
		view: func(t *openentry.Template) any {
			return map[string]any{"id": t.ID, "identifier": t.Identifier, "type": t.Type, "title": t.Title, "position": t.Position,
				"attributeSetIdentifier": t.AttributeSetIdentifier, "attributeValues": t.AttributeValues, "version": t.Version}
		},
		upsert: func(ctx context.Context, tx *tx, position int64) error { return upsertTemplate(ctx, tx, t, position) },
		check: func(ctx context.Context, tx *tx, bad func(string, ...any)) error {
			return checkPageReferences(ctx, tx, &openentry.Project{Templates: []openentry.ProjectTemplate{t}}, bad)
		},
		inUse: func(ctx context.Context, tx *tx, before *openentry.Template) (string, error) {
			pages, err := queryColumn[string](ctx, tx, `SELECT page_url FROM pages WHERE template_identifier = ? ORDER BY page_url`, before.Identifier)
			if err != nil {
				return "", err
			}
			blocks, err := queryColumn[string](ctx, tx, `SELECT identifier FROM blocks WHERE template_identifier = ? ORDER BY identifier`, before.Identifier)
			if err != nil || len(pages)+len(blocks) == 0 {
				return "", err
			}
			return fmt.Sprintf("is used by pages [%s] and blocks [%s]: give them another template first",
				strings.Join(pages, ", "), strings.Join(blocks, ", ")), nil
		},
	}
}

// InsertTemplate stores a new template.
func (d *DB) InsertTemplate(ctx context.Context, e openentry.TemplateEdit, a openentry.Audit) (*openentry.Template, error) {
	return templates(e.Template).insert(ctx, d, e.Template.Identifier, e.Position, a)
}

// UpdateTemplate replaces a template at its version.
func (d *DB) UpdateTemplate(ctx context.Context, e openentry.TemplateEdit, a openentry.Audit) (*openentry.Template, error) {
	return templates(e.Template).update(ctx, d, e.Template.Identifier, e.Position, e.Version, a)
}

// DeleteTemplate removes a template no page or block names.
func (d *DB) DeleteTemplate(ctx context.Context, marker string, version int64, a openentry.Audit) error {
	return templates(openentry.ProjectTemplate{}).delete(ctx, d, marker, version, a)
}

func adminTemplatePreview(ctx context.Context, q queryer, marker string) (*openentry.TemplatePreview, error) {
	t, err := scanTemplatePreview(q.QueryRowContext(ctx, `SELECT `+templatePreviewColumns+templatePreviewFrom+` WHERE t.identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Template preview %q not found", marker))
	}
	return t, nil
}

// templatePreviews is the preview template kind; nothing refers to one
// (front ends name them), so any may be deleted.
func templatePreviews(t openentry.ProjectTemplatePreview) markedKind[openentry.TemplatePreview] {
	return markedKind[openentry.TemplatePreview]{table: "template_previews", kind: "template_preview", name: "Template preview",
		read: adminTemplatePreview, position: func(t *openentry.TemplatePreview) int64 { return t.Position },
		view: func(t *openentry.TemplatePreview) any {
			return map[string]any{"id": t.ID, "identifier": t.Identifier, "title": t.Title, "position": t.Position,
				"proportions": t.Proportions, "attributeSetIdentifier": t.AttributeSetIdentifier,
				"attributeValues": t.AttributeValues, "version": t.Version}
		},
		upsert: func(ctx context.Context, tx *tx, position int64) error {
			return upsertTemplatePreview(ctx, tx, t, position)
		},
		check: func(ctx context.Context, tx *tx, bad func(string, ...any)) error {
			return checkPageReferences(ctx, tx, &openentry.Project{TemplatePreviews: []openentry.ProjectTemplatePreview{t}}, bad)
		},
	}
}

// InsertTemplatePreview stores a new preview template.
func (d *DB) InsertTemplatePreview(ctx context.Context, e openentry.TemplatePreviewEdit, a openentry.Audit) (*openentry.TemplatePreview, error) {
	return templatePreviews(e.Preview).insert(ctx, d, e.Preview.Identifier, e.Position, a)
}

// UpdateTemplatePreview replaces a preview template at its version.
func (d *DB) UpdateTemplatePreview(ctx context.Context, e openentry.TemplatePreviewEdit, a openentry.Audit) (*openentry.TemplatePreview, error) {
	return templatePreviews(e.Preview).update(ctx, d, e.Preview.Identifier, e.Position, e.Version, a)
}

// DeleteTemplatePreview removes a preview template.
func (d *DB) DeleteTemplatePreview(ctx context.Context, marker string, version int64, a openentry.Audit) error {
	return templatePreviews(openentry.ProjectTemplatePreview{}).delete(ctx, d, marker, version, a)
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

func collectionRowCount(ctx context.Context, tx *tx, id int64) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM collection_rows WHERE collection_id = ?`, id).Scan(&n)
	return n, err
}

// collections is the integration collection kind. A collection with rows
// is not deleted, and keeps its form: the rows' data was checked against it.
func collections(c openentry.ProjectCollection) markedKind[openentry.Collection] {
	return markedKind[openentry.Collection]{table: "integration_collections", kind: "collection", name: "Collection",
		read: adminCollection, position: func(c *openentry.Collection) int64 { return c.Position },
		view: func(c *openentry.Collection) any {
			return map[string]any{"id": c.ID, "identifier": c.Identifier, "formIdentifier": c.FormIdentifier,
				"localizeInfos": c.LocalizeInfos, "position": c.Position, "selectedAttributeMarkers": c.SelectedAttributeMarkers,
				"rowsPublic": c.RowsPublic, "version": c.Version}
		},
		upsert: func(ctx context.Context, tx *tx, position int64) error { return upsertCollection(ctx, tx, c, position) },
		check: func(ctx context.Context, tx *tx, bad func(string, ...any)) error {
			return checkCollectionReferences(ctx, tx, &openentry.Project{IntegrationCollections: []openentry.ProjectCollection{c}}, bad)
		},
		mayUpdate: func(ctx context.Context, tx *tx, before *openentry.Collection) error {
			if c.FormIdentifier == before.FormIdentifier {
				return nil
			}
			n, err := collectionRowCount(ctx, tx, before.ID)
			if err != nil || n == 0 {
				return err
			}
			return conflict("Collection %q has %d rows written with form %q: its form cannot change", c.Identifier, n, before.FormIdentifier)
		},
		inUse: func(ctx context.Context, tx *tx, before *openentry.Collection) (string, error) {
			n, err := collectionRowCount(ctx, tx, before.ID)
			if err != nil || n == 0 {
				return "", err
			}
			return fmt.Sprintf("has %d rows: delete them first", n), nil
		},
	}
}

// InsertCollection stores a new collection.
func (d *DB) InsertCollection(ctx context.Context, e openentry.CollectionEdit, a openentry.Audit) (*openentry.Collection, error) {
	return collections(e.Collection).insert(ctx, d, e.Collection.Identifier, e.Position, a)
}

// UpdateCollection replaces a collection at its version.
func (d *DB) UpdateCollection(ctx context.Context, e openentry.CollectionEdit, a openentry.Audit) (*openentry.Collection, error) {
	return collections(e.Collection).update(ctx, d, e.Collection.Identifier, e.Position, e.Version, a)
}

// DeleteCollection removes a collection without rows.
func (d *DB) DeleteCollection(ctx context.Context, marker string, version int64, a openentry.Audit) error {
	return collections(openentry.ProjectCollection{}).delete(ctx, d, marker, version, a)
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
