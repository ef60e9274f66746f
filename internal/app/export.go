package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
	"github.com/openentry/openentry/internal/sqlstore"
)

// Export writes the shop as a project file (shop.Exports.Export): to out,
// with the files it names under shop.ExportDir next to it, or to w when
// out is "" and the shop names no file. It returns how many files it
// wrote. The same database exports to the same bytes. withUsers adds the
// shop users' accounts.
func (o *Operator) Export(ctx context.Context, out string, w io.Writer, withUsers bool) (files int, err error) {
	p, fs, err := shop.NewExports(o.db).Export(ctx, withUsers)
	if err != nil {
		return 0, err
	}
	data, err := EncodeProject(p)
	if err != nil {
		return 0, err
	}
	if out == "" {
		if len(fs) > 0 {
			return 0, fmt.Errorf("the shop's values name %d stored files: give --out FILE to write them next to it", len(fs))
		}
		_, err := w.Write(data)
		return 0, err
	}
	dir := filepath.Dir(out)
	for _, f := range fs {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(f.Path)), f.Bytes); err != nil {
			return 0, err
		}
	}
	// The project last, so a file that names them never lacks its files.
	return len(fs), writeFile(out, data)
}

// EncodeProject is the project file's bytes: indented JSON, HTML left as
// written, maps in key order.
func EncodeProject(p *openentry.Project) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeFile writes data to name through a temporary file and a rename,
// so a reader never sees half a file.
func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// Backup copies the SQLite database dsn to the new file to, consistently,
// while servers use it (sqlstore.Backup). A PostgreSQL database is refused
// with sqlstore.ErrUsePgDump.
func Backup(ctx context.Context, dsn, to string) error {
	if dsn == "" {
		return errors.New("no database given")
	}
	return sqlstore.Backup(ctx, dsn, to)
}

// Restore puts the backup file from in place as the SQLite database dsn
// (sqlstore.Restore: checked first; an existing database only with force)
// and migrates it forward to this build.
func Restore(ctx context.Context, from, dsn string, force bool) error {
	if err := sqlstore.Restore(ctx, from, dsn, force); err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, dsn, time.Now, sqlstore.Options{})
	if err != nil {
		return fmt.Errorf("restore: migrate: %w", err)
	}
	return db.Close()
}
