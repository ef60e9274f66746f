package shop

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"

	"github.com/openentry/openentry"
)

// Uploads are the use cases of the FileUploading module. Guests may upload,
// as OneEntry's postFormsData uploads a form's files before it sends the
// form; every upload counts against its address's limit. Only a signed-in
// uploader deletes, and only their own; the bytes stay while a project or
// another upload uses them.
type Uploads struct {
	store openentry.Store
	// perAddress bounds upload requests from one address (nil: unbounded).
	perAddress openentry.RequestLimiter
	maxSize    int64
}

var _ openentry.UploadService = (*Uploads)(nil)

// MaxUploadParts bounds the files of one upload request.
const MaxUploadParts = 10

// NewUploads returns the upload use cases over store. maxSize bounds the
// files of one request together; 0 is openentry.MaxFileSize.
func NewUploads(store openentry.Store, perAddress openentry.RequestLimiter, maxSize int64) *Uploads {
	if maxSize <= 0 {
		maxSize = openentry.MaxFileSize
	}
	return &Uploads{store: store, perAddress: perAddress, maxSize: maxSize}
}

// MaxSize is the most bytes the files of one request may hold together.
func (u *Uploads) MaxSize() int64 { return u.maxSize }

// folderPart is what a folder's type and entity may be: they name a
// folder, so no separators, dots or spaces.
var folderPart = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// CheckFolder refuses a folder whose parts could not name one.
func CheckFolder(f openentry.UploadFolder) error {
	if f.Type != "" && !folderPart.MatchString(f.Type) {
		return openentry.Invalid("type: at most 64 letters, digits, _ or -")
	}
	if f.Entity != "" && !folderPart.MatchString(f.Entity) {
		return openentry.Invalid("entity: at most 64 letters, digits, _ or -")
	}
	if f.ObjectID < 0 {
		return openentry.Invalid("id: must be 0 or more")
	}
	return nil
}

// Upload checks every file, then stores them all in one transaction.
func (u *Uploads) Upload(ctx context.Context, p openentry.Principal, d openentry.Device, folder openentry.UploadFolder, parts []openentry.UploadPart) ([]openentry.Upload, error) {
	if err := CheckFolder(folder); err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, openentry.Invalid(`files: send the file as the multipart field "files"`)
	}
	if len(parts) > MaxUploadParts {
		return nil, openentry.Invalid(fmt.Sprintf("files: at most %d files at once", MaxUploadParts))
	}
	var total int64
	news := make([]openentry.NewUpload, 0, len(parts))
	var errs []error
	for i, part := range parts {
		total += int64(len(part.Bytes))
		stem, ext, ct, err := uploadName(part)
		if err != nil {
			errs = append(errs, fmt.Errorf("files[%d] %q: %w", i, part.Name, err))
			continue
		}
		sum := sha256.Sum256(part.Bytes)
		f := &openentry.File{Digest: sum[:], ContentType: ct, Size: int64(len(part.Bytes)), Bytes: part.Bytes, Name: stem + ext}
		news = append(news, openentry.NewUpload{File: f, Folder: folder, Stem: stem, Ext: ext, OwnerID: p.UserID, Address: d.Address})
	}
	if total > u.maxSize {
		return nil, &openentry.Error{Code: openentry.ErrTooLarge,
			Message: fmt.Sprintf("files: at most %d bytes in one upload", u.maxSize)}
	}
	if len(errs) > 0 {
		return nil, openentry.Invalid(errors.Join(errs...).Error())
	}
	// After the checks: a refused upload costs nothing, so it counts for nothing.
	if u.perAddress != nil {
		if wait, ok := u.perAddress.Allow(d.Address); !ok {
			return nil, &openentry.RateLimitError{Message: "Too many uploads; try again later", RetryAfter: wait}
		}
	}
	var (
		out []openentry.Upload
		err error
	)
	// A name taken by a concurrent upload between look and insert is a
	// conflict (PostgreSQL); the next try looks again.
	for range 3 {
		if out, err = u.store.AddUploads(ctx, news); !errors.Is(err, openentry.ErrConflict) {
			break
		}
	}
	return out, err
}

// uploadName checks a file's bytes and splits the name it is filed under:
// its sent name made safe (letters, digits, - and _), and an extension that
// says what it is. Images are told from their bytes whatever their name;
// other files must be named as their bytes sniff (shop/files.go's list).
func uploadName(part openentry.UploadPart) (stem, ext, contentTyp string, err error) {
	if len(part.Bytes) == 0 {
		return "", "", "", errors.New("is empty")
	}
	base := path.Base(strings.ReplaceAll(part.Name, `\`, "/"))
	ext = strings.ToLower(path.Ext(base))
	ct, ok := contentType(base, part.Bytes, false)
	if !ok {
		return "", "", "", fmt.Errorf("is %s; uploads take images (png, jpeg, gif, webp, svg), pdf, txt, csv, json, zip, docx, xlsx, mp3, mp4 or webm", sniffed(part.Bytes))
	}
	if want, isImage := imageExts[ct]; isImage && (ext == "" || !strings.Contains(want, ext+" ")) {
		ext = want[:strings.IndexByte(want, ' ')] // e.g. a Blob, sent as "blob"
	}
	stem = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, strings.TrimSuffix(base, path.Ext(base)))
	if runes := []rune(stem); len(runes) > 100 {
		stem = string(runes[:100])
	}
	if strings.Trim(stem, "_") == "" {
		stem = "file"
	}
	return stem, ext, ct, nil
}

// imageExts lists the extensions each image type may have, the first the
// one given to a file named otherwise; each ends in a space.
var imageExts = map[string]string{
	"image/png":     ".png ",
	"image/jpeg":    ".jpg .jpeg ",
	"image/gif":     ".gif ",
	"image/webp":    ".webp ",
	"image/svg+xml": ".svg ",
}

// UploadedFile returns an upload and its file.
func (u *Uploads) UploadedFile(ctx context.Context, folder openentry.UploadFolder, name string) (*openentry.Upload, *openentry.File, error) {
	if err := CheckFolder(folder); err != nil {
		return nil, nil, err
	}
	if name == "" {
		return nil, nil, openentry.Invalid("filename: name the file")
	}
	up, err := u.store.Upload(ctx, folder, name)
	if err != nil {
		return nil, nil, err
	}
	f, err := u.store.File(ctx, up.FileID)
	if err != nil {
		return nil, nil, err
	}
	return up, f, nil
}

// DeleteUpload deletes one of p's uploads.
func (u *Uploads) DeleteUpload(ctx context.Context, p openentry.Principal, folder openentry.UploadFolder, name string) error {
	if err := CheckFolder(folder); err != nil {
		return err
	}
	if name == "" {
		return openentry.Invalid("filename: name the file")
	}
	return u.store.DeleteUpload(ctx, p.UserID, folder, name)
}
