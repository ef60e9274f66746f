package app_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/openentry/openentry"

// listed is what go list says of one package, tests left out: what the
// binary would link.
type listed struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Deps       []string
}

// goList lists the module's packages with their direct imports and all
// their dependencies.
func goList(t *testing.T, patterns ...string) map[string]listed {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json=ImportPath,Standard,Imports,Deps"}, patterns...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]listed{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// adapterOf names the adapter a package belongs to, or "": each payment
// provider is an adapter of its own.
func adapterOf(path string) string {
	rel, ok := strings.CutPrefix(path, module+"/internal/")
	if !ok {
		return ""
	}
	parts := strings.Split(rel, "/")
	switch parts[0] {
	case "httpapi", "adminapi", "sqlstore", "mail", "credential":
		return parts[0]
	case "payment":
		if len(parts) > 1 {
			return "payment/" + parts[1]
		}
	}
	return ""
}

// isTestHelper reports a package that exists for tests only.
func isTestHelper(path string) bool {
	last := path[strings.LastIndexByte(path, '/')+1:]
	if path != module && !strings.HasPrefix(path, module+"/") {
		return path == "testing" || strings.HasPrefix(path, "testing/") || last == "httptest"
	}
	return strings.HasSuffix(last, "test") || last == "stripemock"
}

func ours(deps []string) []string {
	var out []string
	for _, d := range deps {
		if d == module || strings.HasPrefix(d, module+"/") {
			out = append(out, d)
		}
	}
	return out
}

// TestImportRules holds the layout to its shape: the domain and the Go SDK
// on the standard library alone, use cases in internal/shop, adapters that
// never import each other, and one wiring package.
func TestImportRules(t *testing.T) {
	pkgs := goList(t, "./...")
	std := goList(t, "std")
	for _, path := range []string{module, module + "/oneentry"} {
		for _, d := range pkgs[path].Deps {
			if _, ok := std[d]; !ok {
				t.Errorf("%s depends on %s: it may use the standard library only", path, d)
			}
		}
	}
	for path, p := range pkgs {
		if isTestHelper(path) {
			continue // test helpers may reach into what they help test
		}
		mine := adapterOf(path)
		for _, d := range ours(p.Deps) {
			other := adapterOf(d)
			switch {
			case other == "" || other == mine:
			case path == module+"/internal/app":
			case mine != "":
				t.Errorf("adapter %s (%s) depends on adapter %s (%s): adapters never import each other", mine, path, other, d)
			case slices.Contains(p.Imports, d):
				t.Errorf("%s imports adapter %s: only internal/app wires adapters", path, d)
			}
		}
		if path == module+"/internal/shop" || path == module {
			for _, d := range ours(p.Deps) {
				if adapterOf(d) != "" {
					t.Errorf("%s depends on adapter %s: the use cases and the domain know ports only", path, d)
				}
			}
		}
	}
	cmd := pkgs[module+"/cmd/openentry"]
	for _, banned := range []string{"/internal/httpapi", "/internal/sqlstore", "/internal/shop"} {
		if slices.Contains(cmd.Imports, module+banned) {
			t.Errorf("cmd/openentry imports %s: it imports the wiring (internal/app), never handlers, SQL or use cases", module+banned)
		}
	}
	if !slices.Contains(cmd.Imports, module+"/internal/app") {
		t.Error("cmd/openentry does not import internal/app")
	}
	for _, d := range cmd.Deps {
		if isTestHelper(d) {
			t.Errorf("the binary links test helper %s", d)
		}
	}
}

// TestAdapterOf keeps the rule's classification honest: a rule over a
// wrong list would pass for nothing.
func TestAdapterOf(t *testing.T) {
	for path, want := range map[string]string{
		module + "/internal/httpapi":                      "httpapi",
		module + "/internal/httpapi/openapitest":          "httpapi",
		module + "/internal/sqlstore":                     "sqlstore",
		module + "/internal/payment/stripepay":            "payment/stripepay",
		module + "/internal/payment/stripepay/stripemock": "payment/stripepay",
		module + "/internal/payment/cash":                 "payment/cash",
		module + "/internal/mail":                         "mail",
		module + "/internal/credential":                   "credential",
		module + "/internal/shop":                         "",
		module + "/internal/app":                          "",
		module:                                            "",
	} {
		if got := adapterOf(path); got != want {
			t.Errorf("adapterOf(%s): got %q, want %q", path, got, want)
		}
	}
	for path, want := range map[string]bool{
		module + "/internal/app/apptest":                  true,
		module + "/internal/mail/mailtest":                true,
		module + "/internal/payment/stripepay/stripemock": true,
		"net/http/httptest":                               true,
		"testing":                                         true,
		"internal/synctest":                               false,
		module + "/internal/app":                          false,
		module + "/internal/metrics":                      false,
	} {
		if got := isTestHelper(path); got != want {
			t.Errorf("isTestHelper(%s): got %v, want %v", path, got, want)
		}
	}
}
