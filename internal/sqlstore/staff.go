package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

const staffColumns = `id, email, name, role, disabled, version, created_ms, updated_ms`

func scanStaff(row interface{ Scan(...any) error }, extra ...any) (*openentry.Staff, error) {
	var s openentry.Staff
	var role string
	var created, updated int64
	if err := row.Scan(append([]any{&s.ID, &s.Email, &s.Name, &role, &s.Disabled, &s.Version, &created, &updated}, extra...)...); err != nil {
		return nil, err
	}
	s.Role = openentry.Role(role)
	s.CreatedAt, s.UpdatedAt = openentry.UnixMilli(created), openentry.UnixMilli(updated)
	return &s, nil
}

// journal appends an entry to the admin journal in tx.
func journal(ctx context.Context, tx *tx, a openentry.Audit, kind, id string, before, after any) error {
	e, err := a.Entry(kind, id, before, after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_journal (at_ms, actor_kind, actor_id, actor_name, action, object_kind, object_id,
		before_json, after_json, request_id, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tx.nowMS, e.ActorKind, e.ActorID, e.ActorName, e.Action, e.ObjectKind, e.ObjectID, string(e.Before), string(e.After), e.RequestID, e.Address)
	return err
}

// staffView is a staff account as the journal shows it: no secrets.
func staffView(s *openentry.Staff) any {
	if s == nil {
		return nil
	}
	return map[string]any{"id": s.ID, "email": s.Email, "name": s.Name, "role": s.Role, "disabled": s.Disabled, "version": s.Version}
}

// InsertStaff stores a new staff account; ErrConflict for a taken email.
func (d *DB) InsertStaff(ctx context.Context, s *openentry.Staff, passwordHash string, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO staff (email, email_folded, name, role, password_hash, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.Email, openentry.FoldLogin(s.Email), s.Name, string(s.Role), passwordHash, tx.nowMS, tx.nowMS).Scan(&s.ID)
	if isUniqueViolation(err) {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Staff %s exists", s.Email)}
	}
	if err != nil {
		return err
	}
	s.Version, s.CreatedAt, s.UpdatedAt = 1, tx.now, tx.now
	if a.Actor.Kind == "" {
		a.Actor = openentry.Actor{Kind: openentry.ActorStaff, ID: s.ID, Name: s.Email}
	}
	if err := journal(ctx, tx, a, "staff", fmt.Sprint(s.ID), nil, staffView(s)); err != nil {
		return err
	}
	return tx.Commit()
}

// StaffCount counts enabled staff accounts.
func (d *DB) StaffCount(ctx context.Context) (int64, error) {
	var n int64
	err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff WHERE NOT disabled`).Scan(&n)
	return n, err
}

// StaffByEmail returns what signing in as email checks.
func (d *DB) StaffByEmail(ctx context.Context, email string) (*openentry.StaffLogin, error) {
	var l openentry.StaffLogin
	s, err := scanStaff(d.QueryRowContext(ctx, `SELECT `+staffColumns+`, password_hash FROM staff WHERE email_folded = ?`,
		openentry.FoldLogin(email)), &l.PasswordHash)
	if err != nil {
		return nil, notFound(err, "Staff not found")
	}
	l.Staff = *s
	return &l, nil
}

// StaffMember returns one staff account.
func (d *DB) StaffMember(ctx context.Context, id int64) (*openentry.Staff, error) {
	return staffMember(ctx, d, id)
}

func staffMember(ctx context.Context, q queryer, id int64) (*openentry.Staff, error) {
	s, err := scanStaff(q.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Staff %d not found", id))
	}
	return s, nil
}

// ListStaff lists staff accounts by id.
func (d *DB) ListStaff(ctx context.Context) ([]openentry.Staff, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.Staff{}
	for rows.Next() {
		s, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// UpdateStaff changes an account if its version matches.
func (d *DB) UpdateStaff(ctx context.Context, c openentry.StaffChange, a openentry.Audit) (*openentry.Staff, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// Owners are locked so that two demotions cannot each see the other owner.
	if _, err := tx.ExecContext(ctx, `SELECT id FROM staff WHERE role = ? AND NOT disabled`+tx.dialect.forUpdate(), string(openentry.RoleOwner)); err != nil {
		return nil, err
	}
	before, err := staffMember(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	if before.Version != c.Version {
		return nil, &openentry.Error{Code: openentry.ErrConflict,
			Message: fmt.Sprintf("Staff %d changed since version %d (now %d); reload it", c.ID, c.Version, before.Version)}
	}
	after := *before
	if c.Role != nil {
		after.Role = *c.Role
	}
	if c.Name != nil {
		after.Name = *c.Name
	}
	if c.Disabled != nil {
		after.Disabled = *c.Disabled
	}
	if before.Role == openentry.RoleOwner && !before.Disabled && (after.Role != openentry.RoleOwner || after.Disabled) {
		var owners int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff WHERE role = ? AND NOT disabled AND id <> ?`,
			string(openentry.RoleOwner), c.ID).Scan(&owners); err != nil {
			return nil, err
		}
		if owners == 0 {
			return nil, &openentry.Error{Code: openentry.ErrConflict, Message: "The shop must keep at least one enabled owner"}
		}
	}
	set := []string{"name = ?", "role = ?", "disabled = ?", "version = version + 1", "updated_ms = ?"}
	args := []any{after.Name, string(after.Role), after.Disabled, tx.nowMS}
	if c.PasswordHash != "" {
		set = append(set, "password_hash = ?")
		args = append(args, c.PasswordHash)
	}
	args = append(args, c.ID, c.Version)
	res, err := tx.ExecContext(ctx, `UPDATE staff SET `+strings.Join(set, ", ")+` WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Staff %d changed meanwhile; reload it", c.ID)}
	}
	if after.Disabled || c.PasswordHash != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE staff_sessions SET closed_ms = ? WHERE staff_id = ? AND closed_ms IS NULL`, tx.nowMS, c.ID); err != nil {
			return nil, err
		}
	}
	after.Version, after.UpdatedAt = before.Version+1, tx.now
	beforeView, afterView := staffView(before), staffView(&after)
	if c.PasswordHash != "" {
		afterView.(map[string]any)["password"] = "changed"
	}
	if err := journal(ctx, tx, a, "staff", fmt.Sprint(c.ID), beforeView, afterView); err != nil {
		return nil, err
	}
	return &after, tx.Commit()
}

