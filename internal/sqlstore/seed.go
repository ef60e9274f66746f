package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// Bulk-seeded users and orders, for measuring with a realistic amount of data.
const (
	seedProvider = "email"
	seedStorage  = "orders"
	seedAccount  = "cash"
	seedProduct  = 14
	// seedBatch is how many orders (each with one line, so twice as many
	// rows) go into one transaction: large enough that commits cost little,
	// small enough that a SQLite writer never holds the lock for long.
	seedBatch = 5_000
)

// seedLogin is the login of the i-th seeded user, from 1.
func seedLogin(i int) string { return fmt.Sprintf("bench-user-%d@example.com", i) }

// SeedOrders creates users users on provider "email", with logins
// bench-user-1@example.com … bench-user-<users>@example.com, all with
// passwordHash (one hash for all: hashing is slow by design; users that
// exist are kept as they are), then adds orders
// orders spread round-robin over them: each of product 14 ×1 at its current
// price, in storage "orders", paid by "cash", in the default status. The
// demo project (which defines all of these) must have been applied.
// progress, if not nil, gets the number of orders stored so far after each
// committed transaction.
func (d *DB) SeedOrders(ctx context.Context, passwordHash string, users, orders int, progress func(done int)) error {
	if users < 1 || orders < 0 {
		return fmt.Errorf("seed: need at least one user and no negative order count (got %d users, %d orders)", users, orders)
	}
	userIDs, err := d.seedUsers(ctx, passwordHash, users)
	if err != nil {
		return err
	}
	order, err := d.seedOrderTemplate(ctx)
	if err != nil {
		return err
	}
	for done := 0; done < orders; {
		n := min(seedBatch, orders-done)
		if err := d.seedOrderBatch(ctx, order, userIDs, done, n); err != nil {
			return fmt.Errorf("seed orders %d to %d: %w", done+1, done+n, err)
		}
		done += n
		if progress != nil {
			progress(done)
		}
	}
	return nil
}

// seedUsers returns the ids of the seeded users 1…n, creating those missing.
func (d *DB) seedUsers(ctx context.Context, hash string, n int) ([]int64, error) {
	var form string
	err := d.QueryRowContext(ctx, `SELECT form_identifier FROM auth_providers WHERE identifier = ?`, seedProvider).Scan(&form)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("seed: auth provider %q not found: apply the demo project first", seedProvider))
	}
	ids := make([]int64, 0, n)
	for i := 1; i <= n; i += seedBatch {
		batch, err := d.seedUserBatch(ctx, form, hash, i, min(i+seedBatch-1, n))
		if err != nil {
			return nil, fmt.Errorf("seed users %d to %d: %w", i, min(i+seedBatch-1, n), err)
		}
		ids = append(ids, batch...)
	}
	return ids, nil
}

// seedUserBatch returns the ids of seeded users first…last, inserting
// those missing with hash as their password hash.
func (d *DB) seedUserBatch(ctx context.Context, form, hash string, first, last int) ([]int64, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	find, err := tx.Tx.PrepareContext(ctx, tx.dialect.rebind(`SELECT id FROM users WHERE provider = ? AND identifier_folded = ?`))
	if err != nil {
		return nil, err
	}
	defer find.Close()
	ids := make([]int64, 0, last-first+1)
	for i := first; i <= last; i++ {
		login := seedLogin(i)
		var id int64
		err := find.QueryRowContext(ctx, seedProvider, foldLogin(login)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			id, err = insertUser(ctx, tx, &openentry.User{
				Identifier: login, Provider: seedProvider, FormIdentifier: form,
				FormData:          openentry.FormData{openentry.DefaultLocale: {}},
				NotificationEmail: login, Locale: openentry.DefaultLocale, IsActive: true,
			}, hash)
		}
		if err != nil {
			return nil, fmt.Errorf("user %q: %w", login, err)
		}
		ids = append(ids, id)
	}
	return ids, tx.Commit()
}

// seedOrder is what every seeded order and its line hold.
type seedOrder struct {
	storageID, accountID   int64
	form, status, formData string
	price                  openentry.Money
	productInfos, sku      string
}

func (d *DB) seedOrderTemplate(ctx context.Context) (*seedOrder, error) {
	st, err := d.Storage(ctx, seedStorage)
	if err != nil {
		return nil, fmt.Errorf("seed: %w (apply the demo project first)", err)
	}
	o := &seedOrder{storageID: st.ID, form: st.FormIdentifier}
	o.formData = mustJSON(openentry.FormData{openentry.DefaultLocale: {{Marker: "name", Type: "string", Value: []byte(`"Bench"`)}}})
	err = d.QueryRowContext(ctx, `SELECT a.id FROM payment_accounts a
		JOIN order_storage_accounts sa ON sa.account_id = a.id AND sa.storage_id = ? WHERE a.identifier = ?`,
		st.ID, seedAccount).Scan(&o.accountID)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("seed: payment account %q of storage %q not found", seedAccount, seedStorage))
	}
	err = d.QueryRowContext(ctx, `SELECT identifier FROM order_statuses WHERE storage_id = ? AND is_default = ?`, st.ID, true).Scan(&o.status)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("seed: storage %q has no default status", seedStorage))
	}
	err = d.QueryRowContext(ctx, `SELECT price_minor, currency, localize_infos, sku FROM products WHERE id = ?`, seedProduct).Scan(
		&o.price.Minor, &o.price.Currency, &o.productInfos, &o.sku)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("seed: product %d not found", seedProduct))
	}
	return o, nil
}

// seedOrderBatch stores orders from+1…from+n in one transaction, through
// one prepared statement per table.
func (d *DB) seedOrderBatch(ctx context.Context, o *seedOrder, userIDs []int64, from, n int) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insertOrder, err := tx.Tx.PrepareContext(ctx, tx.dialect.rebind(`INSERT INTO orders (storage_id, user_id, form_identifier, form_data,
		payment_account_id, status_identifier, currency, total_minor, is_completed, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`))
	if err != nil {
		return err
	}
	defer insertOrder.Close()
	insertLine, err := tx.Tx.PrepareContext(ctx, tx.dialect.rebind(`INSERT INTO order_lines (order_id, line_no, product_id, quantity,
		unit_minor, localize_infos, sku) VALUES (?, ?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return err
	}
	defer insertLine.Close()
	for i := from; i < from+n; i++ {
		var id int64
		err := insertOrder.QueryRowContext(ctx, o.storageID, userIDs[i%len(userIDs)], o.form, o.formData,
			o.accountID, o.status, o.price.Currency, o.price.Minor, false, tx.nowMS, tx.nowMS).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := insertLine.ExecContext(ctx, id, 1, seedProduct, 1, o.price.Minor, o.productInfos, o.sku); err != nil {
			return err
		}
	}
	return tx.Commit()
}
