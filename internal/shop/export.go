package shop

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/openentry/openentry"
)

// Exports writes the shop back out as a project file.
type Exports struct{ store openentry.Store }

// NewExports returns the export use case over store.
func NewExports(store openentry.Store) *Exports { return &Exports{store: store} }

// ExportDir is the folder, next to an exported project file, that holds
// the files its values name.
const ExportDir = "files"

// Export returns the shop as a project file that applies to an empty
// database as this shop (see openentry.ExportStore for what it leaves
// out), and the stored files it names. An image, groupOfImages or file
// value that holds a stored file names it as {"file":
// "files/<sha-256>/<filename>"}: content-addressed, so exporting twice
// gives the same paths, and the last element keeps the filename the apply
// takes from it.
//
// withUsers adds the shop users' accounts (logins, profiles, password
// hashes): personal data, so only when asked.
func (e *Exports) Export(ctx context.Context, withUsers bool) (*openentry.Project, []openentry.ExportFile, error) {
	p, err := e.store.ExportProject(ctx)
	if err != nil {
		return nil, nil, err
	}
	types := map[string]map[string]string{}
	for _, s := range p.AttributeSets {
		m := map[string]string{}
		for _, a := range s.Attributes {
			m[a.Marker] = a.Type
		}
		types[s.Identifier] = m
	}
	x := fileExport{ctx: ctx, store: e.store, dirs: map[int64]string{}, bytes: map[string][]byte{}, written: map[string]bool{}}
	for i := range p.Products {
		pr := &p.Products[i]
		if err := x.values(types[pr.AttributeSetIdentifier], pr.AttributeValues); err != nil {
			return nil, nil, fmt.Errorf("product %d: %w", pr.ID, err)
		}
	}
	for i := range p.Pages {
		pg := &p.Pages[i]
		if err := x.values(types[pg.AttributeSetIdentifier], pg.AttributeValues); err != nil {
			return nil, nil, fmt.Errorf("page %q: %w", pg.PageURL, err)
		}
	}
	for i := range p.Blocks {
		b := &p.Blocks[i]
		if err := x.values(types[b.AttributeSetIdentifier], b.AttributeValues); err != nil {
			return nil, nil, fmt.Errorf("block %q: %w", b.Identifier, err)
		}
	}
	// Lists the file must have read as lists, not null.
	p.Users = []openentry.ProjectUser{}
	if withUsers {
		if p.Users, err = e.store.ExportUsers(ctx); err != nil {
			return nil, nil, err
		}
	}
	if p.AuthProviders == nil {
		p.AuthProviders = []openentry.ProjectAuthProvider{}
	}
	if p.Forms == nil {
		p.Forms = []openentry.ProjectForm{}
	}
	if p.PaymentAccounts == nil {
		p.PaymentAccounts = []openentry.ProjectPaymentAccount{}
	}
	if p.OrderStorages == nil {
		p.OrderStorages = []openentry.ProjectOrderStorage{}
	}
	if p.Products == nil {
		p.Products = []openentry.ProjectProduct{}
	}
	return p, x.files, nil
}

// fileExport turns FileRefs into file names, reading each file once.
type fileExport struct {
	ctx     context.Context
	store   openentry.Store
	dirs    map[int64]string  // file id → its folder
	bytes   map[string][]byte // folder → the file's bytes
	written map[string]bool   // paths in files
	files   []openentry.ExportFile
}

// values rewrites, in place, the values of file-typed attributes (those
// the apply reads files for) that hold stored files.
func (x *fileExport) values(types map[string]string, values openentry.AttributeValues) error {
	for _, byMarker := range values {
		for marker, v := range byMarker {
			switch types[marker] {
			case "image", "groupOfImages", "file":
			default:
				continue
			}
			out, err := x.value(v)
			if err != nil {
				return fmt.Errorf("%s: %w", marker, err)
			}
			byMarker[marker] = out
		}
	}
	return nil
}

func (x *fileExport) value(v json.RawMessage) (json.RawMessage, error) {
	if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '[' {
		var elems []json.RawMessage
		if err := json.Unmarshal(v, &elems); err != nil {
			return nil, err
		}
		for i, el := range elems {
			out, err := x.value(el)
			if err != nil {
				return nil, err
			}
			elems[i] = out
		}
		return json.Marshal(elems)
	}
	ref, ok := openentry.ParseFileRef(v)
	if !ok {
		return v, nil // a link or any other value, kept as the apply keeps it
	}
	dir, ok := x.dirs[ref.FileID]
	if !ok {
		f, err := x.store.File(x.ctx, ref.FileID)
		if err != nil {
			return nil, fmt.Errorf("file %d: %w", ref.FileID, err)
		}
		dir = path.Join(ExportDir, hex.EncodeToString(f.Digest))
		x.dirs[ref.FileID], x.bytes[dir] = dir, f.Bytes
	}
	// The same bytes may go by several names: one file each, stored once.
	name := path.Base(ref.Filename)
	if name == "." || name == ".." || name == "/" || strings.Contains(name, `\`) {
		name = "file"
	}
	p := path.Join(dir, name)
	if !x.written[p] {
		x.written[p] = true
		x.files = append(x.files, openentry.ExportFile{Path: p, Bytes: x.bytes[dir]})
	}
	return json.Marshal(map[string]string{"file": p})
}
