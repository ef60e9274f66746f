package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// LogoutAll closes every session of p's user.
func (s *AuthService) LogoutAll(ctx context.Context, p openentry.Principal) error {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := closeSessions(ctx, tx, p.UserID, 0); err != nil {
		return err
	}
	return tx.Commit()
}

// Sessions lists p's user's open sessions, one per device fingerprint.
func (s *AuthService) Sessions(ctx context.Context, p openentry.Principal) ([]openentry.DeviceSession, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT fingerprint, MAX(device_info), MIN(created_ms), MAX(last_used_ms)
		FROM user_sessions WHERE user_id = ? AND revoked_ms IS NULL GROUP BY fingerprint ORDER BY MAX(last_used_ms) DESC`, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.DeviceSession{}
	for rows.Next() {
		var d openentry.DeviceSession
		var info string
		var createdMS, usedMS int64
		if err := rows.Scan(&d.Fingerprint, &info, &createdMS, &usedMS); err != nil {
			return nil, err
		}
		d.DeviceInfo = json.RawMessage(info)
		d.CreatedAt, d.LastUsedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(usedMS)
		out = append(out, d)
	}
	return out, rows.Err()
}

// UpdateUser changes p's user's form data, state, notification email or
// password. A new password closes the user's other sessions.
func (s *AuthService) UpdateUser(ctx context.Context, p openentry.Principal, in openentry.UserUpdate) error {
	u, err := s.User(ctx, p.UserID)
	if err != nil {
		return err
	}
	if in.FormIdentifier != "" && in.FormIdentifier != u.FormIdentifier {
		return openentry.Invalid(fmt.Sprintf("Incorrect formIdentifier for provided config: %q", in.FormIdentifier))
	}
	form, err := findForm(ctx, s.db, u.FormIdentifier)
	if err != nil {
		return err
	}
	data := u.FormData
	if data == nil {
		data = openentry.FormData{}
	}
	for lang, fields := range in.FormData {
		if data[lang], err = form.CheckData(fields); err != nil {
			return err
		}
	}
	state := u.State
	if in.State != nil {
		if trimmed := strings.TrimSpace(string(in.State)); !strings.HasPrefix(trimmed, "{") || !json.Valid(in.State) {
			return openentry.Invalid("state must be a JSON object")
		}
		if len(in.State) > 64<<10 {
			return openentry.Invalid("state is larger than 64 KiB")
		}
		state = in.State
	}
	email := u.NotificationEmail
	if in.NotificationEmail != nil {
		if !strings.Contains(*in.NotificationEmail, "@") {
			return openentry.Invalid("notificationData.email is not an email address")
		}
		email = *in.NotificationEmail
	}
	var hash string
	if in.AuthData != nil {
		// OneEntry's rule: authData, when present, is exactly the new password.
		pw := form.PasswordAttribute()
		if len(in.AuthData) != 1 || pw == nil || in.AuthData[0].Marker != pw.Marker {
			return openentry.Invalid("Login or password values are missed")
		}
		if err := checkPassword(in.AuthData[0].Value); err != nil {
			return err
		}
		if hash, err = s.Hasher.Hash(ctx, in.AuthData[0].Value); err != nil {
			return err
		}
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET form_data = ?, state = ?, notification_email = ?,
		version = version + 1, updated_ms = ? WHERE id = ?`, mustJSON(data), string(state), email, tx.nowMS, u.ID); err != nil {
		return err
	}
	if hash != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, u.ID); err != nil {
			return err
		}
		if err := closeSessions(ctx, tx, u.ID, p.SessionID); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ArchiveUser marks p's user archived and closes every session: the user
// can no longer log in, and the data stays.
func (s *AuthService) ArchiveUser(ctx context.Context, p openentry.Principal) error {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET archived_ms = ?, is_active = ?, updated_ms = ? WHERE id = ?`,
		tx.nowMS, false, tx.nowMS, p.UserID); err != nil {
		return err
	}
	if err := closeSessions(ctx, tx, p.UserID, 0); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteUser erases p's user's personal data and frees the login. The row
// stays as a tombstone so that orders keep their owner for the shop's books;
// the orders lose the form data (names, addresses) the user entered.
func (s *AuthService) DeleteUser(ctx context.Context, p openentry.Principal) error {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tombstone := fmt.Sprintf("deleted-user-%d", p.UserID)
	steps := []struct {
		query string
		args  []any
	}{
		{`UPDATE users SET identifier = ?, identifier_folded = ?, password_hash = '', form_data = '{}', notification_email = '',
			phone_push = '[]', state = '{}', is_active = ?, deleted_ms = ?, updated_ms = ? WHERE id = ?`,
			[]any{tombstone, tombstone, false, tx.nowMS, tx.nowMS, p.UserID}},
		{`DELETE FROM user_sessions WHERE user_id = ?`, []any{p.UserID}}, // device data is personal too
		{`DELETE FROM user_codes WHERE user_id = ?`, []any{p.UserID}},
		{`DELETE FROM user_push_tokens WHERE user_id = ?`, []any{p.UserID}},
		{`UPDATE orders SET form_data = '{}', updated_ms = ? WHERE user_id = ?`, []any{tx.nowMS, p.UserID}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// maxPushTokens bounds the tokens one user can register.
const maxPushTokens = 50

// AddPushToken registers a device's FCM token for p's user.
func (s *AuthService) AddPushToken(ctx context.Context, p openentry.Principal, token string) error {
	if token == "" || len(token) > 4096 {
		return openentry.Invalid("token must have 1 to 4096 characters")
	}
	tx, err := s.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_push_tokens WHERE user_id = ? AND token <> ?`, p.UserID, token).Scan(&n); err != nil {
		return err
	}
	if n >= maxPushTokens {
		return openentry.Invalid(fmt.Sprintf("at most %d push tokens per user", maxPushTokens))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_push_tokens (user_id, token, created_ms) VALUES (?, ?, ?)
		ON CONFLICT (user_id, token) DO NOTHING`, p.UserID, token, tx.nowMS); err != nil {
		return err
	}
	return tx.Commit()
}

// DeletePushToken forgets a device's FCM token.
func (s *AuthService) DeletePushToken(ctx context.Context, p openentry.Principal, token string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM user_push_tokens WHERE user_id = ? AND token = ?`, p.UserID, token)
	return err
}
