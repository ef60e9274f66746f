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

func canonicalLang(lang string) string {
	base, region, ok := strings.Cut(lang, "_")
	if !ok {
		return strings.ToLower(lang)
	}
	return strings.ToLower(base) + "_" + strings.ToUpper(region)
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
