// Package cash implements openentry.PaymentProvider for accounts of type
// "custom": cash on delivery, bank transfer and other ways to pay that the
// shop settles itself. No one is called: a session waits until the shop
// marks it paid, and the shop pays refunds back by hand.
package cash

import (
	"context"
	"fmt"
	"net/http"

	"github.com/openentry/openentry"
)

// Type is the payment account type this provider serves.
const Type = "custom"

// Provider is the openentry.PaymentProvider for shop-settled accounts. It
// holds nothing; its zero value is ready to use.
type Provider struct{}

var _ openentry.PaymentProvider = Provider{}

// New returns a Provider.
func New() *Provider { return &Provider{} }

// SetUp accepts any custom account and shows it: there are no keys to
// check or keep. The root checks the fields all accounts share (a
// negative sessionTimeout), so the timeout is kept as given.
func (Provider) SetUp(a openentry.ProjectPaymentAccount) (openentry.AccountSetup, error) {
	return openentry.AccountSetup{Visible: true, SessionTimeout: a.SessionTimeout}, nil
}

// ShopSettles reports true: the shop, not a provider, says when it is paid.
func (Provider) ShopSettles() bool { return true }

// Checkout always fails with openentry.ErrInvalid: the use cases never call
// it for a provider that ShopSettles, so a call is a bug upstream.
func (Provider) Checkout(context.Context, openentry.ProviderAccount, openentry.CheckoutRequest) (*openentry.ProviderSession, error) {
	return nil, fmt.Errorf("cash: checkout: %w", nothingToCall())
}

// Refund always fails with openentry.ErrInvalid: the shop pays custom
// payments back itself and only records that it did.
func (Provider) Refund(context.Context, openentry.ProviderAccount, openentry.RefundRequest) (string, error) {
	return "", fmt.Errorf("cash: refund: %w", nothingToCall())
}

// Cancel has nothing to close: a custom session is only ours.
func (Provider) Cancel(context.Context, openentry.ProviderAccount, openentry.CancelRequest) error {
	return nil
}

// ParseWebhook always fails with openentry.ErrNotFound: no one sends
// webhooks for a custom account, so its webhook URL does not exist.
func (Provider) ParseWebhook(openentry.ProviderAccount, []byte, http.Header) (*openentry.PaymentEvent, error) {
	return nil, openentry.NotFound("Custom payment accounts take no webhooks")
}

// nothingToCall is a new error each time: a shared *ValidationError would
// be mutable package state.
func nothingToCall() error {
	return openentry.Invalid("custom accounts are settled by the shop; nothing to call")
}