// OpenStaffSession stores a session and returns its id.
func (d *DB) OpenStaffSession(ctx context.Context, s openentry.NewStaffSession) (int64, error) {
	var id int64
	err := d.QueryRowContext(ctx, `INSERT INTO staff_sessions (staff_id, token_digest, address, user_agent, created_ms, expires_ms)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, s.StaffID, s.TokenDigest, s.Address, s.UserAgent,
		d.now().UnixMilli(), d.now().Add(s.TTL).UnixMilli()).Scan(&id)
	return id, err
}

// StaffSession returns the open session of a token digest.
func (d *DB) StaffSession(ctx context.Context, digest []byte) (*openentry.StaffSession, error) {
	var ss openentry.StaffSession
	var expires int64
	s, err := scanStaff(d.QueryRowContext(ctx, `SELECT s.id, s.email, s.name, s.role, s.disabled, s.version, s.created_ms, s.updated_ms,
		ss.id, ss.expires_ms FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
		WHERE ss.token_digest = ? AND ss.closed_ms IS NULL AND ss.expires_ms > ? AND NOT s.disabled`, digest, d.now().UnixMilli()),
		&ss.ID, &expires)
	if err != nil {
		return nil, notFound(err, "Session not found")
	}
	ss.Staff, ss.ExpiresAt = *s, openentry.UnixMilli(expires)
	return &ss, nil
}

// CloseStaffSession closes a session.
func (d *DB) CloseStaffSession(ctx context.Context, id int64) error {
	_, err := d.ExecContext(ctx, `UPDATE staff_sessions SET closed_ms = ? WHERE id = ? AND closed_ms IS NULL`, d.now().UnixMilli(), id)
	return err
}

func apiKeyView(k *openentry.APIKey) any {
	return map[string]any{"id": k.ID, "name": k.Name, "prefix": k.Prefix, "role": k.Role}
}

// InsertAPIKey stores a key by its digest.
func (d *DB) InsertAPIKey(ctx context.Context, k *openentry.APIKey, digest []byte, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `INSERT INTO api_keys (name, prefix, digest, role, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		k.Name, k.Prefix, digest, string(k.Role), k.CreatedBy, tx.nowMS).Scan(&k.ID); err != nil {
		return err
	}
	k.CreatedAt = tx.now
	if err := journal(ctx, tx, a, "api_key", fmt.Sprint(k.ID), nil, apiKeyView(k)); err != nil {
		return err
	}
	return tx.Commit()
}

const apiKeyColumns = `id, name, prefix, role, created_by, created_ms, revoked_ms`

func scanAPIKey(row interface{ Scan(...any) error }) (*openentry.APIKey, error) {
	var k openentry.APIKey
	var role string
	var created int64
	var revoked sql.NullInt64
	if err := row.Scan(&k.ID, &k.Name, &k.Prefix, &role, &k.CreatedBy, &created, &revoked); err != nil {
		return nil, err
	}
	k.Role, k.CreatedAt = openentry.Role(role), openentry.UnixMilli(created)
	if revoked.Valid {
		t := openentry.UnixMilli(revoked.Int64)
		k.RevokedAt = &t
	}
	return &k, nil
}

// APIKeyByDigest returns an unrevoked key.
func (d *DB) APIKeyByDigest(ctx context.Context, digest []byte) (*openentry.APIKey, error) {
	k, err := scanAPIKey(d.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE digest = ? AND revoked_ms IS NULL`, digest))
	if err != nil {
		return nil, notFound(err, "API key not found")
	}
	return k, nil
}

// ListAPIKeys lists keys by id.
func (d *DB) ListAPIKeys(ctx context.Context) ([]openentry.APIKey, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []openentry.APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

// RevokeAPIKey revokes a key.
func (d *DB) RevokeAPIKey(ctx context.Context, id int64, a openentry.Audit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	k, err := scanAPIKey(tx.QueryRowContext(ctx, `UPDATE api_keys SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL RETURNING `+apiKeyColumns, tx.nowMS, id))
	if err != nil {
		return notFound(err, fmt.Sprintf("API key %d not found or revoked", id))
	}
	after := apiKeyView(k).(map[string]any)
	after["revoked"] = true
	if err := journal(ctx, tx, a, "api_key", fmt.Sprint(id), apiKeyView(k), after); err != nil {
		return err
	}
	return tx.Commit()
}

// Journal lists journal entries, newest first.
func (d *DB) Journal(ctx context.Context, f openentry.JournalFilter) ([]openentry.AuditEntry, int64, error) {
	page := clampPage(f.Page)
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.ActorKind != "" {
		add("actor_kind = ?", f.ActorKind)
	}
	if f.ActorID != 0 {
		add("actor_id = ?", f.ActorID)
	}
	if strings.HasSuffix(f.Action, ".") {
		add("action LIKE ?", f.Action+"%")
	} else if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ObjectKind != "" {
		add("object_kind = ?", f.ObjectKind)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		add("at_ms >= ?", f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		add("at_ms < ?", f.To.UnixMilli())
	}
	cond := strings.Join(where, " AND ")
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_journal WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := d.QueryContext(ctx, `SELECT id, at_ms, actor_kind, actor_id, actor_name, action, object_kind, object_id, before_json, after_json,
		request_id, address FROM audit_journal WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []openentry.AuditEntry{}
	for rows.Next() {
		var e openentry.AuditEntry
		var at int64
		var before, after string
		if err := rows.Scan(&e.ID, &at, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectKind, &e.ObjectID, &before, &after,
			&e.RequestID, &e.Address); err != nil {
			return nil, 0, err
		}
		e.At, e.Before, e.After = openentry.UnixMilli(at), []byte(before), []byte(after)
		out = append(out, e)
	}
	return out, total, rows.Err()
}
