package httpapi

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openentry/openentry"
)

// multipartOverhead is room for a multipart body's boundaries and part
// headers beyond the files' bytes.
const multipartOverhead = 64 << 10

// wireUpload is the SDK's IUploadingReturn.
type wireUpload struct {
	Filename     string `json:"filename"` // the name delete and getFile take
	DownloadLink string `json:"downloadLink"`
	Size         int64  `json:"size"`
}

// uploadQuery reads the folder (type, entity, id) and checks the options
// the SDK may send, which play no part: files are kept as sent, never
// resized or compressed, and there are no preview templates.
func uploadQuery(q url.Values) (openentry.UploadFolder, error) {
	f := openentry.UploadFolder{Type: q.Get("type"), Entity: q.Get("entity")}
	if v := q.Get("id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return f, badRequest("id must be an integer, 0 or more")
		}
		f.ObjectID = id
	}
	for _, key := range []string{"width", "height"} {
		if v := q.Get(key); v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 0 {
				return f, badRequest(key + " must be an integer, 0 or more")
			}
		}
	}
	if v := q.Get("compress"); v != "" && v != "true" && v != "false" {
		return f, badRequest("compress must be true or false")
	}
	return f, nil
}

// readUploadParts reads the multipart field "files" (each part one file;
// other fields are skipped), at most maxSize bytes of files together:
// past that it stops reading and answers 413.
func readUploadParts(w http.ResponseWriter, r *http.Request, maxSize int64) ([]openentry.UploadPart, error) {
	tooLarge := &openentry.Error{Code: openentry.ErrTooLarge, Message: fmt.Sprintf("files: at most %d bytes in one upload", maxSize)}
	r.Body = http.MaxBytesReader(w, r.Body, maxSize+multipartOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, badRequest(`files: send multipart/form-data with the file in the field "files"`)
	}
	var (
		parts []openentry.UploadPart
		total int64
	)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return parts, nil
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		if err != nil {
			return nil, badRequest("files: malformed multipart body")
		}
		if part.FormName() != "files" {
			continue // NextPart skips what is left of it
		}
		data, err := io.ReadAll(io.LimitReader(part, maxSize-total+1))
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		if err != nil {
			return nil, badRequest("files: malformed multipart body")
		}
		total += int64(len(data))
		if total > maxSize {
			return nil, tooLarge
		}
		parts = append(parts, openentry.UploadPart{Name: part.FileName(), Bytes: data})
	}
}

// handleUpload serves POST /api/content/files (JS: FileUploading.upload),
// for guests and users: the files of the multipart field "files", each
// filed under a new name in the folder the query names.
func handleUpload(logger *slog.Logger, uploads openentry.UploadService, maxSize int64) userHandler {
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) ([]wireUpload, error) {
		folder, err := uploadQuery(r.URL.Query())
		if err != nil {
			return nil, err
		}
		parts, err := readUploadParts(w, r, maxSize)
		if err != nil {
			return nil, err
		}
		ups, err := uploads.Upload(r.Context(), p, device(r), folder, parts)
		if err != nil {
			return nil, err
		}
		base := linkBase(r)
		out := make([]wireUpload, len(ups))
		for i, u := range ups {
			out[i] = wireUpload{Filename: u.Name, DownloadLink: fileURL(base, u.FileID, u.Name), Size: u.Size}
		}
		return out, nil
	})
}

// handleGetUploadedFile serves GET /api/content/files?id&type&entity&filename
// (JS: FileUploading.getFile, which hands back the raw Response): the
// uploaded file's bytes, as /cloud-static serves them.
func handleGetUploadedFile(logger *slog.Logger, uploads openentry.UploadService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		folder, err := uploadQuery(q)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		up, f, err := uploads.UploadedFile(r.Context(), folder, q.Get("filename"))
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		serveFile(w, r, f, up.Name)
	})
}

// handleDeleteUpload serves DELETE /api/content/files?filename&type&entity&id
// (JS: FileUploading.delete): one of the user's uploads; anyone else's,
// a guest's included, is a 404.
func handleDeleteUpload(logger *slog.Logger, uploads openentry.UploadService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		q := r.URL.Query()
		folder, err := uploadQuery(q)
		if err != nil {
			return false, err
		}
		if err := uploads.DeleteUpload(r.Context(), p, folder, q.Get("filename")); err != nil {
			return false, err
		}
		return true, nil
	})
}
