package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/openentry/openentry"
)

// EnqueueOutbox adds messages in one transaction, skipping stored keys.
func (d *DB) EnqueueOutbox(ctx context.Context, msgs []openentry.OutboxMessage) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := enqueue(ctx, tx, msgs); err != nil {
		return err
	}
	return tx.Commit()
}

// enqueue adds messages inside tx, so they commit with the change that
// caused them; a key already stored is skipped.
func enqueue(ctx context.Context, tx *tx, msgs []openentry.OutboxMessage) error {
	for _, m := range msgs {
		var user sql.NullInt64
		if m.UserID != 0 {
			user = sql.NullInt64{Int64: m.UserID, Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (topic, msg_key, user_id, payload, created_ms, due_ms) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (msg_key) DO NOTHING`, m.Topic, m.Key, user, string(m.Payload), tx.nowMS, tx.nowMS); err != nil {
			return fmt.Errorf("outbox %s: %w", m.Key, err)
		}
	}
	return nil
}

// ClaimOutbox leases due messages. The lease condition is in the UPDATE
// itself, so two instances picking the same rows cannot both win one; on
// PostgreSQL the pick also skips rows another claim holds locked.
func (d *DB) ClaimOutbox(ctx context.Context, owner string, lease time.Duration, n int) ([]openentry.OutboxMessage, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := tx.nowMS
	skip := ""
	if d.dialect.dollar {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	// NOT dead is written out, not bound, so the partial index outbox_due serves the pick.
	const free = `done_ms IS NULL AND NOT dead AND due_ms <= ? AND (lease_until_ms IS NULL OR lease_until_ms < ?)`
	rows, err := tx.QueryContext(ctx, `
		UPDATE outbox SET lease_owner = ?, lease_until_ms = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE `+free+` ORDER BY due_ms, id LIMIT ?`+skip+`) AND `+free+`
		RETURNING id, topic, msg_key, payload, COALESCE(user_id, 0), attempts`,
		owner, now+lease.Milliseconds(), now, now, n, now, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var msgs []openentry.OutboxMessage
	for rows.Next() {
		var m openentry.OutboxMessage
		var payload string
		if err := rows.Scan(&m.ID, &m.Topic, &m.Key, &payload, &m.UserID, &m.Attempts); err != nil {
			return nil, err
		}
		m.Payload = []byte(payload)
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return msgs, tx.Commit()
}

// RenewOutbox extends the owner's lease while it is live.
func (d *DB) RenewOutbox(ctx context.Context, id int64, owner string, lease time.Duration) error {
	now := d.now().UnixMilli()
	return d.settleOutbox(ctx, id, `UPDATE outbox SET lease_until_ms = ? WHERE id = ? AND lease_owner = ? AND done_ms IS NULL AND lease_until_ms >= ?`,
		now+lease.Milliseconds(), id, owner, now)
}

// CompleteOutbox marks the owner's message done.
func (d *DB) CompleteOutbox(ctx context.Context, id int64, owner string) error {
	return d.settleOutbox(ctx, id, `UPDATE outbox SET done_ms = ?, lease_owner = NULL, lease_until_ms = NULL, last_error = ''
		WHERE id = ? AND lease_owner = ? AND done_ms IS NULL`, d.now().UnixMilli(), id, owner)
}

// RetryOutbox gives the owner's message back for a later attempt, or buries it.
func (d *DB) RetryOutbox(ctx context.Context, id int64, owner string, delay time.Duration, dead bool, cause string) error {
	if len(cause) > 1000 {
		cause = strings.ToValidUTF8(cause[:1000], "")
	}
	return d.settleOutbox(ctx, id, `UPDATE outbox SET due_ms = ?, dead = ?, lease_owner = NULL, lease_until_ms = NULL, last_error = ?
		WHERE id = ? AND lease_owner = ? AND done_ms IS NULL`, d.now().Add(delay).UnixMilli(), dead, cause, id, owner)
}

// settleOutbox runs a conditional update of message id: no row changed
// means the lease was lost.
func (d *DB) settleOutbox(ctx context.Context, id int64, query string, args ...any) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("outbox message %v: lease lost: %w", id, openentry.ErrNotFound)
	}
	return tx.Commit()
}

// PruneOutbox deletes messages done before before.
func (d *DB) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	res, err := d.ExecContext(ctx, `DELETE FROM outbox WHERE done_ms < ?`, before.UnixMilli())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// OutboxCounts counts messages by state.
func (d *DB) OutboxCounts(ctx context.Context) (pending, done, dead int64, err error) {
	err = d.QueryRowContext(ctx, `SELECT
		COUNT(CASE WHEN done_ms IS NULL AND dead = ? THEN 1 END),
		COUNT(CASE WHEN done_ms IS NOT NULL THEN 1 END),
		COUNT(CASE WHEN dead = ? THEN 1 END) FROM outbox`, false, true).Scan(&pending, &done, &dead)
	return pending, done, dead, err
}
