package httpapi

import "testing"

func TestCanonicalLang(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"en_US": "en_US", "EN_US": "en_US", "en_us": "en_US", "en": "en_US", "EN": "en_US",
		"fr_FR": "fr_FR", "fr": "fr_FR", "FR": "fr_FR", "fr_CA": "fr_CA", "de": "de_DE",
		"uk": "uk_UA", "ja": "ja_JP", "zh": "zh_CN", "sv": "sv_SE",
	} {
		if got := canonicalLang(in); got != want {
			t.Errorf("canonicalLang(%q): got %q, want %q", in, got, want)
		}
	}
}
