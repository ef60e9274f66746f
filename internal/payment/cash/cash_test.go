package cash

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/openentry/openentry"
)

func TestSetUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		account openentry.ProjectPaymentAccount
		want    openentry.AccountSetup
	}{
		{
			"no timeout",
			openentry.ProjectPaymentAccount{Identifier: "cash", Type: Type},
			openentry.AccountSetup{Visible: true},
		},
		{
			"timeout kept, no lower bound",
			openentry.ProjectPaymentAccount{Identifier: "cash", Type: Type, SessionTimeout: 5},
			openentry.AccountSetup{Visible: true, SessionTimeout: 5},
		},
		{
			"keys and URLs ignored",
			openentry.ProjectPaymentAccount{
				Identifier: "transfer", Type: Type, SessionTimeout: 4320,
				SuccessURL: "https://shop.example/paid", SecretKey: "sk_test_123", WebhookSecret: "whsec_123",
			},
			openentry.AccountSetup{Visible: true, SessionTimeout: 4320},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := New().SetUp(tc.account)
			if err != nil {
				t.Fatalf("SetUp: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestNothingToCall(t *testing.T) {
	t.Parallel()
	p := New()
	acct := openentry.ProviderAccount{Identifier: "cash", Type: Type}
	if !p.ShopSettles() {
		t.Errorf("ShopSettles: got false, want true")
	}
	tests := []struct {
		name string
		call func() error
		want error
		msg  string
	}{
		{"checkout", func() error {
			_, err := p.Checkout(context.Background(), acct, openentry.CheckoutRequest{SessionID: 1})
			return err
		}, openentry.ErrInvalid, "cash: checkout: custom accounts are settled by the shop; nothing to call"},
		{"refund", func() error {
			_, err := p.Refund(context.Background(), acct, openentry.RefundRequest{RefundID: 1, Payment: "x"})
			return err
		}, openentry.ErrInvalid, "cash: refund: custom accounts are settled by the shop; nothing to call"},
		{"webhook", func() error {
			_, err := p.ParseWebhook(acct, []byte(`{}`), http.Header{})
			return err
		}, openentry.ErrNotFound, "Custom payment accounts take no webhooks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.call()
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want an error wrapping %v", err, tc.want)
			}
			if err.Error() != tc.msg {
				t.Errorf("got %q, want %q", err.Error(), tc.msg)
			}
		})
	}
}

// TestCancelClosesNothing: a custom session is only ours, so closing it
// calls no one and cannot fail.
func TestCancelClosesNothing(t *testing.T) {
	t.Parallel()
	if err := New().Cancel(context.Background(), openentry.ProviderAccount{}, openentry.CancelRequest{Ref: "x"}); err != nil {
		t.Errorf("Cancel: got %v, want nil", err)
	}
}
