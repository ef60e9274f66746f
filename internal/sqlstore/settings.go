package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// Shop settings: a project apply and an admin write go through the same
// upserts (upsertAuthProvider, upsertPaymentAccount, upsertOrderStorage).
// An apply writes an object only when the file describes it differently
// from the last apply (applied_digest), so that restarting with the same
// file keeps what staff changed since; a changed description wins, and
// its overwrite of an existing object is journaled.

// object is what the settings code needs of one kind of object: how to
// read one (locking its row) and show it to the journal.
type object[T any] struct {
	table, kind string // the table, and the journal's object kind
	read        func(ctx context.Context, tx *tx, lock bool) (*T, error)
	version     func(*T) int64
	id          func(*T) string // the journal's object id
	view        func(*T) any    // without secrets
}

// update is an admin write: it locks and reads the object, refuses a stale
// version, writes, and journals before and after, in one transaction.
func (o object[T]) update(ctx context.Context, d *DB, version int64, a openentry.Audit, write func(tx *tx, before *T) error) (*T, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, err := o.read(ctx, tx, true)
	if err != nil {
		return nil, err
	}
	if now := o.version(before); now != version {
		return nil, &openentry.Error{Code: openentry.ErrConflict,
			Message: fmt.Sprintf("%s %s changed since version %d (now %d); reload it", o.kind, o.id(before), version, now)}
	}
	if err := write(tx, before); err != nil {
		return nil, err
	}
	after, err := o.read(ctx, tx, false)
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, o.kind, o.id(after), o.view(before), o.view(after)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// apply is a project apply of the object: write runs only when the file
// describes it otherwise than at the last apply (digest), and overwriting
// an object applied before is journaled.
func (o object[T]) apply(ctx context.Context, tx *tx, identifier, digest string, write func() error) error {
	var old string
	err := tx.QueryRowContext(ctx, `SELECT applied_digest FROM `+o.table+` WHERE identifier = ?`, identifier).Scan(&old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil || old == digest:
		return err
	}
	var before *T
	if old != "" {
		if before, err = o.read(ctx, tx, false); err != nil {
			return err
		}
	}
	if err := write(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+o.table+` SET applied_digest = ? WHERE identifier = ?`, digest, identifier); err != nil {
		return err
	}
	if before == nil {
		return nil
	}
	after, err := o.read(ctx, tx, false)
	if err != nil {
		return err
	}
	audit := openentry.Audit{Actor: openentry.Actor{Kind: openentry.ActorSystem, Name: "project file"}, Action: o.kind + ".apply"}
	return journal(ctx, tx, audit, o.kind, o.id(after), o.view(before), o.view(after))
}

// fileDigest is what applied_digest records of an object's description.
func fileDigest(parts ...any) string {
	d := sha256.Sum256([]byte(mustJSON(parts)))
	return hex.EncodeToString(d[:])
}

func storageObject(marker string) object[openentry.StorageSettings] {
	return object[openentry.StorageSettings]{table: "order_storages", kind: "order_storage",
		read: func(ctx context.Context, tx *tx, lock bool) (*openentry.StorageSettings, error) {
			return settingsStorage(ctx, tx, marker, lock)
		},
		version: func(s *openentry.StorageSettings) int64 { return s.Version },
		id:      func(s *openentry.StorageSettings) string { return s.Identifier },
		view:    storageView}
}

func accountObject(column string, key any) object[openentry.AccountSettings] {
	return object[openentry.AccountSettings]{table: "payment_accounts", kind: "payment_account",
		read: func(ctx context.Context, tx *tx, lock bool) (*openentry.AccountSettings, error) {
			return settingsAccountBy(ctx, tx, column, key, lock)
		},
		version: func(a *openentry.AccountSettings) int64 { return a.Version },
		id:      func(a *openentry.AccountSettings) string { return fmt.Sprint(a.ID) },
		view:    accountView}
}

func providerObject(marker string) object[openentry.ProviderSettings] {
	return object[openentry.ProviderSettings]{table: "auth_providers", kind: "auth_provider",
		read: func(ctx context.Context, tx *tx, lock bool) (*openentry.ProviderSettings, error) {
			return settingsProvider(ctx, tx, marker, lock)
		},
		version: func(p *openentry.ProviderSettings) int64 { return p.Version },
		id:      func(p *openentry.ProviderSettings) string { return p.Identifier },
		view:    providerView}
}

func applyAuthProvider(ctx context.Context, tx *tx, ap openentry.ProjectAuthProvider, position int64) error {
	return providerObject(ap.Identifier).apply(ctx, tx, ap.Identifier, fileDigest(ap, position), func() error {
		return upsertAuthProvider(ctx, tx, ap, position)
	})
}

func applyPaymentAccount(ctx context.Context, tx *tx, a openentry.ProjectPaymentAccount, setup openentry.AccountSetup, position int64) error {
	// The setup is part of it: a new key in the environment is applied.
	return accountObject("identifier", a.Identifier).apply(ctx, tx, a.Identifier, fileDigest(a, setup, position), func() error {
		return upsertPaymentAccount(ctx, tx, a, setup, position)
	})
}

func applyOrderStorage(ctx context.Context, tx *tx, s openentry.ProjectOrderStorage, position int64) error {
	return storageObject(s.Identifier).apply(ctx, tx, s.Identifier, fileDigest(s, position), func() error {
		return upsertOrderStorage(ctx, tx, s, position)
	})
}

// storedTitles turns stored localizeInfos ({"en_US": {"title": …}}) back
// into a project file's titles.
func storedTitles(infos string) (map[string]string, error) {
	var l openentry.Localized
	if err := fromJSON(infos, &l); err != nil {
		return nil, err
	}
	return titlesOf(l), nil
}

// --- order storages ---

func storageView(s *openentry.StorageSettings) any {
	return struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
		openentry.ProjectOrderStorage
	}{s.ID, s.Version, s.ProjectOrderStorage}
}

