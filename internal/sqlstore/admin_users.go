package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// anyVersion skips the version check of a write that cannot lose another
// (closing sessions).
const anyVersion = -1

const userAccountColumns = `u.id, u.identifier, u.provider, u.form_identifier, u.form_data, u.notification_email, u.locale,
	u.is_active, u.archived_ms, u.version, u.created_ms, u.updated_ms`

func scanUserAccount(row interface{ Scan(...any) error }) (*openentry.UserAccount, error) {
	var u openentry.UserAccount
	var data string
	var active bool
	var archived sql.NullInt64
	var created, updated int64
	if err := row.Scan(&u.ID, &u.Identifier, &u.Provider, &u.FormIdentifier, &data, &u.NotificationEmail, &u.Locale,
		&active, &archived, &u.Version, &created, &updated); err != nil {
		return nil, err
	}
	switch {
	case archived.Valid:
		u.State = openentry.UserArchived
	case active:
		u.State = openentry.UserActive
	default:
		u.State = openentry.UserNotActivated
	}
	u.CreatedAt, u.UpdatedAt = openentry.UnixMilli(created), openentry.UnixMilli(updated)
	return &u, fromJSON(data, &u.FormData)
}

// userWhere is the condition of a filter; deleted users never match.
func userWhere(f openentry.UserFilter) query {
	var w query
	w.add(` WHERE u.deleted_ms IS NULL`)
	if f.Query != "" {
		// LOWER folds ASCII only on SQLite; logins are folded that way too.
		like := openentry.LikeContains("", strings.ToLower(f.Query))
		w.add(` AND (u.identifier_folded LIKE ? ESCAPE '\' OR LOWER(u.notification_email) LIKE ? ESCAPE '\'
			OR LOWER(u.form_data) LIKE ? ESCAPE '\')`, like, like, like)
	}
	if f.Provider != "" {
		w.add(` AND u.provider = ?`, f.Provider)
	}
	switch f.State {
	case openentry.UserActive:
		w.add(` AND u.archived_ms IS NULL AND u.is_active`)
	case openentry.UserArchived:
		w.add(` AND u.archived_ms IS NOT NULL`)
	case openentry.UserNotActivated:
		w.add(` AND u.archived_ms IS NULL AND NOT u.is_active`)
	}
	if !f.From.IsZero() {
		w.add(` AND u.created_ms >= ?`, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		w.add(` AND u.created_ms < ?`, f.To.UnixMilli())
	}
	return w
}

func userOrder(sort string) string {
	switch sort {
	case openentry.UserSortCreated:
		return ` ORDER BY u.created_ms, u.id`
	case openentry.UserSortLogin:
		return ` ORDER BY u.identifier_folded, u.id`
	case openentry.UserSortLoginDesc:
		return ` ORDER BY u.identifier_folded DESC, u.id DESC`
	}
	return ` ORDER BY u.created_ms DESC, u.id DESC`
}

// UserAccounts returns a page of the users f selects and their total.
func (d *DB) UserAccounts(ctx context.Context, f openentry.UserFilter) ([]openentry.UserAccount, int64, error) {
	page := clampPage(f.Page)
	w := userWhere(f)
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := []openentry.UserAccount{}
	err := d.eachUserAccount(ctx, `SELECT `+userAccountColumns+` FROM users u`+w.String()+userOrder(f.Sort)+` LIMIT ? OFFSET ?`,
		append(w.args, page.Limit, page.Offset), func(u openentry.UserAccount) error {
			out = append(out, u)
			return nil
		})
	return out, total, err
}

// EachUserAccount calls fn with every user f selects, as rows arrive.
func (d *DB) EachUserAccount(ctx context.Context, f openentry.UserFilter, fn func(openentry.UserAccount) error) error {
	w := userWhere(f)
	return d.eachUserAccount(ctx, `SELECT `+userAccountColumns+` FROM users u`+w.String()+userOrder(f.Sort), w.args, fn)
}

func (d *DB) eachUserAccount(ctx context.Context, q string, args []any, fn func(openentry.UserAccount) error) error {
	rows, err := d.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUserAccount(rows)
		if err != nil {
			return err
		}
		if err := fn(*u); err != nil {
			return err
		}
	}
	return rows.Err()
}

