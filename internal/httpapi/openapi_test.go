package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/httpapi"
	"github.com/openentry/openentry/internal/httpapi/openapitest"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
)

func TestOpenAPIDocumentIsValid(t *testing.T) {
	if _, err := openapitest.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// routePattern is a Go ServeMux pattern with a method, e.g. "GET /healthz".
var routePattern = regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (/\S*)$`)

// registeredRoutes reads routes.go and returns every route pattern in it as
// the document spells it: "METHOD /path", with Go's {$} dropped. A pattern is
// any call whose first argument is a constant string like "GET /x", whether
// literal or concatenated from the file's constants ("GET "+pay+"/sessions").
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	var eval func(ast.Expr) (string, bool)
	eval = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind == token.STRING {
				s, err := strconv.Unquote(e.Value)
				return s, err == nil
			}
		case *ast.Ident:
			s, ok := consts[e.Name]
			return s, ok
		case *ast.ParenExpr:
			return eval(e.X)
		case *ast.BinaryExpr:
			if e.Op == token.ADD {
				x, ok1 := eval(e.X)
				y, ok2 := eval(e.Y)
				return x + y, ok1 && ok2
			}
		}
		return "", false
	}
	var routes []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GenDecl:
			if n.Tok == token.CONST {
				for _, spec := range n.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							if s, ok := eval(vs.Values[i]); ok {
								consts[name.Name] = s
							}
						}
					}
				}
			}
		case *ast.CallExpr:
			if len(n.Args) > 0 {
				if s, ok := eval(n.Args[0]); ok {
					if m := routePattern.FindStringSubmatch(s); m != nil {
						routes = append(routes, m[1]+" "+strings.TrimSuffix(m[2], "{$}"))
					}
				}
			}
		}
		return true
	})
	slices.Sort(routes)
	return slices.Compact(routes)
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	routes := registeredRoutes(t)
	if len(routes) < 40 {
		t.Fatalf("found only %d routes in routes.go: %v; is the parser still right?", len(routes), routes)
	}
	ops := openapitest.New(t).Operations()
	for _, r := range routes {
		if !slices.Contains(ops, r) {
			t.Errorf("routes.go serves %s, openapi.json does not document it", r)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.json documents %s, routes.go does not serve it", op)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	srv := apptest.Start(t)
	a := newAPI(t, srv)
	a.token = ""
	r := a.expect("GET", "/api-docs/openapi.json", "", nil, 200)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type: got %q, want application/json", ct)
	}
	if !bytes.Equal(r.raw, httpapi.OpenAPI()) {
		t.Error("the served document differs from openapi.json")
	}
}

// TestOpenAPITraffic sends every route real requests, successes and the
// common errors, through a proxy that validates each request and response
// against openapi.json. Then every documented operation must have answered
// at least one success.
func TestOpenAPITraffic(t *testing.T) {
	ctx := context.Background()
	c := openapitest.New(t)
	via := func(srv *apptest.Server) *api {
		a := newAPI(t, srv)
		a.base = c.Proxy(srv.BaseURL)
		return a
	}

	// Operational routes and the storefront page of serve --demo.
	ops := via(apptest.Start(t, apptest.WithStorefront()))
	ops.token = ""
	for _, path := range []string{"/healthz", "/metrics", "/api-docs/openapi.json", "/demo/"} {
		ops.expect("GET", path, "", nil, 200)
	}
	ops.expect("GET", "/api/content/nothing-here", "", nil, 404)
	ops.expect("DELETE", ordersPath, "", nil, 404)
	ops.expect("GET", "/api/content/forms", "", nil, 403)

	// FormData: the template's reviews, from a guest and a user.
	demoShop := apptest.Start(t, apptest.WithDemoShop())
	forms := via(demoShop)
	fdUser := forms.loginDemo()
	forms.expect("POST", formDataPath, "", review(100, 5, "Sturdy."), 201)
	entry := id(t, forms.expect("POST", formDataPath+"?langCode=en_US", fdUser.Access, review("100", 4, "Fine."), 201).json(t)["formData"].(map[string]any))
	reviewsOf(t, forms, "", 100)
	reviewsOf(t, forms, fdUser.Access, 100)
	forms.expect("POST", formDataPath+"/marker/order", "", nil, 201)
	entryChange := map[string]any{"formData": []map[string]any{{"marker": "rating", "value": 3}, {"marker": "comment_description", "value": "Ok."}}}
	forms.expect("PUT", fmt.Sprintf("%s/%d?langCode=en_US", formDataPath, entry), fdUser.Access, entryChange, 200)
	forms.expect("PUT", fmt.Sprintf("%s/%d/update-status", formDataPath, entry), fdUser.Access, map[string]any{"status": "approved"}, 200)
	forms.expect("PUT", fmt.Sprintf("%s/%d", formDataPath, entry+100), fdUser.Access, entryChange, 404)
	forms.expect("POST", formDataPath, "", review(100, 5, ""), 400)
	forms.expect("POST", formDataPath+"/marker/nope", "", nil, 404)
	forms.expect("DELETE", fmt.Sprintf("%s/%d", formDataPath, entry), fdUser.Access, nil, 200)
	forms.expect("DELETE", fmt.Sprintf("%s/%d", formDataPath, entry), "", nil, 401)

	// IntegrationCollections: a user's wishlist rows and a public faq.
	cs := via(apptest.Start(t, apptest.WithProject(parsedCollectionsProject(t))))
	csUser := cs.loginDemo()
	cs.expect("GET", collectionsPath+"?langCode=en_US&offset=0&limit=30", "", nil, 200)
	wlID := id(t, cs.expect("GET", collectionsPath, "", nil, 200).list(t)[0].(map[string]any))
	cs.expect("GET", fmt.Sprintf("%s/%d?langCode=en_US", collectionsPath, wlID), "", nil, 200)
	cs.expect("GET", collectionsPath+"/999", "", nil, 404)
	cs.expect("GET", collectionsPath+"/marker-validation/wishlist", "", nil, 200)
	wlRows := collectionsPath + "/marker/wishlist/rows"
	wishBody := wish(14, "soon")
	wishBody["entityType"], wishBody["entityId"] = "products", 14
	wlRow := id(t, cs.expect("POST", wlRows+"?langCode=en_US", csUser.Access, wishBody, 201).json(t))
	cs.expect("POST", wlRows, csUser.Access, wish("x", ""), 400)
	cs.expect("POST", wlRows, "", wish(1, ""), 401)
	cs.expect("GET", fmt.Sprintf("%s/%d/rows?langCode=en_US&offset=0&limit=30&entityType=products&entityId=14", collectionsPath, wlID), csUser.Access, nil, 200)
	cs.expect("GET", wlRows+"?langCode=en_US", "", nil, 200)
	cs.expect("GET", fmt.Sprintf("%s/%d?langCode=en_US", wlRows, wlRow), csUser.Access, nil, 200)
	cs.expect("GET", fmt.Sprintf("%s/%d", wlRows, wlRow), "", nil, 404)
	cs.expect("PUT", fmt.Sprintf("%s/%d?langCode=en_US", wlRows, wlRow), csUser.Access, wish(15, "later"), 200)
	cs.expect("DELETE", fmt.Sprintf("%s/%d", wlRows, wlRow), csUser.Access, nil, 200)
	cs.expect("DELETE", fmt.Sprintf("%s/%d", wlRows, wlRow), csUser.Access, nil, 404)

	// Blocks, on the same demo shop.
	for _, path := range []string{"/api/content/blocks/marker/system_content?langCode=en_US", "/api/content/blocks/marker/home_banner?langCode=fr_FR",
		"/api/content/pages/home_web/blocks?langCode=en_US", "/api/content/blocks/quick/search?name=offer&langCode=en_US",
		"/api/content/blocks/similar/products?langCode=en_US&offset=0&limit=2", "/api/content/blocks/similar/similar-products",
		"/api/content/blocks/multiply_items_offer/products/100/frequently-ordered?langCode=en_US", "/api/content/products/100/blocks?langCode=fr_FR"} {
		forms.expect("GET", path, "", nil, 200)
	}
	for _, path := range []string{"/api/content/templates/all?langCode=en_US", "/api/content/templates?type=common_page&langCode=fr_FR",
		"/api/content/templates/marker/withSidebar?langCode=en_US", "/api/content/general-types"} {
		forms.expect("GET", path, "", nil, 200)
	}
	forms.expect("GET", "/api/content/templates/marker/nope", "", nil, 404)
	forms.expect("GET", "/api/content/templates?type=nope", "", nil, 400)
	forms.expect("POST", "/api/content/blocks?type=&langCode=en_US&offset=0&limit=30", "", nil, 201)
	forms.expect("POST", "/api/content/blocks?type=product_block", "", nil, 201)
	forms.expect("POST", "/api/content/blocks?type=nope", "", nil, 400)
	forms.expect("GET", "/api/content/blocks/marker/nope", "", nil, 404)
	forms.expect("GET", "/api/content/pages/nope/blocks", "", nil, 404)

	// Events, on the same demo shop.
	evUser := forms.loginDemo()
	forms.expect("POST", "/api/content/events/subscribe/marker/product_price", evUser.Access, map[string]any{"productId": 100, "locale": "en_US"}, 201)
	forms.expect("POST", "/api/content/events/subscribe/marker/nope", evUser.Access, map[string]any{"productId": 100}, 404)
	forms.expect("POST", "/api/content/events/subscribe/marker/product_price", evUser.Access, map[string]any{}, 400)
	forms.expect("GET", "/api/content/events/subscriptions?offset=0&limit=30", evUser.Access, nil, 200)
	forms.expect("GET", "/api/content/events/subscriptions", "", nil, 401)
	forms.expect("DELETE", "/api/content/events/unsubscribe/marker/product_price", evUser.Access, map[string]any{"productId": 100, "locale": "en_US"}, 200)

	// TemplatePreviews and Sitemap, on the same demo shop; crawlers fetch sitemaps with no app token.
	forms.expect("GET", "/api/content/template-previews?langCode=fr_FR", "", nil, 200)
	forms.expect("GET", "/api/content/template-previews/marker/product_card?langCode=en_US", "", nil, 200)
	forms.expect("GET", "/api/content/template-previews/marker/nope", "", nil, 404)
	forms.expect("GET", "/api/content/sitemap/", "", nil, 200)
	crawler := via(demoShop)
	crawler.token = ""
	crawler.expect("GET", "/sitemap.xml", "", nil, 404)
	forms.expect("POST", "/api/content/sitemap/", "", map[string]any{"baseUrls": map[string]string{"en_US": "https://shop.example/en/"}}, 201)
	forms.expect("POST", "/api/content/sitemap/", "", map[string]any{"baseUrls": map[string]string{"en_US": "shop"}}, 400)
	forms.expect("GET", "/api/content/sitemap/", "", nil, 200)
	crawler.expect("GET", "/cloud-static/files/project/sitemap/sitemap-000.xml", "", nil, 200)
	crawler.expect("GET", "/cloud-static/files/project/sitemap/sitemap-001.xml", "", nil, 404)
	crawler.expect("GET", "/sitemap.xml", "", nil, 200)

	// Stored files, fetched as browsers do: no app token.
	pictured := apptest.Start(t, apptest.WithProject(picturedProject(picturePNG(t))))
	files := via(pictured)
	files.token = ""
	files.expect("GET", fmt.Sprintf("/cloud-static/files/%d/cosmo.png", fileID(t, pictured, "cosmo.png")), "", nil, 200)
	files.expect("GET", "/cloud-static/files/999/cosmo.png", "", nil, 404)

	// AuthProvider, on a server that mails its codes.
	m := startWithMail(t)
	a := via(m.Server)
	a.expect("GET", "/api/content/users-auth-providers?langCode=en_US&offset=0&limit=30", "", nil, 200)
	a.expect("GET", "/api/content/users-auth-providers?langCode=x1", "", nil, 400)
	a.expect("GET", providers+"email?langCode=en_US", "", nil, 200)
	a.expect("GET", providers+"nope", "", nil, 404)
	const otherEmail = "other@email.com"
	a.signUpAndLogin(otherEmail)
	a.expect("POST", providers+"email/users/sign-up", "", `{"authData": [`, 400)
	if r := signUpOn(a, "email", otherEmail, "secret-pw"); r.status != 400 {
		t.Errorf("duplicate sign-up: got %d, want 400", r.status)
	}
	if r := signUpOn(a, "nope", "x@email.com", "secret-pw"); r.status != 404 {
		t.Errorf("sign-up on an unknown provider: got %d, want 404", r.status)
	}
	a.expect("POST", providers+"email/users/sign-up", "", `{"authData":[],"x":"`+strings.Repeat("x", 1<<20)+`"}`, 413)

	tk := a.loginDemo()
	a.expect("POST", authPath, "", authBody("your-user@email.com", "wrong-pw"), 401)
	a.expect("POST", authPath, "", map[string]any{"authData": []any{}}, 400)
	a.expect("POST", providers+"nope/users/auth", "", authBody("your-user@email.com", "123456"), 404)
	a.token = "wrong"
	a.expect("POST", authPath, "", authBody("your-user@email.com", "123456"), 403)
	a.token = apptest.AppToken
	r := a.expect("POST", providers+"email/users/refresh", "", map[string]string{"refreshToken": tk.Refresh}, 201)
	if err := json.Unmarshal(r.raw, &tk); err != nil {
		t.Fatal(err)
	}
	a.expect("POST", providers+"email/users/refresh", "", map[string]string{"refreshToken": "1-nonsense"}, 400)
	a.expect("GET", providers+"email/users/sessions", tk.Access, nil, 200)
	a.expect("GET", providers+"email/users/sessions", "", nil, 401)
	second := a.loginDemo()
	a.expect("POST", providers+"email/users/logout", "", map[string]string{"refreshToken": second.Refresh}, 401)
	a.expect("POST", providers+"email/users/logout", second.Access, map[string]string{"refreshToken": second.Refresh}, 201)

	// One-time codes, for the other user: a new password closes their sessions.
	gen, check := providers+"email/users/generate-code", providers+"email/users/check-code"
	a.expect("POST", gen, "", codeBody(otherEmail, "reset", ""), 201)
	code := m.smtp.Code(t, otherEmail)
	a.expect("POST", gen, "", codeBody(otherEmail, "reset", ""), 429)
	a.expect("POST", gen, "", codeBody(otherEmail, "user_registration", ""), 404)
	a.expect("POST", gen, "", codeBody(otherEmail, "", ""), 400)
	a.expect("POST", check, "", codeBody(otherEmail, "reset", code), 201)
	change := map[string]any{"userIdentifier": otherEmail, "eventIdentifier": "reset", "code": code, "type": 1,
		"password1": "newpass1", "password2": "newpass1"}
	a.expect("POST", providers+"email/users/change-password", "", change, 201)
	a.expect("POST", providers+"email/users/change-password", "", change, 400) // the code is used up
	if r := signUpOn(a, "email_confirm", "new@example.com", "pass1234"); r.status != 201 {
		t.Fatalf("sign-up on email_confirm: got %d %s", r.status, r.raw)
	}
	a.expect("POST", providers+"email_confirm/users/auth", "", authBody("new@example.com", "pass1234"), 403)
	activate := providers + "email_confirm/users/activate"
	a.expect("POST", activate, "", map[string]any{"userIdentifier": "new@example.com", "code": "x"}, 400)
	a.expect("POST", activate, "", map[string]any{"userIdentifier": "new@example.com", "code": m.smtp.Code(t, "new@example.com")}, 201)
	for range 10 {
		a.expect("POST", authPath, "", authBody("ghost@email.com", "guess"), 401)
	}
	a.expect("POST", authPath, "", authBody("ghost@email.com", "guess"), 429)

	// Users.
	const me = "/api/content/users/me"
	a.expect("GET", me+"?langCode=en_US", tk.Access, nil, 200)
	a.expect("GET", me, "", nil, 401)
	a.expect("GET", me, tk.Access[:len(tk.Access)-4]+"AAAA", nil, 401)
	a.expect("GET", me+"?langCode=x1", tk.Access, nil, 400)
	a.expect("PUT", me, tk.Access, map[string]any{
		"formIdentifier": "reg", "langCode": "en_US",
		"formData": map[string]any{"en_US": []map[string]any{{"marker": "name_reg", "type": "string", "value": "Christina T."}}},
		"state":    map[string]any{"cart": []int{14, 1}},
	}, 200)
	a.expect("PUT", me, tk.Access, map[string]any{"formData": []map[string]any{{"marker": "name_reg", "type": "string", "value": "C."}}}, 200)
	a.expect("PUT", me, tk.Access, map[string]any{"state": []int{1}}, 400)
	a.expect("GET", me, tk.Access, nil, 200)
	a.expect("POST", me+"/fcm-token/tok-1", tk.Access, nil, 201)
	a.expect("POST", me+"/fcm-token/tok-1", "", nil, 401)
	a.expect("DELETE", me+"/fcm-token/tok-1", tk.Access, nil, 200)
	a.expect("DELETE", me, a.signUpAndLogin("archive@email.com").Access, nil, 200)
	a.expect("DELETE", me+"/account", a.signUpAndLogin("delete@email.com").Access, nil, 200)
	a.expect("POST", providers+"email/users/logout-all", a.signUpAndLogin("all@email.com").Access, nil, 201)

	// Forms, products, storages and statuses.
	a.expect("GET", "/api/content/forms?langCode=en_US&offset=0&limit=30", "", nil, 200)
	a.expect("GET", "/api/content/forms/marker/order?langCode=en_US", "", nil, 200)
	a.expect("GET", "/api/content/forms/marker/nope", "", nil, 404)
	a.expect("GET", "/api/content/products/ids?ids=14,9999,1&langCode=en_US", "", nil, 200)
	a.expect("GET", "/api/content/products/ids?ids=1,x", "", nil, 400)
	a.expect("GET", "/api/content/products/14?langCode=en_US", "", nil, 200)
	a.expect("GET", "/api/content/products/9999", "", nil, 404)
	a.expect("GET", "/api/content/products/abc", "", nil, 400)
	a.expect("GET", "/api/content/orders-storage/marker/orders/order-statuses?langCode=en_US&offset=0&limit=30", "", nil, 200)
	a.do("GET", "/api/content/orders-storage/marker/nope/order-statuses", "", nil)
	a.expect("GET", "/api/content/orders-storage?langCode=en_US&limit=30&offset=0", tk.Access, nil, 200)
	a.expect("GET", "/api/content/orders-storage", "", nil, 401)
	a.expect("GET", "/api/content/orders-storage/marker/orders?langCode=en_US", tk.Access, nil, 200)
	a.expect("GET", "/api/content/orders-storage/marker/nope", tk.Access, nil, 404)

	// Orders: formData as the JS SDK's locale map, and as a bare array.
	order := id(t, a.createOrder(tk.Access, [2]int64{14, 1}, [2]int64{2, 3}))
	bare := orderBody([2]int64{3, 2})
	bare["formData"] = []map[string]any{{"marker": "name", "type": "string", "value": "A"}}
	other := id(t, a.expect("POST", ordersPath+"?langCode=en_US", tk.Access, bare, 201).json(t))
	unpaid := id(t, a.createOrder(tk.Access, [2]int64{1, 1}))
	a.expect("POST", ordersPath, tk.Access, orderBody(), 400)
	a.expect("POST", "/api/content/orders-storage/marker/nope/orders", tk.Access, orderBody([2]int64{14, 1}), 404)
	a.expect("POST", ordersPath, tk.Access, `{"products":[{"productId":14,"quantity":1}],"x":"`+strings.Repeat("x", 1<<20)+`"}`, 413)
	a.expect("GET", ordersPath+"?langCode=en_US&limit=2&offset=0", tk.Access, nil, 200)
	a.expect("GET", fmt.Sprintf("%s/%d?langCode=en_US", ordersPath, order), tk.Access, nil, 200)
	a.expect("GET", ordersPath+"/999", tk.Access, nil, 404)
	a.expect("GET", ordersPath+"/abc", tk.Access, nil, 400)
	a.expect("PUT", fmt.Sprintf("%s/%d?langCode=en_US", ordersPath, unpaid), tk.Access,
		map[string]any{"products": []map[string]int{{"productId": 2, "quantity": 2}}, "formData": map[string]any{"en_US": []any{nil}}}, 200)
	a.expect("PUT", fmt.Sprintf("%s/%d?langCode=en_US", ordersPath, unpaid), tk.Access, map[string]any{"statusIdentifier": "completed"}, 400)
	a.expect("PUT", ordersPath+"/999", tk.Access, map[string]any{}, 404)
	a.expect("POST", "/api/content/orders-storage/orders/preview?langCode=en_US", "",
		map[string]any{"products": []map[string]int{{"productId": 14, "quantity": 2}, {"productId": 2, "quantity": 1}}}, 201)
	a.expect("POST", "/api/content/orders-storage/orders/preview", "", map[string]any{"products": []map[string]int{{"productId": 14, "quantity": 1}}, "couponCode": "NOPE"}, 400)

	// Payments.
	session := id(t, a.expect("POST", sessionsPath, tk.Access,
		map[string]any{"orderId": order, "type": "session", "automaticTaxEnabled": false}, 201).json(t))
	a.expect("POST", sessionsPath, tk.Access, map[string]any{"orderId": other, "type": "intent"}, 201)
	a.expect("POST", sessionsPath, tk.Access, map[string]any{"orderId": 9999, "type": "session"}, 404)
	a.expect("POST", sessionsPath, tk.Access, map[string]any{"orderId": order, "type": "cash"}, 400)
	a.expect("GET", sessionsPath, tk.Access, nil, 200)
	a.expect("GET", sessionsPath+"/?offset=0&limit=30", tk.Access, nil, 200)
	a.expect("GET", fmt.Sprintf("%s/%d", sessionsPath, session), tk.Access, nil, 200)
	a.expect("GET", sessionsPath+"/9999", tk.Access, nil, 404)
	a.expect("GET", fmt.Sprintf("%s/order/%d", sessionsPath, order), tk.Access, nil, 200)
	a.expect("GET", fmt.Sprintf("%s/order/%d", sessionsPath, unpaid), tk.Access, nil, 404)
	a.expect("GET", "/api/content/payments/accounts?langCode=en_US", tk.Access, nil, 200)
	a.expect("GET", "/api/content/payments/accounts/1?langCode=en_US", tk.Access, nil, 200)
	a.expect("GET", "/api/content/payments/accounts/99", tk.Access, nil, 404)

	// Refunds, once the shop has settled the cash payment.
	refunds := fmt.Sprintf("/api/content/orders/%d/refund", order)
	a.expect("GET", refunds, tk.Access, nil, 200)
	a.expect("POST", refunds, tk.Access, map[string]any{}, 404) // not paid yet
	if err := m.App.SettleSession(ctx, session, openentry.SessionCompleted); err != nil {
		t.Fatal(err)
	}
	a.expect("POST", sessionsPath, tk.Access, map[string]any{"orderId": order, "type": "session"}, 409)
	a.expect("GET", fmt.Sprintf("%s/%d", ordersPath, order), tk.Access, nil, 200)
	a.expect("POST", refunds, tk.Access, map[string]any{"products": map[string]any{"14": map[string]int{"quantity": 1}}, "note": "broken"}, 201)
	a.expect("GET", refunds, tk.Access, nil, 200)
	a.expect("DELETE", refunds, tk.Access, nil, 200)
	a.expect("DELETE", refunds, tk.Access, nil, 404)
	a.expect("POST", refunds, tk.Access, nil, 201)
	a.expect("GET", refunds, tk.Access, nil, 200)
	a.expect("GET", "/api/content/orders/abc/refund", tk.Access, nil, 400)

	// Pages, on a server with a tree of them (pages_test.go).
	pg := via(apptest.Start(t, apptest.WithProject(pagesProject())))
	const pages = "/api/content/pages"
	for _, path := range []string{pages + "?langCode=en_US", pages + "/root?langCode=en_US", pages + "/1?langCode=fr_FR",
		pages + "/url/shoes?langCode=en_US", pages + "/category/children?langCode=en_US", pages + "/shop/config",
		pages + "/quick/search?undefined&lang=en_US&name=sho"} {
		pg.expect("GET", path, "", nil, 200)
	}
	pg.expect("GET", pages+"/url/nope", "", nil, 404)

	// Locales and menus (menus_test.go).
	mn := via(apptest.Start(t, apptest.WithProject(menusProject())))
	mn.expect("GET", "/api/content/locales/active/all", "", nil, 200)
	mn.expect("GET", "/api/content/menus/marker/main_web?langCode=fr_FR", "", nil, 200)
	mn.expect("GET", "/api/content/menus/marker/empty", "", nil, 200)
	mn.expect("GET", "/api/content/menus/marker/nope", "", nil, 404)
	mn.expect("GET", "/api/content/menus/marker/main_web?langCode=x1", "", nil, 400)
	pg.expect("GET", pages+"/abc", "", nil, 400)

	// Attribute sets, product statuses and related products (catalog_test.go).
	cat := via(apptest.Start(t, apptest.WithProject(apptest.CatalogProject())))
	const sets, statuses = "/api/content/attributes-sets", "/api/content/product-statuses"
	for _, path := range []string{sets + "?langCode=en_US&offset=0&limit=30&typeId=5&sortBy=position", sets + "?typeId=99",
		sets + "/marker/product?langCode=fr_FR", sets + "/product/attributes?langCode=EN", sets + "/product/attributes/color?langCode=en_US",
		statuses, statuses + "?langCode=fr_FR", statuses + "/marker/sold_out", statuses + "/marker-validation/in_stock",
		statuses + "/marker-validation/nope", "/api/content/products/201/related?langCode=en_US&offset=0&limit=30",
		"/api/content/products/201?langCode=fr", "/api/content/products/201/blocks?langCode=en_US"} {
		cat.expect("GET", path, "", nil, 200)
	}
	for _, path := range []string{sets + "/marker/nope", sets + "/nope/attributes", sets + "/product/attributes/nope",
		statuses + "/marker/nope", "/api/content/products/204/related", "/api/content/products/999/blocks"} {
		cat.expect("GET", path, "", nil, 404)
	}
	cat.expect("GET", sets+"?sortBy=title", "", nil, 400)
	cat.expect("GET", sets+"?typeId=x", "", nil, 400)

	// Product lists, counts, prices and search (product_list_test.go), with
	// the SDK's body shapes: {filter: [...]} for lists, bare lists for counts.
	pl := via(listServer(t))
	const pr = "/api/content/products"
	template := map[string]any{"filter": []map[string]any{{"attributeMarker": "sku", "conditionMarker": "nin", "conditionValue": nil,
		"title": "", "isNested": false}, {"attributeMarker": "price", "conditionMarker": "mth", "conditionValue": "10", "pageUrl": "gear",
		"isNested": true, "title": ""}, {"statusMarker": "in_stock", "attributeMarker": "price", "conditionValue": nil, "title": "", "isNested": false}}}
	pl.expect("POST", pr+"/all?offset=0&limit=10&sortOrder=ASC&sortKey=date&langCode=en_US", "", template, 201)
	pl.expect("POST", pr+"/all?langCode=en_US&statusMarker=in_stock&attributeMarker=color&conditionMarker=in&conditionValue=red", "", nil, 201)
	pl.expect("POST", pr+"/page/url/gear-tents?langCode=en_US&sortOrder=DESC&sortKey=date", "", template, 201)
	pl.expect("POST", pr+"/page/1?langCode=en_US&sortKey=price", "", map[string]any{"filter": []any{}}, 201)
	pl.expect("POST", pr+"/empty-page?langCode=en_US", "", map[string]any{}, 201)
	pl.expect("POST", pr+"/all/counts", "", []map[string]any{{"attributeMarker": "color", "conditionMarker": "in", "conditionValue": "red"}}, 201)
	pl.expect("POST", pr+"/page/1/counts", "", []any{}, 201)
	pl.expect("POST", pr+"/page/url/gear/counts", "", []any{}, 201)
	pl.expect("GET", pr+"/page/gear-stoves/prices?langCode=en_US&offset=0&limit=30", "", nil, 200)
	pl.expect("GET", pr+"/quick/search?langCode=en_US&name=tent", "", nil, 200)
	pl.expect("POST", pr+"/all", "", []map[string]any{{"attributeMarker": "color", "conditionMarker": "like"}}, 400)
	pl.expect("POST", pr+"/page/url/nope", "", nil, 404)
	pl.expect("POST", pr+"/page/99999/counts", "", nil, 404)
	pl.expect("GET", pr+"/page/nope/prices", "", nil, 404)
	pl.expect("GET", pr+"/quick/search?name=", "", nil, 400)

	// Uploads and System (upload_test.go).
	upSrv := apptest.Start(t, apptest.WithConfig(func(cfg *app.Config) { cfg.MaxUploadSize = 4096 }))
	up := via(upSrv)
	upUser := up.signUpAndLogin("openapi-uploader@example.com")
	pic := picturePNG(t)
	guestUpload := up.uploadOne(editorFolder+"&width=0&height=0&compress=true&template=1", "", uploadPart{"files", "photo.png", pic})
	mine := up.uploadOne(editorFolder, upUser.Access, uploadPart{"files", "mine.png", pic})
	if resp, _ := up.getUploaded(3787, "page", "editor", guestUpload.Filename+"&template=1"); resp.StatusCode != 200 {
		t.Errorf("getFile: got %d", resp.StatusCode)
	}
	up.getUploaded(3787, "page", "editor", "nope.png")
	checkError(t, up.upload(editorFolder, "", uploadPart{"files", "big.png", append(append([]byte(nil), pic...), make([]byte, 4096)...)}), 413, "")
	checkError(t, up.upload(editorFolder, "", uploadPart{"files", "x.exe", []byte("MZ")}), 400, "")
	up.expect("DELETE", deleteQuery(mine.Filename), "", nil, 401)
	up.expect("DELETE", deleteQuery(guestUpload.Filename), upUser.Access, nil, 404)
	up.expect("DELETE", deleteQuery(mine.Filename)+"&template=1", upUser.Access, nil, 200)
	up.expect("GET", "/api/content/system/test404", "", nil, 404)
	up.expect("GET", "/api/content/system/test500", "", nil, 500)
	up.expect("GET", "/api/content/system/api-stat", "", nil, 200)
	if _, err := upSrv.App.CreateStaff(ctx, "owner@shop.test", "Olga", "owner", "staff-password-1"); err != nil {
		t.Fatal(err)
	}
	up.expect("POST", "/api/content/admins/all?langCode=en_US&offset=0&limit=30", "", []map[string]any{
		{"attributeMarker": "role", "conditionMarker": "eq", "conditionValue": "owner"}}, 201)
	up.expect("POST", "/api/content/admins/all", "", []map[string]any{{"attributeMarker": "email", "conditionMarker": "eq", "conditionValue": "x"}}, 400)

	// Stripe: checkout and intent sessions, and the webhook.
	stripeSrv, _ := startStripe(t, stripemock.Start(t).URL())
	s := via(stripeSrv)
	stk := s.loginDemo()
	checkout := id(t, s.createSession(stk.Access, stripeOrder(s, stk.Access), "session").json(t))
	s.expect("POST", sessionsPath, stk.Access, map[string]any{"orderId": stripeOrder(s, stk.Access), "type": "intent"}, 201)
	s.expect("GET", ordersPath, stk.Access, nil, 200)
	now := time.Now()
	body, sig := event(t, "evt_openapi", "checkout.session.completed", checkoutObject(checkout, "paid"), webhookSecret, now)
	for _, want := range []string{"applied", "replayed"} {
		if status, outcome := s.deliver(body, sig); status != 200 || outcome != want {
			t.Errorf("webhook: got %d %q, want 200 %q", status, outcome, want)
		}
	}
	body, sig = event(t, "evt_openapi_bad", "checkout.session.completed", checkoutObject(checkout, "paid"), "whsec_wrong", now)
	if status, _ := s.deliver(body, sig); status != 400 {
		t.Errorf("webhook with a wrong signature: got %d, want 400", status)
	}

	errorsSeen := map[int]bool{}
	for _, op := range c.Operations() {
		statuses := c.Statuses(op)
		if len(statuses) == 0 {
			t.Errorf("%s: never called", op)
		}
		if c.DocumentsSuccess(op) && !slices.ContainsFunc(statuses, func(s int) bool { return s >= 200 && s < 300 }) {
			t.Errorf("%s: no success was checked against the document (statuses seen: %v)", op, statuses)
		}
		for _, s := range statuses {
			errorsSeen[s] = s >= 400
		}
	}
	for _, status := range []int{400, 401, 403, 404, 409, 413, 429} {
		if !errorsSeen[status] {
			t.Errorf("no %d answer was checked against the document", status)
		}
	}
}
