package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openentry/openentry"
)

// Links to stored files are absolute, as OneEntry's are: storefronts hand
// them to the browser and to next/image as they come. They start with the
// configured public URL (the server usually sits behind a proxy), else with
// the request's scheme and Host, and end in filesPath + "{id}/{name}".

// filesPath is where stored files are served: the path OneEntry's own file
// links have (https://<project>.oneentry.cloud/cloud-static/files/…), so a
// storefront's next/image remotePatterns entry keeps its pathname.
const filesPath = "/cloud-static/files/"

// linkBaseKey carries the base of file links in a request's context.
type linkBaseKey struct{}

// withLinkBase puts the base of file links in every request's context:
// publicURL (checked and without a trailing slash) when set, else the
// request's own scheme and Host. Forwarded headers are not read: behind a
// proxy, set the public URL.
func withLinkBase(publicURL string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			base := publicURL
			if base == "" {
				scheme := "http"
				if r.TLS != nil {
					scheme = "https"
				}
				base = scheme + "://" + r.Host
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), linkBaseKey{}, base)))
		})
	}
}

// linkBase is the scheme and host (and any path prefix of the public URL)
// that links to stored files start with, without a trailing slash.
func linkBase(r *http.Request) string {
	if base, ok := r.Context().Value(linkBaseKey{}).(string); ok {
		return base
	}
	return "http://" + r.Host
}

// fileURL is the absolute link to stored file id under name.
func fileURL(base string, id int64, name string) string {
	return base + filesPath + strconv.FormatInt(id, 10) + "/" + url.PathEscape(name)
}

// wireFile is the SDK's object for a file: IImageValue for image and
// groupOfImages attributes (filename, downloadLink, size, previewLink,
// params), IFileValue for file attributes (the first three).
type wireFile struct {
	Filename     string           `json:"filename"` // relative path, as OneEntry's: "files/12/cosmo.png"
	DownloadLink string           `json:"downloadLink"`
	Size         int64            `json:"size"`
	PreviewLink  *string          `json:"previewLink,omitempty"`
	Params       *wireImageParams `json:"params,omitempty"`
}

type wireImageParams struct {
	IsImageCompressed bool `json:"isImageCompressed"`
}

// fileLink turns a stored file's reference into the SDK's object. Images
// get a previewLink too: the same link, as files are served unresized.
func fileLink(base, attrType string, ref openentry.FileRef) wireFile {
	link := fileURL(base, ref.FileID, ref.Filename)
	w := wireFile{Filename: "files/" + strconv.FormatInt(ref.FileID, 10) + "/" + ref.Filename, DownloadLink: link, Size: ref.Size}
	if attrType != "file" {
		w.PreviewLink, w.Params = &link, &wireImageParams{}
	}
	return w
}

// fileValue is the wire value of an image, groupOfImages or file
// attribute: a stored file's reference becomes the SDK's object, a list
// has each of its references turned, and anything else (links given as
// they are in the project file) is passed on unchanged.
func fileValue(base, attrType string, v json.RawMessage) any {
	if ref, ok := openentry.ParseFileRef(v); ok {
		return fileLink(base, attrType, ref)
	}
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return nil
	}
	if t[0] != '[' {
		return v
	}
	var elems []json.RawMessage
	if json.Unmarshal(v, &elems) != nil {
		return v
	}
	out := make([]any, len(elems))
	for i, e := range elems {
		if ref, ok := openentry.ParseFileRef(e); ok {
			out[i] = fileLink(base, attrType, ref)
		} else {
			out[i] = e
		}
	}
	return out
}
