package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openentry/openentry"
)

// Admin writes of attribute sets and forms. Each runs the apply's own
// upsertAttributeSet or upsertForm in one transaction with the catalogue
// revision, the search index's markers and its journal entry. A change is
// re-checked against what uses the object: values that were valid and no
// longer would be, or a provider or storage whose form no longer suits it,
// refuse the write with a 409 naming them (nothing is rewritten for them).

func findSet(ctx context.Context, q queryer, marker string) (*openentry.AttributeSet, error) {
	s, err := scanAttributeSet(q.QueryRowContext(ctx, `SELECT `+setColumns+` FROM attribute_sets WHERE identifier = ?`, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Attribute set %q not found", marker))
	}
	return s, nil
}

func setView(s *openentry.AttributeSet) any {
	if s == nil {
		return nil
	}
	return map[string]any{"id": s.ID, "identifier": s.Identifier, "type": s.Type, "localizeInfos": s.LocalizeInfos,
		"position": s.Position, "attributes": s.Attributes, "stockAttribute": s.StockAttribute, "version": s.Version}
}

// setUsers are the tables whose rows carry values of a set, with the key
// that names a row in a conflict.
var setUsers = []struct{ kind, table, key, order string }{
	{"product", "products", "CAST(id AS TEXT)", "id"},
	{"page", "pages", "page_url", "page_url"},
	{"block", "blocks", "identifier", "identifier"},
	{"template", "templates", "identifier", "identifier"},
	{"template preview", "template_previews", "identifier", "identifier"},
}

// valued is one object carrying values of a set.
type valued struct {
	name   string // "product 3", "page \"shop\""
	kind   string
	values openentry.AttributeValues
}

func setValues(ctx context.Context, tx *tx, marker string) ([]valued, error) {
	var out []valued
	for _, u := range setUsers {
		keys, values, err := keyedJSON[openentry.AttributeValues](ctx, tx, `SELECT `+u.key+`, attribute_values FROM `+u.table+` WHERE attribute_set = ? ORDER BY `+u.order, marker)
		if err != nil {
			return nil, err
		}
		for i, key := range keys {
			name := fmt.Sprintf("%s %q", u.kind, key)
			if u.kind == "product" {
				name = u.kind + " " + key
			}
			out = append(out, valued{name: name, kind: u.kind, values: values[i]})
		}
	}
	return out, nil
}

// maxNamed bounds the objects a conflict lists.
const maxNamed = 20

func names(list []string) string {
	if len(list) > maxNamed {
		return strings.Join(list[:maxNamed], ", ") + fmt.Sprintf(" and %d more", len(list)-maxNamed)
	}
	return strings.Join(list, ", ")
}

// checkSetChange refuses a change of before into after that an object
// using the set would not survive: another type, another stock attribute
// while products count units by it, or values valid before and not after.
func checkSetChange(before, after *openentry.AttributeSet, users []valued) error {
	if len(users) == 0 {
		return nil
	}
	all := make([]string, len(users))
	var products []string
	for i, u := range users {
		all[i] = u.name
		if u.kind == "product" {
			products = append(products, u.name)
		}
	}
	if before.Type != after.Type {
		return conflict("Attribute set %q: its type cannot change from %s to %s while %s use it", before.Identifier, before.Type, after.Type, names(all))
	}
	if before.StockAttribute != after.StockAttribute && len(products) > 0 {
		return conflict("Attribute set %q: its stockAttribute cannot change while %s count units by it", before.Identifier, names(products))
	}
	var broken []string
	for _, u := range users {
		if before.CheckValues(u.values) != nil {
			continue // already invalid: this change does not make it so
		}
		if err := after.CheckValues(u.values); err != nil {
			broken = append(broken, fmt.Sprintf("%s (%s)", u.name, err))
		}
	}
	if len(broken) > 0 {
		return conflict("Attribute set %q: the change would make the values of %s invalid; change them first", before.Identifier, names(broken))
	}
	return nil
}

// reindexSet does what the apply does after writing sets: the markers the
// product filters know, and the search rows of the set's products.
func reindexSet(ctx context.Context, tx *tx, s openentry.ProjectAttributeSet) error {
	if err := indexProjectProducts(ctx, tx, &openentry.Project{AttributeSets: []openentry.ProjectAttributeSet{s}}); err != nil {
		return fmt.Errorf("product search index: %w", err)
	}
	return nil
}

// InsertAttributeSet stores a new set.
func (d *DB) InsertAttributeSet(ctx context.Context, e openentry.AttributeSetEdit, a openentry.Audit) (*openentry.AttributeSet, error) {
	tx, err := beginTreeChange(ctx, d)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	s := e.Set
	if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM attribute_sets WHERE identifier = ?)`, s.Identifier); err == nil {
		return nil, openentry.Invalid(fmt.Sprintf("identifier: attribute set %q exists", s.Identifier))
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		if pos, err = nextPosition(ctx, tx, "attribute_sets"); err != nil {
			return nil, err
		}
	}
	if err := upsertAttributeSet(ctx, tx, s, pos); err != nil {
		return nil, err
	}
	if err := reindexSet(ctx, tx, s); err != nil {
		return nil, err
	}
	after, err := findSet(ctx, tx, s.Identifier)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "attribute_set", s.Identifier, nil, setView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// UpdateAttributeSet replaces a set at its version.
func (d *DB) UpdateAttributeSet(ctx context.Context, e openentry.AttributeSetEdit, a openentry.Audit) (*openentry.AttributeSet, error) {
	tx, err := beginTreeChange(ctx, d)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	s := e.Set
	name := fmt.Sprintf("Attribute set %q", s.Identifier)
	if err := lockVersion(ctx, tx, "attribute_sets", "identifier", s.Identifier, e.Version, name); err != nil {
		return nil, err
	}
	before, err := findSet(ctx, tx, s.Identifier)
	if err != nil {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		pos = before.Position
	}
	if err := upsertAttributeSet(ctx, tx, s, pos); err != nil {
		return nil, err
	}
	// Every admin write moves the version, whatever the upsert counted as
	// a change, so that the next stale write is caught.
	if _, err := tx.ExecContext(ctx, `UPDATE attribute_sets SET version = ?, updated_ms = ? WHERE identifier = ?`,
		before.Version+1, tx.nowMS, s.Identifier); err != nil {
		return nil, err
	}
	after, err := findSet(ctx, tx, s.Identifier)
	if err != nil {
		return nil, err
	}
	// Read under the catalogue revision's row lock, which product and page
	// writes take too, so none of theirs commits between check and write.
	users, err := setValues(ctx, tx, s.Identifier)
	if err != nil {
		return nil, err
	}
	if err := checkSetChange(before, after, users); err != nil {
		return nil, err
	}
	if err := reindexSet(ctx, tx, s); err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "attribute_set", s.Identifier, setView(before), setView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// DeleteAttributeSet removes a set nothing carries values of.
func (d *DB) DeleteAttributeSet(ctx context.Context, marker string, version int64, a openentry.Audit) error {
	tx, err := beginTreeChange(ctx, d)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, "attribute_sets", "identifier", marker, version, fmt.Sprintf("Attribute set %q", marker)); err != nil {
		return err
	}
	before, err := findSet(ctx, tx, marker)
	if err != nil {
		return err
	}
	users, err := setValues(ctx, tx, marker)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		list := make([]string, len(users))
		for i, u := range users {
			list[i] = u.name
		}
		return conflict("Attribute set %q is used by %s: give them another set first", marker, names(list))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM attribute_sets WHERE identifier = ?`, marker); err != nil {
		return err
	}
	if before.Type == "forProducts" {
		if err := writeMarkers(ctx, tx); err != nil {
			return err
		}
	}
	if err := journal(ctx, tx, a, "attribute_set", marker, setView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}

