package openentry_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/openentry/openentry"
)

func TestLocalizedResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		l    openentry.Localized
		lang string
		want string
	}{
		{
			name: "asked locale",
			l:    openentry.Localized{"en_US": json.RawMessage(`{"title":"Box"}`), "de_DE": json.RawMessage(`{"title":"Kiste"}`)},
			lang: "de_DE",
			want: `{"title":"Kiste"}`,
		},
		{
			name: "falls back to en_US",
			l: openentry.Localized{
				"de_DE": json.RawMessage(`{"title":"Kiste"}`),
				"en_US": json.RawMessage(`{"title":"Box"}`),
				"fr_CA": json.RawMessage(`{"title":"Boîte"}`),
				"uk_UA": json.RawMessage(`{"title":"Коробка"}`),
			},
			lang: "fr_FR",
			want: `{"title":"Box"}`,
		},
		{
			name: "empty lang falls back to en_US",
			l:    openentry.Localized{"en_US": json.RawMessage(`{"title":"Box"}`), "de_DE": json.RawMessage(`{"title":"Kiste"}`)},
			lang: "",
			want: `{"title":"Box"}`,
		},
		{
			name: "falls back to any locale",
			l:    openentry.Localized{"de_DE": json.RawMessage(`{"title":"Kiste"}`)},
			lang: "fr_FR",
			want: `{"title":"Kiste"}`,
		},
		{
			name: "empty map",
			l:    openentry.Localized{},
			lang: "en_US",
			want: `{}`,
		},
		{
			name: "nil map",
			l:    nil,
			lang: "en_US",
			want: `{}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Map order is random: ask many times so that a fallback to
			// "any locale" in place of en_US cannot pass by luck.
			for range 100 {
				if got := tc.l.Resolve(tc.lang); string(got) != tc.want {
					t.Fatalf("Resolve(%q): got %s, want %s", tc.lang, got, tc.want)
				}
			}
		})
	}
}

func TestLocalizedResolveAnyIsOneOfThem(t *testing.T) {
	t.Parallel()
	l := openentry.Localized{"de_DE": json.RawMessage(`{"title":"Kiste"}`), "fr_FR": json.RawMessage(`{"title":"Boîte"}`)}
	got := string(l.Resolve("es_ES"))
	if got != `{"title":"Kiste"}` && got != `{"title":"Boîte"}` {
		t.Errorf(`Resolve("es_ES"): got %s, want the de_DE or the fr_FR value`, got)
	}
}

func TestTitles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		titles map[string]string
		want   openentry.Localized
	}{
		{
			name:   "two locales",
			titles: map[string]string{"en_US": "Box", "de_DE": "Kiste"},
			want:   openentry.Localized{"en_US": json.RawMessage(`{"title":"Box"}`), "de_DE": json.RawMessage(`{"title":"Kiste"}`)},
		},
		{
			name:   "quotes are escaped",
			titles: map[string]string{"en_US": `The "Box"`},
			want:   openentry.Localized{"en_US": json.RawMessage(`{"title":"The \"Box\""}`)},
		},
		{
			name:   "empty title",
			titles: map[string]string{"en_US": ""},
			want:   openentry.Localized{"en_US": json.RawMessage(`{"title":""}`)},
		},
		{
			name:   "none",
			titles: nil,
			want:   openentry.Localized{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := openentry.Titles(tc.titles)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Titles(%q): got %s, want %s", tc.titles, mustJSON(t, got), mustJSON(t, tc.want))
			}
		})
	}
}
