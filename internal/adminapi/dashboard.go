package adminapi

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/apierror"
	"github.com/openentry/openentry/internal/shop"
)

// The dashboard is rendered by the server from html/template pages: one
// language for the team, nothing to build or bundle, forms that work
// without JavaScript, and the same use cases as the JSON routes.
//
//go:embed dashboard/*.html dashboard/admin.css dashboard/icon.svg
var dashboardFiles embed.FS

// pages are the dashboard's templates, each page parsed with the layout.
type pages map[string]*template.Template

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04")
	},
	"json": func(b []byte) string {
		if len(b) == 0 || string(b) == "null" {
			return ""
		}
		return string(b)
	},
	"add":   func(a, b int) int { return a + b },
	"can":   func(a openentry.Actor, p string) bool { return a.Role.Allows(openentry.Permission(p)) },
	"title": title,
	"money": money,
}

func loadPages() (pages, error) {
	names, err := fs.Glob(dashboardFiles, "dashboard/*.html")
	if err != nil {
		return nil, err
	}
	out := pages{}
	for _, name := range names {
		if name == "dashboard/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(dashboardFiles, "dashboard/layout.html", name)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(strings.TrimPrefix(name, "dashboard/"), ".html")] = t
	}
	return out, nil
}

// view is what every page gets: who is signed in, their CSRF token for
// forms, a notice, an error, and the page's own data.
type view struct {
	Title  string
	Page   string
	Actor  openentry.Actor
	CSRF   string
	Notice string
	Error  string
	Query  url.Values
	Data   any
}

// dashboard serves /admin/.
type dashboard struct {
	logger *slog.Logger
	staff  *shop.Staff
	cfg    Config
	pages  pages
	// editables are the kinds edited as JSON through their routes, by name.
	editables map[string]editable
}

// render writes a page; a template failure is a 500 with nothing half-sent.
func (d *dashboard) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t := d.pages[name]
	if t == nil {
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	v.Page = name
	if v.Query == nil {
		v.Query = r.URL.Query()
	}
	if v.Notice == "" {
		v.Notice = r.URL.Query().Get("done")
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		d.logger.ErrorContext(r.Context(), "dashboard page", "page", name, "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Pages are never framed and run only their own code.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail renders an error page with the status the error stands for.
func (d *dashboard) fail(w http.ResponseWriter, r *http.Request, a *openentry.Actor, err error) {
	c := apierror.Classify(err)
	if c.ServerSide {
		d.logger.ErrorContext(r.Context(), "dashboard request failed", "route", r.Pattern, "err", c.Cause)
	}
	v := view{Title: http.StatusText(c.Status), Error: c.Message}
	if a != nil {
		v.Actor, v.CSRF = *a, d.csrf(r)
	}
	d.render(w, r, c.Status, "error", v)
}

func (d *dashboard) csrf(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return d.staff.CSRFToken(c.Value)
	}
	return ""
}

// sameOrigin refuses a dashboard form posted from another site. Browsers
// send Origin on every POST; SameSite=Strict and the CSRF field do the rest.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// pageHandler serves a signed-in staff member's page or action.
type pageHandler func(w http.ResponseWriter, r *http.Request, a openentry.Actor)

// page lets a request through only with a dashboard session (API keys are
// for the JSON API) whose role allows perm; a guest is sent to sign in.
func (d *dashboard) page(perm openentry.Permission, next pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !safe(r.Method) && !sameOrigin(r) {
			d.fail(w, r, nil, openentry.Forbidden("Cross-site form refused"))
			return
		}
		if !safe(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, maxImageBody) // the largest form is an image upload
		}
		c, err := r.Cookie(SessionCookie)
		if err != nil || c.Value == "" {
			d.toSignIn(w, r)
			return
		}
		csrf := ""
		if !safe(r.Method) {
			csrf = r.PostFormValue("csrf")
		}
		a, err := d.staff.Session(r.Context(), c.Value, csrf, !safe(r.Method))
		if errors.Is(err, openentry.ErrUnauthorized) {
			d.toSignIn(w, r)
			return
		}
		if err == nil {
			a.Address, a.RequestID = clientAddress(r), w.Header().Get("X-Request-Id")
			err = a.Can(perm)
		}
		if err != nil {
			d.fail(w, r, a, err)
			return
		}
		next(w, r, *a)
	})
}

func (d *dashboard) toSignIn(w http.ResponseWriter, r *http.Request) {
	next := "/admin/"
	if safe(r.Method) {
		next = r.URL.RequestURI()
	}
	http.Redirect(w, r, "/admin/sign-in?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// done sends the browser back to a page after an action, with a notice.
func done(w http.ResponseWriter, r *http.Request, to, notice string) {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"done="+url.QueryEscape(notice), http.StatusSeeOther)
}

// localNext keeps a sign-in's return address on this site.
func localNext(s string) string {
	if !strings.HasPrefix(s, "/admin/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n") {
		return "/admin/"
	}
	return s
}

func (d *dashboard) signInForm(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "sign-in", view{Title: "Sign in", Data: localNext(r.URL.Query().Get("next"))})
}

