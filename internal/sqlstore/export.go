package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

// ExportProject reads the shop back as a project file (see
// openentry.ExportStore), in one snapshot so the objects agree.
func (d *DB) ExportProject(ctx context.Context) (*openentry.Project, error) {
	t, err := d.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer t.Rollback()
	p := &openentry.Project{}
	steps := []func(context.Context, *tx, *openentry.Project) error{
		exportLocales, exportForms, exportAuthProviders, exportPaymentAccounts, exportOrderStorages,
		exportAttributeSets, exportProductStatuses, exportPages, exportBlocks, exportTemplates,
		exportTemplatePreviews, exportMenus, exportEvents, exportCollections, exportProducts,
	}
	for _, step := range steps {
		if err := step(ctx, t, p); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	return p, nil
}

// snapshot begins a read-only transaction over one snapshot of the
// database, which takes no writer slot.
func (d *DB) snapshot(ctx context.Context) (*tx, error) {
	t, err := d.sql.BeginTx(ctx, d.dialect.snapshotOptions())
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	now := d.now().UTC().Truncate(time.Millisecond)
	return &tx{Tx: t, db: d, dialect: d.dialect, now: now, nowMS: now.UnixMilli(), release: func() {}}, nil
}

// eachRow runs query and calls scan for every row.
func eachRow(ctx context.Context, q queryer, query string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// untitled reads back what openentry.Titles wrote: locale → {"title"}.
func untitled(raw string) (map[string]string, error) {
	var l openentry.Localized
	if err := fromJSON(raw, &l); err != nil {
		return nil, err
	}
	return titlesOf(l), nil
}

func titlesOf(l openentry.Localized) map[string]string {
	out := make(map[string]string, len(l))
	for lang, v := range l {
		var t struct{ Title string }
		_ = json.Unmarshal(v, &t)
		out[lang] = t.Title
	}
	return out
}

// emptyNil keeps "nothing" out of the file: the apply reads absent and
// empty alike.
func emptyNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func emptyNilMap[K comparable, V any](m map[K]V) map[K]V {
	if len(m) == 0 {
		return nil
	}
	return m
}

func exportLocales(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT code, short_code, name, native_name, image, is_active, is_default FROM locales ORDER BY position, id`,
		func(r *sql.Rows) error {
			var l openentry.ProjectLocale
			var active bool
			if err := r.Scan(&l.Code, &l.ShortCode, &l.Name, &l.NativeName, &l.Image, &active, &l.IsDefault); err != nil {
				return err
			}
			l.Hidden = !active
			p.Locales = append(p.Locales, l)
			return nil
		})
}

func exportForms(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, type, processing_type, localize_infos, attributes, entry_statuses, entries_public, success_message
		FROM forms ORDER BY position, id`, func(r *sql.Rows) error {
		var f openentry.ProjectForm
		var infos, attrs, statuses, success string
		if err := r.Scan(&f.Identifier, &f.Type, &f.ProcessingType, &infos, &attrs, &statuses, &f.EntriesPublic, &success); err != nil {
			return err
		}
		var err error
		if f.Title, err = untitled(infos); err != nil {
			return err
		}
		if f.SuccessMessage, err = untitled(success); err != nil {
			return err
		}
		f.SuccessMessage = emptyNilMap(f.SuccessMessage)
		var as []openentry.FormAttribute
		if err := fromJSON(attrs, &as); err != nil {
			return err
		}
		f.Attributes = []openentry.ProjectAttribute{}
		for _, a := range as {
			f.Attributes = append(f.Attributes, openentry.ProjectAttribute{Marker: a.Marker, Type: a.Type, IsRequired: a.IsRequired,
				IsLogin: a.IsLogin, IsPassword: a.IsPassword, IsNotificationEmail: a.IsNotificationEmail, Title: titlesOf(a.LocalizeInfos)})
		}
		if err := fromJSON(statuses, &f.EntryStatuses); err != nil {
			return err
		}
		f.EntryStatuses = emptyNil(f.EntryStatuses)
		p.Forms = append(p.Forms, f)
		return nil
	})
}

func exportAuthProviders(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, type, form_identifier, user_group, is_check_code, localize_infos, config, events
		FROM auth_providers ORDER BY position, id`, func(r *sql.Rows) error {
		var ap openentry.ProjectAuthProvider
		var infos, config, events string
		if err := r.Scan(&ap.Identifier, &ap.Type, &ap.FormIdentifier, &ap.UserGroup, &ap.IsCheckCode, &infos, &config, &events); err != nil {
			return err
		}
		var err error
		if ap.Title, err = untitled(infos); err != nil {
			return err
		}
		if err := fromJSON(config, &ap.Config); err != nil {
			return err
		}
		if err := fromJSON(events, &ap.Events); err != nil {
			return err
		}
		ap.Events = emptyNil(ap.Events)
		p.AuthProviders = append(p.AuthProviders, ap)
		return nil
	})
}

// exportPaymentAccounts leaves the secrets out: a stripe account gets its
// keys from the environment (OPENENTRY_STRIPE_SECRET_KEY …) where the
// export is applied.
func exportPaymentAccounts(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, type, test_mode, localize_infos, session_timeout_min, settings
		FROM payment_accounts ORDER BY position, id`, func(r *sql.Rows) error {
		var a openentry.ProjectPaymentAccount
		var infos, settings string
		if err := r.Scan(&a.Identifier, &a.Type, &a.TestMode, &infos, &a.SessionTimeout, &settings); err != nil {
			return err
		}
		var err error
		if a.Title, err = untitled(infos); err != nil {
			return err
		}
		var s struct{ SuccessURL, CancelURL string }
		if err := fromJSON(settings, &s); err != nil {
			return err
		}
		a.SuccessURL, a.CancelURL = s.SuccessURL, s.CancelURL
		p.PaymentAccounts = append(p.PaymentAccounts, a)
		return nil
	})
}

