package shop

import (
	"context"
	"fmt"

	"github.com/openentry/openentry"
)

// Locales lists the project's content languages.
type Locales struct{ store openentry.Store }

var _ openentry.LocaleService = (*Locales)(nil)

// NewLocales returns the locale use cases over store.
func NewLocales(store openentry.Store) *Locales { return &Locales{store: store} }

// Locales lists the active locales: the files' or, when no file named
// any, the default locale alone.
func (s *Locales) Locales(ctx context.Context) ([]openentry.Locale, error) {
	locales, err := s.store.Locales(ctx)
	if err != nil {
		return nil, err
	}
	if len(locales) == 0 {
		return openentry.DefaultLocales(), nil
	}
	return locales, nil
}

// Menus reads the site's menus.
type Menus struct{ store openentry.Store }

var _ openentry.MenuService = (*Menus)(nil)

// NewMenus returns the menu use cases over store.
func NewMenus(store openentry.Store) *Menus { return &Menus{store: store} }

// Menu returns a menu with its visible pages.
func (s *Menus) Menu(ctx context.Context, identifier string) (*openentry.Menu, error) {
	if !openentry.ValidMarker(identifier) {
		return nil, openentry.NotFound(fmt.Sprintf("Menu %q not found", identifier))
	}
	return s.store.Menu(ctx, identifier)
}
