package shop_test

import (
	"context"
	"strings"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/payment/cash"
	"github.com/openentry/openentry/internal/payment/stripepay"
	"github.com/openentry/openentry/internal/shop"
)

// demoProject returns a fresh parse of the demo project, for a case to change.
func demoProject(t *testing.T) *openentry.Project {
	t.Helper()
	p, err := demo.Project()
	if err != nil {
		t.Fatalf("demo.Project: %v", err)
	}
	return p
}

// validate checks p with the providers the server runs with.
func validate(p *openentry.Project) error {
	providers := shop.Providers{cash.Type: cash.New(), stripepay.Type: stripepay.New(stripepay.Config{}, nil)}
	return shop.NewProjects(nil, nil, providers).Validate(p)
}

func TestProjectValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(p *openentry.Project)
		want   string // the whole error, errors joined by newlines
	}{
		{
			name:   "duplicate form",
			change: func(p *openentry.Project) { p.Forms = append(p.Forms, p.Forms[1]) },
			want:   `form "order": defined twice`,
		},
		{
			name: "malformed form identifier",
			change: func(p *openentry.Project) {
				p.Forms = append(p.Forms, openentry.ProjectForm{Identifier: "my form", Type: "data"})
			},
			want: `form "my form": identifier must match ^[A-Za-z0-9_-]{1,64}$`,
		},
		{
			name:   "empty form identifier",
			change: func(p *openentry.Project) { p.Forms = append(p.Forms, openentry.ProjectForm{Type: "data"}) },
			want:   `form "": identifier must match ^[A-Za-z0-9_-]{1,64}$`,
		},
		{
			name: "repeated attribute",
			change: func(p *openentry.Project) {
				p.Forms[1].Attributes = append(p.Forms[1].Attributes, openentry.ProjectAttribute{Marker: "name", Type: "string"})
			},
			want: `form "order": attribute "name" is malformed or repeated`,
		},
		{
			name:   "malformed attribute",
			change: func(p *openentry.Project) { p.Forms[1].Attributes[2].Marker = "com.ment" },
			want:   `form "order": attribute "com.ment" is malformed or repeated`,
		},
		{
			name:   "duplicate auth provider",
			change: func(p *openentry.Project) { p.AuthProviders = append(p.AuthProviders, p.AuthProviders[0]) },
			want:   `auth provider "email": identifier malformed or repeated`,
		},
		{
			name:   "duplicate payment account",
			change: func(p *openentry.Project) { p.PaymentAccounts = append(p.PaymentAccounts, p.PaymentAccounts[0]) },
			want:   `payment account "cash": identifier malformed or repeated`,
		},
		{
			name: "too long payment account identifier",
			change: func(p *openentry.Project) {
				p.PaymentAccounts = append(p.PaymentAccounts, openentry.ProjectPaymentAccount{Identifier: strings.Repeat("a", 65), Type: "custom"})
			},
			want: `payment account "` + strings.Repeat("a", 65) + `": identifier malformed or repeated`,
		},
		{
			name:   "unsupported payment account type",
			change: func(p *openentry.Project) { p.PaymentAccounts[0].Type = "paypal" },
			want:   `payment account "cash": type "paypal" is not supported (custom, stripe)`,
		},
		{
			name:   "stripe session timeout out of range",
			change: func(p *openentry.Project) { p.PaymentAccounts[1].SessionTimeout = 10 },
			want:   `payment account "stripe": sessionTimeout must be 30 to 1440 minutes for stripe`,
		},
		{
			name:   "stripe without success URL",
			change: func(p *openentry.Project) { p.PaymentAccounts[1].SuccessURL = "" },
			want:   `payment account "stripe": a stripe account needs a successUrl (http or https)`,
		},
		{
			name:   "paid status not a status",
			change: func(p *openentry.Project) { p.OrderStorages[0].PaidStatus = "paid" },
			want:   `order storage "orders": paidStatus "paid" is not one of its statuses`,
		},
		{
			name:   "canceled status not a status",
			change: func(p *openentry.Project) { p.OrderStorages[0].CanceledStatus = "gone" },
			want:   `order storage "orders": canceledStatus "gone" is not one of its statuses`,
		},
		{
			name:   "cancelUnpaidAfter out of range",
			change: func(p *openentry.Project) { p.OrderStorages[0].CancelUnpaidAfter = -1 },
			want:   `order storage "orders": cancelUnpaidAfter must be 0 to 525600 minutes`,
		},
		{
			name: "cancelUnpaidAfter without a canceled status",
			change: func(p *openentry.Project) {
				p.OrderStorages[0].CancelUnpaidAfter, p.OrderStorages[0].CanceledStatus = 60, ""
			},
			want: `order storage "orders": cancelUnpaidAfter needs a canceledStatus to move the orders to`,
		},
		{
			name:   "duplicate order storage",
			change: func(p *openentry.Project) { p.OrderStorages = append(p.OrderStorages, p.OrderStorages[0]) },
			want:   `order storage "orders": identifier malformed or repeated`,
		},
		{
			name:   "no default status",
			change: func(p *openentry.Project) { p.OrderStorages[0].Statuses[0].IsDefault = false },
			want:   `order storage "orders": needs exactly one default status, has 0`,
		},
		{
			name:   "two default statuses",
			change: func(p *openentry.Project) { p.OrderStorages[0].Statuses[2].IsDefault = true },
			want:   `order storage "orders": needs exactly one default status, has 2`,
		},
		{
			name:   "no statuses",
			change: func(p *openentry.Project) { p.OrderStorages[0].Statuses = nil },
			want: `order storage "orders": needs exactly one default status, has 0` + "\n" +
				`order storage "orders": paidStatus "completed" is not one of its statuses` + "\n" +
				`order storage "orders": canceledStatus "canceled" is not one of its statuses`,
		},
		{
			name: "repeated status",
			change: func(p *openentry.Project) {
				p.OrderStorages[0].Statuses = append(p.OrderStorages[0].Statuses, openentry.ProjectOrderStatus{Identifier: "completed"})
			},
			want: `order storage "orders": status "completed" malformed or repeated`,
		},
		{
			name:   "product id zero",
			change: func(p *openentry.Project) { p.Products[2].ID = 0 },
			want:   `product 0: id must be positive and unique`,
		},
		{
			name:   "negative product id",
			change: func(p *openentry.Project) { p.Products[2].ID = -3 },
			want:   `product -3: id must be positive and unique`,
		},
		{
			name:   "duplicate product id",
			change: func(p *openentry.Project) { p.Products[4].ID = 14 },
			want:   `product 14: id must be positive and unique`,
		},
		{
			name:   "price with too many decimals",
			change: func(p *openentry.Project) { p.Products[1].Price = "12.505" },
			want:   `product 2: amount "12.505" has more than 2 decimal places for USD`,
		},
		{
			name:   "negative price",
			change: func(p *openentry.Project) { p.Products[1].Price = "-1" },
			want:   `product 2: amount "-1" is not a non-negative decimal`,
		},
		{
			name:   "price with exponent",
			change: func(p *openentry.Project) { p.Products[1].Price = "1e3" },
			want:   `product 2: amount "1e3" is not a non-negative decimal`,
		},
		{
			name:   "missing price",
			change: func(p *openentry.Project) { p.Products[1].Price = "" },
			want:   `product 2: amount "" is not a non-negative decimal`,
		},
		{
			name:   "bad currency",
			change: func(p *openentry.Project) { p.Products[1].Currency = "DOLLAR" },
			want:   `product 2: currency "DOLLAR" is not an ISO 4217 code`,
		},
		{
			name:   "user with short password",
			change: func(p *openentry.Project) { p.Users[0].Password = "12345" },
			want:   `user "your-user@email.com": needs a login and a password of at least 6 characters`,
		},
		{
			name:   "user with a hash that is not argon2id",
			change: func(p *openentry.Project) { p.Users[0].Password, p.Users[0].PasswordHash = "", "$2a$10$bcrypt" },
			want:   `user "your-user@email.com": passwordHash must be an argon2id hash ($argon2id$…), given instead of a password`,
		},
		{
			name:   "user with a password and a hash",
			change: func(p *openentry.Project) { p.Users[0].PasswordHash = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA" },
			want:   `user "your-user@email.com": passwordHash must be an argon2id hash ($argon2id$…), given instead of a password`,
		},
		{
			name:   "user without login",
			change: func(p *openentry.Project) { p.Users[0].Login = "" },
			want:   `user "": needs a login and a password of at least 6 characters`,
		},
		{
			name: "several errors",
			change: func(p *openentry.Project) {
				p.Products[0].ID = 0
				p.PaymentAccounts[0].Type = "paypal"
				p.Users[0].Password = ""
			},
			want: `payment account "cash": type "paypal" is not supported (custom, stripe)` + "\n" +
				`product 0: id must be positive and unique` + "\n" +
				`user "your-user@email.com": needs a login and a password of at least 6 characters`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := demoProject(t)
			tc.change(p)
			err := validate(p)
			if err == nil {
				t.Fatalf("Validate: got no error, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("Validate:\ngot  %q\nwant %q", err, tc.want)
			}
		})
	}
}

func TestProjectValidateAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(p *openentry.Project)
	}{
		{name: "demo as is", change: func(*openentry.Project) {}},
		{name: "empty project", change: func(p *openentry.Project) { *p = openentry.Project{} }},
		{name: "password of minimum length", change: func(p *openentry.Project) { p.Users[0].Password = "abcdef" }},
		{
			name: "longest identifier",
			change: func(p *openentry.Project) {
				p.PaymentAccounts = append(p.PaymentAccounts, openentry.ProjectPaymentAccount{Identifier: strings.Repeat("a", 64), Type: "custom"})
			},
		},
		{name: "zero-exponent price", change: func(p *openentry.Project) { p.Products[0].Price, p.Products[0].Currency = "500", "JPY" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := demoProject(t)
			tc.change(p)
			if err := validate(p); err != nil {
				t.Errorf("Validate: got %v, want no error", err)
			}
		})
	}
}

func TestApplyProjectIsIdempotentAndKeepsUserData(t *testing.T) {
	ctx := context.Background()
	path := apptest.DSN(t)
	s := openShop(t, path)
	p, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.projects.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	auth, orders := s.auth, s.orders
	login := []openentry.AuthData{{Marker: "email_reg", Value: demo.UserLogin}, {Marker: "password_reg", Value: demo.UserPassword}}
	pair, err := auth.Auth(ctx, "email", login, openentry.Device{})
	if err != nil {
		t.Fatal(err)
	}
	principal, err := auth.Authenticate(ctx, pair.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	order, err := orders.CreateOrder(ctx, principal.UserID, openentry.OrderCreate{
		StorageMarker: "orders", FormIdentifier: "order", PaymentAccountIdentifier: "cash",
		FormData: openentry.FormData{"en_US": {{Marker: "name", Type: "string", Value: []byte(`"A"`)}}},
		Lines:    []openentry.LineInput{{ProductID: 14, Quantity: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}

	// Re-apply a changed project on a reopened database: the price changes for
	// new orders, the seed user keeps its (changed) state, nothing is lost.
	s.db.Close()
	s = openShop(t, path)
	p.Products[3].Price = "350.00" // product 14
	p.Users[0].Password = "another-password"
	for range 2 {
		if err := s.projects.Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	auth, orders = s.auth, s.orders
	if _, err := auth.Auth(ctx, "email", login, openentry.Device{}); err != nil {
		t.Errorf("seed user's password was overwritten by re-applying the project: %v", err)
	}
	got, err := orders.Order(ctx, principal.UserID, "orders", order.ID)
	if err != nil {
		t.Fatalf("order lost after re-applying the project: %v", err)
	}
	if got.Total.Fixed() != "680.00" || got.Lines[0].UnitPrice.Fixed() != "340.00" {
		t.Errorf("stored order: got total %s, unit %s; want the prices it was placed at (680.00, 340.00)", got.Total.Fixed(), got.Lines[0].UnitPrice.Fixed())
	}
	catalog := s.catalog
	pr, err := catalog.Product(ctx, 14)
	if err != nil || pr.Price.Fixed() != "350.00" {
		t.Errorf("product 14 after re-apply: got %v, %v; want price 350.00", pr, err)
	}
	forms, total, err := catalog.Forms(ctx, openentry.Page{Limit: 30})
	if err != nil || total != 2 || len(forms) != 2 {
		t.Fatalf("forms after re-apply: got %d of %d, %v; want 2 of 2", len(forms), total, err)
	}
	for _, f := range forms {
		if f.Version != 0 {
			t.Errorf("form %s: version %d after re-applying an unchanged form, want 0", f.Identifier, f.Version)
		}
	}
	statuses, err := orders.Statuses(ctx, "orders", openentry.Page{Limit: 30})
	if err != nil || len(statuses) != 3 {
		t.Fatalf("statuses: got %v, %v", statuses, err)
	}
	defaults := 0
	for _, st := range statuses {
		if st.IsDefault {
			defaults++
		}
	}
	if defaults != 1 {
		t.Errorf("statuses: %d defaults after re-apply, want 1", defaults)
	}
}

func TestApplyProjectRejectsBrokenProjectWholly(t *testing.T) {
	ctx := context.Background()
	s := openShop(t, apptest.DSN(t))
	p := &openentry.Project{
		Products: []openentry.ProjectProduct{{ID: 1, Title: map[string]string{"en_US": "A"}, Price: "1.00", Currency: "USD"}},
		OrderStorages: []openentry.ProjectOrderStorage{{Identifier: "orders", FormIdentifier: "missing",
			Statuses: []openentry.ProjectOrderStatus{{Identifier: "new", IsDefault: true}}}},
	}
	if err := s.projects.Apply(ctx, p); err == nil {
		t.Fatal("a storage with a missing form was accepted")
	}
	if _, err := s.catalog.Product(ctx, 1); err == nil {
		t.Error("a rejected project was half applied: product 1 exists")
	}
}

func TestApplyProjectChecksReferences(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		change func(p *openentry.Project)
		want   string
	}{
		{"provider form missing", func(p *openentry.Project) { p.AuthProviders[0].FormIdentifier = "signup" },
			`auth provider "email": form "signup" is not defined`},
		{"provider form without login", func(p *openentry.Project) { p.Forms[0].Attributes[0].IsLogin = false },
			`auth provider "email": form "reg" needs exactly one isLogin and one isPassword attribute`},
		{"provider form with two passwords", func(p *openentry.Project) { p.Forms[0].Attributes[2].IsPassword = true },
			`auth provider "email_confirm": form "reg" needs exactly one isLogin and one isPassword attribute`},
		{"provider on the order form", func(p *openentry.Project) { p.AuthProviders[0].FormIdentifier = "order" },
			`auth provider "email": form "order" needs exactly one isLogin and one isPassword attribute`},
		{"storage form not of type order", func(p *openentry.Project) { p.OrderStorages[0].FormIdentifier = "reg" },
			`order storage "orders": form "reg" must be a form of type order`},
		{"storage form missing", func(p *openentry.Project) { p.OrderStorages[0].FormIdentifier = "checkout" },
			`order storage "orders": form "checkout" must be a form of type order`},
		{"storage with unknown account", func(p *openentry.Project) { p.OrderStorages[0].PaymentAccounts = []string{"cash", "card"} },
			`order storage "orders": payment account "card" is not defined`},
		{"storage requires a field its form lacks", func(p *openentry.Project) { p.OrderStorages[0].RequiredFields = []string{"nope"} },
			`order storage "orders": requiredFields: form "order" has no attribute "nope"`},
		{"user with unknown provider", func(p *openentry.Project) { p.Users[0].AuthProvider = "phone" },
			`user "your-user@email.com": auth provider "phone" is not defined`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openShop(t, apptest.DSN(t))
			p, err := demo.Project()
			if err != nil {
				t.Fatal(err)
			}
			tc.change(p)
			err = s.projects.Apply(ctx, p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if _, err := s.catalog.Product(ctx, 14); err == nil {
				t.Error("a rejected project was half applied: product 14 exists")
			}
		})
	}

	// A later file may refer to what an earlier one defined.
	s := openShop(t, apptest.DSN(t))
	p, _ := demo.Project()
	if err := s.projects.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	later := &openentry.Project{
		AuthProviders: []openentry.ProjectAuthProvider{{Identifier: "email2", Type: "email", FormIdentifier: "reg"}},
		OrderStorages: []openentry.ProjectOrderStorage{{Identifier: "b2b", FormIdentifier: "order", PaymentAccounts: []string{"cash"},
			Statuses: []openentry.ProjectOrderStatus{{Identifier: "new", IsDefault: true}}}},
		Users: []openentry.ProjectUser{{AuthProvider: "email2", Login: "b2b@example.com", Password: "secret-pw"}},
	}
	if err := s.projects.Apply(ctx, later); err != nil {
		t.Errorf("a file referring to an earlier apply's form and account: %v", err)
	}
}

// TestApplyProjectStock: the file's stock figure is set when it changes, so
// re-applying the same file keeps the units sold since, and a new figure restocks.
func TestApplyProjectStock(t *testing.T) {
	ctx := context.Background()
	s := newShop(t)
	p := &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{Identifier: "stocked", Title: map[string]string{"en_US": "Stocked"},
			StockAttribute: "units", Attributes: []openentry.ProjectSetAttribute{{Marker: "units", Type: "integer", Title: map[string]string{"en_US": "Units"}}}}},
		Products: []openentry.ProjectProduct{{ID: 600, Title: map[string]string{"en_US": "P"}, Price: "1.00", Currency: "USD",
			AttributeSetIdentifier: "stocked", AttributeValues: openentry.AttributeValues{"en_US": {"units": []byte("10")}}}},
	}
	stock := func() int64 {
		t.Helper()
		pr, err := s.catalog.Product(ctx, 600)
		if err != nil || pr.Stock == nil {
			t.Fatalf("product 600: %+v, %v", pr, err)
		}
		return *pr.Stock
	}
	if err := s.projects.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE products SET stock = 7 WHERE id = 600`); err != nil { // three sold
		t.Fatal(err)
	}
	if err := s.projects.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := stock(); got != 7 {
		t.Errorf("after re-applying the same file: got %d units, want the 7 left", got)
	}
	p.Products[0].AttributeValues["en_US"]["units"] = []byte("20")
	if err := s.projects.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := stock(); got != 20 {
		t.Errorf("after a new figure: got %d units, want 20", got)
	}
	for _, bad := range []string{`-1`, `1.5`, `"many"`} {
		p.Products[0].AttributeValues["en_US"]["units"] = []byte(bad)
		if err := s.projects.Apply(ctx, p); err == nil {
			t.Errorf("stock %s was accepted", bad)
		}
	}
}

// TestDemoShopApplies: the demo shop holds together, on top of the demo
// project, and applying it twice changes nothing.
func TestDemoShopApplies(t *testing.T) {
	ctx := context.Background()
	s := newShop(t)
	shopProject, err := demo.Shop()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.projects.Apply(ctx, shopProject); err != nil {
			t.Fatal(err)
		}
	}
	var categories, products, inStock int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT attribute_set), COUNT(*), COUNT(CASE WHEN stock > 0 THEN 1 END) FROM products WHERE id >= 100`).Scan(&categories, &products, &inStock); err != nil {
		t.Fatal(err)
	}
	if products < 24 || inStock < 12 {
		t.Errorf("demo shop: %d products, %d in stock; want at least 24 and 12", products, inStock)
	}
	p, err := s.catalog.Product(ctx, 83)
	if err != nil || p.Price.Fixed() != "10.00" || p.Stock != nil {
		t.Errorf("delivery product 83: %+v, %v; want 10.00 and no stock count", p, err)
	}
	if _, err := s.catalog.Product(ctx, 14); err != nil {
		t.Errorf("the seed's product 14 is gone: %v", err)
	}
}
