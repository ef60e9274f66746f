// Package sqlstore persists the shop (openentry.Store) over database/sql: on
// SQLite (modernc.org/sqlite, pure Go) by default, and on PostgreSQL (pgx)
// for shops that run several server processes. One body of SQL serves both;
// dialect.go holds the few places where they differ. It only stores: the
// rules, the providers and the mail are the use cases' (internal/shop).
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openentry/openentry"
)

//go:embed migrations
var migrations embed.FS

var _ openentry.Store = (*DB)(nil)

// DB is an open database with its migrations applied.
type DB struct {
	sql     *sql.DB
	dialect dialect
	now     func() time.Time
	// writer admits one SQLite write transaction at a time in this process.
	// SQLite allows one writer anyway; queueing here instead of in its busy
	// handler, which sleeps in coarse steps, keeps tail latency low.
	writer chan struct{}

	stmts     sync.Map // query → *sql.Stmt
	stmtCount atomic.Int64
	// setAttrs holds decoded attribute-set JSON for product lists (see setAttributes).
	setAttrs attributeCache
}

// Options tune a database. The zero value is a good default.
type Options struct {
	MaxConns         int           // pool size; 0: 8 for SQLite, 16 for PostgreSQL
	StatementTimeout time.Duration // PostgreSQL only; 0: 10 s
	SkipMigrations   bool          // fail instead if migrations are pending
}

// Open opens the database named by dsn — "postgres://…" for PostgreSQL,
// anything else a SQLite file path — and runs pending migrations (or, with
// SkipMigrations, checks that there are none). now is the clock every
// transaction reads once.
func Open(ctx context.Context, dsn string, now func() time.Time, o Options) (*DB, error) {
	if dsn == "" {
		return nil, errors.New("sqlstore: empty database name")
	}
	d := &DB{now: now}
	var err error
	if isPostgres(dsn) {
		d.sql, err = openPostgres(dsn, o)
		d.dialect = postgresDialect
	} else {
		d.sql, err = openSQLite(dsn, o)
		d.dialect = sqliteDialect
		d.writer = make(chan struct{}, 1)
	}
	if err != nil {
		return nil, err
	}
	if o.SkipMigrations {
		err = d.checkMigrated(ctx)
	} else {
		err = d.Migrate(ctx)
	}
	if err != nil {
		d.sql.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error {
	d.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	return d.sql.Close()
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.sql.PingContext(ctx) }

func migrationNames(dialect dialect) ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/"+dialect.name+"/*.sql")
	sort.Strings(names)
	return names, err
}

func versionOf(name string) string {
	return strings.TrimSuffix(name[strings.LastIndexByte(name, '/')+1:], ".sql")
}

// Migrate applies pending migrations, each in its own transaction, in name
// order. On PostgreSQL an advisory lock keeps two instances starting at once
// from migrating together.
func (d *DB) Migrate(ctx context.Context) error {
	unlock, err := d.dialect.lockMigrations(ctx, d.sql)
	if err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	defer unlock()
	if _, err := d.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_ms BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := migrationNames(d.dialect)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := d.applyMigration(ctx, name, versionOf(name)); err != nil {
			return fmt.Errorf("migration %s: %w", versionOf(name), err)
		}
	}
	if err := d.indexIfMissing(ctx); err != nil {
		return fmt.Errorf("index the catalogue: %w", err)
	}
	return nil
}

// checkMigrated fails if a migration is pending.
func (d *DB) checkMigrated(ctx context.Context) error {
	names, err := migrationNames(d.dialect)
	if err != nil {
		return err
	}
	var applied int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil || applied < len(names) {
		return fmt.Errorf("the database schema is not up to date (%d of %d migrations): run `openentry migrate`", applied, len(names))
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
	// No arguments: both drivers run the file's statements as one script.
	if _, err := tx.Tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)`, version, tx.nowMS); err != nil {
		return err
	}
	return tx.Commit()
}

// maxCachedStatements bounds the statement cache; queries built per call
// (IN lists of varying length) stop being cached past it.
const maxCachedStatements = 512

// stmt returns a prepared statement for query, prepared once per DB. SQLite
// otherwise parses every query on every call, which costs a quarter of the
// CPU under load; pgx already caches statements per connection.
func (d *DB) stmt(ctx context.Context, query string) *sql.Stmt {
	if d.dialect.dollar {
		return nil
	}
	if st, ok := d.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if d.stmtCount.Load() >= maxCachedStatements {
		return nil
	}
	st, err := d.sql.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil // the caller runs the query unprepared and gets the error there
	}
	if prev, loaded := d.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	d.stmtCount.Add(1)
	return st
}

// ExecContext runs a statement written with ? placeholders.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := d.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.sql.ExecContext(ctx, d.dialect.rebind(query), args...)
}

// QueryContext runs a query written with ? placeholders.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := d.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.sql.QueryContext(ctx, d.dialect.rebind(query), args...)
}

// QueryRowContext runs a one-row query written with ? placeholders.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := d.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.sql.QueryRowContext(ctx, d.dialect.rebind(query), args...)
}

// tx is a transaction with the time fixed once, so that every row it writes
// carries the same timestamp. Its query methods take ? placeholders.
type tx struct {
	*sql.Tx
	db      *DB
	dialect dialect
	now     time.Time
	nowMS   int64
	release func() // gives the writer slot back; safe to call twice
}

func (d *DB) begin(ctx context.Context) (*tx, error) {
	release := func() {}
	if d.writer != nil {
		select {
		case d.writer <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		var once sync.Once
		release = func() { once.Do(func() { <-d.writer }) }
	}
	t, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		release()
		return nil, fmt.Errorf("begin: %w", err)
	}
	now := d.now().UTC().Truncate(time.Millisecond)
	return &tx{Tx: t, db: d, dialect: d.dialect, now: now, nowMS: now.UnixMilli(), release: release}, nil
}

// Commit commits and frees the writer slot.
func (t *tx) Commit() error {
	defer t.release()
	return t.Tx.Commit()
}

// Rollback rolls back (a no-op after Commit) and frees the writer slot.
func (t *tx) Rollback() error {
	defer t.release()
	return t.Tx.Rollback()
}

func (t *tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.db.stmt(ctx, query); st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, t.dialect.rebind(query), args...)
}

func (t *tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.db.stmt(ctx, query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, t.dialect.rebind(query), args...)
}

func (t *tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.db.stmt(ctx, query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, t.dialect.rebind(query), args...)
}

// queryer is what both *DB and *tx offer, so read helpers serve both.
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

func clampPage(p openentry.Page) openentry.Page {
	if p.Limit <= 0 || p.Limit > openentry.MaxPageLimit {
		p.Limit = openentry.MaxPageLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}
