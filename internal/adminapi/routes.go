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
	// Catalogue is the catalogue's admin side: products and product statuses.
	Catalogue *shop.CatalogueAdmin
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

	cat := cfg.Catalogue
	mux.Handle("GET /api/admin/products", as(openentry.PermRead, handleListProducts(logger, cat)))
	mux.Handle("POST /api/admin/products", as(openentry.PermCatalogue, handleCreateProduct(logger, cat)))
	mux.Handle("POST /api/admin/products/reorder", as(openentry.PermCatalogue, handleReorderProducts(logger, cat)))
	mux.Handle("GET /api/admin/products/{id}", as(openentry.PermRead, handleGetProduct(logger, cat)))
	mux.Handle("PUT /api/admin/products/{id}", as(openentry.PermCatalogue, handleUpdateProduct(logger, cat)))
	mux.Handle("DELETE /api/admin/products/{id}", as(openentry.PermCatalogue, handleDeleteProduct(logger, cat)))
	mux.Handle("POST /api/admin/products/{id}/hide", as(openentry.PermCatalogue, handleSetProductVisible(logger, cat, false)))
	mux.Handle("POST /api/admin/products/{id}/show", as(openentry.PermCatalogue, handleSetProductVisible(logger, cat, true)))
	mux.Handle("POST /api/admin/products/{id}/images", as(openentry.PermCatalogue, handleProductImage(logger, cat)))
	mux.Handle("GET /api/admin/product-statuses", as(openentry.PermRead, handleListProductStatuses(logger, cat)))
	mux.Handle("POST /api/admin/product-statuses", as(openentry.PermCatalogue, handleSaveProductStatus(logger, cat, true)))
	mux.Handle("PUT /api/admin/product-statuses/{marker}", as(openentry.PermCatalogue, handleSaveProductStatus(logger, cat, false)))
	mux.Handle("DELETE /api/admin/product-statuses/{marker}", as(openentry.PermCatalogue, handleDeleteProductStatus(logger, cat)))

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
