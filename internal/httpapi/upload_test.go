package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
)

const filesPath = "/api/content/files"

// uploadPart is one file of a multipart upload: its field and file name.
type uploadPart struct {
	field, name string
	data        []byte
}

// upload sends parts as FileUploading.upload does: multipart, no JSON
// Content-Type, the app token and, if set, a user token.
func (a *api) upload(query, bearer string, parts ...uploadPart) response {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		w, err := mw.CreateFormFile(p.field, p.name)
		if err != nil {
			a.t.Fatal(err)
		}
		_, _ = w.Write(p.data)
	}
	if err := mw.Close(); err != nil {
		a.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", a.base+filesPath+query, &body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("accept", "application/json")
	req.Header.Set("x-app-token", a.token)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, raw: raw}
}

// uploaded is one element of upload's answer.
type uploaded struct {
	Filename     string `json:"filename"`
	DownloadLink string `json:"downloadLink"`
	Size         int64  `json:"size"`
}

// uploadOne uploads one file and checks the answer's shape: exactly the
// keys of the SDK's IUploadingReturn.
func (a *api) uploadOne(query, bearer string, p uploadPart) uploaded {
	a.t.Helper()
	r := a.upload(query, bearer, p)
	if r.status != 201 {
		a.t.Fatalf("upload %s: got %d %s, want 201", p.name, r.status, r.raw)
	}
	var raw []map[string]any
	if err := json.Unmarshal(r.raw, &raw); err != nil || len(raw) != 1 {
		a.t.Fatalf("upload %s: got %s, want an array of one", p.name, r.raw)
	}
	checkKeys(a.t, "upload", raw[0], "downloadLink", "filename", "size")
	var got []uploaded
	if err := json.Unmarshal(r.raw, &got); err != nil {
		a.t.Fatal(err)
	}
	return got[0]
}

// getUploaded is FileUploading.getFile's request.
func (a *api) getUploaded(id any, typ, entity, filename string) (*http.Response, []byte) {
	a.t.Helper()
	return get(a.t, "GET", fmt.Sprintf("%s%s?id=%v&type=%s&entity=%s&filename=%s", a.base, filesPath, id, typ, entity, filename),
		map[string]string{"x-app-token": a.token, "Content-Type": "application/json"})
}

const editorFolder = "?type=page&entity=editor&id=3787"

func deleteQuery(name string) string {
	return filesPath + "?filename=" + name + "&type=page&entity=editor&id=3787"
}

