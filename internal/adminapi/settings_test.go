package adminapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/httpapi/openapitest"
	"github.com/openentry/openentry/oneentry"
)

type storageJSON struct {
	ID       int64             `json:"id"`
	Version  int64             `json:"version"`
	Title    map[string]string `json:"title"`
	Accounts []string          `json:"paymentAccounts"`
	Statuses []struct {
		Identifier string            `json:"identifier"`
		Title      map[string]string `json:"title"`
		IsDefault  bool              `json:"isDefault"`
		Orders     int64             `json:"orders"`
	} `json:"statuses"`
}

type accountJSON struct {
	ID      int64  `json:"id"`
	Ident   string `json:"identifier"`
	Version int64  `json:"version"`
	Active  bool   `json:"active"`
	Visible bool   `json:"visible"`
	Secrets struct {
		SecretKey     string `json:"secretKey"`
		WebhookSecret string `json:"webhookSecret"`
	} `json:"secrets"`
}

type providerJSON struct {
	Identifier string            `json:"identifier"`
	Version    int64             `json:"version"`
	Active     bool              `json:"active"`
	Config     map[string]string `json:"config"`
}

// settingsShopper is the demo user on the Content API, through the Go SDK.
func settingsShopper(t *testing.T, srv *apptest.Server) (*oneentry.Client, error) {
	t.Helper()
	c, err := oneentry.New(srv.BaseURL, oneentry.WithToken(apptest.AppToken))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AuthProvider.Auth(context.Background(), "email", []oneentry.AuthData{
		{Marker: "email_reg", Value: "your-user@email.com"}, {Marker: "password_reg", Value: "123456"}})
	return c, err
}

// demoStorage is the demo project's storage as a PUT body, at version.
func demoStorage(version int64) map[string]any {
	return map[string]any{
		"version": version, "title": map[string]string{"en_US": "Orders"}, "formIdentifier": "order",
		"paymentAccounts": []string{"cash", "stripe"}, "paidStatus": "completed", "canceledStatus": "canceled",
		"statuses": []map[string]any{
			{"identifier": "inProgress", "isDefault": true, "title": map[string]string{"en_US": "In progress"}},
			{"identifier": "completed", "title": map[string]string{"en_US": "Completed"}},
			{"identifier": "canceled", "title": map[string]string{"en_US": "Canceled"}},
		},
	}
}

// lastSettingsEntry returns the newest journal entry of an action.
func lastSettingsEntry(t *testing.T, owner *apptest.Admin, action string) (before, after string, objectID string) {
	t.Helper()
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action="+action, nil, http.StatusOK, &j)
	if len(j.Items) == 0 {
		t.Fatalf("no %s entry in the journal", action)
	}
	e := j.Items[0]
	if e.ActorKind != "staff" || e.RequestID == "" || e.Address == "" {
		t.Errorf("%s entry: actor %s, request id %q, address %q", action, e.ActorKind, e.RequestID, e.Address)
	}
	return string(e.Before), string(e.After), e.ObjectID
}

// deniedWrites checks that only owners may write: the other roles get 403
// on the write and 200 on the read.
func deniedWrites(t *testing.T, srv *apptest.Server, c *openapitest.Checker, read, method, path string, body any) {
	t.Helper()
	for _, role := range []string{"manager", "support", "viewer"} {
		a := as(t, srv, c, role+"-"+strings.NewReplacer("/", "-", "{", "", "}", "").Replace(path)+"@shop.test", role)
		a.Expect(t, method, path, body, http.StatusForbidden, nil)
		a.Expect(t, "GET", read, nil, http.StatusOK, nil)
	}
}

