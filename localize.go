package openentry

import "encoding/json"

// DefaultLocale is the locale OneEntry falls back to, and the one the JS SDK
// sends when none is configured.
const DefaultLocale = "en_US"

// Localized maps a locale code to that locale's object, as OneEntry stores
// localizeInfos: {"en_US": {"title": "Box"}}.
type Localized map[string]json.RawMessage

// Resolve returns the value for lang, falling back to DefaultLocale and then to
// any locale, so that a client asking for an unknown locale still gets text.
func (l Localized) Resolve(lang string) json.RawMessage {
	if v, ok := l[lang]; ok {
		return v
	}
	if v, ok := l[DefaultLocale]; ok {
		return v
	}
	for _, v := range l {
		return v
	}
	return json.RawMessage(`{}`)
}

// Titles builds localizeInfos from locale → title.
func Titles(titles map[string]string) Localized {
	l := make(Localized, len(titles))
	for lang, title := range titles {
		b, _ := json.Marshal(map[string]string{"title": title})
		l[lang] = b
	}
	return l
}
