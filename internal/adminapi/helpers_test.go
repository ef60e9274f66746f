package adminapi_test

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/openentry/openentry/internal/adminapi"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/httpapi/openapitest"
)

// start runs a demo-shop server and an owner signed in through a proxy
// that checks every admin exchange against the admin OpenAPI document.
func start(t *testing.T, opts ...apptest.Option) (*apptest.Server, *apptest.Admin, *openapitest.Checker) {
	t.Helper()
	srv := apptest.Start(t, opts...)
	c := checker(t)
	owner := srv.Staff(t, "owner@shop.test", "owner").Via(c.Proxy(srv.BaseURL))
	return srv, owner, c
}

// as signs a new staff member of role in, through the same checker.
func as(t *testing.T, srv *apptest.Server, c *openapitest.Checker, email, role string) *apptest.Admin {
	t.Helper()
	return srv.Staff(t, email, role).Via(c.Proxy(srv.BaseURL))
}

// checkers are every checker the tests made, for TestMain's coverage.
var checkers struct {
	sync.Mutex
	all []*openapitest.Checker
}

// checker returns a checker of the admin document that TestMain counts.
func checker(t *testing.T) *openapitest.Checker {
	t.Helper()
	c := openapitest.NewFor(t, adminapi.OpenAPI())
	checkers.Lock()
	defer checkers.Unlock()
	checkers.all = append(checkers.all, c)
	return c
}

// TestMain runs the tests and then, on a whole run, fails unless every
// documented operation answered a success through some checking proxy: the
// document is validated against real answers of every route.
func TestMain(m *testing.M) {
	code := m.Run()
	if code != 0 || flag.Lookup("test.run").Value.String() != "" || testing.Short() {
		os.Exit(code)
	}
	t := &testing.T{}
	doc := openapitest.NewFor(t, adminapi.OpenAPI())
	var missing []string
	for _, op := range doc.Operations() {
		if !doc.DocumentsSuccess(op) {
			continue
		}
		answered := false
		for _, c := range checkers.all {
			for _, status := range c.Statuses(op) {
				answered = answered || (status >= 200 && status < 300)
			}
		}
		if !answered {
			missing = append(missing, op)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "these admin operations never answered a success through a checking proxy:\n  %s\n", strings.Join(missing, "\n  "))
		os.Exit(1)
	}
	os.Exit(code)
}

// adminCall is one request a test sends.
type adminCall struct {
	method, path string
	body         any
}

// expectReadOnly signs each role in, as staff and with an API key of the
// role, and checks that every write is refused (403) and every read served.
func expectReadOnly(t *testing.T, srv *apptest.Server, owner *apptest.Admin, c *openapitest.Checker, roles []string, writes []adminCall, reads []string) {
	t.Helper()
	for _, role := range roles {
		a := as(t, srv, c, role+"@shop.test", role)
		key := owner.KeyAs(t, role).Via(c.Proxy(srv.BaseURL))
		for _, who := range []*apptest.Admin{a, key} {
			for _, w := range writes {
				who.Expect(t, w.method, w.path, w.body, http.StatusForbidden, nil)
			}
			for _, r := range reads {
				who.Expect(t, "GET", r, nil, http.StatusOK, nil)
			}
		}
	}
}

var routePattern = regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE) (/\S*)$`)

// registeredRoutes reads routes.go and returns every "METHOD /path" in it.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if m := routePattern.FindStringSubmatch(s); err == nil && m != nil && strings.HasPrefix(m[2], "/api/") {
			out = append(out, s)
		}
		return true
	})
	return out
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	routes := registeredRoutes(t)
	if len(routes) < 10 {
		t.Fatalf("found only %d routes in routes.go: %v", len(routes), routes)
	}
	ops := openapitest.NewFor(t, adminapi.OpenAPI()).Operations()
	for _, r := range routes {
		if !slices.Contains(ops, r) {
			t.Errorf("routes.go serves %s, the admin OpenAPI document does not", r)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("the admin OpenAPI document has %s, routes.go does not serve it", op)
		}
	}
}
