package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ServerSecret returns the secret stored under name, first storing the one
// generate makes if there is none. Every process on the database gets the
// same bytes, even when several ask at once: the database keeps the first
// insert and the others read it. generate is called only while no secret is
// stored, and what it made is dropped if another process stored first.
func (d *DB) ServerSecret(ctx context.Context, name string, generate func() ([]byte, error)) ([]byte, error) {
	// Most starts find the secret: read it without taking the write lock.
	value, err := readServerSecret(ctx, d, name)
	if !errors.Is(err, sql.ErrNoRows) {
		return value, err
	}
	fresh, err := generate()
	if err != nil {
		return nil, fmt.Errorf("generate server secret %q: %w", name, err)
	}
	if len(fresh) == 0 {
		return nil, fmt.Errorf("generate server secret %q: empty secret", name)
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// DO NOTHING, then read back, rather than read-then-insert: an insert
	// racing ours from another process waits for ours or wins, and neither
	// fails; both then read the one row the database kept.
	if _, err := tx.ExecContext(ctx, `INSERT INTO server_secrets (name, value, created_ms) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, fresh, tx.nowMS); err != nil {
		return nil, fmt.Errorf("store server secret %q: %w", name, err)
	}
	if value, err = readServerSecret(ctx, tx, name); err != nil {
		return nil, err
	}
	return value, tx.Commit()
}

func readServerSecret(ctx context.Context, q queryer, name string) ([]byte, error) {
	var value []byte
	if err := q.QueryRowContext(ctx, `SELECT value FROM server_secrets WHERE name = ?`, name).Scan(&value); err != nil {
		return nil, fmt.Errorf("read server secret %q: %w", name, err)
	}
	return value, nil
}
