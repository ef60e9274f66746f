package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/openentry/openentry"
)

// UserExists reports whether the provider has a user with the login.
func (d *DB) UserExists(ctx context.Context, provider, login string) (bool, error) {
	var exists bool
	err := d.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE provider = ? AND identifier_folded = ?)`,
		provider, foldLogin(login)).Scan(&exists)
	return exists, err
}

// ApplyProject upserts everything p describes in one transaction: objects
// are matched by identifier (products by id) and updated in place, nothing is
// deleted, and seed users with a hash are inserted, so that applying a file
// twice, or after users signed up, loses nothing. setups says how each
// payment account is stored.
func (d *DB) ApplyProject(ctx context.Context, p *openentry.Project, a openentry.ProjectApply) error {
	setups, hashes := a.Setups, a.PasswordHashes
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := bumpCatalogRevision(ctx, tx); err != nil {
		return err
	}
	if err := applyFiles(ctx, tx, a); err != nil {
		return err
	}
	for i, f := range p.Forms {
		if err := upsertForm(ctx, tx, f, int64(i+1)); err != nil {
			return fmt.Errorf("form %q: %w", f.Identifier, err)
		}
	}
	for i, ap := range p.AuthProviders {
		if err := applyAuthProvider(ctx, tx, ap, int64(i+1)); err != nil {
			return fmt.Errorf("auth provider %q: %w", ap.Identifier, err)
		}
	}
	for i, a := range p.PaymentAccounts {
		setup, ok := setups[a.Identifier]
		if !ok {
			return fmt.Errorf("payment account %q: no setup", a.Identifier)
		}
		if err := applyPaymentAccount(ctx, tx, a, setup, int64(i+1)); err != nil {
			return fmt.Errorf("payment account %q: %w", a.Identifier, err)
		}
	}
	for i, s := range p.OrderStorages {
		if err := applyOrderStorage(ctx, tx, s, int64(i+1)); err != nil {
			return fmt.Errorf("order storage %q: %w", s.Identifier, err)
		}
	}
	for i, s := range p.AttributeSets {
		if err := upsertAttributeSet(ctx, tx, s, int64(i+1)); err != nil {
			return fmt.Errorf("attribute set %q: %w", s.Identifier, err)
		}
	}
	if len(p.ProductStatuses) > 0 {
		keep := ""
		for _, st := range p.ProductStatuses {
			if st.IsDefault {
				keep = st.Identifier
			}
		}
		if err := clearDefaultStatus(ctx, tx, keep); err != nil {
			return err
		}
	}
	for i, st := range p.ProductStatuses {
		if err := upsertProductStatus(ctx, tx, st, int64(i+1)); err != nil {
			return fmt.Errorf("product status %q: %w", st.Identifier, err)
		}
	}
	if err := applyBlocks(ctx, tx, p.Blocks); err != nil {
		return err
	}
	if err := applyTemplates(ctx, tx, p.Templates); err != nil {
		return err
	}
	if err := applyTemplatePreviews(ctx, tx, p.TemplatePreviews); err != nil {
		return err
	}
	if err := applyPages(ctx, tx, p.Pages); err != nil {
		return err
	}
	if err := applyLocales(ctx, tx, p.Locales); err != nil {
		return err
	}
	if err := applyMenus(ctx, tx, p.Menus); err != nil {
		return err
	}
	if err := applyEvents(ctx, tx, p.Events); err != nil {
		return err
	}
	if err := applyCollections(ctx, tx, p.IntegrationCollections); err != nil {
		return err
	}
	for i, pr := range p.Products {
		var stock sql.NullInt64
		if n, ok := a.Stock[pr.ID]; ok {
			stock = sql.NullInt64{Int64: n, Valid: true}
		}
		// stock changes only when the file's figure did (see ProjectApply.Stock).
		if _, err := writeProduct(ctx, tx, pr, productRow{position: int64(i + 1), visible: !pr.Hidden, stock: stock, stockRule: stockIfFigureMoved}); err != nil {
			return fmt.Errorf("product %d: %w", pr.ID, err)
		}
	}
	if err := applyProductPages(ctx, tx, p.Products); err != nil {
		return err
	}
	if err := checkReferences(ctx, tx, p); err != nil {
		return err
	}
	if err := indexProjectProducts(ctx, tx, p); err != nil {
		return fmt.Errorf("product search index: %w", err)
	}
	for i, u := range p.Users {
		if i >= len(hashes) || hashes[i] == "" {
			continue
		}
		if err := insertSeedUser(ctx, tx, u, hashes[i]); err != nil {
			return fmt.Errorf("seed user %q: %w", u.Login, err)
		}
	}
	return tx.Commit()
}

// checkReferences runs after the upserts, so references resolve both to this
// file's objects and to those of earlier applies.
func checkReferences(ctx context.Context, tx *tx, p *openentry.Project) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, ap := range p.AuthProviders {
		f, err := findForm(ctx, tx, ap.FormIdentifier)
		if errors.Is(err, openentry.ErrNotFound) {
			bad("auth provider %q: form %q is not defined", ap.Identifier, ap.FormIdentifier)
			continue
		}
		if err != nil {
			return err
		}
		var login, password int
		for _, a := range f.Attributes {
			if a.IsLogin {
				login++
			}
			if a.IsPassword {
				password++
			}
		}
		if login != 1 || password != 1 {
			bad("auth provider %q: form %q needs exactly one isLogin and one isPassword attribute", ap.Identifier, f.Identifier)
		}
	}
	for _, st := range p.OrderStorages {
		f, err := findForm(ctx, tx, st.FormIdentifier)
		if err != nil && !errors.Is(err, openentry.ErrNotFound) {
			return err
		}
		if err != nil || f.Type != "order" {
			bad("order storage %q: form %q must be a form of type order", st.Identifier, st.FormIdentifier)
		} else {
			for _, m := range st.RequiredFields {
				if !slices.ContainsFunc(f.Attributes, func(a openentry.FormAttribute) bool { return a.Marker == m }) {
					bad("order storage %q: requiredFields: form %q has no attribute %q", st.Identifier, f.Identifier, m)
				}
			}
		}
		for _, a := range st.PaymentAccounts {
			if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM payment_accounts WHERE identifier = ?)`, a); errors.Is(err, openentry.ErrNotFound) {
				bad("order storage %q: payment account %q is not defined", st.Identifier, a)
			} else if err != nil {
				return err
			}
		}
	}
	for _, pr := range p.Products {
		if pr.AttributeSetIdentifier != "" {
			if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM attribute_sets WHERE identifier = ?)`, pr.AttributeSetIdentifier); errors.Is(err, openentry.ErrNotFound) {
				bad("product %d: attribute set %q is not defined", pr.ID, pr.AttributeSetIdentifier)
			} else if err != nil {
				return err
			}
		}
		if pr.Status != "" {
			if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM product_statuses WHERE identifier = ?)`, pr.Status); errors.Is(err, openentry.ErrNotFound) {
				bad("product %d: product status %q is not defined", pr.ID, pr.Status)
			} else if err != nil {
				return err
			}
		}
		for _, r := range pr.RelatedIDs {
			if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM products WHERE id = ?)`, r); errors.Is(err, openentry.ErrNotFound) {
				bad("product %d: related product %d is not defined", pr.ID, r)
			} else if err != nil {
				return err
			}
		}
	}
	for _, u := range p.Users {
		if err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM auth_providers WHERE identifier = ?)`, u.AuthProvider); errors.Is(err, openentry.ErrNotFound) {
			bad("user %q: auth provider %q is not defined", u.Login, u.AuthProvider)
		} else if err != nil {
			return err
		}
	}
	if err := checkPageReferences(ctx, tx, p, bad); err != nil {
		return err
	}
	if err := checkMenuReferences(ctx, tx, p, bad); err != nil {
		return err
	}
	if err := checkCollectionReferences(ctx, tx, p, bad); err != nil {
		return err
	}
	if len(errs) > 0 {
		// Bad input, whether from a file or an admin write: a 400 there.
		return openentry.Invalid(errors.Join(errs...).Error())
	}
	return nil
}

