package openentry

import (
	"context"
	"time"
)

// The shop settings staff edit in the admin API (order storages with their
// statuses, payment accounts, auth providers) are the objects a project
// file describes, in the file's own shape, so that an admin write and an
// apply share one validation and one store path.

// StorageSettings is an order storage as staff edit it.
type StorageSettings struct {
	ID        int64
	Version   int64 // moves with every change; the precondition of writes
	UpdatedAt time.Time
	Position  int64
	ProjectOrderStorage
	// StatusOrders counts the storage's orders by status: a status some
	// order has cannot be removed.
	StatusOrders map[string]int64
}

// AccountSettings is a payment account as staff edit it. SecretKey and
// WebhookSecret are the stored secrets: never shown, see SecretState.
type AccountSettings struct {
	ID        int64
	Version   int64
	UpdatedAt time.Time
	Position  int64
	ProjectPaymentAccount
	// Visible: offered to shoppers, being active and set up (a stripe
	// account needs a secret key).
	Visible bool
}

// ProviderSettings is an auth provider as staff edit it.
type ProviderSettings struct {
	ID        int64
	Version   int64
	UpdatedAt time.Time
	Position  int64
	ProjectAuthProvider
}

// SecretState is how a write-only secret is shown: "set" or "not set".
func SecretState(secret string) string {
	if secret == "" {
		return "not set"
	}
	return "set"
}

// SettingsStore keeps the shop settings staff edit. Each update writes the
// object as a project file would (the same code), if its version is still
// version (ErrConflict otherwise), and journals the change in the same
// transaction without secrets. References that do not resolve are ErrInvalid.
type SettingsStore interface {
	// SettingsStorages lists the order storages with all their statuses and accounts.
	SettingsStorages(ctx context.Context) ([]StorageSettings, error)
	// SettingsStorage returns a storage by marker. ErrNotFound.
	SettingsStorage(ctx context.Context, marker string) (*StorageSettings, error)
	// UpdateStorage writes s over the storage of its identifier and removes
	// the statuses s leaves out: ErrConflict while an order has one.
	UpdateStorage(ctx context.Context, version int64, s ProjectOrderStorage, a Audit) (*StorageSettings, error)
	// SettingsAccounts lists the payment accounts, hidden ones too.
	SettingsAccounts(ctx context.Context) ([]AccountSettings, error)
	// SettingsAccount returns an account by id, with its secrets. ErrNotFound.
	SettingsAccount(ctx context.Context, id int64) (*AccountSettings, error)
	// UpdateAccount writes acct as its provider set it up over account id.
	UpdateAccount(ctx context.Context, id, version int64, acct ProjectPaymentAccount, setup AccountSetup, a Audit) (*AccountSettings, error)
	// SettingsProviders lists the auth providers, inactive ones too.
	SettingsProviders(ctx context.Context) ([]ProviderSettings, error)
	// SettingsProvider returns a provider by marker. ErrNotFound.
	SettingsProvider(ctx context.Context, marker string) (*ProviderSettings, error)
	// UpdateProvider writes p over the provider of its identifier.
	UpdateProvider(ctx context.Context, version int64, p ProjectAuthProvider, a Audit) (*ProviderSettings, error)
}
