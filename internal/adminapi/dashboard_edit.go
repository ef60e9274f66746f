package adminapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/apierror"
)

// The dashboard edits the shop's other objects (pages, blocks, menus,
// settings…) as JSON, through the JSON routes' own handlers: a page reads
// the object with the route's GET, shows what its PUT takes (filtered by
// the OpenAPI document's request schema) and saves with the route's PUT.
// One editor, no second copy of any route's decoding or checks.

// editable is one kind of object the dashboard edits as JSON.
type editable struct {
	Name    string   // the URL segment: /admin/edit/{Name}
	Title   string   // "Pages"
	API     string   // the JSON route of the list: /api/admin/pages
	Param   string   // the item route's path value: "id" or "marker"
	Key     string   // the list item's field that is that value
	Columns []string // list item fields shown in the list
	Write   openentry.Permission
	list    actorHandler
	get     actorHandler
	put     actorHandler
}

// capture is an http.ResponseWriter that keeps an answer in memory.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(s int) {
	if c.status == 0 {
		c.status = s
	}
}
func (c *capture) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return c.body.Write(b)
}

// call runs a JSON route's handler for a dashboard page and returns its
// answer, or the error its body names.
func call(h actorHandler, r *http.Request, a openentry.Actor, method, path string, query url.Values, pathValues map[string]string, body []byte) ([]byte, error) {
	r2 := r.Clone(r.Context())
	r2.Method = method
	r2.URL = &url.URL{Path: path, RawQuery: query.Encode()}
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	r2.Header = http.Header{"Content-Type": {"application/json"}}
	for k, v := range pathValues {
		r2.SetPathValue(k, v)
	}
	c := &capture{header: http.Header{}}
	h(c, r2, a)
	if c.status >= 200 && c.status < 300 {
		return c.body.Bytes(), nil
	}
	var e errorBody
	if json.Unmarshal(c.body.Bytes(), &e) != nil || e.Message == "" {
		e.Message = http.StatusText(c.status)
	}
	return nil, &statusError{status: c.status, message: e.Message}
}

// statusError is a JSON route's error, its status kept.
type statusError struct {
	status  int
	message string
}

func (e *statusError) Error() string { return e.message }

// asDomain turns a route's error back into the domain error of its status,
// so that the page answers the same status.
func asDomain(err error) error {
	if se, ok := err.(*statusError); ok {
		if e := apierror.FromStatus(se.status, se.message); e != nil {
			return e
		}
	}
	return err
}

// listItems reads a list answer: an array, or {items, total}.
func listItems(body []byte) ([]map[string]any, *int64, error) {
	var items []map[string]any
	if json.Unmarshal(body, &items) == nil {
		return items, nil, nil
	}
	var paged struct {
		Items []map[string]any `json:"items"`
		Total *int64           `json:"total"`
	}
	err := json.Unmarshal(body, &paged)
	return paged.Items, paged.Total, err
}

// row is one list item: its key and the columns shown.
type row struct {
	Key   string
	Cells []string
}

