package shop

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/openentry/openentry"
)

// HandleWebhook verifies a provider's event with each of its accounts'
// signing secrets before anything reads it, then applies it once. provider
// is the account type the provider serves ("stripe").
func (p *Payments) HandleWebhook(ctx context.Context, provider string, payload []byte, header http.Header) (string, string, error) {
	pr, ok := p.providers[provider]
	if !ok {
		return "", "", openentry.NotFound(fmt.Sprintf("No payment provider %q", provider))
	}
	accounts, err := p.store.ProviderAccounts(ctx, provider)
	if err != nil {
		return "", "", err
	}
	if len(accounts) == 0 {
		return "", "", openentry.NotFound(fmt.Sprintf("No %s account is configured", provider))
	}
	tried := map[string]bool{}
	for _, acct := range accounts {
		if tried[acct.WebhookSecret] {
			continue
		}
		tried[acct.WebhookSecret] = true
		ev, err := pr.ParseWebhook(acct, payload, header)
		if errors.Is(err, openentry.ErrInvalid) {
			continue // maybe another account's secret
		}
		if err != nil {
			return "", "", err
		}
		outcome, err := p.store.ApplyPaymentEvent(ctx, ev)
		return ev.Type, outcome, err
	}
	return "", "", openentry.Invalid("Invalid webhook signature or timestamp")
}