func formView(f *openentry.Form) any {
	if f == nil {
		return nil
	}
	return map[string]any{"id": f.ID, "identifier": f.Identifier, "type": f.Type, "processingType": f.ProcessingType,
		"localizeInfos": f.LocalizeInfos, "position": f.Position, "attributes": f.Attributes, "entryStatuses": f.EntryStatuses,
		"entriesPublic": f.EntriesPublic, "successMessage": f.SuccessMessage, "version": f.Version}
}

// formUsers are the objects that name a form, as a project of stubs the
// apply's reference checks can run on, and their names.
func formUsers(ctx context.Context, tx *tx, marker string) (*openentry.Project, []string, error) {
	p := &openentry.Project{}
	var named []string
	providers, err := queryColumn[string](ctx, tx, `SELECT identifier FROM auth_providers WHERE form_identifier = ? ORDER BY identifier`, marker)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range providers {
		p.AuthProviders = append(p.AuthProviders, openentry.ProjectAuthProvider{Identifier: id, FormIdentifier: marker})
		named = append(named, fmt.Sprintf("auth provider %q", id))
	}
	keys, required, err := keyedJSON[[]string](ctx, tx, `SELECT identifier, required_fields FROM order_storages WHERE form_identifier = ? ORDER BY identifier`, marker)
	if err != nil {
		return nil, nil, err
	}
	for i, id := range keys {
		p.OrderStorages = append(p.OrderStorages, openentry.ProjectOrderStorage{Identifier: id, FormIdentifier: marker, RequiredFields: required[i]})
		named = append(named, fmt.Sprintf("order storage %q", id))
	}
	keys, selected, err := keyedJSON[[]string](ctx, tx, `SELECT identifier, selected_markers FROM integration_collections WHERE form_identifier = ? ORDER BY identifier`, marker)
	if err != nil {
		return nil, nil, err
	}
	for i, id := range keys {
		p.IntegrationCollections = append(p.IntegrationCollections, openentry.ProjectCollection{Identifier: id, FormIdentifier: marker, SelectedAttributeMarkers: selected[i]})
		named = append(named, fmt.Sprintf("integration collection %q", id))
	}
	return p, named, nil
}