// settingsStorage reads a storage with all its statuses and accounts;
// lock takes its row for the transaction.
func settingsStorage(ctx context.Context, q queryer, marker string, lock bool) (*openentry.StorageSettings, error) {
	query := `SELECT id, identifier, form_identifier, localize_infos, position, paid_status, canceled_status, required_fields,
		cancel_unpaid_after_min, version, updated_ms FROM order_storages WHERE identifier = ?`
	if t, ok := q.(*tx); ok && lock {
		query += t.dialect.forUpdate()
	}
	var s openentry.StorageSettings
	var infos, required string
	var updated int64
	err := q.QueryRowContext(ctx, query, marker).Scan(&s.ID, &s.Identifier, &s.FormIdentifier, &infos, &s.Position,
		&s.PaidStatus, &s.CanceledStatus, &required, &s.CancelUnpaidAfter, &s.Version, &updated)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Order storage %q not found", marker))
	}
	s.UpdatedAt = openentry.UnixMilli(updated)
	if s.Title, err = storedTitles(infos); err != nil {
		return nil, err
	}
	if err := fromJSON(required, &s.RequiredFields); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT identifier, localize_infos, is_default FROM order_statuses WHERE storage_id = ? ORDER BY position, id`, s.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s.Statuses = []openentry.ProjectOrderStatus{}
	for rows.Next() {
		var st openentry.ProjectOrderStatus
		if err := rows.Scan(&st.Identifier, &infos, &st.IsDefault); err != nil {
			return nil, err
		}
		if st.Title, err = storedTitles(infos); err != nil {
			return nil, err
		}
		s.Statuses = append(s.Statuses, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if s.PaymentAccounts, err = textColumn(ctx, q, `SELECT a.identifier FROM order_storage_accounts sa JOIN payment_accounts a ON a.id = sa.account_id
		WHERE sa.storage_id = ? ORDER BY sa.position`, s.ID); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT status_identifier, COUNT(*) FROM orders WHERE storage_id = ? GROUP BY status_identifier`, s.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s.StatusOrders = map[string]int64{}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		s.StatusOrders[st] = n
	}
	return &s, rows.Err()
}

// textColumn reads a one-column list of text.
func textColumn(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	return listOf(ctx, q, func(row interface{ Scan(...any) error }) (*string, error) {
		var s string
		return &s, row.Scan(&s)
	}, query, args...)
}

