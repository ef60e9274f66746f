package shop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/openentry/openentry"
)

// A project file's image, groupOfImages and file attribute values may name
// files next to it: {"file": "images/cosmo.png"}, or a list of such objects.
// Apply reads each one from the project's directory (Project.Files), checks
// its size and type, and the store keeps it once per digest, in the
// project's transaction; the value then holds an openentry.FileRef to it.
// Any other value (an SDK-shaped object with links elsewhere) is kept as is.

// fileValue is one element of a value that may name a file.
type fileValue struct {
	raw  json.RawMessage // kept as is when file is nil
	file *openentry.File
	name string // the file's name in the reference: the path's last element
}

// fileEdit is a value that named files, to be rewritten once they are stored.
type fileEdit struct {
	values       openentry.AttributeValues // the copy the store writes
	lang, marker string
	list         bool
	elems        []fileValue
}

// projectFiles reads the files p's attribute values name and returns what
// the store needs: the project to write (p, with the values that name files
// in copied maps, so p itself is never changed), the files, and the
// function that puts their IDs into those values. A project that names no
// file comes back as it is.
func (s *Projects) projectFiles(ctx context.Context, p *openentry.Project) (*openentry.Project, []*openentry.File, func() error, error) {
	types, err := s.attributeTypes(ctx, p)
	if err != nil {
		return nil, nil, nil, err
	}
	r := fileReader{fsys: p.Files, byPath: map[string]*openentry.File{}, byDigest: map[string]*openentry.File{}}
	var (
		edits []fileEdit
		errs  []error
	)
	out := *p
	// scan finds the values that name files; it returns the copy to write
	// (values itself when none does).
	scan := func(owner, set string, values openentry.AttributeValues) openentry.AttributeValues {
		copied, cloned := values, false
		// In order, so that files get their IDs and first names the same
		// way on every run.
		for _, lang := range slices.Sorted(maps.Keys(values)) {
			byMarker := values[lang]
			for _, marker := range slices.Sorted(maps.Keys(byMarker)) {
				v := byMarker[marker]
				typ := types[set][marker]
				if typ != "image" && typ != "groupOfImages" && typ != "file" {
					continue
				}
				elems, list, named, err := r.read(v, typ)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: attributeValues.%s.%s: %w", owner, lang, marker, err))
					continue
				}
				if !named {
					continue
				}
				if !cloned {
					copied, cloned = copyValues(values), true
				}
				edits = append(edits, fileEdit{values: copied, lang: lang, marker: marker, list: list, elems: elems})
			}
		}
		return copied
	}
	if len(p.Products) > 0 {
		out.Products = append([]openentry.ProjectProduct(nil), p.Products...)
		for i := range out.Products {
			pr := &out.Products[i]
			pr.AttributeValues = scan(fmt.Sprintf("product %d", pr.ID), pr.AttributeSetIdentifier, pr.AttributeValues)
		}
	}
	if len(p.Pages) > 0 {
		out.Pages = append([]openentry.ProjectPage(nil), p.Pages...)
		for i := range out.Pages {
			pg := &out.Pages[i]
			pg.AttributeValues = scan(fmt.Sprintf("page %q", pg.PageURL), pg.AttributeSetIdentifier, pg.AttributeValues)
		}
	}
	if len(p.Blocks) > 0 {
		out.Blocks = append([]openentry.ProjectBlock(nil), p.Blocks...)
		for i := range out.Blocks {
			b := &out.Blocks[i]
			b.AttributeValues = scan(fmt.Sprintf("block %q", b.Identifier), b.AttributeSetIdentifier, b.AttributeValues)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, nil, openentry.Invalid(err.Error()) // the values' fault, not the store's
	}
	if len(edits) == 0 {
		return p, nil, nil, nil
	}
	stored := func() error {
		for _, e := range edits {
			refs := make([]json.RawMessage, len(e.elems))
			for i, el := range e.elems {
				if el.file == nil {
					refs[i] = el.raw
					continue
				}
				if el.file.ID <= 0 {
					return fmt.Errorf("file %q was not stored", el.file.Name)
				}
				ref, err := json.Marshal(openentry.FileRef{FileID: el.file.ID, Filename: el.name,
					ContentType: el.file.ContentType, Size: el.file.Size})
				if err != nil {
					return err
				}
				refs[i] = ref
			}
			var v json.RawMessage = refs[0]
			if e.list {
				b, err := json.Marshal(refs)
				if err != nil {
					return err
				}
				v = b
			}
			e.values[e.lang][e.marker] = v
		}
		return nil
	}
	return &out, r.files, stored, nil
}

