package conformance

import (
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKMenus calls the SDK's Locales and Menus methods, with the
// template's call shapes, against pagesProject with two locales and menus
// over its pages; see js/menus.mjs.
func TestOfficialSDKMenus(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithProject(menusProject()))
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "menus.mjs")
}

// menusProject is pagesProject with the locales en_US (default) and fr_FR
// and two menus: main_web with the categories nested under category (the
// hidden one left out), and user_web.
func menusProject() *openentry.Project {
	p := pagesProject()
	p.Locales = []openentry.ProjectLocale{
		{Code: "en_US", ShortCode: "en", Name: "English", NativeName: "English", IsDefault: true},
		{Code: "fr_FR", ShortCode: "fr", Name: "French", NativeName: "Français"},
	}
	p.Menus = []openentry.ProjectMenu{
		{Identifier: "main_web", Title: map[string]string{"en_US": "Main menu", "fr_FR": "Menu principal"}, Pages: []openentry.ProjectMenuPage{
			{PageURL: "shop"},
			{PageURL: "category"},
			{PageURL: "furniture", ParentURL: "category"},
			{PageURL: "secret", ParentURL: "category"},
			{PageURL: "lighting", ParentURL: "category"},
		}},
		{Identifier: "user_web", Title: map[string]string{"en_US": "User menu"}, Pages: []openentry.ProjectMenuPage{
			{PageURL: "profile"}, {PageURL: "payment"},
		}},
	}
	return p
}
