package httpapi

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/openentry/openentry"
)

var langPattern = regexp.MustCompile(`^[a-zA-Z_]{2,5}$`)

// listQuery is what list routes read from the query string.
type listQuery struct {
	Lang string
	Page openentry.Page
}

// parseQuery reads langCode, offset and limit. langCode is matched
// case-insensitively ("EN_US" is en_US) since real storefronts upper-case it.
func parseQuery(r *http.Request) (listQuery, error) {
	q := r.URL.Query()
	lq := listQuery{Lang: openentry.DefaultLocale, Page: openentry.Page{Offset: 0, Limit: 30}}
	if lang := q.Get("langCode"); lang != "" {
		if !langPattern.MatchString(lang) {
			return lq, badRequest("langCode must match /^[a-zA-Z_]{2,5}$/")
		}
		lq.Lang = canonicalLang(lang)
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"offset", &lq.Page.Offset}, {"limit", &lq.Page.Limit}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return lq, badRequest(p.name + " must be a non-negative integer")
		}
		*p.dst = n
	}
	return lq, nil
}

// canonicalLang is the one rule that turns a langCode into a locale code:
// case-insensitively (en_us and EN_US are en_US), and a bare language is
// that language's locale (EN, which OneEntry's shop template sends on its
// orders page, is en_US): the default locale's own language is the
// default locale, any other is its usual region (fr_FR, uk_UA, ja_JP).
func canonicalLang(lang string) string {
	base, region, ok := strings.Cut(lang, "_")
	base = strings.ToLower(base)
	if ok {
		return base + "_" + strings.ToUpper(region)
	}
	if def, _, _ := strings.Cut(openentry.DefaultLocale, "_"); base == def {
		return openentry.DefaultLocale
	}
	return base + "_" + languageRegion(base)
}

// languageRegion is a language's usual region: its own code upper-cased
// (fr_FR, de_DE, ru_RU) but for the languages named here.
func languageRegion(lang string) string {
	for _, pair := range strings.Fields("ar_SA be_BY cs_CZ da_DK el_GR et_EE fa_IR he_IL hi_IN hy_AM ja_JP ka_GE " +
		"kk_KZ ko_KR ms_MY nb_NO sl_SI sr_RS sv_SE uk_UA vi_VN zh_CN") {
		if l, region, _ := strings.Cut(pair, "_"); l == lang {
			return region
		}
	}
	return strings.ToUpper(lang)
}

// pathID reads a positive integer path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest(name + " must be a positive integer")
	}
	return id, nil
}

// jsonInt reads a JSON integer. Strings, fractions and exponents ("1",
// 1.5, 1e3) are refused rather than converted, so nothing is silently truncated.
func jsonInt(raw []byte) (int64, error) {
	return strconv.ParseInt(string(raw), 10, 64)
}

// bodyLang reads a langCode sent in a body; empty means the default locale.
func bodyLang(lang string) (string, error) {
	if lang == "" {
		return openentry.DefaultLocale, nil
	}
	if !langPattern.MatchString(lang) {
		return "", badRequest("langCode must match /^[a-zA-Z_]{2,5}$/")
	}
	return canonicalLang(lang), nil
}

// queryAndID reads the list query and the {id} path value, what every
// "one thing by id" route starts with.
func queryAndID(r *http.Request) (listQuery, int64, error) {
	q, err := parseQuery(r)
	if err != nil {
		return q, 0, err
	}
	id, err := pathID(r, "id")
	return q, id, err
}