// exists runs a SELECT EXISTS query; false is ErrNotFound.
func exists(ctx context.Context, q queryer, query string, args ...any) error {
	var ok bool
	if err := q.QueryRowContext(ctx, query, args...).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return openentry.ErrNotFound
	}
	return nil
}

func requiredOrEmpty(fields []string) []string {
	if fields == nil {
		return []string{}
	}
	return fields
}

func upsertAttributeSet(ctx context.Context, tx *tx, s openentry.ProjectAttributeSet, position int64) error {
	attrs := make([]openentry.Attribute, len(s.Attributes))
	for i, a := range s.Attributes {
		attrs[i] = openentry.Attribute{Marker: a.Marker, Type: a.Type, Position: int64(i + 1), IsVisible: !a.Hidden,
			LocalizeInfos: openentry.Titles(a.Title), ListTitles: a.ListTitles, Validators: a.Validators}
	}
	typ := s.Type
	if typ == "" {
		typ = "forProducts"
	}
	// version counts real changes only (of anything the file sets, which the
	// admin API's precondition relies on), so re-applying the same file is a no-op.
	_, err := tx.ExecContext(ctx, `
		INSERT INTO attribute_sets (identifier, type, localize_infos, position, is_visible, version, attributes, stock_attribute, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
		ON CONFLICT (identifier) DO UPDATE SET type = excluded.type, localize_infos = excluded.localize_infos,
			position = excluded.position, attributes = excluded.attributes, stock_attribute = excluded.stock_attribute,
			version = attribute_sets.version + CASE WHEN attribute_sets.attributes = excluded.attributes AND attribute_sets.type = excluded.type
				AND attribute_sets.localize_infos = excluded.localize_infos AND attribute_sets.stock_attribute = excluded.stock_attribute THEN 0 ELSE 1 END,
			updated_ms = CASE WHEN attribute_sets.attributes = excluded.attributes AND attribute_sets.type = excluded.type
				AND attribute_sets.localize_infos = excluded.localize_infos
				AND attribute_sets.stock_attribute = excluded.stock_attribute THEN attribute_sets.updated_ms ELSE excluded.updated_ms END`,
		s.Identifier, typ, mustJSON(openentry.Titles(s.Title)), position, true, mustJSON(attrs), s.StockAttribute, tx.nowMS, tx.nowMS)
	return err
}

