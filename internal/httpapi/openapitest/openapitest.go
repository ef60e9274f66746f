// Package openapitest checks real HTTP traffic against the server's OpenAPI
// document (internal/httpapi/openapi.json) with kin-openapi, so that the
// document cannot drift from the code. Tests put a Checker's Proxy between a
// client and an apptest server; every request and response that does not
// match the document fails the test.
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/openentry/openentry/internal/httpapi"
)

// Checker validates requests and responses against the document and
// records which operations answered which statuses.
type Checker struct {
	t      testing.TB
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options

	mu   sync.Mutex
	seen map[string]map[int]bool // "GET /api/content/users/me" → statuses
}

// Load parses and validates the document served at /api-docs/openapi.json.
func Load(ctx context.Context) (*openapi3.T, error) { return LoadData(ctx, httpapi.OpenAPI()) }

// LoadData parses and validates an OpenAPI document.
func LoadData(ctx context.Context, data []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	return doc, nil
}

// New returns a Checker that reports mismatches with t.Errorf. It fails the
// test at once if the document does not load or validate.
func New(t testing.TB) *Checker {
	t.Helper()
	return NewFor(t, httpapi.OpenAPI())
}

// NewFor is New for another document (the admin API's).
func NewFor(t testing.TB, data []byte) *Checker {
	t.Helper()
	doc, err := LoadData(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true, // an undocumented status is a mismatch
		SkipSettingDefaults:   true,
		AuthenticationFunc:    authenticate,
	}
	opts.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), err.Reason)
	})
	return &Checker{t: t, doc: doc, router: router, opts: opts, seen: map[string]map[int]bool{}}
}

// authenticate checks that the credentials a security scheme asks for are
// present; whether they are valid is the server's business.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header
	switch s := in.SecurityScheme; {
	case s.Type == "apiKey" && s.In == "header":
		if h.Get(s.Name) == "" {
			return in.NewError(fmt.Errorf("no %s header", s.Name))
		}
	case s.Type == "apiKey" && s.In == "cookie":
		if c, err := in.RequestValidationInput.Request.Cookie(s.Name); err != nil || c.Value == "" {
			return in.NewError(fmt.Errorf("no %s cookie", s.Name))
		}
	case s.Type == "http" && s.Scheme == "bearer":
		if token, ok := strings.CutPrefix(h.Get("Authorization"), "Bearer "); !ok || token == "" {
			return in.NewError(errors.New("no bearer token"))
		}
	default:
		return in.NewError(fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName))
	}
	return nil
}

// Proxy starts a reverse proxy to target (e.g. an apptest server's BaseURL)
// that checks everything passing through it, and returns its URL. It stops
// when the test ends.
func (c *Checker) Proxy(target string) string {
	c.t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		c.t.Fatal(err)
	}
	next := http.DefaultTransport.(*http.Transport).Clone()
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			// Without the client's Accept-Encoding, the transport asks for
			// gzip itself and decompresses, so that bodies can be read.
			r.Out.Header.Del("Accept-Encoding")
		},
		Transport: &transport{c: c, next: next},
	}
	srv := httptest.NewServer(proxy)
	c.t.Cleanup(func() {
		srv.Close()
		next.CloseIdleConnections()
	})
	return srv.URL
}

type transport struct {
	c    *Checker
	next http.RoundTripper
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		var err error
		reqBody, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(reqBody))
	resp, err := tr.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if err := tr.c.check(req, reqBody, resp, respBody); err != nil {
		tr.c.t.Errorf("openapi.json: %s %s answered %d: %v\nrequest body: %s\nresponse body: %s",
			req.Method, req.URL.RequestURI(), resp.StatusCode, err, clip(reqBody), clip(respBody))
	}
	return resp, nil
}

// check validates one exchange. The response must always match. The
// request must match whenever the server accepted it (2xx): the document
// may not reject what the server takes. Requests the server refused were
// often malformed on purpose, so they are not checked.
func (c *Checker) check(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) error {
	if req.Method == http.MethodOptions || req.Method == http.MethodHead {
		return nil // CORS preflights and HEADs are answered by middleware and net/http, not routes
	}
	ctx := context.Background()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		// Not a documented operation: the server must not serve it either,
		// but answer the catch-all 404 with an Error body.
		if resp.StatusCode != http.StatusNotFound {
			return fmt.Errorf("no such operation in the document (%v), yet the server answered %d", err, resp.StatusCode)
		}
		return validateJSON(respBody, c.doc.Components.Schemas["Error"].Value)
	}
	c.record(route, resp.StatusCode)

	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: c.opts}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			return fmt.Errorf("the server accepted a request the document rejects: %w", err)
		}
	}
	return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(respBody)),
		Options:                c.opts,
	})
}

func validateJSON(body []byte, schema *openapi3.Schema) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	return schema.VisitJSON(v)
}

func (c *Checker) record(route *routers.Route, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	op := route.Method + " " + route.Path
	if c.seen[op] == nil {
		c.seen[op] = map[int]bool{}
	}
	c.seen[op][status] = true
}

// Operations returns every operation of the document as "METHOD /path",
// sorted.
func (c *Checker) Operations() []string {
	var ops []string
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	slices.Sort(ops)
	return ops
}

// DocumentsSuccess reports whether operation ("METHOD /path") documents
// a 2xx answer; some (System.test404) answer only errors, on purpose.
func (c *Checker) DocumentsSuccess(operation string) bool {
	method, path, _ := strings.Cut(operation, " ")
	item := c.doc.Paths.Find(path)
	if item == nil || item.GetOperation(method) == nil {
		return false
	}
	for status := range item.GetOperation(method).Responses.Map() {
		if len(status) == 3 && status[0] == '2' {
			return true
		}
	}
	return false
}

// Statuses returns the statuses operation ("METHOD /path") answered so far,
// sorted.
func (c *Checker) Statuses(operation string) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for status := range c.seen[operation] {
		out = append(out, status)
	}
	slices.Sort(out)
	return out
}

// clip shortens a body for a failure message.
func clip(b []byte) string {
	const max = 2000
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
