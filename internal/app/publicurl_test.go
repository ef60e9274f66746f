package app

import "testing"

func TestPublicURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                               "",
		"https://api.shop.example":       "https://api.shop.example",
		"https://api.shop.example/":      "https://api.shop.example",
		"http://127.0.0.1:8080":          "http://127.0.0.1:8080",
		"https://shop.example/oneentry/": "https://shop.example/oneentry",
	} {
		if got, err := publicURL(in); err != nil || got != want {
			t.Errorf("publicURL(%q): got %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"api.shop.example", "ftp://x.example", "https://", "https://u:p@x.example",
		"https://x.example/?a=1", "https://x.example/#top", "https://x.example?", "mailto:a@b.example", ":"} {
		if got, err := publicURL(bad); err == nil {
			t.Errorf("publicURL(%q): got %q, want an error", bad, got)
		}
	}
}