func TestUploadGetDelete(t *testing.T) {
	srv := apptest.Start(t, apptest.WithDemoShop())
	a := newAPI(t, srv)
	pic := picturePNG(t)
	owner := a.loginDemo()
	other := a.signUpAndLogin("other-uploader@example.com")

	up := a.uploadOne(editorFolder+"&width=0&height=0&compress=true&template=1", owner.Access, uploadPart{"files", "My photo.png", pic})
	if !regexp.MustCompile(`^My_photo-\d{13}\.png$`).MatchString(up.Filename) {
		t.Errorf("filename: got %q, want My_photo-<ms>.png", up.Filename)
	}
	if up.Size != int64(len(pic)) {
		t.Errorf("size: got %d, want %d", up.Size, len(pic))
	}
	if !strings.HasPrefix(up.DownloadLink, srv.BaseURL+"/cloud-static/files/") || !strings.HasSuffix(up.DownloadLink, "/"+up.Filename) {
		t.Errorf("downloadLink: got %q", up.DownloadLink)
	}
	resp, body := get(t, "GET", up.DownloadLink, nil)
	if resp.StatusCode != 200 || !bytes.Equal(body, pic) {
		t.Fatalf("downloadLink: got %d and %d bytes, want 200 and the picture", resp.StatusCode, len(body))
	}

	// getFile finds it by folder and name, app token only, and nowhere else.
	resp, body = a.getUploaded(3787, "page", "editor", up.Filename)
	if resp.StatusCode != 200 || !bytes.Equal(body, pic) || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("getFile: got %d %q and %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("getFile: no nosniff")
	}
	for _, q := range [][3]any{{3788, "page", "editor"}, {3787, "product", "editor"}, {3787, "page", "other"}} {
		if resp, _ := a.getUploaded(q[0], q[1].(string), q[2].(string), up.Filename); resp.StatusCode != 404 {
			t.Errorf("getFile in folder %v: got %d, want 404", q, resp.StatusCode)
		}
	}
	if resp, _ := a.getUploaded(3787, "page", "editor", "nope.png"); resp.StatusCode != 404 {
		t.Errorf("getFile of an unknown name: got %d, want 404", resp.StatusCode)
	}
	if resp, _ := a.getUploaded("abc", "page", "editor", up.Filename); resp.StatusCode != 400 {
		t.Errorf("getFile with id=abc: got %d, want 400", resp.StatusCode)
	}

	// Only the uploader deletes; to anyone else the file does not exist.
	checkError(t, a.do("DELETE", deleteQuery(up.Filename), "", nil), 401, "")
	checkError(t, a.do("DELETE", deleteQuery(up.Filename), other.Access, nil), 404, "")
	checkError(t, a.do("DELETE", filesPath+"?filename="+up.Filename+"&type=page&entity=editor&id=1", owner.Access, nil), 404, "")
	if r := a.expect("DELETE", deleteQuery(up.Filename), owner.Access, nil, 200); string(bytes.TrimSpace(r.raw)) != "true" {
		t.Errorf("delete: got %s, want true", r.raw)
	}
	if resp, _ := a.getUploaded(3787, "page", "editor", up.Filename); resp.StatusCode != 404 {
		t.Errorf("getFile after delete: got %d, want 404", resp.StatusCode)
	}
	if resp, _ := get(t, "GET", up.DownloadLink, nil); resp.StatusCode != 404 {
		t.Errorf("downloadLink of bytes nothing else uses, after delete: got %d, want 404", resp.StatusCode)
	}
	checkError(t, a.do("DELETE", deleteQuery(up.Filename), owner.Access, nil), 404, "")
	if n := count(t, srv, "files WHERE NOT in_project"); n != 0 {
		t.Errorf("files left of deleted uploads: %d", n)
	}

	// A guest may upload (postFormsData uploads a form's files first), but
	// nobody can delete a guest's upload.
	guest := a.uploadOne("", "", uploadPart{"files", "blob", pic})
	if !regexp.MustCompile(`^blob-\d{13}\.png$`).MatchString(guest.Filename) {
		t.Errorf("a Blob's filename: got %q, want blob-<ms>.png", guest.Filename)
	}
	checkError(t, a.do("DELETE", filesPath+"?filename="+guest.Filename, owner.Access, nil), 404, "")
	if resp, _ := a.getUploaded(0, "", "", guest.Filename); resp.StatusCode != 200 {
		t.Errorf("getFile of the guest's upload: got %d, want 200", resp.StatusCode)
	}
}