func exportOrderStorages(ctx context.Context, t *tx, p *openentry.Project) error {
	var ids []int64
	err := eachRow(ctx, t, `SELECT id, identifier, form_identifier, localize_infos, paid_status, canceled_status, required_fields,
			cancel_unpaid_after_min
		FROM order_storages ORDER BY position, id`, func(r *sql.Rows) error {
		var s openentry.ProjectOrderStorage
		var id int64
		var infos, required string
		if err := r.Scan(&id, &s.Identifier, &s.FormIdentifier, &infos, &s.PaidStatus, &s.CanceledStatus, &required, &s.CancelUnpaidAfter); err != nil {
			return err
		}
		var err error
		if s.Title, err = untitled(infos); err != nil {
			return err
		}
		if err := fromJSON(required, &s.RequiredFields); err != nil {
			return err
		}
		s.RequiredFields = emptyNil(s.RequiredFields)
		ids = append(ids, id)
		p.OrderStorages = append(p.OrderStorages, s)
		return nil
	})
	if err != nil {
		return err
	}
	for i, id := range ids {
		s := &p.OrderStorages[i]
		s.PaymentAccounts = []string{}
		err := eachRow(ctx, t, `SELECT a.identifier FROM order_storage_accounts sa JOIN payment_accounts a ON a.id = sa.account_id
			WHERE sa.storage_id = ? ORDER BY sa.position, a.id`, func(r *sql.Rows) error {
			var a string
			if err := r.Scan(&a); err != nil {
				return err
			}
			s.PaymentAccounts = append(s.PaymentAccounts, a)
			return nil
		}, id)
		if err != nil {
			return err
		}
		err = eachRow(ctx, t, `SELECT identifier, localize_infos, is_default FROM order_statuses WHERE storage_id = ? ORDER BY position, id`,
			func(r *sql.Rows) error {
				var st openentry.ProjectOrderStatus
				var infos string
				if err := r.Scan(&st.Identifier, &infos, &st.IsDefault); err != nil {
					return err
				}
				var err error
				st.Title, err = untitled(infos)
				s.Statuses = append(s.Statuses, st)
				return err
			}, id)
		if err != nil {
			return err
		}
	}
	return nil
}

