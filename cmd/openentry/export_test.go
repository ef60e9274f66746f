package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
)

// export runs `openentry export` on dsn into dir/project.json.
func export(t *testing.T, dsn, dir string) []byte {
	t.Helper()
	out := filepath.Join(dir, "project.json")
	var stdout, stderr apptest.Buffer
	if err := run(context.Background(), []string{"openentry", "export", "--db", dsn, "--out", out},
		func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readProject reads a project file as serve --project does.
func readProject(t *testing.T, file string) *openentry.Project {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := openentry.ParseProject(data)
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(filepath.Dir(file))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	p.Files = root.FS()
	return p
}

// tree maps each file under dir (but the project) to its bytes.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "project.json" {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func getJSON(t *testing.T, method, url, body string) (int, any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("x-app-token", apptest.AppToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s %s: %v: %.200s", method, url, err, raw)
	}
	return resp.StatusCode, v
}

// The demo shop exported, applied to an empty database and exported again
// gives the same bytes and files, and the copy answers the catalogue as the
// original does.
func TestExportRoundTrip(t *testing.T) {
	first := apptest.Start(t, apptest.WithDemoShop())
	// An order takes 2 of product 100's 25 units: the export carries 23.
	_, tokens := call(t, "POST", first.BaseURL+"/api/content/users-auth-providers/marker/email/users/auth", apptest.AppToken, "",
		`{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`)
	if code, o := call(t, "POST", first.BaseURL+"/api/content/orders-storage/marker/orders/orders", apptest.AppToken,
		fmt.Sprint(tokens["accessToken"]), `{"formIdentifier":"order","paymentAccountIdentifier":"cash",`+
			`"formData":[{"marker":"name","type":"string","value":"A"}],"products":[{"productId":100,"quantity":2}]}`); code != 201 {
		t.Fatalf("order: got %d %v", code, o)
	}
	dir1, dir2 := t.TempDir(), t.TempDir()
	export1 := export(t, first.DSN, dir1)
	files1 := tree(t, dir1)
	if len(files1) == 0 {
		t.Fatal("the demo's images were not exported")
	}
	p := readProject(t, filepath.Join(dir1, "project.json"))
	for _, want := range []struct {
		what   string
		n, min int
	}{{"products", len(p.Products), 30}, {"pages", len(p.Pages), 22}, {"blocks", len(p.Blocks), 9},
		{"menus", len(p.Menus), 6}, {"attribute sets", len(p.AttributeSets), 7}, {"locales", len(p.Locales), 2},
		{"events", len(p.Events), 6}, {"templates", len(p.Templates), 2}, {"template previews", len(p.TemplatePreviews), 2},
		{"forms", len(p.Forms), 3}, {"order storages", len(p.OrderStorages), 2}, {"payment accounts", len(p.PaymentAccounts), 2}} {
		if want.n < want.min {
			t.Errorf("%s: got %d, want at least %d", want.what, want.n, want.min)
		}
	}
	for _, pr := range p.Products {
		if pr.ID == 100 {
			if got := string(pr.AttributeValues["en_US"]["units_product"]); got != "23" {
				t.Errorf("product 100's units: got %s, want 23", got)
			}
		}
	}
	if bytes.Contains(export1, []byte(`"secretKey"`)) || bytes.Contains(export1, []byte(apptest.AppToken)) {
		t.Error("the export holds secrets")
	}

	second := apptest.Start(t, apptest.WithConfig(func(c *app.Config) { c.Projects = []*openentry.Project{p} }))
	export2 := export(t, second.DSN, dir2)
	if !bytes.Equal(export1, export2) {
		a, b := strings.Split(string(export1), "\n"), strings.Split(string(export2), "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("exports differ at line %d:\n%s\n%s", i+1, a[i], b[i])
			}
		}
		t.Fatalf("exports differ in length: %d and %d lines", len(a), len(b))
	}
	if files2 := tree(t, dir2); !reflect.DeepEqual(files1, files2) {
		t.Errorf("files differ: %d and %d", len(files1), len(files2))
	}

	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/content/products/100?langCode=en_US", ""},
		{"GET", "/api/content/products/14?langCode=en_US", ""},
		{"GET", "/api/content/products/100/related?langCode=fr_FR", ""},
		{"POST", "/api/content/products/all?langCode=en_US&offset=0&limit=50", "[]"},
		{"POST", "/api/content/products/page/url/furniture?langCode=en_US", "[]"},
		{"GET", "/api/content/pages?langCode=en_US", ""},
		{"GET", "/api/content/pages/url/shop?langCode=fr_FR", ""},
		{"GET", "/api/content/blocks/marker/home_banner?langCode=en_US", ""},
		{"GET", "/api/content/attributes-sets/marker/product?langCode=en_US", ""},
		{"GET", "/api/content/product-statuses?langCode=en_US", ""},
		{"GET", "/api/content/menus/marker/main_web?langCode=en_US", ""},
		{"GET", "/api/content/locales/active/all", ""},
		{"GET", "/api/content/templates/all?langCode=en_US", ""},
	} {
		code1, body1 := getJSON(t, c.method, first.BaseURL+c.path, c.body)
		code2, body2 := getJSON(t, c.method, second.BaseURL+c.path, c.body)
		if code1 != 200 && code1 != 201 {
			t.Errorf("%s %s on the original: got %d", c.method, c.path, code1)
		}
		body1, body2 = renumbered(body1, first.BaseURL), renumbered(body2, second.BaseURL)
		if code1 != code2 || !reflect.DeepEqual(body1, body2) {
			j1, _ := json.Marshal(body1)
			j2, _ := json.Marshal(body2)
			t.Errorf("%s %s: the copy answers\n%d %.3000s\nthe original\n%d %.3000s", c.method, c.path, code2, j2, code1, j1)
		}
	}
}

