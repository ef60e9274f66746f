package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	modernc "modernc.org/sqlite"
)

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	name string
	// dollar: PostgreSQL numbers its placeholders ($1, $2…); queries are
	// written with ? and rebound on the way out (a scan of a short string,
	// next to a network round trip).
	dollar bool
}

var (
	sqliteDialect   = dialect{name: "sqlite"}
	postgresDialect = dialect{name: "postgres", dollar: true}
)

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// rebind turns ? placeholders into $n for PostgreSQL. Our queries never hold
// a ? inside a string literal.
func (d dialect) rebind(query string) string {
	if !d.dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lockMigrations keeps concurrent starts from migrating at once. SQLite's
// immediate transactions already serialize them.
func (d dialect) lockMigrations(ctx context.Context, db *sql.DB) (func(), error) {
	if !d.dollar {
		return func() {}, nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	const key = 0x6f70656e656e7472 // "openentr"
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(key)); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(key))
		conn.Close()
	}, nil
}

// forUpdate is appended to a SELECT that reads a row the transaction then
// decides on. SQLite's write transactions are serial already.
func (d dialect) forUpdate() string {
	if d.dollar {
		return " FOR UPDATE"
	}
	return ""
}

// forShareOf is appended to a SELECT of rows of table the transaction
// relies on staying as read while others may rely on them too: writers of
// the rows (FOR UPDATE) wait, readers do not.
func (d dialect) forShareOf(table string) string {
	if d.dollar {
		return " FOR SHARE OF " + table
	}
	return ""
}

// forUpdateOf is forUpdate for a join, locking the rows of table only.
func (d dialect) forUpdateOf(table string) string {
	if d.dollar {
		return " FOR UPDATE OF " + table
	}
	return ""
}

func openSQLite(path string, o Options) (*sql.DB, error) {
	path = strings.TrimPrefix(path, "sqlite:")
	// busy_timeout first so the pragmas after it wait instead of failing;
	// _txlock=immediate takes the write lock at BEGIN, so two writers never
	// deadlock upgrading read locks.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Reads through a shared memory map instead of a pread per page miss:
	// a catalogue outgrows each connection's 2 MB page cache (README,
	// performance). Address space, not memory: pages are the OS's cache.
	q.Add("_pragma", "mmap_size(4294967296)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := o.MaxConns
	if n <= 0 {
		n = 8
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	return db, nil
}

func openPostgres(dsn string, o Options) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse PostgreSQL URL: %w", err) // pgx's message leaves the password out
	}
	timeout := o.StatementTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	db := stdlib.OpenDB(*cfg)
	n := o.MaxConns
	if n <= 0 {
		n = 16
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// isUniqueViolation reports a unique-constraint failure: SQLite extended
// codes 2067 (UNIQUE) and 1555 (PRIMARY KEY), PostgreSQL 23505.
func isUniqueViolation(err error) bool {
	var se *modernc.Error
	if errors.As(err, &se) {
		return se.Code() == 2067 || se.Code() == 1555
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// refreshesStatistics reports whether a bulk load should end with ANALYZE.
// PostgreSQL plans by its statistics; SQLite with statistics (its STAT4
// build) re-prepares every statement whose parameters meet an index range,
// a tenth of a list's time, and the product search's queries name their
// plan by their shape (EXISTS probes, one IN driver), so it does without.
func (d dialect) refreshesStatistics() bool { return d.dollar }

// bulkLoad is the statement a bulk load runs first in each transaction:
// SQLite's page cache for the connection, 256 MB instead of 2, so that
// the search index's B-trees, written in key order of another index, stay
// in memory (SeedProducts: a third less time). PostgreSQL needs nothing.
func (d dialect) bulkLoad() string {
	if d.dollar {
		return ""
	}
	return "PRAGMA cache_size = -262144"
}

// snapshotOptions make a read-only transaction read one snapshot: a
// deferred BEGIN does on SQLite in WAL mode, from its first read (so no
// write lock is taken); PostgreSQL needs REPEATABLE READ.
func (d dialect) snapshotOptions() *sql.TxOptions {
	if d.dollar {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return &sql.TxOptions{ReadOnly: true}
}
