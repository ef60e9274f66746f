package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openentry/openentry"
)

// User returns a user by id.
func (d *DB) User(ctx context.Context, id int64) (*openentry.User, error) {
	var u openentry.User
	var formData, phones, state string
	var createdMS, updatedMS int64
	err := d.QueryRowContext(ctx, `SELECT id, identifier, provider, form_identifier, form_data, notification_email,
		phone_push, locale, state, is_active, version, created_ms, updated_ms FROM users WHERE id = ?`, id).Scan(
		&u.ID, &u.Identifier, &u.Provider, &u.FormIdentifier, &formData, &u.NotificationEmail,
		&phones, &u.Locale, &state, &u.IsActive, &u.Version, &createdMS, &updatedMS)
	if err != nil {
		return nil, notFound(err, "User not found")
	}
	u.State = json.RawMessage(state)
	u.CreatedAt, u.UpdatedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(updatedMS)
	if err := fromJSON(formData, &u.FormData); err != nil {
		return nil, err
	}
	return &u, fromJSON(phones, &u.PhonePush)
}

// UpdateUser writes a user's profile and, with a hash, its new password.
func (d *DB) UpdateUser(ctx context.Context, c openentry.UserChange) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET form_data = ?, state = ?, notification_email = ?,
		version = version + 1, updated_ms = ? WHERE id = ?`, mustJSON(c.FormData), string(c.State), c.NotificationEmail, tx.nowMS, c.UserID); err != nil {
		return err
	}
	if c.PasswordHash != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, c.PasswordHash, c.UserID); err != nil {
			return err
		}
		if err := closeSessions(ctx, tx, c.UserID, c.KeepSession); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ArchiveUser marks the user archived and closes every session: the user
// can no longer log in, and the data stays.
func (d *DB) ArchiveUser(ctx context.Context, id int64) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET archived_ms = ?, active_before_archive = is_active, is_active = ?,
		version = version + 1, updated_ms = ? WHERE id = ? AND archived_ms IS NULL`, tx.nowMS, false, tx.nowMS, id); err != nil {
		return err
	}
	if err := closeSessions(ctx, tx, id, 0); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteUser erases the user's personal data and frees the login. The row
// stays as a tombstone so that orders keep their owner for the shop's books;
// the orders lose the form data (names, addresses) the user entered.
func (d *DB) DeleteUser(ctx context.Context, id int64) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tombstone := fmt.Sprintf("deleted-user-%d", id)
	steps := []struct {
		query string
		args  []any
	}{
		{`UPDATE users SET identifier = ?, identifier_folded = ?, password_hash = '', form_data = '{}', notification_email = '',
			phone_push = '[]', state = '{}', is_active = ?, deleted_ms = ?, updated_ms = ? WHERE id = ?`,
			[]any{tombstone, tombstone, false, tx.nowMS, tx.nowMS, id}},
		{`DELETE FROM user_sessions WHERE user_id = ?`, []any{id}}, // device data is personal too
		{`DELETE FROM user_codes WHERE user_id = ?`, []any{id}},
		{`DELETE FROM user_push_tokens WHERE user_id = ?`, []any{id}},
		{`UPDATE orders SET form_data = '{}', updated_ms = ? WHERE user_id = ?`, []any{tx.nowMS, id}},
		{`DELETE FROM form_entries WHERE user_id = ?`, []any{id}}, // reviews and requests hold personal data
		{`DELETE FROM event_subscriptions WHERE user_id = ?`, []any{id}},
		{`DELETE FROM outbox WHERE user_id = ?`, []any{id}}, // mail to the address, sent or not
		{`DELETE FROM collection_rows WHERE user_id = ?`, []any{id}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return err
		}
	}
	if err := deleteUserUploads(ctx, tx, id); err != nil {
		return err
	}
	return tx.Commit()
}

// AddPushToken registers a device's push token for the user.
func (d *DB) AddPushToken(ctx context.Context, userID int64, token string, max int) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_push_tokens WHERE user_id = ? AND token <> ?`, userID, token).Scan(&n); err != nil {
		return err
	}
	if n >= max {
		return fmt.Errorf("user %d has %d push tokens: %w", userID, n, openentry.ErrConflict)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_push_tokens (user_id, token, created_ms) VALUES (?, ?, ?)
		ON CONFLICT (user_id, token) DO NOTHING`, userID, token, tx.nowMS); err != nil {
		return err
	}
	return tx.Commit()
}

// DeletePushToken forgets a device's push token.
func (d *DB) DeletePushToken(ctx context.Context, userID int64, token string) error {
	_, err := d.ExecContext(ctx, `DELETE FROM user_push_tokens WHERE user_id = ? AND token = ?`, userID, token)
	return err
}
