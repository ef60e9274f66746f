package shop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/shop"
)

// pngOf draws a small picture; different shades give different bytes.
func pngOf(t testing.TB, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, color.RGBA{R: shade, G: uint8(x * 30), B: uint8(y * 30), A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fileProject is a set with an image, a groupOfImages and a file attribute,
// and product 700 whose values (en_US) are given; its files come from fsys.
func fileProject(fsys map[string][]byte, values map[string]string) *openentry.Project {
	mapFS := fstest.MapFS{}
	for name, data := range fsys {
		mapFS[name] = &fstest.MapFile{Data: data}
	}
	byMarker := map[string]json.RawMessage{}
	for marker, v := range values {
		byMarker[marker] = json.RawMessage(v)
	}
	title := map[string]string{"en_US": "T"}
	return &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{Identifier: "pictured", Title: title, Attributes: []openentry.ProjectSetAttribute{
			{Marker: "pic", Type: "image", Title: title},
			{Marker: "more_pic", Type: "groupOfImages", Title: title},
			{Marker: "manual", Type: "file", Title: title},
			{Marker: "notes", Type: "json", Title: title},
		}}},
		Products: []openentry.ProjectProduct{{ID: 700, Title: title, Price: "1.00", Currency: "USD",
			AttributeSetIdentifier: "pictured", AttributeValues: openentry.AttributeValues{"en_US": byMarker}}},
		Files: mapFS,
	}
}

func storedValue(t *testing.T, s *testShop, marker string) json.RawMessage {
	t.Helper()
	p, err := s.catalog.Product(context.Background(), 700)
	if err != nil {
		t.Fatal(err)
	}
	return p.AttributeValues["en_US"][marker]
}