func (d *dashboard) signIn(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		d.fail(w, r, nil, openentry.Forbidden("Cross-site form refused"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	next := localNext(r.PostFormValue("next"))
	s, err := d.staff.SignIn(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), clientAddress(r), r.UserAgent())
	if err != nil {
		c := apierror.Classify(err)
		if c.RateLimit != nil {
			w.Header().Set("Retry-After", strconv.FormatInt(int64(c.RateLimit.RetryAfter/time.Second)+1, 10))
		}
		d.render(w, r, c.Status, "sign-in", view{Title: "Sign in", Error: c.Message, Data: next})
		return
	}
	if err := endPrevious(r, d.staff); err != nil {
		d.fail(w, r, nil, err)
		return
	}
	setSession(w, s.Token, s.ExpiresAt)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (d *dashboard) signOut(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	if err := d.staff.SignOut(r.Context(), a); err != nil {
		d.fail(w, r, &a, err)
		return
	}
	setSession(w, "", noTime)
	http.Redirect(w, r, "/admin/sign-in", http.StatusSeeOther)
}

// pager is the paging of a long list: the server pages, the page links.
type pager struct {
	Offset, Limit int
	Total         int64
	Prev, Next    string // links, "" at the ends
}

func newPager(r *http.Request, total int64, p openentry.Page) pager {
	out := pager{Offset: p.Offset, Limit: p.Limit, Total: total}
	link := func(offset int) string {
		q := r.URL.Query()
		q.Del("done")
		q.Set("offset", strconv.Itoa(offset))
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Offset > 0 {
		out.Prev = link(max(0, p.Offset-p.Limit))
	}
	if int64(p.Offset+p.Limit) < total {
		out.Next = link(p.Offset + p.Limit)
	}
	return out
}

func (d *dashboard) journal(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	f, err := journalFilter(r)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	entries, total, err := d.staff.Journal(r.Context(), a, f)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "journal", view{Title: "Journal", Actor: a, CSRF: d.csrf(r), Data: struct {
		Entries []openentry.AuditEntry
		Pager   pager
	}{entries, newPager(r, total, f.Page)}})
}

func (d *dashboard) staffPage(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	members, err := d.staff.List(r.Context(), a)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	keys, err := d.staff.Keys(r.Context(), a)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "staff", view{Title: "Staff and API keys", Actor: a, CSRF: d.csrf(r), Data: struct {
		Staff  []openentry.Staff
		Keys   []openentry.APIKey
		Roles  []openentry.Role
		NewKey string
	}{members, keys, openentry.Roles, r.URL.Query().Get("key")}})
}

func (d *dashboard) invite(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	_, err := d.staff.Invite(r.Context(), a, shop.NewAccount{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Role: openentry.Role(r.PostFormValue("role")), Password: r.PostFormValue("password")})
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	done(w, r, "/admin/staff", "Invited "+r.PostFormValue("email"))
}

func (d *dashboard) changeStaff(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	id, err := idOf(r, "id")
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	c := shop.AccountChange{Version: version}
	if v := r.PostFormValue("role"); v != "" {
		role := openentry.Role(v)
		c.Role = &role
	}
	if v := r.PostFormValue("disabled"); v != "" {
		b := v == "true"
		c.Disabled = &b
	}
	if _, err := d.staff.Update(r.Context(), a, id, c); err != nil {
		d.fail(w, r, &a, err)
		return
	}
	done(w, r, "/admin/staff", fmt.Sprintf("Staff %d changed", id))
}

func (d *dashboard) createKey(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	k, err := d.staff.CreateKey(r.Context(), a, r.PostFormValue("name"), openentry.Role(r.PostFormValue("role")))
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	// The key is shown this once, on the page the form returns to.
	d.render(w, r, http.StatusCreated, "key", view{Title: "New API key", Actor: a, CSRF: d.csrf(r), Data: k})
}

func (d *dashboard) revokeKey(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	id, err := idOf(r, "id")
	if err == nil {
		err = d.staff.RevokeKey(r.Context(), a, id)
	}
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	done(w, r, "/admin/staff", fmt.Sprintf("API key %d revoked", id))
}

// asset serves one embedded file of the dashboard.
func asset(name, contentType string) http.Handler {
	body, err := dashboardFiles.ReadFile("dashboard/" + name)
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(body)
	})
}

// title is the default locale's title of localizeInfos, or "".
func title(l openentry.Localized) string {
	var v struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(l.Resolve(openentry.DefaultLocale), &v)
	return v.Title
}

// money shows an amount (a Money or *Money) as "USD 340.00".
func money(v any) string {
	switch m := v.(type) {
	case openentry.Money:
		return m.Currency + " " + m.Fixed()
	case *openentry.Money:
		if m != nil {
			return m.Currency + " " + m.Fixed()
		}
	}
	return ""
}
