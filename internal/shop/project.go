package shop

import (
	"context"
	"fmt"

	"github.com/openentry/openentry"
)

// Projects applies project files.
type Projects struct {
	store     openentry.Store
	hasher    openentry.PasswordHasher
	providers Providers
}

// NewProjects returns the project use cases: seed users' passwords are
// hashed with hasher, payment accounts set up by their providers.
func NewProjects(store openentry.Store, hasher openentry.PasswordHasher, providers Providers) *Projects {
	return &Projects{store: store, hasher: hasher, providers: providers}
}

// Validate checks p, its payment accounts by their providers' rules.
func (s *Projects) Validate(p *openentry.Project) error {
	return p.Validate(s.providers.checkAccount)
}

// Apply validates p and upserts it in one transaction (see
// openentry.ProjectStore). Seed users are created only if their login is
// free, so that applying a file twice, or after users signed up, loses
// nothing.
func (s *Projects) Apply(ctx context.Context, p *openentry.Project) error {
	if err := s.Validate(p); err != nil {
		return err
	}
	setups := make(map[string]openentry.AccountSetup, len(p.PaymentAccounts))
	for _, a := range p.PaymentAccounts {
		setup, err := s.providers[a.Type].SetUp(a) // known: Validate checked the type
		if err != nil {
			return fmt.Errorf("payment account %q: %w", a.Identifier, err)
		}
		setups[a.Identifier] = setup
	}
	// Hash before the transaction: hashing is slow and must not hold the write lock.
	hashes := make([]string, len(p.Users))
	for i, u := range p.Users {
		exists, err := s.store.UserExists(ctx, u.AuthProvider, u.Login)
		if err != nil {
			return fmt.Errorf("look up seed user %q: %w", u.Login, err)
		}
		if exists {
			continue
		}
		if hashes[i], err = s.hasher.Hash(ctx, "", u.Password); err != nil {
			return fmt.Errorf("hash password of seed user %q: %w", u.Login, err)
		}
	}
	return s.store.ApplyProject(ctx, p, setups, hashes)
}