// SettingsStorages lists the order storages with all their statuses and accounts.
func (d *DB) SettingsStorages(ctx context.Context) ([]openentry.StorageSettings, error) {
	markers, err := textColumn(ctx, d, `SELECT identifier FROM order_storages ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	out := make([]openentry.StorageSettings, 0, len(markers))
	for _, m := range markers {
		s, err := settingsStorage(ctx, d, m, false)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, nil
}

// SettingsStorage returns a storage by marker.
func (d *DB) SettingsStorage(ctx context.Context, marker string) (*openentry.StorageSettings, error) {
	return settingsStorage(ctx, d, marker, false)
}

// UpdateStorage writes s over its storage at version, removing the
// statuses it leaves out unless an order has one.
func (d *DB) UpdateStorage(ctx context.Context, version int64, s openentry.ProjectOrderStorage, a openentry.Audit) (*openentry.StorageSettings, error) {
	return storageObject(s.Identifier).update(ctx, d, version, a, func(tx *tx, before *openentry.StorageSettings) error {
		kept := map[string]bool{}
		for _, st := range s.Statuses {
			kept[st.Identifier] = true
		}
		var removed []string
		for _, st := range before.Statuses {
			if kept[st.Identifier] {
				continue
			}
			if n := before.StatusOrders[st.Identifier]; n > 0 {
				return &openentry.Error{Code: openentry.ErrConflict,
					Message: fmt.Sprintf("statuses: status %s is still the status of %d orders; keep it, or move them to another status first", st.Identifier, n)}
			}
			removed = append(removed, st.Identifier)
		}
		if err := upsertOrderStorage(ctx, tx, s, before.Position); err != nil {
			return err
		}
		for _, st := range removed {
			if _, err := tx.ExecContext(ctx, `DELETE FROM order_statuses WHERE storage_id = ? AND identifier = ?`, before.ID, st); err != nil {
				return err
			}
		}
		return checkReferences(ctx, tx, &openentry.Project{OrderStorages: []openentry.ProjectOrderStorage{s}})
	})
}

// --- payment accounts ---

// accountView is an account as the journal shows it: its secrets only as
// set or not set.
func accountView(a *openentry.AccountSettings) any {
	p := a.ProjectPaymentAccount
	p.SecretKey, p.WebhookSecret = openentry.SecretState(p.SecretKey), openentry.SecretState(p.WebhookSecret)
	return struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
		Visible bool  `json:"visible"`
		openentry.ProjectPaymentAccount
	}{a.ID, a.Version, a.Visible, p}
}

const settingsAccountColumns = `id, identifier, type, is_visible, is_active, test_mode, localize_infos, position, updated_ms, settings,
	secret_key, webhook_secret, session_timeout_min, version`

func scanSettingsAccount(row interface{ Scan(...any) error }) (*openentry.AccountSettings, error) {
	var a openentry.AccountSettings
	var active bool
	var infos, settings string
	var updated int64
	if err := row.Scan(&a.ID, &a.Identifier, &a.Type, &a.Visible, &active, &a.TestMode, &infos, &a.Position, &updated, &settings,
		&a.SecretKey, &a.WebhookSecret, &a.SessionTimeout, &a.Version); err != nil {
		return nil, err
	}
	a.Inactive, a.UpdatedAt = !active, openentry.UnixMilli(updated)
	var urls struct{ SuccessURL, CancelURL string }
	if err := fromJSON(settings, &urls); err != nil {
		return nil, err
	}
	a.SuccessURL, a.CancelURL = urls.SuccessURL, urls.CancelURL
	var err error
	a.Title, err = storedTitles(infos)
	return &a, err
}

// settingsAccountBy reads an account by id or identifier (column).
func settingsAccountBy(ctx context.Context, tx *tx, column string, key any, lock bool) (*openentry.AccountSettings, error) {
	query := `SELECT ` + settingsAccountColumns + ` FROM payment_accounts WHERE ` + column + ` = ?`
	if lock {
		query += tx.dialect.forUpdate()
	}
	a, err := scanSettingsAccount(tx.QueryRowContext(ctx, query, key))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment account %v not found", key))
	}
	return a, nil
}

// SettingsAccounts lists the payment accounts, hidden ones too.
func (d *DB) SettingsAccounts(ctx context.Context) ([]openentry.AccountSettings, error) {
	return listOf(ctx, d, scanSettingsAccount, `SELECT `+settingsAccountColumns+` FROM payment_accounts ORDER BY position, id`)
}

// listOf reads every row of query with scan.
func listOf[T any](ctx context.Context, q queryer, scan func(interface{ Scan(...any) error }) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// SettingsAccount returns an account by id, with its secrets.
func (d *DB) SettingsAccount(ctx context.Context, id int64) (*openentry.AccountSettings, error) {
	a, err := scanSettingsAccount(d.QueryRowContext(ctx, `SELECT `+settingsAccountColumns+` FROM payment_accounts WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Payment account %d not found", id))
	}
	return a, nil
}