func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64, bool:
		return fmt.Sprint(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (d *dashboard) editList(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	e, ok := d.editables[r.PathValue("kind")]
	if !ok {
		d.fail(w, r, &a, openentry.NotFound("No such page"))
		return
	}
	page, err := pageOf(formQuery(r))
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	q := url.Values{}
	if r.URL.Query().Get("offset") != "" || r.URL.Query().Get("limit") != "" {
		q.Set("offset", fmt.Sprint(page.Offset))
		q.Set("limit", fmt.Sprint(page.Limit))
	}
	body, err := call(e.list, r, a, http.MethodGet, e.API, q, nil, nil)
	if err != nil {
		d.fail(w, r, &a, asDomain(err))
		return
	}
	items, total, err := listItems(body)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	rows := make([]row, len(items))
	for i, it := range items {
		rows[i].Key = cellText(it[e.Key])
		for _, c := range e.Columns {
			rows[i].Cells = append(rows[i].Cells, cellText(it[c]))
		}
	}
	var p *pager
	if total != nil {
		pg := newPager(r, *total, page)
		p = &pg
	}
	d.render(w, r, http.StatusOK, "edit-list", view{Title: e.Title, Actor: a, CSRF: d.csrf(r), Data: struct {
		Kind  editable
		Rows  []row
		Pager *pager
	}{e, rows, p}})
}

func (d *dashboard) editItem(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	e, ok := d.editables[r.PathValue("kind")]
	if !ok {
		d.fail(w, r, &a, openentry.NotFound("No such page"))
		return
	}
	key := r.PathValue("key")
	v, err := d.item(r, a, e, key)
	if err != nil {
		d.fail(w, r, &a, asDomain(err))
		return
	}
	full, _ := json.MarshalIndent(v, "", "  ")
	put, _ := json.MarshalIndent(keepSchema(v, d.putSchema(e)), "", "  ")
	d.render(w, r, http.StatusOK, "edit-item", view{Title: e.Title + ": " + key, Actor: a, CSRF: d.csrf(r), Data: struct {
		Kind     editable
		Key      string
		Full     string
		Editable string
	}{e, key, string(full), string(put)}})
}

// item reads one object: through its GET route, or from the list for
// kinds that have none.
func (d *dashboard) item(r *http.Request, a openentry.Actor, e editable, key string) (any, error) {
	if e.get != nil {
		body, err := call(e.get, r, a, http.MethodGet, e.API+"/"+url.PathEscape(key), nil, map[string]string{e.Param: key}, nil)
		if err != nil {
			return nil, err
		}
		var v any
		return v, json.Unmarshal(body, &v)
	}
	body, err := call(e.list, r, a, http.MethodGet, e.API, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	items, _, err := listItems(body)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if cellText(it[e.Key]) == key {
			return it, nil
		}
	}
	return nil, openentry.NotFound(fmt.Sprintf("%s %q not found", e.Title, key))
}

func (d *dashboard) editSave(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	e, ok := d.editables[r.PathValue("kind")]
	if !ok {
		d.fail(w, r, &a, openentry.NotFound("No such page"))
		return
	}
	if err := a.Can(e.Write); err != nil {
		d.fail(w, r, &a, err)
		return
	}
	key := r.PathValue("key")
	path := e.API + "/" + url.PathEscape(key)
	if _, err := call(e.put, r, a, http.MethodPut, path, nil, map[string]string{e.Param: key}, []byte(r.PostFormValue("content"))); err != nil {
		d.fail(w, r, &a, asDomain(err))
		return
	}
	done(w, r, "/admin/edit/"+e.Name+"/"+url.PathEscape(key), "Saved")
}

// putSchema is the request body schema of the kind's item PUT, from the
// admin OpenAPI document.
func (d *dashboard) putSchema(e editable) map[string]any {
	doc := openapiDoc()
	paths, _ := doc["paths"].(map[string]any)
	item, _ := paths[e.API+"/{"+e.Param+"}"].(map[string]any)
	put, _ := item["put"].(map[string]any)
	body, _ := put["requestBody"].(map[string]any)
	content, _ := body["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schema, _ := media["schema"].(map[string]any)
	return resolve(doc, schema)
}

var openapiDoc = sync.OnceValue(func() map[string]any {
	var doc map[string]any
	_ = json.Unmarshal(OpenAPI(), &doc)
	return doc
})

// resolve follows a $ref and merges allOf, enough for the editor's filter.
func resolve(doc, s map[string]any) map[string]any {
	if ref, ok := s["$ref"].(string); ok {
		var cur any = doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[part]
		}
		next, _ := cur.(map[string]any)
		return resolve(doc, next)
	}
	if all, ok := s["allOf"].([]any); ok {
		merged := map[string]any{"type": "object", "properties": map[string]any{}}
		for _, part := range all {
			p, _ := part.(map[string]any)
			for k, v := range resolve(doc, p)["properties"].(map[string]any) {
				merged["properties"].(map[string]any)[k] = v
			}
		}
		return merged
	}
	if props, ok := s["properties"].(map[string]any); ok {
		out := map[string]any{}
		for k, v := range s {
			out[k] = v
		}
		resolved := map[string]any{}
		for k, v := range props {
			p, _ := v.(map[string]any)
			resolved[k] = resolve(doc, p)
		}
		out["properties"] = resolved
		return out
	}
	if items, ok := s["items"].(map[string]any); ok {
		out := map[string]any{}
		for k, v := range s {
			out[k] = v
		}
		out["items"] = resolve(doc, items)
		return out
	}
	return s
}

// keepSchema keeps of v what schema s names: an object's properties (all
// of them where it names none) and each array item by the items schema.
func keepSchema(v any, s map[string]any) any {
	if s == nil {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		props, ok := s["properties"].(map[string]any)
		if !ok {
			return v
		}
		out := map[string]any{}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if p, ok := props[k].(map[string]any); ok {
				out[k] = keepSchema(v[k], p)
			}
		}
		return out
	case []any:
		items, _ := s["items"].(map[string]any)
		out := make([]any, len(v))
		for i, it := range v {
			out[i] = keepSchema(it, items)
		}
		return out
	}
	return v
}