func copyValues(values openentry.AttributeValues) openentry.AttributeValues {
	out := make(openentry.AttributeValues, len(values))
	for lang, byMarker := range values {
		m := make(map[string]json.RawMessage, len(byMarker))
		for k, v := range byMarker {
			m[k] = v
		}
		out[lang] = m
	}
	return out
}

// attributeTypes maps set → marker → type for the sets p's products and
// pages follow: this file's, or those of an earlier apply. A set that is
// nowhere is left out: the store reports it with the other references.
func (s *Projects) attributeTypes(ctx context.Context, p *openentry.Project) (map[string]map[string]string, error) {
	types := map[string]map[string]string{}
	for _, ps := range p.AttributeSets {
		m := map[string]string{}
		for _, a := range ps.Attributes {
			m[a.Marker] = a.Type
		}
		types[ps.Identifier] = m
	}
	need := func(set string, values openentry.AttributeValues) error {
		if set == "" || len(values) == 0 {
			return nil
		}
		if _, ok := types[set]; ok {
			return nil
		}
		stored, err := s.store.AttributeSet(ctx, set)
		if errors.Is(err, openentry.ErrNotFound) {
			types[set] = nil
			return nil
		}
		if err != nil {
			return err
		}
		m := map[string]string{}
		for _, a := range stored.Attributes {
			m[a.Marker] = a.Type
		}
		types[set] = m
		return nil
	}
	for _, pr := range p.Products {
		if err := need(pr.AttributeSetIdentifier, pr.AttributeValues); err != nil {
			return nil, err
		}
	}
	for _, pg := range p.Pages {
		if err := need(pg.AttributeSetIdentifier, pg.AttributeValues); err != nil {
			return nil, err
		}
	}
	for _, b := range p.Blocks {
		if err := need(b.AttributeSetIdentifier, b.AttributeValues); err != nil {
			return nil, err
		}
	}
	return types, nil
}

// fileReader reads the files a project names, each path once, and keeps one
// File per digest.
type fileReader struct {
	fsys     fs.FS
	byPath   map[string]*openentry.File
	byDigest map[string]*openentry.File
	files    []*openentry.File // in the order first named
}

// read splits a value into its elements and reads the files they name;
// named says whether any does.
func (r *fileReader) read(v json.RawMessage, typ string) (elems []fileValue, list, named bool, err error) {
	raws := []json.RawMessage{v}
	if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '[' {
		// A fresh slice: decoding into raws would write over v, which
		// its first element shares.
		var elems []json.RawMessage
		if err := json.Unmarshal(v, &elems); err != nil {
			return nil, false, false, err
		}
		if len(elems) == 0 {
			return nil, true, false, nil
		}
		raws, list = elems, true
	}
	var errs []error
	for _, raw := range raws {
		name, ok, err := namedFile(raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			elems = append(elems, fileValue{raw: raw})
			continue
		}
		f, err := r.file(name, typ)
		if err != nil {
			errs = append(errs, fmt.Errorf("file %q: %w", name, err))
			continue
		}
		named = true
		elems = append(elems, fileValue{file: f, name: path.Base(name)})
	}
	return elems, list, named, errors.Join(errs...)
}

// namedFile reads {"file": "images/cosmo.png"}; ok is false for any other
// value. An object with "file" and other keys is refused, so a typo does
// not silently keep a path as the value.
func namedFile(raw json.RawMessage) (name string, ok bool, err error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return "", false, nil
	}
	f, has := obj["file"]
	if !has {
		return "", false, nil
	}
	if len(obj) != 1 {
		return "", false, errors.New(`an object naming a file holds only "file"`)
	}
	if json.Unmarshal(f, &name) != nil {
		return "", false, errors.New(`"file" must be a path, like "images/cosmo.png"`)
	}
	return name, true, nil
}