func TestUploadSharesBytes(t *testing.T) {
	pic := picturePNG(t)
	srv := apptest.Start(t, apptest.WithProject(picturedProject(pic)))
	a := newAPI(t, srv)
	user := a.signUpAndLogin("sharer@example.com")
	project := fmt.Sprintf("%s/cloud-static/files/%d/cosmo.png", srv.BaseURL, fileID(t, srv, "cosmo.png"))

	// The same bytes as the product's picture are one file: deleting the
	// upload keeps what the catalogue shows.
	first := a.uploadOne(editorFolder, user.Access, uploadPart{"files", "cosmo.png", pic})
	second := a.uploadOne(editorFolder, user.Access, uploadPart{"files", "cosmo.png", pic})
	if first.Filename == second.Filename {
		t.Fatalf("two uploads of one name got one filename %q", first.Filename)
	}
	if n := count(t, srv, "files"); n != 2 { // the picture and the logo
		t.Errorf("files: got %d, want 2: an upload of stored bytes reuses them", n)
	}
	a.expect("DELETE", deleteQuery(first.Filename), user.Access, nil, 200)
	a.expect("DELETE", deleteQuery(second.Filename), user.Access, nil, 200)
	if resp, body := get(t, "GET", project, nil); resp.StatusCode != 200 || !bytes.Equal(body, pic) {
		t.Errorf("the product's picture after its uploads were deleted: got %d", resp.StatusCode)
	}

	// Two uploads of other bytes: the bytes stay until the last goes.
	doc := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
	one := a.uploadOne(editorFolder, user.Access, uploadPart{"files", "manual.pdf", doc})
	two := a.uploadOne(editorFolder, user.Access, uploadPart{"files", "copy.pdf", doc})
	if !strings.HasSuffix(one.Filename, ".pdf") {
		t.Errorf("a pdf's filename: got %q", one.Filename)
	}
	a.expect("DELETE", deleteQuery(one.Filename), user.Access, nil, 200)
	if resp, body := get(t, "GET", two.DownloadLink, nil); resp.StatusCode != 200 || !bytes.Equal(body, doc) {
		t.Errorf("the other upload of the same bytes: got %d", resp.StatusCode)
	}
	a.expect("DELETE", deleteQuery(two.Filename), user.Access, nil, 200)
	if resp, _ := get(t, "GET", two.DownloadLink, nil); resp.StatusCode != 404 {
		t.Errorf("after the last upload of them went: got %d, want 404", resp.StatusCode)
	}
}

func TestUploadRefused(t *testing.T) {
	srv := apptest.Start(t, apptest.WithConfig(func(c *app.Config) { c.MaxUploadSize = 4096 }))
	a := newAPI(t, srv)
	pic := picturePNG(t)
	big := append(append([]byte(nil), pic...), make([]byte, 4096)...)
	cases := []struct {
		name    string
		query   string
		parts   []uploadPart
		status  int
		message string
	}{
		{"over the size limit", "", []uploadPart{{"files", "big.png", big}}, 413, "4096 bytes"},
		{"far over the limit", "", []uploadPart{{"files", "huge.png", append(append([]byte(nil), pic...), make([]byte, 200<<10)...)}}, 413, "4096 bytes"},
		{"over the limit together", "", []uploadPart{{"files", "a.png", pic}, {"files", "b.png", big[:4050]}}, 413, "4096 bytes"},
		{"an executable", "", []uploadPart{{"files", "setup.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00")}}, 400, "files[0]"},
		{"html named as an image", "", []uploadPart{{"files", "x.png", []byte("<html><script>alert(1)</script></html>")}}, 400, "text/html"},
		{"text named as a pdf", "", []uploadPart{{"files", "x.pdf", []byte("hello")}}, 400, "files[0]"},
		{"one bad file of two", "", []uploadPart{{"files", "a.png", pic}, {"files", "b.exe", []byte("MZ")}}, 400, "files[1]"},
		{"empty", "", []uploadPart{{"files", "a.png", nil}}, 400, "empty"},
		{"no files field", "", []uploadPart{{"file", "a.png", pic}}, 400, "files"},
		{"a bad id", "?id=abc", []uploadPart{{"files", "a.png", pic}}, 400, "id"},
		{"a path as type", "?type=../etc", []uploadPart{{"files", "a.png", pic}}, 400, "type"},
		{"a bad entity", "?entity=a%20b", []uploadPart{{"files", "a.png", pic}}, 400, "entity"},
		{"a bad width", "?width=-1", []uploadPart{{"files", "a.png", pic}}, 400, "width"},
		{"a bad compress", "?compress=yes", []uploadPart{{"files", "a.png", pic}}, 400, "compress"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := a.upload(tc.query, "", tc.parts...)
			checkError(t, r, tc.status, "")
			var e struct{ Message string }
			_ = json.Unmarshal(r.raw, &e)
			if !strings.Contains(e.Message, tc.message) {
				t.Errorf("message: got %q, want it to name %q", e.Message, tc.message)
			}
		})
	}
	checkError(t, a.do("POST", filesPath, "", map[string]any{"files": "x"}), 400, "")
	if n := count(t, srv, "uploads"); n != 0 {
		t.Errorf("uploads stored by refused requests: %d", n)
	}
	if n := count(t, srv, "files"); n != 0 {
		t.Errorf("files stored by refused requests: %d", n)
	}
	a.token = ""
	checkError(t, a.upload("", "", uploadPart{"files", "a.png", pic}), 403, "")
}

