package shop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

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
		if u.PasswordHash != "" {
			hashes[i] = u.PasswordHash // an export's: kept as it is
			continue
		}
		if hashes[i], err = s.hasher.Hash(ctx, "", u.Password); err != nil {
			return fmt.Errorf("hash password of seed user %q: %w", u.Login, err)
		}
	}
	stock, err := s.checkAttributeValues(ctx, p)
	if err != nil {
		return err
	}
	// Read and check the files values name before the transaction, as the hashes.
	p, files, filesStored, err := s.projectFiles(ctx, p)
	if err != nil {
		return err
	}
	return s.store.ApplyProject(ctx, p, openentry.ProjectApply{Setups: setups, PasswordHashes: hashes, Stock: stock,
		Files: files, FilesStored: filesStored})
}

// checkAttributeValues validates each product's attribute values against
// its set — one of this file's or of an earlier apply — and reads the units
// of the products whose set counts stock.
func (s *Projects) checkAttributeValues(ctx context.Context, p *openentry.Project) (map[int64]int64, error) {
	sets := map[string]*openentry.AttributeSet{}
	for _, ps := range p.AttributeSets {
		set := &openentry.AttributeSet{Identifier: ps.Identifier, StockAttribute: ps.StockAttribute}
		for _, a := range ps.Attributes {
			set.Attributes = append(set.Attributes, openentry.Attribute{Marker: a.Marker, Type: a.Type, ListTitles: a.ListTitles, Validators: a.Validators})
		}
		sets[ps.Identifier] = set
	}
	stock := map[int64]int64{}
	var errs []error
	for _, pr := range p.Products {
		if pr.AttributeSetIdentifier == "" {
			continue
		}
		set, ok := sets[pr.AttributeSetIdentifier]
		if !ok {
			stored, err := s.store.AttributeSet(ctx, pr.AttributeSetIdentifier)
			if errors.Is(err, openentry.ErrNotFound) {
				continue // the store reports the missing set with the other references
			}
			if err != nil {
				return nil, err
			}
			set, sets[pr.AttributeSetIdentifier] = stored, stored
		}
		if err := set.CheckValues(pr.AttributeValues); err != nil {
			errs = append(errs, fmt.Errorf("product %d: %w", pr.ID, err))
			continue
		}
		if set.StockAttribute != "" {
			units, err := unitsOf(pr.AttributeValues, set.StockAttribute)
			if err != nil {
				errs = append(errs, fmt.Errorf("product %d: %w", pr.ID, err))
				continue
			}
			stock[pr.ID] = units
		}
	}
	contentErrs, err := s.checkValued(ctx, contentValued(p), sets)
	if err != nil {
		return nil, err
	}
	return stock, errors.Join(append(errs, contentErrs...)...)
}

// unitsOf reads a product's stock from its values: the default locale's,
// else any locale's; none is 0 units.
func unitsOf(values openentry.AttributeValues, marker string) (int64, error) {
	raw, ok := values[openentry.DefaultLocale][marker]
	if !ok {
		for _, byMarker := range values {
			if raw, ok = byMarker[marker]; ok {
				break
			}
		}
	}
	if !ok {
		return 0, nil
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil || n < 0 {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, fmt.Errorf("%s: stock must be a whole number of units, 0 or more", marker)
		}
		if n, err = strconv.ParseInt(s, 10, 64); err != nil || n < 0 {
			return 0, fmt.Errorf("%s: stock must be a whole number of units, 0 or more", marker)
		}
	}
	return n, nil
}
