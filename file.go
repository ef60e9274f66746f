package openentry

import (
	"context"
	"encoding/json"
	"time"
)

// File is a stored file: its bytes are kept once per digest, so the same
// image named by several products, or by a file applied twice, is one row.
// A stored file never changes; new bytes are a new file with a new ID.
type File struct {
	ID          int64
	Digest      []byte // SHA-256 of Bytes
	ContentType string // as served, e.g. "image/png"
	Size        int64
	Bytes       []byte
	Name        string // the name it was first stored under, e.g. "cosmo.png"
	CreatedAt   time.Time
}

// MaxFileSize bounds a stored file: 10 MiB.
const MaxFileSize = 10 << 20

// FileRef is what an image, groupOfImages or file attribute value holds for
// a stored file (a groupOfImages holds a list of them). The wire layer turns
// it into the SDK's object, with links to the file.
type FileRef struct {
	FileID      int64  `json:"fileId"`
	Filename    string `json:"filename"` // the name it is shown and downloaded under
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// ParseFileRef reads v as a stored file's reference; ok is false for any
// other value (a link given as is, a name not yet stored, a list).
func ParseFileRef(v json.RawMessage) (ref FileRef, ok bool) {
	var probe struct {
		FileID *int64 `json:"fileId"`
	}
	if json.Unmarshal(v, &probe) != nil || probe.FileID == nil || *probe.FileID <= 0 {
		return FileRef{}, false
	}
	if json.Unmarshal(v, &ref) != nil {
		return FileRef{}, false
	}
	return ref, true
}

// FileService serves stored files.
type FileService interface {
	// File returns a stored file with its bytes, or ErrNotFound.
	File(ctx context.Context, id int64) (*File, error)
}

// FileStore keeps files, content-addressed: the digest is unique, so
// storing the same bytes again gives the row that holds them.
type FileStore interface {
	// File returns a file with its bytes, or ErrNotFound.
	File(ctx context.Context, id int64) (*File, error)
	// PutFile stores f unless a file with its digest is stored, and sets
	// f.ID, f.CreatedAt and f.ContentType to those of the row that holds
	// the bytes (a row never changes).
	PutFile(ctx context.Context, f *File) error
}
