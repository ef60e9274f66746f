package httpapi

import (
	"bytes"
	"encoding/hex"
	"log/slog"
	"mime"
	"net/http"
	"strconv"

	"github.com/openentry/openentry"
)

// handleGetFile serves GET (and HEAD) /cloud-static/files/{id}/{name}: a
// stored file, the downloadLink of image and file attribute values.
// Browsers and image optimizers fetch it directly, so it takes no app
// token. {name} is for the browser (a download's name, next/image's
// extension); the id alone finds the file. A stored file never changes, so
// its digest is a strong ETag and it may be cached for a year;
// http.ServeContent answers If-None-Match (304), Range (206) and HEAD.
func handleGetFile(logger *slog.Logger, files openentry.FileService) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 || files == nil {
			writeErrorStatus(w, r, http.StatusNotFound, "File not found")
			return
		}
		f, err := files.File(r.Context(), id)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		serveFile(w, r, f, r.PathValue("name"))
	})
}

// serveFile sends a stored file under name (for the browser: a download's
// name, next/image's extension).
func serveFile(w http.ResponseWriter, r *http.Request, f *openentry.File, name string) {
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("ETag", `"`+hex.EncodeToString(f.Digest)+`"`)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	// An SVG or a text file opened from this origin must not run
	// scripts or be read as something else.
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox")
	disposition := "inline"
	if d := mime.FormatMediaType("inline", map[string]string{"filename": name}); d != "" {
		disposition = d
	}
	h.Set("Content-Disposition", disposition)
	http.ServeContent(w, r, "", f.CreatedAt, bytes.NewReader(f.Bytes))
}