func (r *fileReader) file(name, typ string) (*openentry.File, error) {
	if strings.Contains(name, `\`) || !fs.ValidPath(name) || name == "." {
		return nil, errors.New("must be a relative path inside the project file's directory, like images/cosmo.png (no ../, no leading /)")
	}
	if r.fsys == nil {
		return nil, errors.New("this project was not read from a file, so it has no directory to read files from")
	}
	f, ok := r.byPath[name]
	if !ok {
		data, err := readLimited(r.fsys, name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		if f, ok = r.byDigest[string(sum[:])]; !ok {
			f = &openentry.File{Digest: sum[:], Size: int64(len(data)), Bytes: data, Name: path.Base(name)}
			r.byDigest[string(sum[:])] = f
			r.files = append(r.files, f)
		}
		r.byPath[name] = f
	}
	// The type is checked per use: the same bytes may be a file here and
	// need to be an image there.
	ct, ok := contentType(name, f.Bytes, typ != "file")
	if !ok {
		if typ == "file" {
			return nil, fmt.Errorf("is %s; a file attribute takes images (png, jpeg, gif, webp, svg), pdf, txt, csv, json, zip, docx, xlsx, mp3, mp4 or webm", sniffed(f.Bytes))
		}
		return nil, fmt.Errorf("is %s, not an image (png, jpeg, gif, webp, or svg named .svg)", sniffed(f.Bytes))
	}
	if f.ContentType != "" && f.ContentType != ct {
		return nil, fmt.Errorf("holds the same bytes as a file named elsewhere as %s, but would be %s here", f.ContentType, ct)
	}
	f.ContentType = ct
	return f, nil
}

func sniffed(data []byte) string {
	t, _, _ := strings.Cut(http.DetectContentType(data), ";")
	return t
}

// readLimited reads a regular file of at most openentry.MaxFileSize bytes.
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("is not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, openentry.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	if len(data) > openentry.MaxFileSize {
		return nil, fmt.Errorf("is larger than %d MiB", openentry.MaxFileSize>>20)
	}
	if len(data) == 0 {
		return nil, errors.New("is empty")
	}
	return data, nil
}

// contentType is the type a file is served as, if it may be stored: its
// sniffed type (net/http.DetectContentType), with SVG told by its extension
// since sniffing sees only text. Images: png, jpeg, gif, webp, svg; other
// files (image false): those too, or one of a short list of documents,
// archives and media, whose bytes must sniff as their extension says.
func contentType(name string, data []byte, image bool) (string, bool) {
	sniff := http.DetectContentType(data)
	ext := strings.ToLower(path.Ext(name))
	switch sniff {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return sniff, true
	}
	if ext == ".svg" && bytes.Contains(data, []byte("<svg")) {
		switch sniff {
		case "text/xml; charset=utf-8", "text/plain; charset=utf-8", "text/html; charset=utf-8":
			return "image/svg+xml", true
		}
	}
	if image {
		return "", false
	}
	var want, served string
	switch ext {
	case ".pdf":
		want, served = "application/pdf", "application/pdf"
	case ".txt":
		want, served = "text/plain; charset=utf-8", "text/plain; charset=utf-8"
	case ".csv":
		want, served = "text/plain; charset=utf-8", "text/csv; charset=utf-8"
	case ".json":
		want, served = "text/plain; charset=utf-8", "application/json"
	case ".zip":
		want, served = "application/zip", "application/zip"
	case ".docx":
		want, served = "application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".xlsx":
		want, served = "application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".mp3":
		want, served = "audio/mpeg", "audio/mpeg"
	case ".mp4":
		want, served = "video/mp4", "video/mp4"
	case ".webm":
		want, served = "video/webm", "video/webm"
	}
	return served, want != "" && sniff == want
}

// Files serves stored files.
type Files struct{ store openentry.Store }

var _ openentry.FileService = (*Files)(nil)

// NewFiles returns the file use cases over store.
func NewFiles(store openentry.Store) *Files { return &Files{store: store} }

// File returns a stored file with its bytes.
func (f *Files) File(ctx context.Context, id int64) (*openentry.File, error) {
	return f.store.File(ctx, id)
}