func TestOrderStorageSettings(t *testing.T) {
	srv, owner, c := start(t)
	ctx := context.Background()
	sdk, err := settingsShopper(t, srv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{FormIdentifier: "order", PaymentAccountIdentifier: "cash",
		FormData: oneentry.FormData{{Marker: "name", Type: "string", Value: "Ann"}}, Products: []oneentry.OrderItem{{ProductID: 14, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}

	var all []storageJSON
	owner.Expect(t, "GET", "/api/admin/order-storages", nil, http.StatusOK, &all)
	if len(all) != 1 || len(all[0].Statuses) != 3 || all[0].Statuses[0].Orders != 1 || all[0].Accounts[1] != "stripe" {
		t.Fatalf("storages: %+v", all)
	}
	var s storageJSON
	owner.Expect(t, "GET", "/api/admin/order-storages/orders", nil, http.StatusOK, &s)
	owner.Expect(t, "GET", "/api/admin/order-storages/nope", nil, http.StatusNotFound, nil)

	t.Run("rename, add and reorder statuses", func(t *testing.T) {
		body := demoStorage(s.Version)
		body["statuses"] = []map[string]any{
			{"identifier": "inProgress", "isDefault": true, "title": map[string]string{"en_US": "Being packed"}},
			{"identifier": "shipped", "title": map[string]string{"en_US": "Shipped"}},
			{"identifier": "completed", "title": map[string]string{"en_US": "Completed"}},
			{"identifier": "canceled", "title": map[string]string{"en_US": "Canceled"}},
		}
		var got storageJSON
		owner.Expect(t, "PUT", "/api/admin/order-storages/orders", body, http.StatusOK, &got)
		if got.Version != s.Version+1 || len(got.Statuses) != 4 || got.Statuses[1].Identifier != "shipped" {
			t.Fatalf("after PUT: %+v", got)
		}
		statuses, err := sdk.Orders.GetAllStatusesByStorageMarker(ctx, "orders", "en_US", 0, 30)
		if err != nil {
			t.Fatal(err)
		}
		if len(statuses) != 4 || statuses[0].LocalizeInfos.Title() != "Being packed" || statuses[1].Identifier != "shipped" {
			t.Errorf("Content API statuses: %+v", statuses)
		}
		before, after, id := lastSettingsEntry(t, owner, "order_storage.update")
		if id != "orders" || !strings.Contains(before, `"In progress"`) || !strings.Contains(after, `"Being packed"`) {
			t.Errorf("journal: %s → %s (%s)", before, after, id)
		}
		s = got
	})

	t.Run("a stale version is a conflict", func(t *testing.T) {
		owner.Expect(t, "PUT", "/api/admin/order-storages/orders", demoStorage(s.Version-1), http.StatusConflict, nil)
	})

	t.Run("a status orders have stays", func(t *testing.T) {
		body := demoStorage(s.Version)
		body["statuses"] = []map[string]any{
			{"identifier": "new", "isDefault": true, "title": map[string]string{"en_US": "New"}},
			{"identifier": "completed", "title": map[string]string{"en_US": "Completed"}},
			{"identifier": "canceled", "title": map[string]string{"en_US": "Canceled"}},
		}
		msg := owner.Expect(t, "PUT", "/api/admin/order-storages/orders", body, http.StatusConflict, nil)
		if !strings.Contains(string(msg), "status inProgress") {
			t.Errorf("409 does not name the status: %s", msg)
		}
	})

	t.Run("a status no order has can go", func(t *testing.T) {
		var got storageJSON
		owner.Expect(t, "PUT", "/api/admin/order-storages/orders", demoStorage(s.Version), http.StatusOK, &got)
		if len(got.Statuses) != 3 || got.Statuses[0].Title["en_US"] != "In progress" {
			t.Fatalf("after removing shipped: %+v", got)
		}
		s = got
	})

	t.Run("bad input", func(t *testing.T) {
		mutate := func(change func(map[string]any)) map[string]any {
			b := demoStorage(s.Version)
			change(b)
			return b
		}
		cases := []struct {
			name string
			body any
			want string
		}{
			{"no version", mutate(func(b map[string]any) { delete(b, "version") }), "version"},
			{"unknown field", mutate(func(b map[string]any) { b["colour"] = "red" }), "colour"},
			{"two defaults", mutate(func(b map[string]any) {
				b["statuses"].([]map[string]any)[1]["isDefault"] = true
			}), "default"},
			{"paid status not a status", mutate(func(b map[string]any) { b["paidStatus"] = "gone" }), "paidStatus"},
			{"unknown account", mutate(func(b map[string]any) { b["paymentAccounts"] = []string{"paypal"} }), "paypal"},
			{"not an order form", mutate(func(b map[string]any) { b["formIdentifier"] = "reg" }), "order"},
			{"no title", mutate(func(b map[string]any) { b["title"] = map[string]string{} }), "title"},
			{"bad locale", mutate(func(b map[string]any) { b["title"] = map[string]string{"english": "Orders"} }), "locale"},
			{"cancel unpaid without a status", mutate(func(b map[string]any) {
				b["canceledStatus"] = ""
				b["cancelUnpaidAfter"] = 60
			}), "canceledStatus"},
			{"not JSON", "{", "malformed"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				msg := owner.Expect(t, "PUT", "/api/admin/order-storages/orders", tc.body, http.StatusBadRequest, nil)
				if !strings.Contains(string(msg), tc.want) {
					t.Errorf("400 %s does not mention %q", msg, tc.want)
				}
			})
		}
		owner.Expect(t, "PUT", "/api/admin/order-storages/nope", demoStorage(1), http.StatusNotFound, nil)
	})

	deniedWrites(t, srv, c, "/api/admin/order-storages/orders", "PUT", "/api/admin/order-storages/orders", demoStorage(s.Version))
	key := owner.KeyAs(t, "manager").Via(c.Proxy(srv.BaseURL))
	key.Expect(t, "PUT", "/api/admin/order-storages/orders", demoStorage(s.Version), http.StatusForbidden, nil)
}

func TestPaymentAccountSettings(t *testing.T) {
	srv, owner, c := start(t)
	ctx := context.Background()
	var all []accountJSON
	owner.Expect(t, "GET", "/api/admin/payment-accounts", nil, http.StatusOK, &all)
	if len(all) != 2 || all[1].Ident != "stripe" || all[1].Visible || all[1].Secrets.SecretKey != "not set" {
		t.Fatalf("accounts: %+v", all)
	}
	cash, stripe := all[0], all[1]
	stripeBody := func(version int64) map[string]any {
		return map[string]any{"version": version, "title": map[string]string{"en_US": "Card"}, "active": true, "testMode": true,
			"sessionTimeout": 60, "successUrl": "https://shop.example/paid", "cancelUrl": "https://shop.example/cart"}
	}
	sdk, err := settingsShopper(t, srv)
	if err != nil {
		t.Fatal(err)
	}
	offered := func() []string {
		t.Helper()
		accts, err := sdk.Payments.GetAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range accts {
			ids = append(ids, a.Identifier)
		}
		return ids
	}
	if got := strings.Join(offered(), ","); got != "cash" {
		t.Fatalf("offered before: %s", got)
	}

	const secret, hook = "sk_test_settings_secret_123", "whsec_settings_hook_456"
	t.Run("secrets are write-only", func(t *testing.T) {
		body := stripeBody(stripe.Version)
		body["secretKey"], body["webhookSecret"] = secret, hook
		var got accountJSON
		raw := owner.Expect(t, "PUT", "/api/admin/payment-accounts/"+itoa(stripe.ID), body, http.StatusOK, &got)
		if !got.Visible || got.Secrets.SecretKey != "set" || got.Secrets.WebhookSecret != "set" || got.Version != stripe.Version+1 {
			t.Fatalf("after setting the key: %+v", got)
		}
		list := owner.Expect(t, "GET", "/api/admin/payment-accounts", nil, http.StatusOK, nil)
		j := owner.Expect(t, "GET", "/api/admin/journal?action=payment_account.", nil, http.StatusOK, nil)
		for name, b := range map[string][]byte{"PUT answer": raw, "list": list, "journal": j} {
			if strings.Contains(string(b), secret) || strings.Contains(string(b), hook) {
				t.Errorf("the %s shows a secret: %s", name, b)
			}
		}
		before, after, id := lastSettingsEntry(t, owner, "payment_account.update")
		if id != itoa(stripe.ID) || !strings.Contains(before, `"secretKey":"not set"`) || !strings.Contains(after, `"secretKey":"set"`) {
			t.Errorf("journal: %s → %s", before, after)
		}
		if got := strings.Join(offered(), ","); got != "cash,stripe" {
			t.Errorf("offered with a key: %s", got)
		}
		// Without secretKey the stored one stays.
		owner.Expect(t, "PUT", "/api/admin/payment-accounts/"+itoa(stripe.ID), stripeBody(got.Version), http.StatusOK, &got)
		var key string
		srv.QueryRow(t, "SELECT secret_key FROM payment_accounts WHERE identifier = 'stripe'").Scan(t, &key)
		if key != secret || got.Secrets.SecretKey != "set" {
			t.Errorf("a PUT without secretKey left key %q (%s)", key, got.Secrets.SecretKey)
		}
		stripe = got
	})

	t.Run("deactivate", func(t *testing.T) {
		var got accountJSON
		owner.Expect(t, "PUT", "/api/admin/payment-accounts/"+itoa(cash.ID),
			map[string]any{"version": cash.Version, "title": map[string]string{"en_US": "Cash"}, "active": false}, http.StatusOK, &got)
		if got.Active || got.Visible {
			t.Errorf("deactivated: %+v", got)
		}
		if got := strings.Join(offered(), ","); got != "stripe" {
			t.Errorf("offered after deactivating cash: %s", got)
		}
		_, err := sdk.Orders.CreateOrder(ctx, "orders", oneentry.OrderCreate{FormIdentifier: "order", PaymentAccountIdentifier: "cash",
			FormData: oneentry.FormData{{Marker: "name", Type: "string", Value: "Ann"}}, Products: []oneentry.OrderItem{{ProductID: 14, Quantity: 1}}})
		if err == nil {
			t.Error("an order paid with the deactivated account was placed")
		}
		cash = got
	})

	t.Run("conflict and bad input", func(t *testing.T) {
		path := "/api/admin/payment-accounts/" + itoa(stripe.ID)
		owner.Expect(t, "PUT", path, stripeBody(stripe.Version-1), http.StatusConflict, nil)
		noURL := stripeBody(stripe.Version)
		delete(noURL, "successUrl")
		if msg := owner.Expect(t, "PUT", path, noURL, http.StatusBadRequest, nil); !strings.Contains(string(msg), "successUrl") {
			t.Errorf("stripe without successUrl: %s", msg)
		}
		short := stripeBody(stripe.Version)
		short["sessionTimeout"] = 5
		owner.Expect(t, "PUT", path, short, http.StatusBadRequest, nil)
		noActive := stripeBody(stripe.Version)
		delete(noActive, "active")
		owner.Expect(t, "PUT", path, noActive, http.StatusBadRequest, nil)
		owner.Expect(t, "PUT", "/api/admin/payment-accounts/999", stripeBody(1), http.StatusNotFound, nil)
		owner.Expect(t, "PUT", "/api/admin/payment-accounts/x", stripeBody(1), http.StatusBadRequest, nil)
	})

	deniedWrites(t, srv, c, "/api/admin/payment-accounts", "PUT", "/api/admin/payment-accounts/"+itoa(stripe.ID), stripeBody(stripe.Version))
}

func TestAuthProviderSettings(t *testing.T) {
	srv, owner, c := start(t)
	var all []providerJSON
	owner.Expect(t, "GET", "/api/admin/auth-providers", nil, http.StatusOK, &all)
	if len(all) != 2 || all[0].Identifier != "email" || !all[0].Active || all[0].Config["accessTokenTtlSec"] != "36000" {
		t.Fatalf("providers: %+v", all)
	}
	email := all[0]
	body := func(version int64, active bool) map[string]any {
		return map[string]any{"version": version, "title": map[string]string{"en_US": "Email"}, "active": active,
			"config": map[string]string{"accessTokenTtlSec": "600"}, "events": []string{"reset"}}
	}
	var got providerJSON
	owner.Expect(t, "PUT", "/api/admin/auth-providers/email", body(email.Version, false), http.StatusOK, &got)
	if got.Active || got.Version != email.Version+1 || got.Config["accessTokenTtlSec"] != "600" || got.Config["refreshTokenTtlMc"] == "" {
		t.Fatalf("after deactivating: %+v", got)
	}
	if _, err := settingsShopper(t, srv); !errors.Is(err, oneentry.ErrNotFound) {
		t.Errorf("sign-in with a deactivated provider: %v, want not found", err)
	}
	before, after, id := lastSettingsEntry(t, owner, "auth_provider.update")
	if id != "email" || !strings.Contains(before, `"accessTokenTtlSec":"36000"`) || !strings.Contains(after, `"inactive":true`) {
		t.Errorf("journal: %s → %s", before, after)
	}
	owner.Expect(t, "PUT", "/api/admin/auth-providers/email", body(got.Version, true), http.StatusOK, &got)
	if _, err := settingsShopper(t, srv); err != nil {
		t.Errorf("sign-in after reactivating: %v", err)
	}

	owner.Expect(t, "PUT", "/api/admin/auth-providers/email", body(got.Version-1, true), http.StatusConflict, nil)
	bad := body(got.Version, true)
	bad["config"] = map[string]string{"accessTokenTtlSec": "ten minutes"}
	if msg := owner.Expect(t, "PUT", "/api/admin/auth-providers/email", bad, http.StatusBadRequest, nil); !strings.Contains(string(msg), "accessTokenTtlSec") {
		t.Errorf("bad config: %s", msg)
	}
	bad = body(got.Version, true)
	bad["events"] = []string{"no spaces please"}
	owner.Expect(t, "PUT", "/api/admin/auth-providers/email", bad, http.StatusBadRequest, nil)
	bad = body(got.Version, true)
	bad["formIdentifier"] = "order" // the form stays
	owner.Expect(t, "PUT", "/api/admin/auth-providers/email", bad, http.StatusBadRequest, nil)
	owner.Expect(t, "PUT", "/api/admin/auth-providers/nope", body(1, true), http.StatusNotFound, nil)

	deniedWrites(t, srv, c, "/api/admin/auth-providers", "PUT", "/api/admin/auth-providers/email", body(got.Version, true))
}

// TestProjectApplyAndAdminEdits: restarting with the same project file
// keeps what staff changed; a file whose description of the object changed
// wins, and the journal says so.
func TestProjectApplyAndAdminEdits(t *testing.T) {
	srv, owner, _ := start(t)
	var s storageJSON
	owner.Expect(t, "GET", "/api/admin/order-storages/orders", nil, http.StatusOK, &s)
	body := demoStorage(s.Version)
	body["title"] = map[string]string{"en_US": "Web orders"}
	owner.Expect(t, "PUT", "/api/admin/order-storages/orders", body, http.StatusOK, &s)
	var providers []providerJSON
	owner.Expect(t, "GET", "/api/admin/auth-providers", nil, http.StatusOK, &providers)
	owner.Expect(t, "PUT", "/api/admin/auth-providers/email", map[string]any{"version": providers[0].Version,
		"title": map[string]string{"en_US": "Email"}, "active": false}, http.StatusOK, nil)

	// The next start applies the same file: the edits stay.
	again := apptest.Start(t, apptest.OnDatabase(srv.DSN))
	owner2 := again.SignIn(t, "owner@shop.test", apptest.StaffPassword)
	var kept storageJSON
	owner2.Expect(t, "GET", "/api/admin/order-storages/orders", nil, http.StatusOK, &kept)
	if kept.Title["en_US"] != "Web orders" || kept.Version != s.Version {
		t.Errorf("after restarting with the same file: %+v, want the admin's title at version %d", kept, s.Version)
	}
	owner2.Expect(t, "GET", "/api/admin/auth-providers", nil, http.StatusOK, &providers)
	if providers[0].Active {
		t.Error("restarting with the same file reactivated the provider staff switched off")
	}

	// A file that now says something else of the storage wins.
	p, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	changed := &openentry.Project{OrderStorages: p.OrderStorages}
	changed.OrderStorages[0].Title = map[string]string{"en_US": "Orders (from the file)"}
	third := apptest.Start(t, apptest.OnDatabase(srv.DSN), apptest.WithProject(changed))
	owner3 := third.SignIn(t, "owner@shop.test", apptest.StaffPassword)
	owner3.Expect(t, "GET", "/api/admin/order-storages/orders", nil, http.StatusOK, &kept)
	if kept.Title["en_US"] != "Orders (from the file)" || kept.Version <= s.Version {
		t.Errorf("after a changed file: %+v", kept)
	}
	var j journal
	owner3.Expect(t, "GET", "/api/admin/journal?action=order_storage.apply", nil, http.StatusOK, &j)
	if len(j.Items) == 0 || j.Items[0].ActorKind != "system" || !strings.Contains(string(j.Items[0].Before), "Web orders") {
		t.Errorf("journal of the apply: %+v", j.Items)
	}
	// Stale: the version the first owner read is gone.
	owner3.Expect(t, "PUT", "/api/admin/order-storages/orders", demoStorage(s.Version), http.StatusConflict, nil)
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestProjectApplyTakesANewServerKey: the provider's setup is part of what
// an apply compares, so a Stripe key that comes (or changes) in the
// environment is applied at the next start even though the file is the same.
func TestProjectApplyTakesANewServerKey(t *testing.T) {
	srv, owner, _ := start(t)
	var all []accountJSON
	owner.Expect(t, "GET", "/api/admin/payment-accounts", nil, http.StatusOK, &all)
	if all[1].Ident != "stripe" || all[1].Secrets.SecretKey != "not set" || all[1].Visible {
		t.Fatalf("before: %+v", all[1])
	}
	again := apptest.Start(t, apptest.OnDatabase(srv.DSN), apptest.WithStripe(app.StripeConfig{SecretKey: "sk_test_from_env"}))
	owner2 := again.SignIn(t, "owner@shop.test", apptest.StaffPassword)
	owner2.Expect(t, "GET", "/api/admin/payment-accounts", nil, http.StatusOK, &all)
	if all[1].Secrets.SecretKey != "set" || !all[1].Visible {
		t.Errorf("after a start with a key in the environment: %+v", all[1])
	}
}
