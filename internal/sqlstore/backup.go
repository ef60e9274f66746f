package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrUsePgDump is what Backup and Restore answer for a PostgreSQL
// database, whose own tools do it better.
var ErrUsePgDump = errors.New("a PostgreSQL database is backed up with pg_dump and restored with pg_restore " +
	"(pg_dump --format=custom --file=openentry.dump URL; pg_restore --clean --if-exists --dbname=URL openentry.dump)")

// Backup writes a consistent copy of the SQLite database dsn to the new
// file to with VACUUM INTO, while servers keep reading and writing it: the
// copy is the database as of one transaction. It runs no migration, so a
// database can be saved before an upgrade. to must not exist.
func Backup(ctx context.Context, dsn, to string) error {
	if isPostgres(dsn) {
		return ErrUsePgDump
	}
	if _, err := os.Lstat(to); err == nil {
		return fmt.Errorf("backup: %s exists; give a new file", to)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := openSQLite(dsn, Options{MaxConns: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkOpenEntry(ctx, db); err != nil {
		return fmt.Errorf("backup %s: %w", strings.TrimPrefix(dsn, "sqlite:"), err)
	}
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// CheckBackup checks that the SQLite file path is an OpenEntry database
// this version can open: integrity_check ok, a migration table holding
// none but our migrations, in order. It opens the file read-only.
func CheckBackup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return fmt.Errorf("%s is not a SQLite database: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("%s fails integrity_check: %s", path, result)
	}
	return checkOpenEntry(ctx, db)
}

// checkOpenEntry checks that db's schema_migrations holds a prefix of our
// migrations: an OpenEntry database, not newer than this build.
func checkOpenEntry(ctx context.Context, db *sql.DB) error {
	names, err := migrationNames(sqliteDialect)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return fmt.Errorf("not an OpenEntry database (no schema_migrations): %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return err
		}
		if n >= len(names) || versionOf(names[n]) != v {
			return fmt.Errorf("migration %s is not this build's %d-th: a newer or foreign database", v, n+1)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		return errors.New("not an OpenEntry database: no migration applied")
	}
	return nil
}

// Restore puts the backup file from in place as the SQLite database dsn,
// after CheckBackup; an existing database (with its -wal and -shm) is
// replaced only with force, and no server must have it open. The copy is
// written next to the target and renamed over it, so a failed restore
// leaves no half database. The caller migrates it (Open does).
func Restore(ctx context.Context, from, dsn string, force bool) error {
	if isPostgres(dsn) {
		return ErrUsePgDump
	}
	target := sqlitePath(dsn)
	if _, err := os.Stat(target); err == nil && !force {
		return fmt.Errorf("restore: %s exists; give --force to replace it", target)
	}
	if err := CheckBackup(ctx, from); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(target), filepath.Base(target)+".restore-*")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// The old database's log would be replayed into the new file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// sqlitePath is the file a SQLite dsn names (the forms openSQLite takes).
func sqlitePath(dsn string) string {
	return strings.TrimPrefix(dsn, "sqlite:")
}