func fileCount(t *testing.T, s *testShop) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM files`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestApplyProjectStoresFiles: named files are stored once per digest, the
// values hold references to them, re-applying stores nothing new, and the
// caller's project is left as it was.
func TestApplyProjectStoresFiles(t *testing.T) {
	ctx := context.Background()
	s := openShop(t, apptest.DSN(t))
	red, blue := pngOf(t, 200), pngOf(t, 10)
	p := fileProject(map[string][]byte{"images/red.png": red, "images/copy-of-red.png": red, "images/blue.png": blue,
		"docs/manual.pdf": []byte("%PDF-1.4\n%…\n")}, map[string]string{
		"pic":      `{"file": "images/red.png"}`,
		"more_pic": `[{"file": "images/copy-of-red.png"}, {"file": "images/blue.png"}, {"downloadLink": "https://cdn.example/x.png"}]`,
		"manual":   `{"file": "docs/manual.pdf"}`,
		"notes":    `{"file": "not/a/file/attribute.png"}`,
	})
	for range 2 {
		if err := s.projects.Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if got := fileCount(t, s); got != 3 {
		t.Errorf("files stored: got %d, want 3 (red once, blue, the pdf)", got)
	}
	if got := string(p.Products[0].AttributeValues["en_US"]["pic"]); got != `{"file": "images/red.png"}` {
		t.Errorf("the caller's project was changed: pic is %s", got)
	}

	var pic openentry.FileRef
	if err := json.Unmarshal(storedValue(t, s, "pic"), &pic); err != nil {
		t.Fatal(err)
	}
	if pic.FileID <= 0 || pic.Filename != "red.png" || pic.ContentType != "image/png" || pic.Size != int64(len(red)) {
		t.Errorf("pic: got %+v, want a reference to red.png, image/png, %d bytes", pic, len(red))
	}
	var more []json.RawMessage
	if err := json.Unmarshal(storedValue(t, s, "more_pic"), &more); err != nil || len(more) != 3 {
		t.Fatalf("more_pic: got %s, %v; want a list of 3", storedValue(t, s, "more_pic"), err)
	}
	copyRef, ok1 := openentry.ParseFileRef(more[0])
	blueRef, ok2 := openentry.ParseFileRef(more[1])
	if !ok1 || !ok2 || copyRef.FileID != pic.FileID || copyRef.Filename != "copy-of-red.png" || blueRef.FileID == pic.FileID {
		t.Errorf("more_pic: got %s; want the red file under its other name, then blue", storedValue(t, s, "more_pic"))
	}
	if _, ok := openentry.ParseFileRef(more[2]); ok || !strings.Contains(string(more[2]), "cdn.example") {
		t.Errorf("more_pic: a link given as is became %s", more[2])
	}
	manual, ok := openentry.ParseFileRef(storedValue(t, s, "manual"))
	if !ok || manual.ContentType != "application/pdf" {
		t.Errorf("manual: got %s, want a reference to an application/pdf", storedValue(t, s, "manual"))
	}
	if got := string(storedValue(t, s, "notes")); !strings.Contains(got, "not/a/file") {
		t.Errorf("a json attribute's value was taken for a file: %s", got)
	}

	// Values are read in order of locale and marker: more_pic named the red bytes first.
	f, err := s.db.File(ctx, pic.FileID)
	if err != nil || !bytes.Equal(f.Bytes, red) || f.ContentType != "image/png" || f.Name != "copy-of-red.png" || len(f.Digest) != 32 {
		t.Errorf("stored file: got %+v, %v", f, err)
	}

	// Another file naming the same bytes gets the same row.
	other := fileProject(map[string][]byte{"again.png": red}, map[string]string{"pic": `{"file": "again.png"}`})
	other.AttributeSets = nil
	if err := s.projects.Apply(ctx, other); err != nil {
		t.Fatal(err)
	}
	if again, _ := openentry.ParseFileRef(storedValue(t, s, "pic")); again.FileID != pic.FileID || again.Filename != "again.png" {
		t.Errorf("the same bytes from another file: got %+v, want file %d as again.png", again, pic.FileID)
	}
	if got := fileCount(t, s); got != 3 {
		t.Errorf("files stored: got %d, want still 3", got)
	}
}

// TestApplyProjectRejectsBadFiles: a file that is not what its attribute
// takes, too large, missing, or outside the project's directory rejects the
// whole project: no product and no file is stored.
func TestApplyProjectRejectsBadFiles(t *testing.T) {
	ctx := context.Background()
	good := pngOf(t, 1)
	tests := []struct {
		name   string
		files  map[string][]byte
		values map[string]string
		want   string
	}{
		{"text as an image", map[string][]byte{"a.png": []byte("hello")}, map[string]string{"pic": `{"file": "a.png"}`},
			`product 700: attributeValues.en_US.pic: file "a.png": is text/plain, not an image`},
		{"pdf as an image", map[string][]byte{"a.pdf": []byte("%PDF-1.4")}, map[string]string{"pic": `{"file": "a.pdf"}`},
			`is application/pdf, not an image`},
		{"svg without the extension", map[string][]byte{"a.png": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
			map[string]string{"pic": `{"file": "a.png"}`}, `not an image`},
		{"one bad image in a group", map[string][]byte{"a.png": good, "b.png": []byte("MZ\x90\x00")},
			map[string]string{"more_pic": `[{"file": "a.png"}, {"file": "b.png"}]`}, `file "b.png": is application/octet-stream`},
		{"executable as a file", map[string][]byte{"setup.exe": []byte("MZ\x90\x00")}, map[string]string{"manual": `{"file": "setup.exe"}`},
			`file "setup.exe": is application/octet-stream; a file attribute takes`},
		{"html named .txt", map[string][]byte{"a.txt": []byte("<html><script>x</script>")}, map[string]string{"manual": `{"file": "a.txt"}`},
			`is text/html`},
		{"too large", map[string][]byte{"big.png": append(append([]byte{}, good...), make([]byte, openentry.MaxFileSize)...)},
			map[string]string{"pic": `{"file": "big.png"}`}, `file "big.png": is larger than 10 MiB`},
		{"empty", map[string][]byte{"e.png": {}}, map[string]string{"pic": `{"file": "e.png"}`}, `file "e.png": is empty`},
		{"missing", nil, map[string]string{"pic": `{"file": "gone.png"}`}, `file "gone.png": cannot be read`},
		{"parent directory", nil, map[string]string{"pic": `{"file": "../secret.png"}`}, `file "../secret.png": must be a relative path inside`},
		{"climbing out", nil, map[string]string{"pic": `{"file": "images/../../secret.png"}`}, `must be a relative path inside`},
		{"absolute", nil, map[string]string{"pic": `{"file": "/etc/passwd"}`}, `must be a relative path inside`},
		{"backslash", nil, map[string]string{"pic": `{"file": "..\\secret.png"}`}, `must be a relative path inside`},
		{"a directory", map[string][]byte{"images/a.png": good}, map[string]string{"pic": `{"file": "images"}`}, `is not a regular file`},
		{"extra key", map[string][]byte{"a.png": good}, map[string]string{"pic": `{"file": "a.png", "fileName": "x"}`},
			`an object naming a file holds only "file"`},
		{"not a path", nil, map[string]string{"pic": `{"file": 12}`}, `"file" must be a path`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openShop(t, apptest.DSN(t))
			p := fileProject(tc.files, tc.values)
			err := s.projects.Apply(ctx, p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if _, err := s.catalog.Product(ctx, 700); !errors.Is(err, openentry.ErrNotFound) {
				t.Errorf("a rejected project was half applied: product 700: %v", err)
			}
			if got := fileCount(t, s); got != 0 {
				t.Errorf("a rejected project stored %d files", got)
			}
		})
	}
}

func TestApplyProjectFileTypes(t *testing.T) {
	t.Parallel()
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	jpeg := []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00")
	webp := []byte("RIFF\x00\x00\x00\x00WEBPVP8 ")
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`)
	tests := []struct {
		name, marker, file string
		data               []byte
		want               string
	}{
		{"png", "pic", "a.png", pngOf(t, 3), "image/png"},
		{"jpeg named .jpg", "pic", "a.jpg", jpeg, "image/jpeg"},
		{"gif", "pic", "a.gif", gif, "image/gif"},
		{"webp", "pic", "a.webp", webp, "image/webp"},
		{"svg", "pic", "logo.SVG", svg, "image/svg+xml"},
		{"bare svg", "pic", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "image/svg+xml"},
		{"image as a file", "manual", "a.png", pngOf(t, 4), "image/png"},
		{"pdf", "manual", "m.pdf", []byte("%PDF-1.7\n"), "application/pdf"},
		{"csv", "manual", "prices.csv", []byte("sku,price\nA,1\n"), "text/csv; charset=utf-8"},
		{"zip", "manual", "a.zip", []byte("PK\x03\x04rest"), "application/zip"},
		{"docx", "manual", "a.docx", []byte("PK\x03\x04other"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	}
	s := openShop(t, apptest.DSN(t))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := fileProject(map[string][]byte{tc.file: tc.data}, map[string]string{tc.marker: `{"file": "` + tc.file + `"}`})
			if err := s.projects.Apply(context.Background(), p); err != nil {
				t.Fatal(err)
			}
			ref, ok := openentry.ParseFileRef(storedValue(t, s, tc.marker))
			if !ok || ref.ContentType != tc.want {
				t.Errorf("got %s, want a reference of type %s", storedValue(t, s, tc.marker), tc.want)
			}
		})
	}
}

