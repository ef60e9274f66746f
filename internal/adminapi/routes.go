// Package adminapi serves the shop owner's side: the admin API under
// /api/admin/ and the dashboard under /admin/, over the same use cases as
// the Content API. Its callers are staff (a session cookie with a CSRF
// token) and integrations (an API key with a role); it never answers CORS.
package adminapi

import (
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// Config is what the admin handler serves.
type Config struct {
	Staff *shop.Staff

	// Content edits pages, blocks and menus.
	Content *shop.Content
}

// NewHandler returns the admin API; routes.go is its whole surface. Each
// route names the permission it needs.
func NewHandler(logger *slog.Logger, cfg Config) http.Handler {
	mux := http.NewServeMux()
	staff := cfg.Staff
	as := func(perm openentry.Permission, h actorHandler) http.Handler {
		return requireActor(logger, staff, perm, h)
	}

	mux.Handle("GET /api/admin/openapi.json", handleOpenAPI())
	mux.Handle("POST /api/admin/session", handleSignIn(logger, staff))
	mux.Handle("DELETE /api/admin/session", as(openentry.PermRead, handleSignOut(logger, staff)))
	mux.Handle("GET /api/admin/me", as(openentry.PermRead, handleMe(logger, staff)))

	mux.Handle("GET /api/admin/staff", as(openentry.PermStaff, handleListStaff(logger, staff)))
	mux.Handle("POST /api/admin/staff", as(openentry.PermStaff, handleInviteStaff(logger, staff)))
	mux.Handle("PATCH /api/admin/staff/{id}", as(openentry.PermRead, handleUpdateStaff(logger, staff))) // own name and password; the use case checks the rest
	mux.Handle("GET /api/admin/api-keys", as(openentry.PermStaff, handleListKeys(logger, staff)))
	mux.Handle("POST /api/admin/api-keys", as(openentry.PermStaff, handleCreateKey(logger, staff)))
	mux.Handle("DELETE /api/admin/api-keys/{id}", as(openentry.PermStaff, handleRevokeKey(logger, staff)))
	mux.Handle("GET /api/admin/journal", as(openentry.PermRead, handleJournal(logger, staff)))

	// Content: pages, blocks and menus.
	content := cfg.Content
	mux.Handle("GET /api/admin/pages", as(openentry.PermRead, handleListPages(logger, content)))
	mux.Handle("POST /api/admin/pages", as(openentry.PermCatalogue, handleCreatePage(logger, content)))
	mux.Handle("POST /api/admin/pages/reorder", as(openentry.PermCatalogue, handleReorderPages(logger, content)))
	mux.Handle("GET /api/admin/pages/{id}", as(openentry.PermRead, handleGetPage(logger, content)))
	mux.Handle("PUT /api/admin/pages/{id}", as(openentry.PermCatalogue, handleUpdatePage(logger, content)))
	mux.Handle("DELETE /api/admin/pages/{id}", as(openentry.PermCatalogue, handleDeletePage(logger, content)))
	mux.Handle("GET /api/admin/blocks", as(openentry.PermRead, handleListBlocks(logger, content)))
	mux.Handle("POST /api/admin/blocks", as(openentry.PermCatalogue, handleCreateBlock(logger, content)))
	mux.Handle("GET /api/admin/blocks/{marker}", as(openentry.PermRead, handleGetBlock(logger, content)))
	mux.Handle("PUT /api/admin/blocks/{marker}", as(openentry.PermCatalogue, handleUpdateBlock(logger, content)))
	mux.Handle("DELETE /api/admin/blocks/{marker}", as(openentry.PermCatalogue, handleDeleteBlock(logger, content)))
	mux.Handle("GET /api/admin/menus", as(openentry.PermRead, handleListMenus(logger, content)))
	mux.Handle("GET /api/admin/menus/{marker}", as(openentry.PermRead, handleGetMenu(logger, content)))
	mux.Handle("PUT /api/admin/menus/{marker}", as(openentry.PermCatalogue, handleUpdateMenu(logger, content)))

	// The dashboard: pages and form actions, signed in with the session cookie only.
	ui, err := loadPages()
	if err != nil {
		panic(err) // the embedded templates are checked by every test
	}
	d := &dashboard{logger: logger, staff: staff, pages: ui}
	mux.Handle("GET /admin/{$}", http.RedirectHandler("/admin/overview", http.StatusSeeOther))
	mux.Handle("GET /admin", http.RedirectHandler("/admin/overview", http.StatusSeeOther))
	mux.Handle("GET /admin/admin.css", asset("admin.css", "text/css; charset=utf-8"))
	mux.Handle("GET /admin/icon.svg", asset("icon.svg", "image/svg+xml"))
	mux.HandleFunc("GET /admin/sign-in", d.signInForm)
	mux.HandleFunc("POST /admin/sign-in", d.signIn)
	mux.Handle("POST /admin/sign-out", d.page(openentry.PermRead, d.signOut))
	mux.Handle("GET /admin/overview", d.page(openentry.PermRead, d.overview))
	mux.Handle("GET /admin/journal", d.page(openentry.PermRead, d.journal))
	mux.Handle("GET /admin/staff", d.page(openentry.PermStaff, d.staffPage))
	mux.Handle("POST /admin/staff", d.page(openentry.PermStaff, d.invite))
	mux.Handle("POST /admin/staff/{id}", d.page(openentry.PermStaff, d.changeStaff))
	mux.Handle("POST /admin/api-keys", d.page(openentry.PermStaff, d.createKey))
	mux.Handle("POST /admin/api-keys/{id}/revoke", d.page(openentry.PermStaff, d.revokeKey))
	mux.Handle("/admin/", d.page(openentry.PermRead, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		d.fail(w, r, &a, openentry.NotFound("No such page"))
	}))

	mux.Handle("/api/admin/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusNotFound, "Cannot "+r.Method+" "+r.URL.Path)
	}))
	return noStore(mux)
}

// noStore keeps admin answers out of every cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}
