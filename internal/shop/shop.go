// Package shop holds OpenEntry's use cases: each operation's rules and the
// order of its steps (validate, read, call a provider or the mailer outside
// any transaction, write in one transaction). The Content API, the operator
// CLI and later the admin API call these same methods; the store, the
// payment providers, the mailer and the credentials are ports of the root
// package, wired in by internal/app.
package shop

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"

	"github.com/openentry/openentry"
)

// Providers are the payment providers by the account type they serve.
type Providers map[string]openentry.PaymentProvider

// get returns the provider of an account type.
func (p Providers) get(typ string) (openentry.PaymentProvider, error) {
	if pr, ok := p[typ]; ok {
		return pr, nil
	}
	return nil, fmt.Errorf("payment account type %q has no provider", typ)
}

// checkAccount is the project check of a payment account: its type's own.
func (p Providers) checkAccount(a openentry.ProjectPaymentAccount) error {
	pr, ok := p[a.Type]
	if !ok {
		types := make([]string, 0, len(p))
		for t := range p {
			types = append(types, t)
		}
		slices.Sort(types)
		return fmt.Errorf("type %q is not supported (%s)", a.Type, strings.Join(types, ", "))
	}
	_, err := pr.SetUp(a)
	return err
}

// digestOf is how a secret token is stored and looked up: by its SHA-256.
func digestOf(token string) []byte {
	d := sha256.Sum256([]byte(token))
	return d[:]
}