func exportAttributeSets(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, type, localize_infos, attributes, stock_attribute FROM attribute_sets ORDER BY position, id`,
		func(r *sql.Rows) error {
			var s openentry.ProjectAttributeSet
			var infos, attrs string
			if err := r.Scan(&s.Identifier, &s.Type, &infos, &attrs, &s.StockAttribute); err != nil {
				return err
			}
			var err error
			if s.Title, err = untitled(infos); err != nil {
				return err
			}
			var as []openentry.Attribute
			if err := fromJSON(attrs, &as); err != nil {
				return err
			}
			s.Attributes = []openentry.ProjectSetAttribute{}
			for _, a := range as {
				s.Attributes = append(s.Attributes, openentry.ProjectSetAttribute{Marker: a.Marker, Type: a.Type,
					Title: titlesOf(a.LocalizeInfos), Hidden: !a.IsVisible, ListTitles: a.ListTitles, Validators: a.Validators})
			}
			p.AttributeSets = append(p.AttributeSets, s)
			return nil
		})
}

func exportProductStatuses(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, localize_infos, is_default, not_for_sale FROM product_statuses ORDER BY position, id`,
		func(r *sql.Rows) error {
			var st openentry.ProjectProductStatus
			var infos string
			if err := r.Scan(&st.Identifier, &infos, &st.IsDefault, &st.NotForSale); err != nil {
				return err
			}
			var err error
			st.Title, err = untitled(infos)
			p.ProductStatuses = append(p.ProductStatuses, st)
			return err
		})
}

func exportPages(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT pg.page_url, COALESCE(parent.page_url, ''), pg.type, pg.is_visible, pg.localize_infos,
			pg.attribute_set, pg.attribute_values, pg.template_identifier, pg.config, pg.blocks
		FROM pages pg LEFT JOIN pages parent ON parent.id = pg.parent_id ORDER BY pg.position, pg.id`, func(r *sql.Rows) error {
		var pg openentry.ProjectPage
		var visible bool
		var infos, values, config, blocks string
		if err := r.Scan(&pg.PageURL, &pg.ParentURL, &pg.Type, &visible, &infos, &pg.AttributeSetIdentifier, &values,
			&pg.TemplateIdentifier, &config, &blocks); err != nil {
			return err
		}
		pg.Hidden = !visible
		for _, f := range []struct {
			raw string
			v   any
		}{{infos, &pg.LocalizeInfos}, {values, &pg.AttributeValues}, {config, &pg.Config}, {blocks, &pg.Blocks}} {
			if err := fromJSON(f.raw, f.v); err != nil {
				return err
			}
		}
		pg.AttributeValues, pg.Config, pg.Blocks = emptyNilMap(pg.AttributeValues), emptyNilMap(pg.Config), emptyNil(pg.Blocks)
		p.Pages = append(p.Pages, pg)
		return nil
	})
}

func exportBlocks(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, type, localize_infos, is_visible, template_identifier, attribute_set, attribute_values,
			products, per_row, quantity
		FROM blocks ORDER BY position, id`, func(r *sql.Rows) error {
		var b openentry.ProjectBlock
		var visible bool
		var infos, values, products string
		if err := r.Scan(&b.Identifier, &b.Type, &infos, &visible, &b.TemplateIdentifier, &b.AttributeSetIdentifier, &values,
			&products, &b.PerRow, &b.Quantity); err != nil {
			return err
		}
		b.Hidden = !visible
		if err := fromJSON(infos, &b.LocalizeInfos); err != nil {
			return err
		}
		if err := fromJSON(values, &b.AttributeValues); err != nil {
			return err
		}
		if err := fromJSON(products, &b.Products); err != nil {
			return err
		}
		b.LocalizeInfos, b.AttributeValues, b.Products = emptyNilMap(b.LocalizeInfos), emptyNilMap(b.AttributeValues), emptyNil(b.Products)
		p.Blocks = append(p.Blocks, b)
		return nil
	})
}

