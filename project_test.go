package openentry_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/openentry/openentry"
)

func demoProjectFile(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("internal/demo/project.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// demoProject returns a fresh parse of the demo project, for a case to change.
func demoProject(t *testing.T) *openentry.Project {
	t.Helper()
	p, err := openentry.ParseProject(demoProjectFile(t))
	if err != nil {
		t.Fatalf("ParseProject(demo): %v", err)
	}
	return p
}

func TestParseProjectDemo(t *testing.T) {
	t.Parallel()
	p := demoProject(t)

	wantProviders := []openentry.ProjectAuthProvider{{
		Identifier:     "email",
		Type:           "email",
		FormIdentifier: "reg",
		Title:          map[string]string{"en_US": "Email"},
		Config:         map[string]string{"accessTokenTtlSec": "36000", "refreshTokenTtlMc": "604800"},
		Events:         []string{"reset"},
	}, {
		Identifier:     "email_confirm",
		Type:           "email",
		FormIdentifier: "reg",
		IsCheckCode:    true,
		Title:          map[string]string{"en_US": "Email with confirmation"},
		Config:         map[string]string{"accessTokenTtlSec": "36000", "refreshTokenTtlMc": "604800", "systemCodeLength": "6", "systemCodeTlsSec": "600"},
		Events:         []string{"user_registration", "reset"},
	}}
	if !reflect.DeepEqual(p.AuthProviders, wantProviders) {
		t.Errorf("AuthProviders: got %+v, want %+v", p.AuthProviders, wantProviders)
	}

	var formIDs []string
	for _, f := range p.Forms {
		formIDs = append(formIDs, f.Identifier)
	}
	if want := []string{"reg", "order"}; !reflect.DeepEqual(formIDs, want) {
		t.Errorf("form identifiers: got %q, want %q", formIDs, want)
	}
	wantLogin := openentry.ProjectAttribute{Marker: "email_reg", Type: "string", IsLogin: true, IsNotificationEmail: true, Title: map[string]string{"en_US": "Email"}}
	if got := p.Forms[0].Attributes[0]; !reflect.DeepEqual(got, wantLogin) {
		t.Errorf("reg's first attribute: got %+v, want %+v", got, wantLogin)
	}

	wantAccounts := []openentry.ProjectPaymentAccount{
		{Identifier: "cash", Type: "custom", Title: map[string]string{"en_US": "Cash"}},
		{Identifier: "stripe", Type: "stripe", TestMode: true, Title: map[string]string{"en_US": "Card (Stripe)"}, SessionTimeout: 30,
			SuccessURL: "http://127.0.0.1:8080/demo/?paid=1", CancelURL: "http://127.0.0.1:8080/demo/?canceled=1"},
	}
	if !reflect.DeepEqual(p.PaymentAccounts, wantAccounts) {
		t.Errorf("PaymentAccounts: got %+v, want %+v", p.PaymentAccounts, wantAccounts)
	}

	if len(p.OrderStorages) != 1 {
		t.Fatalf("OrderStorages: got %d, want 1", len(p.OrderStorages))
	}
	s := p.OrderStorages[0]
	if s.Identifier != "orders" || s.FormIdentifier != "order" || !reflect.DeepEqual(s.PaymentAccounts, []string{"cash", "stripe"}) || s.PaidStatus != "completed" {
		t.Errorf("storage: got %q form %q accounts %q paid %q, want \"orders\" form \"order\" accounts [\"cash\" \"stripe\"] paid \"completed\"",
			s.Identifier, s.FormIdentifier, s.PaymentAccounts, s.PaidStatus)
	}
	wantStatuses := []openentry.ProjectOrderStatus{
		{Identifier: "inProgress", IsDefault: true, Title: map[string]string{"en_US": "In progress"}},
		{Identifier: "completed", Title: map[string]string{"en_US": "Completed"}},
		{Identifier: "canceled", Title: map[string]string{"en_US": "Canceled"}},
	}
	if !reflect.DeepEqual(s.Statuses, wantStatuses) {
		t.Errorf("statuses: got %+v, want %+v", s.Statuses, wantStatuses)
	}

	wantProducts := []openentry.ProjectProduct{
		{ID: 1, Title: map[string]string{"en_US": "Box"}, Price: "51.00", Currency: "USD", Sku: "BOX-1"},
		{ID: 2, Title: map[string]string{"en_US": "Mug"}, Price: "12.50", Currency: "USD", Sku: "MUG-2"},
		{ID: 3, Title: map[string]string{"en_US": "T-shirt"}, Price: "19.99", Currency: "USD", Sku: "TEE-3"},
		{ID: 14, Title: map[string]string{"en_US": "Cosmo"}, Price: "340.00", Currency: "USD", Sku: "COSMO-14"},
		{ID: 15, Title: map[string]string{"en_US": "Poster"}, Price: "7.25", Currency: "USD", Sku: "POSTER-15"},
	}
	if !reflect.DeepEqual(p.Products, wantProducts) {
		t.Errorf("Products: got %+v, want %+v", p.Products, wantProducts)
	}

	wantUsers := []openentry.ProjectUser{{
		AuthProvider: "email",
		Login:        "your-user@email.com",
		Password:     "123456",
		FormData:     []openentry.FormField{{Marker: "name_reg", Type: "string", Value: json.RawMessage(`"Christina Thomas"`)}},
	}}
	if !reflect.DeepEqual(p.Users, wantUsers) {
		t.Errorf("Users: got %+v, want %+v", p.Users, wantUsers)
	}
}

func TestParseProjectErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data string
		want []string // substrings of the error
	}{
		{name: "unknown top-level key", data: `{"product": []}`, want: []string{"parse project: ", `unknown field "product"`}},
		{name: "unknown nested key", data: `{"products": [{"id": 1, "prize": "1.00", "currency": "USD"}]}`, want: []string{"parse project: ", `unknown field "prize"`}},
		{name: "syntax error", data: `{"products": [}`, want: []string{"parse project: "}},
		{name: "empty file", data: ``, want: []string{"parse project: "}},
		{name: "price that is not a number", data: `{"products": [{"id": 1, "price": "abc", "currency": "USD"}]}`, want: []string{"parse project: ", "abc"}},
		{name: "id that is not an integer", data: `{"products": [{"id": "one", "price": "1", "currency": "USD"}]}`, want: []string{"parse project: "}},
		{name: "data after the object", data: `{"forms": []}, "products": [{"id": 0}]}`, want: []string{"unexpected data after the top-level object"}},
		{name: "null", data: `null`, want: []string{"null"}},
		{name: "invalid project", data: `{"products": [{"id": 0, "price": "1", "currency": "USD"}]}`, want: []string{"product 0: id must be positive and unique"}},
		{name: "token lifetime not a number", data: `{"authProviders": [{"identifier": "email", "config": {"accessTokenTtlSec": "1h"}}]}`,
			want: []string{`auth provider "email": config accessTokenTtlSec must be a whole number`}},
		{name: "code too short", data: `{"authProviders": [{"identifier": "email", "config": {"systemCodeLength": "3"}}]}`,
			want: []string{"systemCodeLength must be a whole number from 4 to 12"}},
		{name: "code alphabet", data: `{"authProviders": [{"identifier": "email", "config": {"systemCodeOnlyNumbers": "yes"}}]}`,
			want: []string{`systemCodeOnlyNumbers must be "true" or "false"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := openentry.ParseProject([]byte(tc.data))
			if err == nil {
				t.Fatalf("ParseProject(%s): got %+v, want an error", tc.data, p)
			}
			if p != nil {
				t.Errorf("ParseProject(%s): got project %+v with error, want nil", tc.data, p)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseProject(%s) error: got %q, want it to contain %q", tc.data, err, w)
				}
			}
		})
	}
}

func TestParseProjectNumericPrice(t *testing.T) {
	t.Parallel()
	p, err := openentry.ParseProject([]byte(`{"products": [{"id": 7, "price": 19.90, "currency": "USD"}, {"id": 8, "price": 500, "currency": "JPY"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []openentry.ProjectProduct{{ID: 7, Price: "19.90", Currency: "USD"}, {ID: 8, Price: "500", Currency: "JPY"}}
	if !reflect.DeepEqual(p.Products, want) {
		t.Errorf("got %+v, want %+v", p.Products, want)
	}
}
