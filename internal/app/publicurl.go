package app

import (
	"fmt"
	"net/url"
	"strings"
)

// publicURL checks the public URL a server is reached at and drops a
// trailing slash: "" stays "", anything else must be an absolute http(s)
// URL with a host and no user, query or fragment.
func publicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("public URL %q: give the scheme and host clients reach the server at, e.g. https://api.shop.example", s)
	}
	return strings.TrimRight(s, "/"), nil
}