func upsertForm(ctx context.Context, tx *tx, f openentry.ProjectForm, position int64) error {
	attrs := make([]openentry.FormAttribute, len(f.Attributes))
	for i, a := range f.Attributes {
		attrs[i] = openentry.FormAttribute{
			Marker: a.Marker, Type: a.Type, Position: int64(i + 1),
			IsRequired: a.IsRequired, IsLogin: a.IsLogin, IsPassword: a.IsPassword,
			IsNotificationEmail: a.IsNotificationEmail, LocalizeInfos: openentry.Titles(a.Title),
		}
	}
	processing := f.ProcessingType
	if processing == "" {
		processing = "db"
	}
	// version counts real changes only, so re-applying the same file is a no-op.
	statuses := f.EntryStatuses
	if len(statuses) == 0 {
		statuses = []string{openentry.DefaultEntryStatus}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO forms (identifier, type, processing_type, localize_infos, attributes, position, version,
			entry_statuses, entries_public, success_message)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
		ON CONFLICT (identifier) DO UPDATE SET type = excluded.type, processing_type = excluded.processing_type,
			localize_infos = excluded.localize_infos, attributes = excluded.attributes, position = excluded.position,
			version = forms.version + CASE WHEN forms.attributes = excluded.attributes AND forms.localize_infos = excluded.localize_infos
				AND forms.type = excluded.type AND forms.processing_type = excluded.processing_type
				AND forms.entry_statuses = excluded.entry_statuses AND forms.entries_public = excluded.entries_public
				AND forms.success_message = excluded.success_message THEN 0 ELSE 1 END,
			entry_statuses = excluded.entry_statuses, entries_public = excluded.entries_public,
			success_message = excluded.success_message`,
		f.Identifier, f.Type, processing, mustJSON(openentry.Titles(f.Title)), mustJSON(attrs), position,
		mustJSON(statuses), f.EntriesPublic, mustJSON(openentry.Titles(f.SuccessMessage)))
	return err
}

func upsertAuthProvider(ctx context.Context, tx *tx, ap openentry.ProjectAuthProvider, position int64) error {
	config := map[string]string{
		"accessTokenTtlSec": "36000",
		"refreshTokenTtlMc": "604800", // sic: OneEntry's key for the refresh lifetime in seconds
		"systemCodeTlsSec":  "120",
		"systemCodeLength":  "6",
	}
	for k, v := range ap.Config {
		config[k] = v
	}
	group := ap.UserGroup
	if group == "" {
		group = "guest"
	}
	events := ap.Events
	if events == nil {
		events = []string{}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO auth_providers (identifier, type, form_identifier, user_group, is_active, is_check_code, position, localize_infos, config, events,
			version, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (identifier) DO UPDATE SET type = excluded.type, form_identifier = excluded.form_identifier,
			user_group = excluded.user_group, is_active = excluded.is_active, is_check_code = excluded.is_check_code,
			position = excluded.position, localize_infos = excluded.localize_infos, config = excluded.config, events = excluded.events,
			version = auth_providers.version + 1, updated_ms = excluded.updated_ms`,
		ap.Identifier, ap.Type, ap.FormIdentifier, group, !ap.Inactive, ap.IsCheckCode, position, mustJSON(openentry.Titles(ap.Title)),
		mustJSON(config), mustJSON(events), tx.nowMS)
	return err
}