func exportTemplates(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, type, title, attribute_set, attribute_values FROM templates ORDER BY position, id`,
		func(r *sql.Rows) error {
			var tm openentry.ProjectTemplate
			var title, values string
			if err := r.Scan(&tm.Identifier, &tm.Type, &title, &tm.AttributeSetIdentifier, &values); err != nil {
				return err
			}
			var err error
			if tm.Title, err = untitled(title); err != nil {
				return err
			}
			if err := fromJSON(values, &tm.AttributeValues); err != nil {
				return err
			}
			tm.AttributeValues = emptyNilMap(tm.AttributeValues)
			p.Templates = append(p.Templates, tm)
			return nil
		})
}

func exportTemplatePreviews(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, title, proportions, attribute_set, attribute_values FROM template_previews ORDER BY position, id`,
		func(r *sql.Rows) error {
			var tp openentry.ProjectTemplatePreview
			var title, proportions, values string
			if err := r.Scan(&tp.Identifier, &title, &proportions, &tp.AttributeSetIdentifier, &values); err != nil {
				return err
			}
			var err error
			if tp.Title, err = untitled(title); err != nil {
				return err
			}
			if err := fromJSON(proportions, &tp.Proportions.Default); err != nil {
				return err
			}
			if err := fromJSON(values, &tp.AttributeValues); err != nil {
				return err
			}
			tp.AttributeValues = emptyNilMap(tp.AttributeValues)
			p.TemplatePreviews = append(p.TemplatePreviews, tp)
			return nil
		})
}

func exportMenus(ctx context.Context, t *tx, p *openentry.Project) error {
	var ids []int64
	err := eachRow(ctx, t, `SELECT id, identifier, localize_infos FROM menus ORDER BY position, id`, func(r *sql.Rows) error {
		var m openentry.ProjectMenu
		var id int64
		var infos string
		if err := r.Scan(&id, &m.Identifier, &infos); err != nil {
			return err
		}
		var err error
		m.Title, err = untitled(infos)
		ids = append(ids, id)
		p.Menus = append(p.Menus, m)
		return err
	})
	if err != nil {
		return err
	}
	for i, id := range ids {
		m := &p.Menus[i]
		m.Pages = []openentry.ProjectMenuPage{}
		err := eachRow(ctx, t, `SELECT pg.page_url, COALESCE(parent.page_url, '') FROM menu_pages mp
			JOIN pages pg ON pg.id = mp.page_id LEFT JOIN pages parent ON parent.id = mp.parent_page_id
			WHERE mp.menu_id = ? ORDER BY mp.position, pg.id`, func(r *sql.Rows) error {
			var mp openentry.ProjectMenuPage
			if err := r.Scan(&mp.PageURL, &mp.ParentURL); err != nil {
				return err
			}
			m.Pages = append(m.Pages, mp)
			return nil
		}, id)
		if err != nil {
			return err
		}
	}
	return nil
}

