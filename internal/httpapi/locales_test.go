package httpapi_test

import (
	"encoding/json"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
)

// TestLangCodeResolvesToProjectLocales: a project whose French is fr_CA
// answers it for fr, FR and fr_ca, on every route, by the same rule.
func TestLangCodeResolvesToProjectLocales(t *testing.T) {
	t.Parallel()
	infos := func(en, fr string) map[string]json.RawMessage {
		return map[string]json.RawMessage{"en_US": json.RawMessage(`{"title":"` + en + `"}`), "fr_CA": json.RawMessage(`{"title":"` + fr + `"}`)}
	}
	p := &openentry.Project{
		Locales: []openentry.ProjectLocale{{Code: "en_US", Name: "English", IsDefault: true}, {Code: "fr_CA", Name: "Français (Canada)"}},
		Pages:   []openentry.ProjectPage{{PageURL: "about", LocalizeInfos: infos("About", "À propos")}},
		Products: []openentry.ProjectProduct{{ID: 700, Title: map[string]string{"en_US": "Canoe", "fr_CA": "Canot"},
			Price: "10.00", Currency: "CAD"}},
	}
	a := newAPI(t, apptest.Start(t, apptest.WithProject(p)))
	for lang, want := range map[string]string{"fr": "À propos", "FR": "À propos", "fr_ca": "À propos", "fr_CA": "À propos",
		"fr_FR": "About", "en": "About", "de": "About"} {
		page := a.expect("GET", "/api/content/pages/url/about?langCode="+lang, "", nil, 200).json(t)
		if got := page["localizeInfos"].(map[string]any)["title"]; got != want {
			t.Errorf("page in %s: %v, want %s", lang, got, want)
		}
	}
	product := a.expect("GET", "/api/content/products/700?langCode=fr", "", nil, 200).json(t)
	if got := product["localizeInfos"].(map[string]any)["title"]; got != "Canot" {
		t.Errorf("product in fr: %v, want Canot", got)
	}
	a.expect("GET", "/api/content/products/700?langCode=f-r", "", nil, 400)
}