// UpdateAccount writes acct, as its provider set it up, over account id at version.
func (d *DB) UpdateAccount(ctx context.Context, id, version int64, acct openentry.ProjectPaymentAccount, setup openentry.AccountSetup,
	a openentry.Audit) (*openentry.AccountSettings, error) {
	return accountObject("id", id).update(ctx, d, version, a, func(tx *tx, before *openentry.AccountSettings) error {
		// What an account is, and so which sessions it took, stays; the rest is acct's.
		acct.Identifier, acct.Type = before.Identifier, before.Type
		return upsertPaymentAccount(ctx, tx, acct, setup, before.Position)
	})
}

// --- auth providers ---

func providerView(p *openentry.ProviderSettings) any {
	return struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
		openentry.ProjectAuthProvider
	}{p.ID, p.Version, p.ProjectAuthProvider}
}

const settingsProviderColumns = `id, identifier, type, form_identifier, user_group, is_active, is_check_code, position, localize_infos,
	config, events, version, updated_ms`

func scanSettingsProvider(row interface{ Scan(...any) error }) (*openentry.ProviderSettings, error) {
	var p openentry.ProviderSettings
	var active bool
	var infos, config, events string
	var updated int64
	if err := row.Scan(&p.ID, &p.Identifier, &p.Type, &p.FormIdentifier, &p.UserGroup, &active, &p.IsCheckCode, &p.Position, &infos,
		&config, &events, &p.Version, &updated); err != nil {
		return nil, err
	}
	p.Inactive, p.UpdatedAt = !active, openentry.UnixMilli(updated)
	var err error
	if p.Title, err = storedTitles(infos); err != nil {
		return nil, err
	}
	if err := fromJSON(events, &p.Events); err != nil {
		return nil, err
	}
	return &p, fromJSON(config, &p.Config)
}

func settingsProvider(ctx context.Context, q queryer, marker string, lock bool) (*openentry.ProviderSettings, error) {
	query := `SELECT ` + settingsProviderColumns + ` FROM auth_providers WHERE identifier = ?`
	if t, ok := q.(*tx); ok && lock {
		query += t.dialect.forUpdate()
	}
	p, err := scanSettingsProvider(q.QueryRowContext(ctx, query, marker))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Auth provider %q not found", marker))
	}
	return p, nil
}

// SettingsProviders lists the auth providers, inactive ones too.
func (d *DB) SettingsProviders(ctx context.Context) ([]openentry.ProviderSettings, error) {
	return listOf(ctx, d, scanSettingsProvider, `SELECT `+settingsProviderColumns+` FROM auth_providers ORDER BY position, id`)
}

// SettingsProvider returns a provider by marker.
func (d *DB) SettingsProvider(ctx context.Context, marker string) (*openentry.ProviderSettings, error) {
	return settingsProvider(ctx, d, marker, false)
}

// UpdateProvider writes p over its provider at version.
func (d *DB) UpdateProvider(ctx context.Context, version int64, p openentry.ProjectAuthProvider, a openentry.Audit) (*openentry.ProviderSettings, error) {
	return providerObject(p.Identifier).update(ctx, d, version, a, func(tx *tx, before *openentry.ProviderSettings) error {
		if err := upsertAuthProvider(ctx, tx, p, before.Position); err != nil {
			return err
		}
		return checkReferences(ctx, tx, &openentry.Project{AuthProviders: []openentry.ProjectAuthProvider{p}})
	})
}