// renumbered drops what differs between two shops of the same content:
// the server's address in links, the times objects were created, and
// positions. A project file lists each kind of object in one order and the
// apply numbers them 1, 2, 3…, while the demo's two files number theirs
// from 1 each: the order is kept, the numbers are not.
func renumbered(v any, base string) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if k == "position" || k == "positionId" {
				delete(v, k)
				continue
			}
			v[k] = renumbered(e, base)
		}
	case []any:
		for i, e := range v {
			v[i] = renumbered(e, base)
		}
	case string:
		if _, err := time.Parse(time.RFC3339, v); err == nil {
			return "<time>"
		}
		return strings.ReplaceAll(v, base, "<base>")
	}
	return v
}

// With --users the export carries the shop users' accounts, password
// hashes and all: applied to an empty database, the same users sign in
// with the same passwords, and exporting again gives the same bytes.
// Without it, no user's login is in the file.
func TestExportWithUsers(t *testing.T) {
	first := apptest.Start(t)
	signUp := `{"formIdentifier":"reg","authData":[{"marker":"email_reg","value":"ann@example.com"},{"marker":"password_reg","value":"ann-password-1"}],` +
		`"formData":[{"marker":"name_reg","type":"string","value":"Ann Lee"}],"notificationData":{"email":"ann@example.com","phonePush":[],"phoneSMS":""}}`
	if code, body := call(t, "POST", first.BaseURL+"/api/content/users-auth-providers/marker/email/users/sign-up", apptest.AppToken, "", signUp); code != 201 {
		t.Fatalf("sign up: %d %v", code, body)
	}
	plain := export(t, first.DSN, t.TempDir())
	if bytes.Contains(plain, []byte("ann@example.com")) || bytes.Contains(plain, []byte("argon2id")) {
		t.Error("an export without --users holds a user's data")
	}
	withUsers := func(dsn, dir string) []byte {
		out := filepath.Join(dir, "project.json")
		var stdout, stderr apptest.Buffer
		if err := run(context.Background(), []string{"openentry", "export", "--db", dsn, "--out", out, "--users"},
			func(string) string { return "" }, &stdout, &stderr); err != nil {
			t.Fatalf("export --users: %v\n%s", err, stderr.String())
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	dir := t.TempDir()
	export1 := withUsers(first.DSN, dir)
	if !bytes.Contains(export1, []byte(`"login": "ann@example.com"`)) || !bytes.Contains(export1, []byte(`"passwordHash": "$argon2id$`)) ||
		bytes.Contains(export1, []byte("ann-password-1")) {
		t.Fatalf("export --users: %s", export1)
	}
	// The copy gets the export alone, as `serve --project` on an empty database.
	dsn2 := apptest.DSN(t)
	a, err := apptest.Open(dsn2, readProject(t, filepath.Join(dir, "project.json")))
	if err != nil {
		t.Fatal(err)
	}
	second := httptest.NewServer(a.Handler)
	code, tokens := call(t, "POST", second.URL+"/api/content/users-auth-providers/marker/email/users/auth", apptest.AppToken, "",
		`{"authData":[{"marker":"email_reg","value":"ann@example.com"},{"marker":"password_reg","value":"ann-password-1"}]}`)
	second.Close()
	a.Close()
	if code != 201 || tokens["accessToken"] == nil {
		t.Fatalf("sign in on the copy: %d %v", code, tokens)
	}
	if export2 := withUsers(dsn2, t.TempDir()); !bytes.Equal(export1, export2) {
		t.Errorf("the copy exports differently:\n%s\n---\n%s", export1, export2)
	}
}
