package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

const providerColumns = `id, identifier, type, form_identifier, user_group, is_active, is_check_code, position, localize_infos, config, events`

func scanProvider(row interface{ Scan(...any) error }) (*openentry.AuthProvider, error) {
	var p openentry.AuthProvider
	var infos, config, events string
	if err := row.Scan(&p.ID, &p.Identifier, &p.Type, &p.FormIdentifier, &p.UserGroupIdentifier,
		&p.IsActive, &p.IsCheckCode, &p.Position, &infos, &config, &events); err != nil {
		return nil, err
	}
	if err := fromJSON(infos, &p.LocalizeInfos); err != nil {
		return nil, err
	}
	if err := fromJSON(events, &p.Events); err != nil {
		return nil, err
	}
	return &p, fromJSON(config, &p.Config)
}

// Providers lists active auth providers.
func (d *DB) Providers(ctx context.Context, page openentry.Page) ([]openentry.AuthProvider, error) {
	page = clampPage(page)
	rows, err := d.QueryContext(ctx, `SELECT `+providerColumns+` FROM auth_providers
		WHERE is_active = ? ORDER BY position, id LIMIT ? OFFSET ?`, true, page.Limit, page.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.AuthProvider{}
	for rows.Next() {
		p, err := scanProvider(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Provider returns an active provider by marker.
func (d *DB) Provider(ctx context.Context, marker string) (*openentry.AuthProvider, error) {
	p, err := scanProvider(d.QueryRowContext(ctx, `SELECT `+providerColumns+` FROM auth_providers
		WHERE identifier = ? AND is_active = ?`, marker, true))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Auth provider %q not found", marker))
	}
	return p, nil
}

// InsertUser stores a new user.
func (d *DB) InsertUser(ctx context.Context, u *openentry.User, passwordHash string) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if u.ID, err = insertUser(ctx, tx, u, passwordHash); err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("user %q: %w", u.Identifier, openentry.ErrConflict)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	return nil
}

func insertUser(ctx context.Context, tx *tx, u *openentry.User, hash string) (int64, error) {
	state := u.State
	if len(state) == 0 {
		state = json.RawMessage(`{}`)
	}
	phones := u.PhonePush
	if phones == nil {
		phones = []string{}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO users (provider, identifier, identifier_folded, password_hash, form_identifier, form_data,
			notification_email, phone_push, locale, state, is_active, version, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id`,
		u.Provider, u.Identifier, foldLogin(u.Identifier), hash, u.FormIdentifier, mustJSON(u.FormData),
		u.NotificationEmail, mustJSON(phones), u.Locale, string(state), u.IsActive, tx.nowMS, tx.nowMS).Scan(&id)
	return id, err
}

// UserLogin returns what logging in as login checks.
func (d *DB) UserLogin(ctx context.Context, provider, login string) (*openentry.UserLogin, error) {
	var u openentry.UserLogin
	var archivedMS sql.NullInt64
	err := d.QueryRowContext(ctx, `SELECT id, identifier, password_hash, is_active, archived_ms FROM users
		WHERE provider = ? AND identifier_folded = ?`, provider, foldLogin(login)).Scan(&u.UserID, &u.Identifier, &u.PasswordHash, &u.Active, &archivedMS)
	if err != nil {
		return nil, notFound(err, "User not found")
	}
	u.Archived = archivedMS.Valid
	return &u, nil
}

// OpenSession opens a user session with its first refresh token.
func (d *DB) OpenSession(ctx context.Context, s openentry.NewSession) (int64, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if s.Device.Fingerprint != "" {
		// Signing in again from the same device replaces that device's session.
		if _, err := tx.ExecContext(ctx, `UPDATE user_sessions SET revoked_ms = ?
			WHERE user_id = ? AND fingerprint = ? AND revoked_ms IS NULL`, tx.nowMS, s.UserID, s.Device.Fingerprint); err != nil {
			return 0, err
		}
	}
	info := string(s.Device.Info)
	if info == "" {
		info = "{}"
	}
	var sessionID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO user_sessions (user_id, fingerprint, device_info, created_ms, last_used_ms)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, s.UserID, s.Device.Fingerprint, info, tx.nowMS, tx.nowMS).Scan(&sessionID); err != nil {
		return 0, err
	}
	if err := insertRefresh(ctx, tx, s.RefreshDigest, sessionID, s.RefreshTTL); err != nil {
		return 0, err
	}
	return sessionID, tx.Commit()
}

func insertRefresh(ctx context.Context, tx *tx, digest []byte, sessionID int64, ttl time.Duration) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO refresh_tokens (digest, session_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)`,
		digest, sessionID, tx.nowMS, tx.now.Add(ttl).UnixMilli())
	return err
}

// RefreshOwner returns whose refresh token this is.
func (d *DB) RefreshOwner(ctx context.Context, digest []byte) (*openentry.RefreshOwner, error) {
	var o openentry.RefreshOwner
	err := d.QueryRowContext(ctx, `SELECT t.session_id, u.id, u.identifier, u.provider
		FROM refresh_tokens t JOIN user_sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
		WHERE t.digest = ?`, digest).Scan(&o.SessionID, &o.UserID, &o.Identifier, &o.Provider)
	if err != nil {
		return nil, notFound(err, "Refresh token not found")
	}
	return &o, nil
}

// RotateRefresh uses up a refresh token and stores its successor; a token
// presented again within the reuse window gets the pair its rotation made.
func (d *DB) RotateRefresh(ctx context.Context, r openentry.RefreshRotation) (*openentry.RefreshOwner, openentry.RefreshResult, []byte, error) {
	refused := func(err error) (*openentry.RefreshOwner, openentry.RefreshResult, []byte, error) {
		return nil, openentry.RefreshRefused, nil, err
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return refused(err)
	}
	defer tx.Rollback()
	var (
		o                 openentry.RefreshOwner
		expiresMS         int64
		usedMS, revokedMS sql.NullInt64
		successor         []byte
		active            bool
	)
	read := func() error {
		return tx.QueryRowContext(ctx, `
			SELECT t.session_id, t.expires_ms, t.used_ms, t.successor, s.revoked_ms, u.id, u.identifier, u.provider, u.is_active
			FROM refresh_tokens t JOIN user_sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
			WHERE t.digest = ?`, r.Old).Scan(&o.SessionID, &expiresMS, &usedMS, &successor, &revokedMS, &o.UserID, &o.Identifier, &o.Provider, &active)
	}
	// reused answers a token that was rotated already.
	reused := func() (*openentry.RefreshOwner, openentry.RefreshResult, []byte, error) {
		if tx.nowMS-usedMS.Int64 < r.ReuseWindow.Milliseconds() {
			// The JS SDK sends one refresh per concurrent 401, all with
			// the same token: they all get the pair the first one made —
			// unless the session has moved on (its successor was used
			// already), when the old token is just refused.
			var movedOn bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE session_id = ? AND used_ms IS NOT NULL AND digest <> ?
				AND created_ms >= ?)`, o.SessionID, r.Old, usedMS.Int64).Scan(&movedOn); err != nil {
				return refused(err)
			}
			if len(successor) > 0 && !movedOn && !revokedMS.Valid && active {
				return &o, openentry.RefreshReplayed, successor, nil
			}
			return refused(nil)
		}
		// A rotated token came back later: someone holds a copy. Close the
		// session so that neither copy yields tokens again.
		if _, err := tx.ExecContext(ctx, `UPDATE user_sessions SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL`, tx.nowMS, o.SessionID); err != nil {
			return refused(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET successor = NULL WHERE digest = ?`, r.Old); err != nil {
			return refused(err)
		}
		return refused(tx.Commit())
	}
	err = read()
	if errors.Is(err, sql.ErrNoRows) {
		return refused(nil)
	}
	if err != nil {
		return refused(err)
	}
	if usedMS.Valid {
		return reused()
	}
	if revokedMS.Valid || !active || tx.nowMS >= expiresMS {
		return refused(nil)
	}
	// The used_ms guard makes rotation single-use even if two refreshes race:
	// on PostgreSQL the loser waits for the winner's commit here, then reads
	// the pair it stored.
	res, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET used_ms = ?, successor = ? WHERE digest = ? AND used_ms IS NULL`,
		tx.nowMS, r.Sealed, r.Old)
	if err != nil {
		return refused(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return refused(err)
	} else if n != 1 {
		if err := read(); err != nil || !usedMS.Valid {
			return refused(err)
		}
		return reused()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE user_sessions SET last_used_ms = ? WHERE id = ?`, tx.nowMS, o.SessionID); err != nil {
		return refused(err)
	}
	if err := insertRefresh(ctx, tx, r.New, o.SessionID, r.TTL); err != nil {
		return refused(err)
	}
	if err := tx.Commit(); err != nil {
		return refused(err)
	}
	return &o, openentry.RefreshRotated, nil, nil
}

// CloseSession closes a session of userID: sessionID, or the one that owns
// the refresh token.
func (d *DB) CloseSession(ctx context.Context, userID, sessionID int64, refreshDigest []byte) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if refreshDigest != nil {
		err := tx.QueryRowContext(ctx, `SELECT t.session_id FROM refresh_tokens t JOIN user_sessions s ON s.id = t.session_id
			WHERE t.digest = ? AND s.user_id = ?`, refreshDigest, userID).Scan(&sessionID)
		if err != nil {
			return notFound(err, "Refresh token not found")
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE user_sessions SET revoked_ms = ? WHERE id = ? AND user_id = ? AND revoked_ms IS NULL`,
		tx.nowMS, sessionID, userID); err != nil {
		return err
	}
	return tx.Commit()
}

// CloseSessions closes every open session of the user but keep.
func (d *DB) CloseSessions(ctx context.Context, userID, keep int64) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := closeSessions(ctx, tx, userID, keep); err != nil {
		return err
	}
	return tx.Commit()
}

// closeSessions revokes every open session of a user except keep (0: none).
func closeSessions(ctx context.Context, tx *tx, userID, keep int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE user_sessions SET revoked_ms = ? WHERE user_id = ? AND id <> ? AND revoked_ms IS NULL`,
		tx.nowMS, userID, keep)
	return err
}

// SessionOpen reports whether the session is open and its user active.
func (d *DB) SessionOpen(ctx context.Context, userID, sessionID int64) (bool, error) {
	var open bool
	err := d.QueryRowContext(ctx, `SELECT s.revoked_ms IS NULL AND u.is_active FROM user_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.user_id = ?`, sessionID, userID).Scan(&open)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return open, err
}

// DeviceSessions lists the user's open sessions, one per device fingerprint.
func (d *DB) DeviceSessions(ctx context.Context, userID int64) ([]openentry.DeviceSession, error) {
	rows, err := d.QueryContext(ctx, `SELECT fingerprint, MAX(device_info), MIN(created_ms), MAX(last_used_ms)
		FROM user_sessions WHERE user_id = ? AND revoked_ms IS NULL GROUP BY fingerprint ORDER BY MAX(last_used_ms) DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.DeviceSession{}
	for rows.Next() {
		var s openentry.DeviceSession
		var info string
		var createdMS, usedMS int64
		if err := rows.Scan(&s.Fingerprint, &info, &createdMS, &usedMS); err != nil {
			return nil, err
		}
		s.DeviceInfo = json.RawMessage(info)
		s.CreatedAt, s.LastUsedAt = openentry.UnixMilli(createdMS), openentry.UnixMilli(usedMS)
		out = append(out, s)
	}
	return out, rows.Err()
}
