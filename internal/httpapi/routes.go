// Package httpapi serves the OneEntry Content API over net/http.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/metrics"
)

// Config is what the handler needs besides its services.
type Config struct {
	AppToken    string                          // the project's x-app-token
	Ready       func(ctx context.Context) error // checked by /healthz
	Metrics     *metrics.Metrics                // nil: no /metrics
	CORSOrigins []string                        // browser origins allowed to call the API; "*" for any
	Demo        http.Handler                    // nil: no storefront demo at /demo/
	Now         func() time.Time                // clock of error timestamps; time.Now if nil
	// Files serves stored files at /cloud-static/files/{id}/{name}.
	Files openentry.FileService
	// FormEntries serves the FormData module (/form-data).
	FormEntries openentry.FormEntryService
	// Blocks serves the Blocks module and Pages.getBlocksByPageUrl.
	Blocks openentry.BlockService
	// Templates serves the Templates module.
	Templates openentry.TemplateService
	// Events serves the Events module: subscriptions to product events.
	Events openentry.EventService
	// TemplatePreviews serves the TemplatePreviews module.
	TemplatePreviews openentry.TemplatePreviewService
	// Sitemaps serves the Sitemap module, the sitemaps and /sitemap.xml.
	Sitemaps openentry.SitemapService
	// Uploads serves the FileUploading module (/files).
	Uploads openentry.UploadService
	// MaxUploadSize bounds the files of one upload together; 0: openentry.MaxFileSize.
	MaxUploadSize int64
	// Collections serves the IntegrationCollections module.
	Collections openentry.CollectionService
	// Admin serves /api/admin/ and /admin/: no app token, no CORS.
	Admin http.Handler
	// Staff lists the staff for Admins.getAdminsInfo.
	Staff openentry.StaffDirectory
	// PublicURL is the base of links to files ("https://api.shop.example");
	// "": the request's scheme and Host.
	PublicURL string
}