func TestUploadRateLimit(t *testing.T) {
	srv := apptest.Start(t, apptest.WithConfig(func(c *app.Config) {
		c.UploadLimits = app.UploadLimits{PerAddress: 2, Window: time.Hour}
	}))
	a := newAPI(t, srv)
	pic := picturePNG(t)
	a.uploadOne("", "", uploadPart{"files", "a.png", pic})
	// A refused upload does not count.
	checkError(t, a.upload("", "", uploadPart{"files", "a.exe", []byte("MZ")}), 400, "")
	a.uploadOne("", "", uploadPart{"files", "b.png", pic})
	r := a.upload("", "", uploadPart{"files", "c.png", pic})
	checkError(t, r, 429, "")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestSystem(t *testing.T) {
	now := time.Date(2025, 7, 4, 12, 0, 0, 0, time.UTC)
	srv := apptest.Start(t, apptest.WithClock(func() time.Time { return now }))
	a := newAPI(t, srv)
	checkError(t, a.do("GET", "/api/content/system/test404", "", nil), 404, "")
	checkError(t, a.do("GET", "/api/content/system/test500", "", nil), 500, "")
	get(t, "GET", srv.BaseURL+"/healthz", nil) // not the Content API: not counted
	stat := a.expect("GET", "/api/content/system/api-stat", "", nil, 200).json(t)
	if len(stat) != 1 || stat["2025-07-04"] != float64(2) {
		t.Errorf("api-stat: got %v, want {2025-07-04: 2}", stat)
	}
	now = now.Add(24 * time.Hour)
	stat = a.expect("GET", "/api/content/system/api-stat", "", nil, 200).json(t)
	if len(stat) != 1 || stat["2025-07-04"] != float64(3) {
		t.Errorf("api-stat the next day, before any request of it was counted: got %v, want {2025-07-04: 3}", stat)
	}
	stat = a.expect("GET", "/api/content/system/api-stat", "", nil, 200).json(t)
	if len(stat) != 2 || stat["2025-07-05"] != float64(1) {
		t.Errorf("api-stat: got %v, want 2025-07-05: 1", stat)
	}
	a.token = ""
	checkError(t, a.do("GET", "/api/content/system/api-stat", "", nil), 403, "")
}

// TestUploadsGoWithTheAccount: deleting an account deletes its uploads and
// their bytes, unless another upload shares them.
func TestUploadsGoWithTheAccount(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	leaving := a.signUpAndLogin("leaving@example.com")
	staying := a.signUpAndLogin("staying@example.com")
	shared := picturePNG(t)
	own := a.uploadOne(editorFolder, leaving.Access, uploadPart{"files", "notes.txt", []byte("my own notes")})
	a.uploadOne(editorFolder, leaving.Access, uploadPart{"files", "a.png", shared})
	kept := a.uploadOne(editorFolder, staying.Access, uploadPart{"files", "b.png", shared})
	a.expect("DELETE", "/api/content/users/me/account", leaving.Access, nil, 200)
	if n := count(t, srv, "uploads"); n != 1 {
		t.Errorf("uploads left: %d, want the other user's", n)
	}
	if resp, _ := get(t, "GET", own.DownloadLink, nil); resp.StatusCode != 404 {
		t.Errorf("the deleted user's own file: %d, want 404", resp.StatusCode)
	}
	if resp, body := get(t, "GET", kept.DownloadLink, nil); resp.StatusCode != 200 || !bytes.Equal(body, shared) {
		t.Errorf("the shared bytes: %d", resp.StatusCode)
	}
}
