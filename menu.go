package openentry

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Locale is a content language of the project, as getLocales lists them.
type Locale struct {
	ID         int64
	Code       string // en_US
	ShortCode  string // en
	Name       string // English
	NativeName string // English, Français
	Image      string // a link to the locale's flag; "": none
	IsDefault  bool
	Position   int64
}

// DefaultLocales are the locales of a project whose files name none: the
// default locale alone.
func DefaultLocales() []Locale {
	return []Locale{{ID: 1, Code: DefaultLocale, ShortCode: "en", Name: "English", NativeName: "English", IsDefault: true, Position: 1}}
}

// ProjectLocale configures a locale. A file that lists locales marks
// exactly one isDefault; shortCode defaults to the code's language and
// nativeName to name.
type ProjectLocale struct {
	Code       string `json:"code"`
	ShortCode  string `json:"shortCode,omitempty"`
	Name       string `json:"name"`
	NativeName string `json:"nativeName,omitempty"`
	Image      string `json:"image,omitempty"`
	IsDefault  bool   `json:"isDefault,omitempty"`
	// Hidden leaves the locale out of the active ones, since nothing is
	// ever deleted.
	Hidden bool `json:"hidden,omitempty"`
}

// Menu is a named list of the site's pages, nested by ParentID: OneEntry's
// menus (main_web, footer links …).
type Menu struct {
	ID            int64
	Identifier    string
	LocalizeInfos Localized // locale → {"title"}
	// Pages are the menu's visible pages, by position; a hidden page hides
	// its branch of the menu.
	Pages []MenuPage
}

// MenuPage is one page of a menu.
type MenuPage struct {
	Page     ContentPage
	ParentID int64 // the page id of the item it nests under; 0: top level
	Position int64 // order in the menu (the project file's)
}

// ProjectMenu configures a menu: its pages by url, in order, each nested
// under another page of the same menu by parentUrl.
type ProjectMenu struct {
	Identifier string            `json:"identifier"`
	Title      map[string]string `json:"title"`
	Pages      []ProjectMenuPage `json:"pages"`
}

// ProjectMenuPage is one page of a menu: a page of this file or an earlier
// one, shown with its own localizeInfos (title, menuTitle) and values.
type ProjectMenuPage struct {
	PageURL   string `json:"pageUrl"`
	ParentURL string `json:"parentUrl,omitempty"`
}

// LocaleStore reads the project's locales; ApplyProject writes them.
type LocaleStore interface {
	// Locales lists the active locales by position; none when no file
	// named any.
	Locales(ctx context.Context) ([]Locale, error)
}

// MenuStore reads menus; ApplyProject writes them.
type MenuStore interface {
	// Menu returns the menu with its visible pages. ErrNotFound.
	Menu(ctx context.Context, identifier string) (*Menu, error)
}

// LocaleService lists the project's locales for the Content API (JS SDK:
// Locales).
type LocaleService interface {
	// Locales lists the active locales, DefaultLocales when the project
	// names none.
	Locales(ctx context.Context) ([]Locale, error)
}

// MenuService reads menus for the Content API (JS SDK: Menus). A menu
// carries every locale; the caller resolves the one it shows.
type MenuService interface {
	// Menu returns a menu by its identifier (marker). ErrNotFound.
	Menu(ctx context.Context, identifier string) (*Menu, error)
}

// validateLocales checks the file's locales: codes like en_US and unique,
// a name each, exactly one default among them when there are any.
func (p *Project) validateLocales() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	codes := map[string]bool{}
	defaults := 0
	for _, l := range p.Locales {
		if codes[l.Code] {
			bad("locale %q: code must be like en_US and not repeated", l.Code)
		}
		codes[l.Code] = true
		l.check(bad)
		if l.IsDefault {
			defaults++
		}
	}
	if len(p.Locales) > 0 && defaults != 1 {
		bad("locales: exactly one must be isDefault, %d are", defaults)
	}
	return errs
}

// check reports what is wrong with one locale alone.
func (l ProjectLocale) check(bad func(format string, args ...any)) {
	if !localePattern.MatchString(l.Code) {
		bad("locale %q: code must be like en_US and not repeated", l.Code)
	}
	if strings.TrimSpace(l.Name) == "" {
		bad("locale %q: needs a name", l.Code)
	}
	if l.ShortCode != "" && !ValidMarker(l.ShortCode) {
		bad("locale %q: shortCode %q is malformed", l.Code, l.ShortCode)
	}
	if l.IsDefault && l.Hidden {
		bad("locale %q: the default locale cannot be hidden", l.Code)
	}
}

// CheckLocale applies the file's rules for one locale to an admin write;
// which one is the default is the store's to keep.
func CheckLocale(l ProjectLocale) error {
	var errs []error
	l.check(func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) })
	if len(errs) > 0 {
		return Invalid(errors.Join(errs...).Error())
	}
	return nil
}

// validateMenus checks the file's menus: identifiers well formed and
// unique, each page once per menu, parents other pages of the same menu,
// no cycle. Whether a page exists is the store's check: it may be an
// earlier file's.
func (p *Project) validateMenus() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ids := map[string]bool{}
	for _, m := range p.Menus {
		if !ValidMarker(m.Identifier) || ids[m.Identifier] {
			bad("menu %q: identifier malformed or repeated", m.Identifier)
		}
		ids[m.Identifier] = true
		for lang := range m.Title {
			if !localePattern.MatchString(lang) {
				bad("menu %q: title: %q is not a locale code like en_US", m.Identifier, lang)
			}
		}
		parents := make(map[string]string, len(m.Pages))
		for _, pg := range m.Pages {
			if !ValidPageURL(pg.PageURL) {
				bad("menu %q: page %q is not a page url", m.Identifier, pg.PageURL)
			}
			if _, dup := parents[pg.PageURL]; dup {
				bad("menu %q: page %q is listed twice", m.Identifier, pg.PageURL)
			}
			parents[pg.PageURL] = pg.ParentURL
		}
		for _, pg := range m.Pages {
			if pg.ParentURL == "" {
				continue
			}
			if _, ok := parents[pg.ParentURL]; !ok {
				bad("menu %q: page %q: parentUrl %q is not a page of this menu", m.Identifier, pg.PageURL, pg.ParentURL)
				continue
			}
			seen := map[string]bool{pg.PageURL: true}
			for up := pg.ParentURL; up != ""; up = parents[up] {
				if seen[up] {
					if up == pg.PageURL {
						bad("menu %q: page %q is its own ancestor", m.Identifier, pg.PageURL)
					}
					break
				}
				seen[up] = true
			}
		}
	}
	return errs
}

// LocaleShortCode is a locale's shortCode: the file's, or the code's
// language (en for en_US).
func (l ProjectLocale) LocaleShortCode() string {
	if l.ShortCode != "" {
		return l.ShortCode
	}
	lang, _, _ := strings.Cut(l.Code, "_")
	return lang
}
