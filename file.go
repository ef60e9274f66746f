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

// UploadFolder is where an uploaded file is filed: the type, entity and id
// query parameters of FileUploading.upload ("page", "editor", 3787), which
// name a folder in OneEntry's storage. Each part may be left out ("", 0).
type UploadFolder struct {
	Type     string
	Entity   string
	ObjectID int64
}

// Upload is a file a client uploaded: a name in a folder for stored bytes.
// The bytes are a File, shared with every other upload and attribute value
// of the same bytes.
type Upload struct {
	ID     int64
	Folder UploadFolder
	// Name is unique in its folder: the name sent, with the upload's time
	// in Unix milliseconds before the extension ("photo-1751677276135.png"),
	// as OneEntry names uploads.
	Name        string
	FileID      int64
	ContentType string
	Size        int64
	OwnerID     int64 // the uploader; 0 for a guest, whose uploads nobody deletes through the API
	CreatedAt   time.Time
}

// NewUpload is a file to upload: its checked bytes and the name to file it
// under, split so the store can put the time between them.
type NewUpload struct {
	File    *File
	Folder  UploadFolder
	Stem    string // "photo"
	Ext     string // ".png", or ""
	OwnerID int64
	Address string // the uploader's, never shown
}

// UploadPart is one file of an upload request, as sent.
type UploadPart struct {
	Name  string // the name the client gave it ("blob" for a Blob)
	Bytes []byte
}

// UploadService serves the Content API's FileUploading module.
type UploadService interface {
	// Upload checks and stores the files p (a guest when p.UserID is 0)
	// sends from d, all or none. ErrInvalid naming the field for a missing,
	// empty or refused file or a bad folder; ErrTooLarge over the size
	// limit; *RateLimitError past the per-address limit.
	Upload(ctx context.Context, p Principal, d Device, folder UploadFolder, parts []UploadPart) ([]Upload, error)
	// UploadedFile returns the upload named name in folder and its file,
	// with its bytes. ErrNotFound.
	UploadedFile(ctx context.Context, folder UploadFolder, name string) (*Upload, *File, error)
	// DeleteUpload deletes one of p's uploads. ErrNotFound when there is
	// none of that name in folder, or it is not p's.
	DeleteUpload(ctx context.Context, p Principal, folder UploadFolder, name string) error
}

// UploadStore keeps uploads over the file store.
type UploadStore interface {
	// AddUploads stores the files (PutFile's rule: once per digest) and
	// files each under Stem-<now in ms>Ext, the first such name free in its
	// folder, in one transaction.
	AddUploads(ctx context.Context, uploads []NewUpload) ([]Upload, error)
	// Upload returns the upload named name in folder. ErrNotFound.
	Upload(ctx context.Context, folder UploadFolder, name string) (*Upload, error)
	// DeleteUpload deletes ownerID's upload named name in folder and, in
	// the same transaction, its file's bytes unless another upload or a
	// project uses them. ErrNotFound when there is no such upload of ownerID.
	DeleteUpload(ctx context.Context, ownerID int64, folder UploadFolder, name string) error
}
