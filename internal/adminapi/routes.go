// Package adminapi serves the shop owner's side: the admin API under
// /api/admin/ and the dashboard under /admin/, over the same use cases as
// the Content API. Its callers are staff (a session cookie with a CSRF
// token) and integrations (an API key with a role); it never answers CORS.
package adminapi

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// Config is what the admin handler serves.
type Config struct {
	Staff *shop.Staff
	// orders, payments and refunds
	Orders   *shop.AdminOrders
	Payments *shop.Payments
	Refunds  *shop.Refunds

	// Shop users and form entries.
	Users       *shop.Users
	FormEntries *shop.FormEntries

	// Shop settings (order storages, payment accounts, auth providers).
	Settings *shop.Settings

	// Content edits pages, blocks and menus.
	Content *shop.Content

	// Catalogue is the catalogue's admin side: products and product statuses.
	Catalogue *shop.CatalogueAdmin

	// SetsForms edits attribute sets and forms.
	SetsForms *shop.SetsForms
	// Setup edits locales, templates and integration collections.
	Setup *shop.Setup
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

	// Attribute sets and forms (set_form_handlers.go).
	sf := cfg.SetsForms
	mux.Handle("GET /api/admin/attribute-sets", as(openentry.PermRead, handleListAttributeSets(logger, sf)))
	mux.Handle("POST /api/admin/attribute-sets", as(openentry.PermCatalogue, handleCreateAttributeSet(logger, sf)))
	mux.Handle("GET /api/admin/attribute-sets/{marker}", as(openentry.PermRead, handleGetAttributeSet(logger, sf)))
	mux.Handle("PUT /api/admin/attribute-sets/{marker}", as(openentry.PermCatalogue, handleUpdateAttributeSet(logger, sf)))
	mux.Handle("DELETE /api/admin/attribute-sets/{marker}", as(openentry.PermCatalogue, handleDeleteAttributeSet(logger, sf)))
	mux.Handle("GET /api/admin/forms", as(openentry.PermRead, handleListForms(logger, sf)))
	mux.Handle("POST /api/admin/forms", as(openentry.PermCatalogue, handleCreateForm(logger, sf)))
	mux.Handle("GET /api/admin/forms/{marker}", as(openentry.PermRead, handleGetForm(logger, sf)))
	mux.Handle("PUT /api/admin/forms/{marker}", as(openentry.PermCatalogue, handleUpdateForm(logger, sf)))
	mux.Handle("DELETE /api/admin/forms/{marker}", as(openentry.PermCatalogue, handleDeleteForm(logger, sf)))

	// Shop users and form entries (users_handlers.go).
	mux.Handle("GET /api/admin/users", as(openentry.PermRead, handleListUsers(logger, cfg.Users)))
	mux.Handle("GET /api/admin/users.csv", as(openentry.PermRead, handleUsersCSV(logger, cfg.Users)))
	mux.Handle("GET /api/admin/users/{id}", as(openentry.PermRead, handleGetUser(logger, cfg.Users)))
	mux.Handle("POST /api/admin/users/{id}/archive", as(openentry.PermUsers, handleArchiveUser(logger, cfg.Users, true)))
	mux.Handle("POST /api/admin/users/{id}/restore", as(openentry.PermUsers, handleArchiveUser(logger, cfg.Users, false)))
	mux.Handle("POST /api/admin/users/{id}/logout-all", as(openentry.PermUsers, handleLogoutUser(logger, cfg.Users)))
	mux.Handle("POST /api/admin/users/{id}/resend-activation", as(openentry.PermUsers, handleResendActivation(logger, cfg.Users)))
	mux.Handle("GET /api/admin/form-entries", as(openentry.PermRead, handleListFormEntries(logger, cfg.FormEntries)))
	mux.Handle("GET /api/admin/form-entries/{id}", as(openentry.PermRead, handleGetFormEntry(logger, cfg.FormEntries)))
	mux.Handle("PATCH /api/admin/form-entries/{id}", as(openentry.PermUsers, handleSetFormEntryStatus(logger, cfg.FormEntries)))
	mux.Handle("DELETE /api/admin/form-entries/{id}", as(openentry.PermUsers, handleDeleteFormEntry(logger, cfg.FormEntries)))

	// orders, payments and refunds
	mux.Handle("GET /api/admin/overview", as(openentry.PermRead, handleOverview(logger, cfg.Orders)))
	mux.Handle("GET /api/admin/orders", as(openentry.PermRead, handleListOrders(logger, cfg.Orders)))
	mux.Handle("GET /api/admin/orders.csv", as(openentry.PermRead, handleOrdersCSV(logger, cfg.Orders)))
	mux.Handle("GET /api/admin/payments.csv", as(openentry.PermRead, handlePaymentsCSV(logger, cfg.Orders)))
	mux.Handle("GET /api/admin/orders/{id}", as(openentry.PermRead, handleGetOrder(logger, cfg.Orders)))
	mux.Handle("PATCH /api/admin/orders/{id}/status", as(openentry.PermOrders, handleOrderStatus(logger, cfg.Orders)))
	mux.Handle("POST /api/admin/orders/{id}/cancel", as(openentry.PermOrders, handleCancelOrder(logger, cfg.Orders)))
	mux.Handle("POST /api/admin/payments/sessions/{id}/settle", as(openentry.PermOrders, handleSettleSession(logger, cfg.Payments)))
	mux.Handle("GET /api/admin/refunds", as(openentry.PermRead, handleListRefunds(logger, cfg.Refunds)))
	mux.Handle("POST /api/admin/refunds/{id}/approve", as(openentry.PermOrders, handleApproveRefund(logger, cfg.Refunds)))
	mux.Handle("POST /api/admin/refunds/{id}/reject", as(openentry.PermOrders, handleRejectRefund(logger, cfg.Refunds)))

	// Shop settings: owners write, any staff reads.
	settings := cfg.Settings
	mux.Handle("GET /api/admin/order-storages", as(openentry.PermRead, handleListStorages(logger, settings)))
	mux.Handle("GET /api/admin/order-storages/{marker}", as(openentry.PermRead, handleGetStorage(logger, settings)))
	mux.Handle("PUT /api/admin/order-storages/{marker}", as(openentry.PermStaff, handleUpdateStorage(logger, settings)))
	mux.Handle("GET /api/admin/payment-accounts", as(openentry.PermRead, handleListAccounts(logger, settings)))
	mux.Handle("PUT /api/admin/payment-accounts/{id}", as(openentry.PermStaff, handleUpdateAccount(logger, settings)))
	mux.Handle("GET /api/admin/auth-providers", as(openentry.PermRead, handleListProviders(logger, settings)))
	mux.Handle("PUT /api/admin/auth-providers/{marker}", as(openentry.PermStaff, handleUpdateProvider(logger, settings)))

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

	// Locales, templates and integration collections (setup_handlers.go).
	setup := cfg.Setup
	mux.Handle("GET /api/admin/locales", as(openentry.PermRead, handleListLocales(logger, setup)))
	mux.Handle("POST /api/admin/locales", as(openentry.PermCatalogue, handleCreateLocale(logger, setup)))
	mux.Handle("PUT /api/admin/locales/{code}", as(openentry.PermCatalogue, handleUpdateLocale(logger, setup)))
	mux.Handle("DELETE /api/admin/locales/{code}", as(openentry.PermCatalogue, handleDeleteAt(logger, "code", setup.DeleteLocale)))
	mux.Handle("GET /api/admin/templates", as(openentry.PermRead, handleListTemplates(logger, setup)))
	mux.Handle("POST /api/admin/templates", as(openentry.PermCatalogue, handleCreateTemplate(logger, setup)))
	mux.Handle("GET /api/admin/templates/{marker}", as(openentry.PermRead, handleGetTemplate(logger, setup)))
	mux.Handle("PUT /api/admin/templates/{marker}", as(openentry.PermCatalogue, handleUpdateTemplate(logger, setup)))
	mux.Handle("DELETE /api/admin/templates/{marker}", as(openentry.PermCatalogue, handleDeleteAt(logger, "marker", setup.DeleteTemplate)))
	mux.Handle("GET /api/admin/template-previews", as(openentry.PermRead, handleListTemplatePreviews(logger, setup)))
	mux.Handle("POST /api/admin/template-previews", as(openentry.PermCatalogue, handleCreateTemplatePreview(logger, setup)))
	mux.Handle("GET /api/admin/template-previews/{marker}", as(openentry.PermRead, handleGetTemplatePreview(logger, setup)))
	mux.Handle("PUT /api/admin/template-previews/{marker}", as(openentry.PermCatalogue, handleUpdateTemplatePreview(logger, setup)))
	mux.Handle("DELETE /api/admin/template-previews/{marker}", as(openentry.PermCatalogue, handleDeleteAt(logger, "marker", setup.DeleteTemplatePreview)))
	mux.Handle("GET /api/admin/collections", as(openentry.PermRead, handleListCollections(logger, setup)))
	mux.Handle("POST /api/admin/collections", as(openentry.PermCatalogue, handleCreateCollection(logger, setup)))
	mux.Handle("GET /api/admin/collections/{marker}", as(openentry.PermRead, handleGetCollection(logger, setup)))
	mux.Handle("PUT /api/admin/collections/{marker}", as(openentry.PermCatalogue, handleUpdateCollection(logger, setup)))
	mux.Handle("DELETE /api/admin/collections/{marker}", as(openentry.PermCatalogue, handleDeleteAt(logger, "marker", setup.DeleteCollection)))
	mux.Handle("GET /api/admin/collections/{marker}/rows", as(openentry.PermRead, handleListCollectionRows(logger, setup)))
	mux.Handle("DELETE /api/admin/collections/{marker}/rows/{id}", as(openentry.PermCatalogue, handleDeleteCollectionRow(logger, setup)))

	// The dashboard: pages and form actions, signed in with the session cookie only.
	ui, err := loadPages()
	if err != nil {
		panic(err) // the embedded templates are checked by every test
	}
	d := &dashboard{logger: logger, staff: staff, cfg: cfg, pages: ui, editables: map[string]editable{}}
	for _, e := range []editable{
		{Name: "pages", Title: "Pages", API: "/api/admin/pages", Param: "id", Key: "id", Columns: []string{"id", "pageUrl", "parentUrl", "depth", "isVisible", "version"},
			Write: openentry.PermCatalogue, list: handleListPages(logger, content), get: handleGetPage(logger, content), put: handleUpdatePage(logger, content)},
		{Name: "blocks", Title: "Blocks", API: "/api/admin/blocks", Param: "marker", Key: "identifier", Columns: []string{"identifier", "type", "isVisible", "position", "version"},
			Write: openentry.PermCatalogue, list: handleListBlocks(logger, content), get: handleGetBlock(logger, content), put: handleUpdateBlock(logger, content)},
		{Name: "menus", Title: "Menus", API: "/api/admin/menus", Param: "marker", Key: "identifier", Columns: []string{"identifier", "position", "version"},
			Write: openentry.PermCatalogue, list: handleListMenus(logger, content), get: handleGetMenu(logger, content), put: handleUpdateMenu(logger, content)},
		{Name: "attribute-sets", Title: "Attribute sets", API: "/api/admin/attribute-sets", Param: "marker", Key: "identifier", Columns: []string{"identifier", "type", "stockAttribute", "position", "version"},
			Write: openentry.PermCatalogue, list: handleListAttributeSets(logger, sf), get: handleGetAttributeSet(logger, sf), put: handleUpdateAttributeSet(logger, sf)},
		{Name: "forms", Title: "Forms", API: "/api/admin/forms", Param: "marker", Key: "identifier", Columns: []string{"identifier", "type", "position", "version"},
			Write: openentry.PermCatalogue, list: handleListForms(logger, sf), get: handleGetForm(logger, sf), put: handleUpdateForm(logger, sf)},
		{Name: "locales", Title: "Locales", API: "/api/admin/locales", Param: "code", Key: "code", Columns: []string{"code", "name", "isActive", "isDefault", "position", "version"},
			Write: openentry.PermCatalogue, list: handleListLocales(logger, setup), put: handleUpdateLocale(logger, setup)},
		{Name: "templates", Title: "Templates", API: "/api/admin/templates", Param: "marker", Key: "identifier", Columns: []string{"identifier", "type", "attributeSetIdentifier", "position", "version"},
			Write: openentry.PermCatalogue, list: handleListTemplates(logger, setup), get: handleGetTemplate(logger, setup), put: handleUpdateTemplate(logger, setup)},
		{Name: "template-previews", Title: "Template previews", API: "/api/admin/template-previews", Param: "marker", Key: "identifier", Columns: []string{"identifier", "position", "version"},
			Write: openentry.PermCatalogue, list: handleListTemplatePreviews(logger, setup), get: handleGetTemplatePreview(logger, setup), put: handleUpdateTemplatePreview(logger, setup)},
		{Name: "collections", Title: "Integration collections", API: "/api/admin/collections", Param: "marker", Key: "identifier", Columns: []string{"identifier", "formIdentifier", "rowsPublic", "position", "version"},
			Write: openentry.PermCatalogue, list: handleListCollections(logger, setup), get: handleGetCollection(logger, setup), put: handleUpdateCollection(logger, setup)},
		{Name: "order-storages", Title: "Order storages", API: "/api/admin/order-storages", Param: "marker", Key: "identifier", Columns: []string{"identifier", "formIdentifier", "paidStatus", "canceledStatus", "version"},
			Write: openentry.PermStaff, list: handleListStorages(logger, settings), get: handleGetStorage(logger, settings), put: handleUpdateStorage(logger, settings)},
		{Name: "payment-accounts", Title: "Payment accounts", API: "/api/admin/payment-accounts", Param: "id", Key: "id", Columns: []string{"id", "identifier", "type", "active", "visible", "version"},
			Write: openentry.PermStaff, list: handleListAccounts(logger, settings), put: handleUpdateAccount(logger, settings)},
		{Name: "auth-providers", Title: "Auth providers", API: "/api/admin/auth-providers", Param: "marker", Key: "identifier", Columns: []string{"identifier", "type", "formIdentifier", "active", "version"},
			Write: openentry.PermStaff, list: handleListProviders(logger, settings), put: handleUpdateProvider(logger, settings)},
	} {
		d.editables[e.Name] = e
	}
	mux.Handle("GET /admin/{$}", http.RedirectHandler("/admin/overview", http.StatusSeeOther))
	mux.Handle("GET /admin", http.RedirectHandler("/admin/overview", http.StatusSeeOther))
	mux.Handle("GET /admin/admin.css", asset("admin.css", "text/css; charset=utf-8"))
	mux.Handle("GET /admin/icon.svg", asset("icon.svg", "image/svg+xml"))
	mux.HandleFunc("GET /admin/sign-in", d.signInForm)
	mux.HandleFunc("POST /admin/sign-in", d.signIn)
	mux.Handle("POST /admin/sign-out", d.page(openentry.PermRead, d.signOut))
	mux.Handle("GET /admin/overview", d.page(openentry.PermRead, d.overview))
	mux.Handle("GET /admin/journal", d.page(openentry.PermRead, d.journal))
	mux.Handle("GET /admin/orders", d.page(openentry.PermRead, d.orders))
	mux.Handle("GET /admin/orders/{id}", d.page(openentry.PermRead, d.order))
	mux.Handle("POST /admin/orders/{id}/status", d.page(openentry.PermOrders, d.action(toOrder, d.setOrderStatus)))
	mux.Handle("POST /admin/orders/{id}/cancel", d.page(openentry.PermOrders, d.action(toOrder, d.cancelOrder)))
	mux.Handle("POST /admin/payments/sessions/{id}/settle", d.page(openentry.PermOrders, d.action(toOrder, d.settleSession)))
	mux.Handle("POST /admin/refunds/{id}/approve", d.page(openentry.PermOrders, d.action(toOrder, d.approveRefund)))
	mux.Handle("POST /admin/refunds/{id}/reject", d.page(openentry.PermOrders, d.action(toOrder, d.rejectRefund)))
	mux.Handle("GET /admin/products", d.page(openentry.PermRead, d.products))
	mux.Handle("GET /admin/products/{id}", d.page(openentry.PermRead, d.productPage)) // {id} "new": the new-product editor
	mux.Handle("POST /admin/products", d.page(openentry.PermCatalogue, d.createProduct))
	mux.Handle("POST /admin/products/{id}", d.page(openentry.PermCatalogue, d.action(toProduct, d.updateProduct)))
	mux.Handle("POST /admin/products/{id}/visibility", d.page(openentry.PermCatalogue, d.action(toProduct, d.setProductVisible)))
	mux.Handle("POST /admin/products/{id}/image", d.page(openentry.PermCatalogue, d.action(toProduct, d.productImage)))
	mux.Handle("GET /admin/edit/{kind}", d.page(openentry.PermRead, d.editList))
	mux.Handle("GET /admin/edit/{kind}/{key}", d.page(openentry.PermRead, d.editItem))
	mux.Handle("POST /admin/edit/{kind}/{key}", d.page(openentry.PermRead, d.editSave)) // the kind's own write permission is checked, and again by its route
	mux.Handle("GET /admin/users", d.page(openentry.PermRead, d.users))
	mux.Handle("GET /admin/users/{id}", d.page(openentry.PermRead, d.user))
	mux.Handle("POST /admin/users/{id}/archive", d.page(openentry.PermUsers, d.action(toUser, d.archiveUser)))
	mux.Handle("POST /admin/users/{id}/restore", d.page(openentry.PermUsers, d.action(toUser, d.restoreUser)))
	mux.Handle("POST /admin/users/{id}/logout-all", d.page(openentry.PermUsers, d.action(toUser, d.logoutUser)))
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
	return noStore(checkText(mux))
}

// checkText refuses a path or query that is not valid UTF-8 or holds a
// NUL, before any handler reads it.
func checkText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad := !validText(r.URL.Path)
		for name, values := range r.URL.Query() {
			bad = bad || !validText(name) || slices.ContainsFunc(values, func(v string) bool { return !validText(v) })
		}
		if bad {
			writeStatus(w, http.StatusBadRequest, "the path and query must be valid UTF-8 without NUL characters")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// noStore keeps admin answers out of every cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}