// TestApplyProjectFilesNeedADirectory: a project that was not read from a
// file cannot name files.
func TestApplyProjectFilesNeedADirectory(t *testing.T) {
	s := openShop(t, apptest.DSN(t))
	p := fileProject(nil, map[string]string{"pic": `{"file": "a.png"}`})
	p.Files = nil
	if err := s.projects.Apply(context.Background(), p); err == nil || !strings.Contains(err.Error(), "no directory to read files from") {
		t.Fatalf("got %v, want an error saying there is no directory", err)
	}
}

// TestApplyProjectRefusesSymlinkOut: serve reads a project's files through
// an os.Root, so a symlink out of the project's directory is refused.
func TestApplyProjectRefusesSymlinkOut(t *testing.T) {
	outside, dir := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.png"), pngOf(t, 9), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.png"), filepath.Join(dir, "link.png")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "inside.png"), pngOf(t, 8), 0o600); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	s := openShop(t, apptest.DSN(t))
	p := fileProject(nil, map[string]string{"pic": `{"file": "link.png"}`})
	p.Files = root.FS()
	if err := s.projects.Apply(context.Background(), p); err == nil || !strings.Contains(err.Error(), `file "link.png": cannot be read`) {
		t.Fatalf("a symlink out of the directory: got %v, want it refused", err)
	}
	p = fileProject(nil, map[string]string{"pic": `{"file": "inside.png"}`})
	p.Files = root.FS()
	if err := s.projects.Apply(context.Background(), p); err != nil {
		t.Fatalf("a file inside the directory: %v", err)
	}
}

// TestFilesServeStored: the use case serves what the store keeps; an
// unknown id is ErrNotFound.
func TestFilesServeStored(t *testing.T) {
	ctx := context.Background()
	s := openShop(t, apptest.DSN(t))
	files := shop.NewFiles(s.db)
	if _, err := files.File(ctx, 1); !errors.Is(err, openentry.ErrNotFound) {
		t.Errorf("unknown file: got %v, want ErrNotFound", err)
	}
	if err := s.projects.Apply(ctx, fileProject(map[string][]byte{"a.png": pngOf(t, 5)}, map[string]string{"pic": `{"file": "a.png"}`})); err != nil {
		t.Fatal(err)
	}
	ref, _ := openentry.ParseFileRef(storedValue(t, s, "pic"))
	if f, err := files.File(ctx, ref.FileID); err != nil || f.ContentType != "image/png" {
		t.Errorf("stored file: got %+v, %v", f, err)
	}
}