func exportEvents(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT marker, trigger_kind, subject FROM events ORDER BY position, marker`, func(r *sql.Rows) error {
		var e openentry.ProjectEvent
		var subject string
		if err := r.Scan(&e.Marker, &e.Trigger, &subject); err != nil {
			return err
		}
		err := fromJSON(subject, &e.Subject)
		e.Subject = emptyNilMap(e.Subject)
		p.Events = append(p.Events, e)
		return err
	})
}

func exportCollections(ctx context.Context, t *tx, p *openentry.Project) error {
	return eachRow(ctx, t, `SELECT identifier, form_identifier, localize_infos, selected_markers, rows_public
		FROM integration_collections ORDER BY position, id`, func(r *sql.Rows) error {
		var c openentry.ProjectCollection
		var infos, markers string
		if err := r.Scan(&c.Identifier, &c.FormIdentifier, &infos, &markers, &c.RowsPublic); err != nil {
			return err
		}
		var err error
		if c.Title, err = untitled(infos); err != nil {
			return err
		}
		err = fromJSON(markers, &c.SelectedAttributeMarkers)
		c.SelectedAttributeMarkers = emptyNil(c.SelectedAttributeMarkers)
		p.IntegrationCollections = append(p.IntegrationCollections, c)
		return err
	})
}

// exportProducts writes each product's current units into its set's
// stock attribute, so the export carries what is left, not what the last
// file said.
func exportProducts(ctx context.Context, t *tx, p *openentry.Project) error {
	stockAttr := map[string]string{}
	for _, s := range p.AttributeSets {
		stockAttr[s.Identifier] = s.StockAttribute
	}
	index := map[int64]int{}
	err := eachRow(ctx, t, `SELECT id, localize_infos, price_minor, currency, sku, status_identifier, is_visible, attribute_set,
			attribute_values, related_ids, stock, blocks
		FROM products ORDER BY position, id`, func(r *sql.Rows) error {
		var pr openentry.ProjectProduct
		var infos, values, related, blocks string
		var price openentry.Money
		var visible bool
		var stock sql.NullInt64
		if err := r.Scan(&pr.ID, &infos, &price.Minor, &price.Currency, &pr.Sku, &pr.Status, &visible, &pr.AttributeSetIdentifier,
			&values, &related, &stock, &blocks); err != nil {
			return err
		}
		var err error
		if pr.Title, err = untitled(infos); err != nil {
			return err
		}
		pr.Price, pr.Currency, pr.Hidden = json.Number(price.Fixed()), price.Currency, !visible
		if pr.Status == "in_stock" {
			pr.Status = "" // the default, which a shop need not list as a status
		}
		for _, f := range []struct {
			raw string
			v   any
		}{{values, &pr.AttributeValues}, {related, &pr.RelatedIDs}, {blocks, &pr.Blocks}} {
			if err := fromJSON(f.raw, f.v); err != nil {
				return err
			}
		}
		if marker := stockAttr[pr.AttributeSetIdentifier]; marker != "" && stock.Valid {
			setUnits(pr.AttributeValues, marker, stock.Int64)
		}
		pr.AttributeValues, pr.RelatedIDs, pr.Blocks = emptyNilMap(pr.AttributeValues), emptyNil(pr.RelatedIDs), emptyNil(pr.Blocks)
		index[pr.ID] = len(p.Products)
		p.Products = append(p.Products, pr)
		return nil
	})
	if err != nil {
		return err
	}
	return eachRow(ctx, t, `SELECT pp.product_id, pg.page_url FROM product_pages pp JOIN pages pg ON pg.id = pp.page_id
		ORDER BY pp.product_id, pg.position, pg.id`, func(r *sql.Rows) error {
		var id int64
		var url string
		if err := r.Scan(&id, &url); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			p.Products[i].Pages = append(p.Products[i].Pages, url)
		}
		return nil
	})
}

// setUnits puts units into every locale's stock value, or the default
// locale's when none has one, as unitsOf reads them back.
func setUnits(values openentry.AttributeValues, marker string, units int64) {
	n := json.RawMessage(fmt.Sprint(units))
	found := false
	for _, byMarker := range values {
		if _, ok := byMarker[marker]; ok {
			byMarker[marker], found = n, true
		}
	}
	if !found {
		if values[openentry.DefaultLocale] == nil {
			values[openentry.DefaultLocale] = map[string]json.RawMessage{}
		}
		values[openentry.DefaultLocale][marker] = n
	}
}

// ExportUsers returns the accounts of the shop's users that are not
// deleted, by id, as a project file's users with their password hashes.
func (d *DB) ExportUsers(ctx context.Context) ([]openentry.ProjectUser, error) {
	rows, err := d.QueryContext(ctx, `SELECT provider, identifier, password_hash, form_data FROM users
		WHERE deleted_ms IS NULL ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.ProjectUser{}
	for rows.Next() {
		var u openentry.ProjectUser
		var data string
		if err := rows.Scan(&u.AuthProvider, &u.Login, &u.PasswordHash, &data); err != nil {
			return nil, err
		}
		var fd openentry.FormData
		if err := fromJSON(data, &fd); err != nil {
			return nil, err
		}
		u.FormData = fd[openentry.DefaultLocale]
		out = append(out, u)
	}
	return out, rows.Err()
}