// keyedJSON runs a query of a key and a JSON column and reads every row.
func keyedJSON[T any](ctx context.Context, q queryer, query string, args ...any) ([]string, []T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var keys []string
	var values []T
	for rows.Next() {
		var key, raw string
		var v T
		if err := rows.Scan(&key, &raw); err != nil {
			return nil, nil, err
		}
		if err := fromJSON(raw, &v); err != nil {
			return nil, nil, err
		}
		keys, values = append(keys, key), append(values, v)
	}
	return keys, values, rows.Err()
}

// checkFormChange runs the apply's checks of what names the form on the
// form as now written, and refuses to drop an entry status entries hold.
func checkFormChange(ctx context.Context, tx *tx, before, after *openentry.Form) error {
	users, _, err := formUsers(ctx, tx, after.Identifier)
	if err != nil {
		return err
	}
	var errs []string
	// The apply's own checks; what they report is a 400 for a file and a
	// 409 here, where the form is what changed.
	err = checkReferences(ctx, tx, users)
	var verr *openentry.ValidationError
	if errors.As(err, &verr) {
		errs = append(errs, strings.ReplaceAll(verr.Error(), "\n", "; "))
	} else if err != nil {
		return err
	}
	for _, st := range before.EntryStatuses {
		if slices.Contains(after.EntryStatuses, st) {
			continue
		}
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM form_entries WHERE form_identifier = ? AND status = ?`, after.Identifier, st).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			errs = append(errs, fmt.Sprintf("entry status %q is held by %d entries", st, n))
		}
	}
	if len(errs) > 0 {
		return conflict("Form %q: the change would break what uses it: %s", after.Identifier, strings.Join(errs, "; "))
	}
	return nil
}

// InsertForm stores a new form.
func (d *DB) InsertForm(ctx context.Context, e openentry.FormEdit, a openentry.Audit) (*openentry.Form, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	f := e.Form
	if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM forms WHERE identifier = ?)`, f.Identifier); err == nil {
		return nil, openentry.Invalid(fmt.Sprintf("identifier: form %q exists", f.Identifier))
	} else if !errors.Is(err, openentry.ErrNotFound) {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		if pos, err = nextPosition(ctx, tx, "forms"); err != nil {
			return nil, err
		}
	}
	if err := upsertForm(ctx, tx, f, pos); err != nil {
		return nil, err
	}
	after, err := findForm(ctx, tx, f.Identifier)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "form", f.Identifier, nil, formView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// UpdateForm replaces a form at its version.
func (d *DB) UpdateForm(ctx context.Context, e openentry.FormEdit, a openentry.Audit) (*openentry.Form, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	f := e.Form
	if err := lockVersion(ctx, tx, "forms", "identifier", f.Identifier, e.Version, fmt.Sprintf("Form %q", f.Identifier)); err != nil {
		return nil, err
	}
	before, err := findForm(ctx, tx, f.Identifier)
	if err != nil {
		return nil, err
	}
	pos := e.Position
	if pos == 0 {
		pos = before.Position
	}
	if err := upsertForm(ctx, tx, f, pos); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE forms SET version = ? WHERE identifier = ?`, before.Version+1, f.Identifier); err != nil {
		return nil, err
	}
	after, err := findForm(ctx, tx, f.Identifier)
	if err != nil {
		return nil, err
	}
	if err := checkFormChange(ctx, tx, before, after); err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "form", f.Identifier, formView(before), formView(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// DeleteForm removes a form nothing names and no entry, user or order was
// sent with.
func (d *DB) DeleteForm(ctx context.Context, marker string, version int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockVersion(ctx, tx, "forms", "identifier", marker, version, fmt.Sprintf("Form %q", marker)); err != nil {
		return err
	}
	before, err := findForm(ctx, tx, marker)
	if err != nil {
		return err
	}
	_, named, err := formUsers(ctx, tx, marker)
	if err != nil {
		return err
	}
	var entries, users, orders int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM form_entries WHERE form_identifier = ?),
		(SELECT COUNT(*) FROM users WHERE form_identifier = ?), (SELECT COUNT(*) FROM orders WHERE form_identifier = ?)`,
		marker, marker, marker).Scan(&entries, &users, &orders); err != nil {
		return err
	}
	for _, c := range []struct {
		n    int64
		what string
	}{{entries, "entries"}, {users, "users"}, {orders, "orders"}} {
		if c.n > 0 {
			named = append(named, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(named) > 0 {
		return conflict("Form %q is used by %s: it cannot be deleted", marker, names(named))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM forms WHERE identifier = ?`, marker); err != nil {
		return err
	}
	if err := journal(ctx, tx, a, "form", marker, formView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}
