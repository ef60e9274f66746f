package sqlstore

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

// CodeUser looks a live user up by login for the code calls; deleted users are gone.
func (d *DB) CodeUser(ctx context.Context, provider, login string) (*openentry.CodeUser, error) {
	var u openentry.CodeUser
	err := d.QueryRowContext(ctx, `SELECT id, notification_email, is_active FROM users
		WHERE provider = ? AND identifier_folded = ? AND deleted_ms IS NULL`, provider, foldLogin(login)).Scan(&u.ID, &u.Email, &u.Active)
	if err != nil {
		return nil, notFound(err, "User not found")
	}
	return &u, nil
}

// PutCode replaces the user's code for the event, unless the last one is
// younger than c.ResendAfter.
func (d *DB) PutCode(ctx context.Context, c openentry.NewCode) (time.Duration, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var createdMS int64
	err = tx.QueryRowContext(ctx, `SELECT created_ms FROM user_codes WHERE user_id = ? AND event = ?`, c.UserID, c.Event).Scan(&createdMS)
	if err == nil {
		if wait := time.Duration(createdMS+c.ResendAfter.Milliseconds()-tx.nowMS) * time.Millisecond; wait > 0 {
			return wait, nil
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = ? AND event = ?`, c.UserID, c.Event); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_codes (user_id, event, digest, attempts, created_ms, expires_ms)
		VALUES (?, ?, ?, 0, ?, ?)`, c.UserID, c.Event, c.Digest, tx.nowMS, tx.now.Add(c.TTL).UnixMilli()); err != nil {
		return 0, err
	}
	if c.Audit != nil {
		// What was sent is not journaled: the code is a secret.
		if err := journal(ctx, tx, *c.Audit, "user", fmt.Sprint(c.UserID), nil, map[string]any{"codeEvent": c.Event}); err != nil {
			return 0, err
		}
	}
	return 0, tx.Commit()
}

// DeleteCode removes only this code's row: a newer one may have replaced it.
func (d *DB) DeleteCode(ctx context.Context, userID int64, event string, digest []byte) error {
	_, err := d.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = ? AND event = ? AND digest = ?`, userID, event, digest)
	return err
}

// UseCode checks a code, counting a wrong try (committed even though the
// check fails) and deleting the code when it is used up or tries run out.
func (d *DB) UseCode(ctx context.Context, c openentry.CodeUse) (openentry.CodeResult, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var (
		digest              []byte
		attempts, expiresMS int64
	)
	err = tx.QueryRowContext(ctx, `SELECT digest, attempts, expires_ms FROM user_codes WHERE user_id = ? AND event = ?`,
		c.UserID, c.Event).Scan(&digest, &attempts, &expiresMS)
	if errors.Is(err, sql.ErrNoRows) {
		return openentry.CodeMissing, nil
	}
	if err != nil {
		return 0, err
	}
	deleteCode := func() error {
		_, err := tx.ExecContext(ctx, `DELETE FROM user_codes WHERE user_id = ? AND event = ?`, c.UserID, c.Event)
		return err
	}
	if tx.nowMS >= expiresMS {
		if err := deleteCode(); err != nil {
			return 0, err
		}
		return openentry.CodeMissing, tx.Commit()
	}
	if subtle.ConstantTimeCompare(digest, c.Digest) != 1 {
		// Counted in the UPDATE, so concurrent wrong tries are all counted.
		if err := tx.QueryRowContext(ctx, `UPDATE user_codes SET attempts = attempts + 1 WHERE user_id = ? AND event = ?
			RETURNING attempts`, c.UserID, c.Event).Scan(&attempts); err != nil {
			return 0, err
		}
		result := openentry.CodeWrong
		if attempts >= c.MaxAttempts {
			if err := deleteCode(); err != nil {
				return 0, err
			}
			result = openentry.CodeDestroyed
		}
		return result, tx.Commit()
	}
	if c.Consume {
		if err := deleteCode(); err != nil {
			return 0, err
		}
	}
	if c.Activate {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET is_active = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND archived_ms IS NULL`, true, tx.nowMS, c.UserID); err != nil {
			return 0, err
		}
	}
	if c.PasswordHash != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
			c.PasswordHash, tx.nowMS, c.UserID); err != nil {
			return 0, err
		}
		if err := closeSessions(ctx, tx, c.UserID, 0); err != nil {
			return 0, err
		}
	}
	return openentry.CodeRight, tx.Commit()
}
