// Package sqlstore implements OpenEntry's services over database/sql, on
// SQLite (modernc.org/sqlite, pure Go).
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/openentry/openentry"
	_ "modernc.org/sqlite" // driver "sqlite"
)

//go:embed migrations
var migrations embed.FS

// DB is an open database with its migrations applied.
type DB struct {
	db  *sql.DB
	now func() time.Time
}

// Open opens (creating if needed) the SQLite database at path and runs
// pending migrations. now is the clock every transaction reads once.
func Open(ctx context.Context, path string, now func() time.Time) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlstore: empty database path")
	}
	// busy_timeout first so the pragmas after it wait instead of failing;
	// _txlock=immediate takes the write lock at BEGIN, so two writers never
	// deadlock upgrading read locks.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	sqlDB, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB.SetMaxOpenConns(8)
	sqlDB.SetMaxIdleConns(8)
	d := &DB{db: sqlDB, now: now}
	if err := d.migrate(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_ms BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(name[strings.LastIndexByte(name, '/')+1:], ".sql")
		if err := d.applyMigration(ctx, name, version); err != nil {
			return fmt.Errorf("migration %s: %w", version, err)
		}
	}
	return nil
}

func (d *DB) applyMigration(ctx context.Context, name, version string) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)`, version, tx.nowMS); err != nil {
		return err
	}
	return tx.Commit()
}

// tx is a transaction with the time fixed once, so that every row it writes
// carries the same timestamp.
type tx struct {
	*sql.Tx
	now   time.Time
	nowMS int64
}

func (d *DB) begin(ctx context.Context) (*tx, error) {
	t, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	now := d.now().UTC().Truncate(time.Millisecond)
	return &tx{Tx: t, now: now, nowMS: now.UnixMilli()}, nil
}

// queryer is what both *sql.DB and *tx offer, so read helpers serve both.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// notFound turns sql.ErrNoRows into a client-facing not-found error.
func notFound(err error, message string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return openentry.NotFound(message)
	}
	return err
}

// isUniqueViolation reports a unique-constraint failure (SQLite extended
// code 2067 SQLITE_CONSTRAINT_UNIQUE, 1555 SQLITE_CONSTRAINT_PRIMARYKEY).
func isUniqueViolation(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code() == 2067 || coded.Code() == 1555
	}
	return false
}

func clampPage(p openentry.Page) openentry.Page {
	if p.Limit <= 0 || p.Limit > openentry.MaxPageLimit {
		p.Limit = openentry.MaxPageLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