// upsertPaymentAccount writes an account as its provider set it up; an
// admin write and a project apply both write through here.
func upsertPaymentAccount(ctx context.Context, tx *tx, a openentry.ProjectPaymentAccount, setup openentry.AccountSetup, position int64) error {
	settings := map[string]string{"successUrl": a.SuccessURL, "cancelUrl": a.CancelURL}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO payment_accounts (identifier, type, is_visible, test_mode, localize_infos, position, updated_ms,
			settings, secret_key, webhook_secret, session_timeout_min, is_active, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (identifier) DO UPDATE SET type = excluded.type, is_visible = excluded.is_visible,
			test_mode = excluded.test_mode, localize_infos = excluded.localize_infos,
			position = excluded.position, updated_ms = excluded.updated_ms, settings = excluded.settings,
			secret_key = excluded.secret_key, webhook_secret = excluded.webhook_secret,
			session_timeout_min = excluded.session_timeout_min, is_active = excluded.is_active,
			version = payment_accounts.version + 1`,
		a.Identifier, a.Type, setup.Visible && !a.Inactive, a.TestMode, mustJSON(openentry.Titles(a.Title)), position, tx.nowMS,
		mustJSON(settings), setup.SecretKey, setup.WebhookSecret, setup.SessionTimeout, !a.Inactive)
	return err
}

func upsertOrderStorage(ctx context.Context, tx *tx, s openentry.ProjectOrderStorage, position int64) error {
	var storageID int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO order_storages (identifier, form_identifier, localize_infos, position, paid_status, canceled_status, required_fields,
			cancel_unpaid_after_min, version, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (identifier) DO UPDATE SET form_identifier = excluded.form_identifier,
			localize_infos = excluded.localize_infos, position = excluded.position, paid_status = excluded.paid_status,
			canceled_status = excluded.canceled_status, required_fields = excluded.required_fields,
			cancel_unpaid_after_min = excluded.cancel_unpaid_after_min,
			version = order_storages.version + 1, updated_ms = excluded.updated_ms
		RETURNING id`,
		s.Identifier, s.FormIdentifier, mustJSON(openentry.Titles(s.Title)), position, s.PaidStatus, s.CanceledStatus,
		mustJSON(requiredOrEmpty(s.RequiredFields)), s.CancelUnpaidAfter, tx.nowMS).Scan(&storageID)
	if err != nil {
		return err
	}
	// The file lists the accounts a storage accepts; that list replaces the old
	// one. Orders keep their account, so nothing they refer to is removed.
	if _, err := tx.ExecContext(ctx, `DELETE FROM order_storage_accounts WHERE storage_id = ?`, storageID); err != nil {
		return err
	}
	for i, a := range s.PaymentAccounts {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO order_storage_accounts (storage_id, account_id, position)
			SELECT ?, id, ? FROM payment_accounts WHERE identifier = ?`, storageID, i+1, a)
		if err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE order_statuses SET is_default = ? WHERE storage_id = ?`, false, storageID); err != nil {
		return err
	}
	for i, st := range s.Statuses {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO order_statuses (storage_id, identifier, localize_infos, position, is_default) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (storage_id, identifier) DO UPDATE SET localize_infos = excluded.localize_infos,
				position = excluded.position, is_default = excluded.is_default`,
			storageID, st.Identifier, mustJSON(openentry.Titles(st.Title)), i+1, st.IsDefault)
		if err != nil {
			return err
		}
	}
	return nil
}

func insertSeedUser(ctx context.Context, tx *tx, u openentry.ProjectUser, hash string) error {
	var form string
	if err := tx.QueryRowContext(ctx, `SELECT form_identifier FROM auth_providers WHERE identifier = ?`, u.AuthProvider).Scan(&form); err != nil {
		return err
	}
	data := openentry.FormData{openentry.DefaultLocale: u.FormData}
	if u.FormData == nil {
		data[openentry.DefaultLocale] = []openentry.FormField{}
	}
	_, err := insertUser(ctx, tx, &openentry.User{
		Identifier: u.Login, Provider: u.AuthProvider, FormIdentifier: form, FormData: data,
		NotificationEmail: u.Login, Locale: openentry.DefaultLocale, IsActive: true,
	}, hash)
	return err
}

func foldLogin(login string) string { return openentry.FoldLogin(login) }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sqlstore: marshal %T: %v", v, err)) // only our own types reach here
	}
	return string(b)
}

func fromJSON(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode stored JSON: %w", err)
	}
	return nil
}
