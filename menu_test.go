package openentry_test

import (
	"strings"
	"testing"

	"github.com/openentry/openentry"
)

func TestValidateLocalesAndMenus(t *testing.T) {
	t.Parallel()
	valid := func() *openentry.Project {
		return &openentry.Project{
			Locales: []openentry.ProjectLocale{{Code: "en_US", Name: "English", IsDefault: true}, {Code: "fr_FR", Name: "French"}},
			Menus: []openentry.ProjectMenu{{Identifier: "main_web", Title: map[string]string{"en_US": "Main"}, Pages: []openentry.ProjectMenuPage{
				{PageURL: "shop"}, {PageURL: "chairs", ParentURL: "category"}, {PageURL: "category"},
			}}},
		}
	}
	if err := valid().Validate(nil); err != nil {
		t.Fatalf("valid project: %v", err)
	}
	cases := []struct {
		name   string
		change func(p *openentry.Project)
		want   string
	}{
		{"no default", func(p *openentry.Project) { p.Locales[0].IsDefault = false }, "exactly one must be isDefault, 0 are"},
		{"two defaults", func(p *openentry.Project) { p.Locales[1].IsDefault = true }, "exactly one must be isDefault, 2 are"},
		{"hidden default", func(p *openentry.Project) { p.Locales[0].Hidden = true }, `locale "en_US": the default locale cannot be hidden`},
		{"code", func(p *openentry.Project) { p.Locales[1].Code = "fr" }, `locale "fr": code must be like en_US`},
		{"repeated code", func(p *openentry.Project) { p.Locales[1].Code = "en_US" }, `locale "en_US": code must be like en_US and not repeated`},
		{"no name", func(p *openentry.Project) { p.Locales[1].Name = " " }, `locale "fr_FR": needs a name`},
		{"shortCode", func(p *openentry.Project) { p.Locales[1].ShortCode = "f r" }, `locale "fr_FR": shortCode "f r" is malformed`},
		{"menu identifier", func(p *openentry.Project) { p.Menus[0].Identifier = "main web" }, `menu "main web": identifier malformed or repeated`},
		{"repeated menu", func(p *openentry.Project) { p.Menus = append(p.Menus, p.Menus[0]) }, `menu "main_web": identifier malformed or repeated`},
		{"title locale", func(p *openentry.Project) { p.Menus[0].Title["en"] = "Main" }, `menu "main_web": title: "en" is not a locale code`},
		{"page url", func(p *openentry.Project) { p.Menus[0].Pages[0].PageURL = "a/b" }, `menu "main_web": page "a/b" is not a page url`},
		{"page twice", func(p *openentry.Project) { p.Menus[0].Pages[2].PageURL = "shop" }, `menu "main_web": page "shop" is listed twice`},
		{"parent outside", func(p *openentry.Project) { p.Menus[0].Pages[0].ParentURL = "home" },
			`menu "main_web": page "shop": parentUrl "home" is not a page of this menu`},
		{"own parent", func(p *openentry.Project) { p.Menus[0].Pages[0].ParentURL = "shop" }, `menu "main_web": page "shop" is its own ancestor`},
		{"cycle", func(p *openentry.Project) { p.Menus[0].Pages[2].ParentURL = "chairs" }, `menu "main_web": page "chairs" is its own ancestor`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := valid()
			tc.change(p)
			err := p.Validate(nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// Unknown keys are refused in a menu as anywhere in the file.
	if _, err := openentry.ParseProject([]byte(`{"menus": [{"identifier": "m", "pages": [{"pageUrl": "a", "url": "b"}]}]}`)); err == nil ||
		!strings.Contains(err.Error(), `unknown field "url"`) {
		t.Errorf("unknown key in a menu page: got %v", err)
	}
}
