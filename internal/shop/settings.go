package shop

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/openentry/openentry"
)

// maxTitle bounds a setting's title in one locale.
const maxTitle = 200

// checkTitles checks titles staff give: a file's may be sparse, but what
// staff type is shown to shoppers.
func checkTitles(field string, titles map[string]string) error {
	if len(titles) == 0 {
		return openentry.Invalid(field + " needs a title in at least one locale ({\"en_US\": \"…\"})")
	}
	for lang, t := range titles {
		if !openentry.ValidLocale(lang) {
			return openentry.Invalid(fmt.Sprintf("%s: %q is not a locale code such as en_US", field, lang))
		}
		if t == "" || !utf8.ValidString(t) || utf8.RuneCountInString(t) > maxTitle {
			return openentry.Invalid(fmt.Sprintf("%s.%s must be 1 to %d characters", field, lang, maxTitle))
		}
	}
	return nil
}

// Settings reads and changes the shop settings a project file describes:
// order storages and their statuses, payment accounts, auth providers.
// Owners write them, any staff reads them. A write is checked by the same
// rules as the file (openentry.Project.Validate, the payment providers'
// SetUp) and stored by the same code as an apply, with its journal entry.
type Settings struct {
	store     openentry.Store
	providers Providers
}

// NewSettings returns the settings use cases.
func NewSettings(store openentry.Store, providers Providers) *Settings {
	return &Settings{store: store, providers: providers}
}

// validate checks a one-object project as a file's would be; what is wrong
// is bad input.
func (s *Settings) validate(p *openentry.Project) error {
	if err := p.Validate(s.providers.checkAccount); err != nil {
		return openentry.Invalid(err.Error())
	}
	return nil
}

// Storages lists the order storages with all their statuses and accounts.
func (s *Settings) Storages(ctx context.Context, by openentry.Actor) ([]openentry.StorageSettings, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.SettingsStorages(ctx)
}

// Storage returns one order storage. ErrNotFound.
func (s *Settings) Storage(ctx context.Context, by openentry.Actor, marker string) (*openentry.StorageSettings, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.SettingsStorage(ctx, marker)
}

// UpdateStorage replaces a storage's settings (its identifier is st's) if
// it is still at version. Its statuses become st's, in st's order: one
// that orders still have cannot go (ErrConflict). ErrInvalid, ErrNotFound.
func (s *Settings) UpdateStorage(ctx context.Context, by openentry.Actor, version int64, st openentry.ProjectOrderStorage) (*openentry.StorageSettings, error) {
	if err := by.Can(openentry.PermStaff); err != nil {
		return nil, err
	}
	if err := checkTitles("title", st.Title); err != nil {
		return nil, err
	}
	for _, status := range st.Statuses {
		if err := checkTitles("statuses["+status.Identifier+"].title", status.Title); err != nil {
			return nil, err
		}
	}
	if err := s.validate(&openentry.Project{OrderStorages: []openentry.ProjectOrderStorage{st}}); err != nil {
		return nil, err
	}
	return s.store.UpdateStorage(ctx, version, st, openentry.Audit{Actor: by, Action: "order_storage.update"})
}

// Accounts lists the payment accounts, hidden ones too. Their secrets are
// in the result: callers show only openentry.SecretState of them.
func (s *Settings) Accounts(ctx context.Context, by openentry.Actor) ([]openentry.AccountSettings, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.SettingsAccounts(ctx)
}

// PaymentAccountChange is a payment account's new settings. Secrets are
// write-only: nil keeps the stored one, "" removes it (a stripe account
// then falls back to the server's key from the environment, if any).
type PaymentAccountChange struct {
	Version        int64
	Title          map[string]string
	Active         bool
	TestMode       bool
	SessionTimeout int // minutes
	SuccessURL     string
	CancelURL      string
	SecretKey      *string
	WebhookSecret  *string
}

// UpdateAccount replaces a payment account's settings if it is still at
// c.Version; its type and identifier stay. Its provider checks and sets it
// up as it does a file's. ErrInvalid, ErrNotFound, ErrConflict.
func (s *Settings) UpdateAccount(ctx context.Context, by openentry.Actor, id int64, c PaymentAccountChange) (*openentry.AccountSettings, error) {
	if err := by.Can(openentry.PermStaff); err != nil {
		return nil, err
	}
	if err := checkTitles("title", c.Title); err != nil {
		return nil, err
	}
	cur, err := s.store.SettingsAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	// cur may be newer than c.Version: then the store refuses the write.
	a := openentry.ProjectPaymentAccount{Identifier: cur.Identifier, Type: cur.Type, TestMode: c.TestMode, Title: c.Title,
		SessionTimeout: c.SessionTimeout, SuccessURL: c.SuccessURL, CancelURL: c.CancelURL, Inactive: !c.Active,
		SecretKey: cur.SecretKey, WebhookSecret: cur.WebhookSecret}
	if c.SecretKey != nil {
		a.SecretKey = *c.SecretKey
	}
	if c.WebhookSecret != nil {
		a.WebhookSecret = *c.WebhookSecret
	}
	if err := s.validate(&openentry.Project{PaymentAccounts: []openentry.ProjectPaymentAccount{a}}); err != nil {
		return nil, err
	}
	pr, err := s.providers.get(a.Type)
	if err != nil {
		return nil, err
	}
	setup, err := pr.SetUp(a)
	if err != nil {
		return nil, openentry.Invalid(err.Error())
	}
	return s.store.UpdateAccount(ctx, id, c.Version, a, setup, openentry.Audit{Actor: by, Action: "payment_account.update"})
}

// Providers lists the auth providers, inactive ones too.
func (s *Settings) Providers(ctx context.Context, by openentry.Actor) ([]openentry.ProviderSettings, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.SettingsProviders(ctx)
}

// AuthProviderChange is an auth provider's new settings. Its type and form
// stay: its users' logins and data follow that form.
type AuthProviderChange struct {
	Version     int64
	Title       map[string]string
	Active      bool
	IsCheckCode bool
	UserGroup   string            // "": guest
	Config      map[string]string // over the defaults (token and code lifetimes, code length)
	Events      []string
}

// UpdateProvider replaces an auth provider's settings if it is still at
// c.Version. An inactive provider refuses sign-up and sign-in. ErrInvalid,
// ErrNotFound, ErrConflict.
func (s *Settings) UpdateProvider(ctx context.Context, by openentry.Actor, marker string, c AuthProviderChange) (*openentry.ProviderSettings, error) {
	if err := by.Can(openentry.PermStaff); err != nil {
		return nil, err
	}
	if err := checkTitles("title", c.Title); err != nil {
		return nil, err
	}
	if c.UserGroup != "" && !openentry.ValidMarker(c.UserGroup) {
		return nil, openentry.Invalid("userGroup must be a marker (letters, digits, _ and -)")
	}
	cur, err := s.store.SettingsProvider(ctx, marker)
	if err != nil {
		return nil, err
	}
	p := openentry.ProjectAuthProvider{Identifier: cur.Identifier, Type: cur.Type, FormIdentifier: cur.FormIdentifier,
		UserGroup: c.UserGroup, IsCheckCode: c.IsCheckCode, Title: c.Title, Config: c.Config, Events: c.Events, Inactive: !c.Active}
	if err := s.validate(&openentry.Project{AuthProviders: []openentry.ProjectAuthProvider{p}}); err != nil {
		return nil, err
	}
	return s.store.UpdateProvider(ctx, c.Version, p, openentry.Audit{Actor: by, Action: "auth_provider.update"})
}