// UserAccount returns a user that is not deleted.
func (d *DB) UserAccount(ctx context.Context, id int64) (*openentry.UserAccount, error) {
	return userAccount(ctx, d, id, "")
}

func userAccount(ctx context.Context, q queryer, id int64, lock string) (*openentry.UserAccount, error) {
	u, err := scanUserAccount(q.QueryRowContext(ctx, `SELECT `+userAccountColumns+` FROM users u WHERE u.id = ? AND u.deleted_ms IS NULL`+lock, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("User %d not found", id))
	}
	return u, nil
}

// UserOrders returns the user's newest orders and how many there are.
func (d *DB) UserOrders(ctx context.Context, userID int64, limit int) ([]openentry.UserOrder, int64, error) {
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE user_id = ?`, userID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := d.QueryContext(ctx, `SELECT o.id, s.identifier, o.status_identifier,
		COALESCE((SELECT p.status FROM payment_sessions p WHERE p.order_id = o.id ORDER BY p.id DESC LIMIT 1), ''),
		o.total_minor, o.currency, o.created_ms
		FROM orders o JOIN order_storages s ON s.id = o.storage_id WHERE o.user_id = ? ORDER BY o.id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []openentry.UserOrder{}
	for rows.Next() {
		var o openentry.UserOrder
		var created int64
		if err := rows.Scan(&o.ID, &o.Storage, &o.Status, &o.PaymentStatus, &o.Total.Minor, &o.Total.Currency, &created); err != nil {
			return nil, 0, err
		}
		o.CreatedAt = openentry.UnixMilli(created)
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// userView is a user as the journal shows it: no secrets and no personal
// data (the journal is append-only, and a deleted user's data must go).
func userView(u *openentry.UserAccount, openSessions int64) map[string]any {
	return map[string]any{"id": u.ID, "provider": u.Provider, "state": u.State,
		"version": u.Version, "openSessions": openSessions}
}

func openSessions(ctx context.Context, tx *tx, userID int64) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_sessions WHERE user_id = ? AND revoked_ms IS NULL`, userID).Scan(&n)
	return n, err
}

// lockedUser reads a user for a write, locked on PostgreSQL, and checks
// the version the caller read unless it is anyVersion.
func lockedUser(ctx context.Context, tx *tx, id, version int64) (*openentry.UserAccount, int64, error) {
	u, err := userAccount(ctx, tx, id, tx.dialect.forUpdate())
	if err != nil {
		return nil, 0, err
	}
	if version != anyVersion && u.Version != version {
		return nil, 0, &openentry.Error{Code: openentry.ErrConflict,
			Message: fmt.Sprintf("User %d changed since version %d (now %d); reload it", id, version, u.Version)}
	}
	n, err := openSessions(ctx, tx, id)
	return u, n, err
}

// SetUserArchived archives or restores a user at its version.
func (d *DB) SetUserArchived(ctx context.Context, id, version int64, archived bool, a openentry.Audit) (*openentry.UserAccount, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, sessions, err := lockedUser(ctx, tx, id, version)
	if err != nil {
		return nil, err
	}
	if (before.State == openentry.UserArchived) == archived {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("User %d is %s already", id, map[bool]string{true: "archived", false: "not archived"}[archived])}
	}
	stmt := `UPDATE users SET archived_ms = NULL, is_active = active_before_archive, version = version + 1, updated_ms = ?
		WHERE id = ? AND version = ?`
	args := []any{tx.nowMS, id, before.Version}
	if archived {
		stmt = `UPDATE users SET archived_ms = ?, active_before_archive = is_active, is_active = ?, version = version + 1, updated_ms = ?
			WHERE id = ? AND version = ?`
		args = []any{tx.nowMS, false, tx.nowMS, id, before.Version}
	}
	res, err := tx.ExecContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("User %d changed meanwhile; reload it", id), Cause: err}
	}
	left := sessions
	if archived {
		if err := closeSessions(ctx, tx, id, 0); err != nil {
			return nil, err
		}
		left = 0
	}
	after, err := userAccount(ctx, tx, id, "")
	if err != nil {
		return nil, err
	}
	if err := journal(ctx, tx, a, "user", fmt.Sprint(id), userView(before, sessions), userView(after, left)); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// CloseUserSessions closes every open session of a user.
func (d *DB) CloseUserSessions(ctx context.Context, id int64, a openentry.Audit) (int64, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	u, sessions, err := lockedUser(ctx, tx, id, anyVersion)
	if err != nil {
		return 0, err
	}
	if err := closeSessions(ctx, tx, id, 0); err != nil {
		return 0, err
	}
	if err := journal(ctx, tx, a, "user", fmt.Sprint(id), userView(u, sessions), userView(u, 0)); err != nil {
		return 0, err
	}
	return sessions, tx.Commit()
}

// FormEntry returns any entry.
func (d *DB) FormEntry(ctx context.Context, id int64) (*openentry.FormEntry, error) {
	return formEntry(ctx, d, id, "")
}

func formEntry(ctx context.Context, q queryer, id int64, lock string) (*openentry.FormEntry, error) {
	e, err := scanFormEntry(q.QueryRowContext(ctx, `SELECT `+formEntryColumns+formEntryFrom+` WHERE e.id = ?`+lock, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Form entry %d not found", id))
	}
	return e, nil
}

// formEntryView is an entry as the journal shows it: what it says and the
// sender's address stay out, as in userView.
func formEntryView(e *openentry.FormEntry) map[string]any {
	return map[string]any{"id": e.ID, "form": e.FormIdentifier, "userId": e.UserID, "entityIdentifier": e.EntityIdentifier,
		"status": e.Status, "version": e.Version}
}

// lockedFormEntry reads an entry for a write at the caller's version.
func lockedFormEntry(ctx context.Context, tx *tx, id, version int64) (*openentry.FormEntry, error) {
	// FOR UPDATE cannot lock the nullable side of the LEFT JOIN: lock the row alone first.
	if _, err := tx.ExecContext(ctx, `SELECT id FROM form_entries WHERE id = ?`+tx.dialect.forUpdate(), id); err != nil {
		return nil, err
	}
	e, err := formEntry(ctx, tx, id, "")
	if err != nil {
		return nil, err
	}
	if e.Version != version {
		return nil, &openentry.Error{Code: openentry.ErrConflict,
			Message: fmt.Sprintf("Form entry %d changed since version %d (now %d); reload it", id, version, e.Version)}
	}
	return e, nil
}

// SetFormEntryStatus sets an entry's status at its version.
func (d *DB) SetFormEntryStatus(ctx context.Context, id, version int64, status string, a openentry.Audit) (*openentry.FormEntry, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, err := lockedFormEntry(ctx, tx, id, version)
	if err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE form_entries SET status = ?, version = version + 1, updated_ms = ? WHERE id = ? AND version = ?`,
		status, tx.nowMS, id, version)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Form entry %d changed meanwhile; reload it", id), Cause: err}
	}
	after := *before
	after.Status, after.Version, after.UpdatedAt = status, version+1, tx.now
	if err := journal(ctx, tx, a, "form_entry", fmt.Sprint(id), formEntryView(before), formEntryView(&after)); err != nil {
		return nil, err
	}
	return &after, tx.Commit()
}

// RemoveFormEntry deletes an entry at its version.
func (d *DB) RemoveFormEntry(ctx context.Context, id, version int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	before, err := lockedFormEntry(ctx, tx, id, version)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM form_entries WHERE id = ? AND version = ?`, id, version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Form entry %d changed meanwhile; reload it", id), Cause: err}
	}
	if err := journal(ctx, tx, a, "form_entry", fmt.Sprint(id), formEntryView(before), nil); err != nil {
		return err
	}
	return tx.Commit()
}