// NewHandler returns the whole HTTP surface. Paths are copied from the JS SDK
// (oneentry@1.0.149); the table below is the list of implemented routes.
func NewHandler(logger *slog.Logger, cfg Config, auth openentry.AuthService, users openentry.UserService,
	forms openentry.FormService, products openentry.ProductService, orders openentry.OrderService,
	payments openentry.PaymentService, refunds openentry.RefundService, pages openentry.PageService,
	sets openentry.AttributeSetService, statuses openentry.ProductStatusService, lists openentry.ProductListService,
	locales openentry.LocaleService, menus openentry.MenuService,
) http.Handler {
	mux := http.NewServeMux()
	renders := newProductRenders()
	content := func(pattern string, h http.Handler) {
		mux.Handle(pattern, requireAppToken(cfg.AppToken, h))
	}
	user := func(h userHandler) http.Handler { return requireUser(logger, auth, h) }
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUploadSize <= 0 {
		cfg.MaxUploadSize = openentry.MaxFileSize
	}

	mux.Handle("GET /healthz", handleHealthz(logger, cfg.Ready))
	mux.Handle("GET /api-docs/openapi.json", handleOpenAPI())
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics.Handler())
	}
	if cfg.Demo != nil {
		mux.Handle("GET /demo/", cfg.Demo) // a page, not the API: no app token
	}
	if cfg.Admin != nil {
		mux.Handle("/api/admin/", cfg.Admin)
		mux.Handle("/admin/", cfg.Admin)
	}
	if cfg.Staff != nil {
		content("POST /api/content/admins/all", handleAdminsInfo(logger, cfg.Staff))
	}
	mux.Handle("GET /cloud-static/files/{id}/{name}", handleGetFile(logger, cfg.Files)) // browsers fetch it: no app token
	// Crawlers fetch sitemaps: no app token.
	mux.Handle("GET /cloud-static/files/project/sitemap/{name}", handleSitemapFile(logger, cfg.Sitemaps))
	mux.Handle("GET /sitemap.xml", handleSitemapXML(logger, cfg.Sitemaps))

	const ap = "/api/content/users-auth-providers"
	content("GET "+ap, handleGetAuthProviders(logger, auth))
	content("GET "+ap+"/marker/{marker}", handleGetAuthProvider(logger, auth))
	content("POST "+ap+"/marker/{marker}/users/sign-up", handleSignUp(logger, auth))
	content("POST "+ap+"/marker/{marker}/users/auth", handleAuth(logger, cfg.Metrics, auth))
	content("POST "+ap+"/marker/{marker}/users/refresh", handleRefresh(logger, auth))
	content("POST "+ap+"/marker/{marker}/users/logout", user(handleLogout(logger, auth)))
	content("POST "+ap+"/marker/{marker}/users/logout-all", user(handleLogoutAll(logger, auth)))
	content("GET "+ap+"/marker/{marker}/users/sessions", user(handleGetDeviceSessions(logger, auth)))
	content("POST "+ap+"/marker/{marker}/users/generate-code", handleGenerateCode(logger, auth))
	content("POST "+ap+"/marker/{marker}/users/check-code", handleCheckCode(logger, auth))
	content("POST "+ap+"/marker/{marker}/users/activate", handleActivate(logger, auth))
	content("POST "+ap+"/marker/{marker}/users/change-password", handleChangePassword(logger, auth))

	content("GET /api/content/users/me", user(handleGetMe(logger, users)))
	content("PUT /api/content/users/me", user(handleUpdateMe(logger, users)))
	content("DELETE /api/content/users/me", user(handleArchiveMe(logger, users)))
	content("DELETE /api/content/users/me/account", user(handleDeleteMe(logger, users)))
	content("POST /api/content/users/me/fcm-token/{token}", user(handlePushToken(logger, http.StatusCreated, users.AddPushToken)))
	content("DELETE /api/content/users/me/fcm-token/{token}", user(handlePushToken(logger, http.StatusOK, users.DeletePushToken)))

	content("GET /api/content/forms", handleGetForms(logger, forms))
	content("GET /api/content/forms/marker/{marker}", handleGetForm(logger, forms))

	guestOrUser := func(h userHandler) http.Handler { return optionalUser(logger, auth, h) }
	content("POST /api/content/form-data", guestOrUser(handlePostFormData(logger, cfg.FormEntries)))
	content("POST /api/content/form-data/marker/{marker}", guestOrUser(handleFormDataByMarker(logger, cfg.FormEntries)))
	content("GET /api/content/events/subscriptions", user(handleSubscriptions(logger, cfg.Events)))
	content("POST /api/content/events/subscribe/marker/{marker}", user(handleSubscribe(logger, cfg.Events, true)))
	content("DELETE /api/content/events/unsubscribe/marker/{marker}", user(handleSubscribe(logger, cfg.Events, false)))
	content("PUT /api/content/form-data/{id}", user(handleUpdateFormData(logger, cfg.FormEntries)))
	content("PUT /api/content/form-data/{id}/update-status", user(handleFormDataStatus(logger, cfg.FormEntries)))
	content("DELETE /api/content/form-data/{id}", user(handleDeleteFormData(logger, cfg.FormEntries)))

	content("POST /api/content/files", guestOrUser(handleUpload(logger, cfg.Uploads, cfg.MaxUploadSize)))
	content("GET /api/content/files", handleGetUploadedFile(logger, cfg.Uploads))
	content("DELETE /api/content/files", user(handleDeleteUpload(logger, cfg.Uploads)))

	content("GET /api/content/system/test404", handleSystemError(http.StatusNotFound))
	content("GET /api/content/system/test500", handleSystemError(http.StatusInternalServerError))
	content("GET /api/content/system/api-stat", handleAPIStat(cfg.Metrics))

	content("GET /api/content/products/ids", handleGetProductsByIDs(logger, products, renders))
	content("GET /api/content/products/{id}", handleGetProduct(logger, products, renders))
	content("GET /api/content/products/{id}/related", handleGetRelatedProducts(logger, lists, renders))
	content("GET /api/content/products/{id}/blocks", handleGetProductBlocks(logger, cfg.Blocks))
	const pr = "/api/content/products"
	content("POST "+pr+"/all", handleProductList(logger, lists, renders, false))
	content("POST "+pr+"/all/counts", handleProductCounts(logger, lists, false))
	content("POST "+pr+"/empty-page", handleProductsEmptyPage(logger, lists, renders))
	content("POST "+pr+"/page/{id}", handleProductList(logger, lists, renders, true))
	content("POST "+pr+"/page/url/{url}", handleProductList(logger, lists, renders, true))
	content("POST "+pr+"/page/url/{url}/counts", handleProductCounts(logger, lists, true))
	content("GET "+pr+"/quick/search", handleSearchProducts(logger, lists))
	// /page/{id}/counts and /page/{url}/prices would clash with
	// /page/url/{url} over /page/url/counts: their own mux takes the paths
	// /page/url/{url} is not more specific for.
	underProductPage := http.NewServeMux()
	underProductPage.Handle("POST "+pr+"/page/{id}/counts", requireAppToken(cfg.AppToken, handleProductCounts(logger, lists, true)))
	underProductPage.Handle("GET "+pr+"/page/{url}/prices", requireAppToken(cfg.AppToken, handleProductPrices(logger, lists)))
	underProductPage.Handle("/", http.HandlerFunc(noRoute))
	mux.Handle(pr+"/page/{id}/{sub}", underProductPage)

	const as = "/api/content/attributes-sets"
	content("GET "+as, handleGetAttributeSets(logger, sets))
	content("GET "+as+"/marker/{marker}", handleGetAttributeSet(logger, sets))
	content("GET "+as+"/{setMarker}/attributes/{marker}", handleGetSetAttribute(logger, sets))
	// As with pages below: /attributes-sets/{setMarker}/attributes and
	// /marker/{marker} both match /marker/attributes, so the former has its
	// own mux, reached by the paths /marker/{marker} is not more specific for.
	underSet := http.NewServeMux()
	underSet.Handle("GET "+as+"/{setMarker}/attributes", requireAppToken(cfg.AppToken, handleGetSetAttributes(logger, sets)))
	underSet.Handle("/", http.HandlerFunc(noRoute))
	mux.Handle(as+"/{setMarker}/{sub}", underSet)

	const ps = "/api/content/product-statuses"
	content("GET "+ps, handleGetProductStatuses(logger, statuses))
	content("GET "+ps+"/marker/{marker}", handleGetProductStatus(logger, statuses))
	content("GET "+ps+"/marker-validation/{marker}", handleValidateStatusMarker(logger, statuses))

	const ic = "/api/content/integration-collections"
	content("GET "+ic, handleGetCollections(logger, cfg.Collections))
	content("GET "+ic+"/{id}", handleGetCollection(logger, cfg.Collections))
	content("GET "+ic+"/marker-validation/{marker}", handleValidateCollectionMarker(logger, cfg.Collections))
	content("GET "+ic+"/marker/{marker}/rows", guestOrUser(handleCollectionRows(logger, cfg.Collections, true)))
	content("GET "+ic+"/marker/{marker}/rows/{id}", guestOrUser(handleGetCollectionRow(logger, cfg.Collections)))
	content("POST "+ic+"/marker/{marker}/rows", user(handleCreateCollectionRow(logger, cfg.Collections)))
	content("PUT "+ic+"/marker/{marker}/rows/{id}", user(handleUpdateCollectionRow(logger, cfg.Collections)))
	content("DELETE "+ic+"/marker/{marker}/rows/{id}", user(handleDeleteCollectionRow(logger, cfg.Collections)))
	// As under pages: /{id}/rows beside /marker-validation/{marker}.
	underCollection := http.NewServeMux()
	underCollection.Handle("GET "+ic+"/{id}/rows", requireAppToken(cfg.AppToken, guestOrUser(handleCollectionRows(logger, cfg.Collections, false))))
	underCollection.Handle("/", http.HandlerFunc(noRoute))
	mux.Handle(ic+"/{id}/{sub}", underCollection)

	const pg = "/api/content/pages"
	content("GET "+pg, handleGetPageList(logger, pages.Pages))
	content("GET "+pg+"/root", handleGetPageList(logger, pages.RootPages))
	content("GET "+pg+"/{id}", handleGetPage(logger, pages))
	content("GET "+pg+"/url/{url}", handleGetPageByURL(logger, pages))
	content("GET "+pg+"/quick/search", handleSearchPages(logger, pages))
	// ServeMux refuses /pages/{url}/children beside /pages/url/{url}: both
	// match /pages/url/children and neither is more specific. So the routes
	// under a page's url have their own mux, reached by the paths no route
	// above is more specific for; "url" cannot be a page's url.
	underPage := http.NewServeMux()
	underPage.Handle("GET "+pg+"/{url}/children", requireAppToken(cfg.AppToken, handleGetChildPages(logger, pages)))
	underPage.Handle("GET "+pg+"/{url}/config", requireAppToken(cfg.AppToken, handleGetPageConfig(logger, pages)))
	underPage.Handle("GET "+pg+"/{url}/blocks", requireAppToken(cfg.AppToken, handlePageBlocks(logger, cfg.Blocks)))
	underPage.Handle("/", http.HandlerFunc(noRoute))
	mux.Handle(pg+"/{url}/{sub}", underPage)

	const bl = "/api/content/blocks"
	content("POST "+bl, handleGetBlocks(logger, cfg.Blocks))
	content("GET "+bl+"/marker/{marker}", handleGetBlock(logger, cfg.Blocks))
	content("GET "+bl+"/quick/search", handleSearchBlocks(logger, cfg.Blocks))
	content("GET "+bl+"/{marker}/products/{id}/frequently-ordered", handleFrequentlyOrdered(logger, cfg.Blocks, renders))
	// As under pages: /blocks/{marker}/products beside /blocks/marker/{marker}.
	underBlock := http.NewServeMux()
	underBlock.Handle("GET "+bl+"/{marker}/products", requireAppToken(cfg.AppToken, handleBlockProducts(logger, cfg.Blocks, renders)))
	underBlock.Handle("GET "+bl+"/{marker}/similar-products", requireAppToken(cfg.AppToken, handleBlockProducts(logger, cfg.Blocks, renders)))
	underBlock.Handle("/", http.HandlerFunc(noRoute))
	mux.Handle(bl+"/{marker}/{sub}", underBlock)

	content("GET /api/content/templates/all", handleAllTemplates(logger, cfg.Templates))
	content("GET /api/content/templates", handleTemplatesByType(logger, cfg.Templates))
	content("GET /api/content/templates/marker/{marker}", handleTemplate(logger, cfg.Templates))
	content("GET /api/content/general-types", handleGeneralTypes(logger))
	content("GET /api/content/template-previews", handleTemplatePreviews(logger, cfg.TemplatePreviews))
	content("GET /api/content/template-previews/marker/{marker}", handleTemplatePreview(logger, cfg.TemplatePreviews))

	// The SDK asks for "/sitemap/", with the slash.
	content("GET /api/content/sitemap/{$}", handleGetSitemap(logger, cfg.Sitemaps))
	content("POST /api/content/sitemap/{$}", handleUpdateSitemap(logger, cfg.Sitemaps))

	content("GET /api/content/locales/active/all", handleGetLocales(logger, locales))
	content("GET /api/content/menus/marker/{marker}", handleGetMenu(logger, menus))

	const os = "/api/content/orders-storage"
	content("GET "+os, user(handleGetStorages(logger, orders)))
	content("GET "+os+"/marker/{marker}", user(handleGetStorage(logger, orders)))
	content("GET "+os+"/marker/{marker}/orders", user(handleGetOrders(logger, orders)))
	content("GET "+os+"/marker/{marker}/orders/{id}", user(handleGetOrder(logger, orders)))
	content("POST "+os+"/marker/{marker}/orders", user(handleCreateOrder(logger, cfg.Metrics, orders)))
	content("PUT "+os+"/marker/{marker}/orders/{id}", user(handleUpdateOrder(logger, orders)))
	content("POST "+os+"/orders/preview", handlePreviewOrder(logger, orders))
	content("GET "+os+"/marker/{marker}/order-statuses", handleGetStatuses(logger, orders))

	const pay = "/api/content/payments"
	// The JS SDK's getSessions asks for "/sessions/?offset…": serve both spellings.
	content("GET "+pay+"/sessions", user(handleGetSessions(logger, payments)))
	content("GET "+pay+"/sessions/{$}", user(handleGetSessions(logger, payments)))
	content("GET "+pay+"/sessions/{id}", user(handleGetSession(logger, payments)))
	content("GET "+pay+"/sessions/order/{id}", user(handleGetSessionByOrder(logger, payments)))
	content("POST "+pay+"/sessions", user(handleCreateSession(logger, payments)))
	content("GET "+pay+"/accounts", user(handleGetAccounts(logger, payments)))
	content("GET "+pay+"/accounts/{id}", user(handleGetAccount(logger, payments)))
	// Providers call it, so there is no app token; {provider} is the account type.
	mux.Handle("POST "+pay+"/webhook/{provider}", handleWebhook(logger, cfg.Metrics, payments))

	content("GET /api/content/orders/{id}/refund", user(handleGetRefunds(logger, refunds)))
	content("POST /api/content/orders/{id}/refund", user(handleCreateRefund(logger, refunds)))
	content("DELETE /api/content/orders/{id}/refund", user(handleCancelRefund(logger, refunds)))

	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrorStatus(w, r, http.StatusNotFound, "Cannot "+r.Method+" "+r.URL.Path) // NestJS's wording
	}))
	// withClock and withLinkBase are outermost: they copy the request, and
	// the mux must set the route pattern on the copy the log and metrics read.
	langs := withProjectLocales(&projectLocales{locales: locales, now: cfg.Now, ttl: 5 * time.Second})
	return withClock(cfg.Now)(withLinkBase(cfg.PublicURL)(recoverer(logger)(accessLog(logger, cfg.Metrics)(cors(cfg.CORSOrigins)(checkText(langs(mux)))))))
}

func handleHealthz(logger *slog.Logger, ready func(context.Context) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ready != nil {
			if err := ready(r.Context()); err != nil {
				logger.WarnContext(r.Context(), "not ready", "err", err)
				writeErrorStatus(w, r, http.StatusServiceUnavailable, "Not ready")
				return
			}
		}
		encode(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}
