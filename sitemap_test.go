package openentry

import (
	"encoding/xml"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestSitemapBase(t *testing.T) {
	for _, tc := range []struct {
		name, lang, base string
		origins          []string
		want, err        string
	}{
		{"adds the slash", "en_US", "https://shop.example/en", nil, "https://shop.example/en/", ""},
		{"keeps the slash", "en_US", "https://shop.example/", nil, "https://shop.example/", ""},
		{"host only", "en_US", "http://shop.example:8080", nil, "http://shop.example:8080/", ""},
		{"an allowed origin", "fr_FR", "https://shop.example/fr", []string{"https://shop.example"}, "https://shop.example/fr/", ""},
		{"any origin", "fr_FR", "https://a.example/", []string{"*", "https://shop.example"}, "https://a.example/", ""},
		{"a foreign origin", "en_US", "https://evil.example/", []string{"https://shop.example"}, "", "corsOrigins"},
		{"bare language", "en", "https://shop.example/", nil, "", "locale code"},
		{"relative", "en_US", "/en/", nil, "", "absolute"},
		{"other scheme", "en_US", "javascript:alert(1)", nil, "", "absolute"},
		{"credentials", "en_US", "https://u:p@shop.example/", nil, "", "absolute"},
		{"fragment", "en_US", "https://shop.example/#x", nil, "", "fragment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SitemapBase(tc.lang, tc.base, tc.origins)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("got %q, %v; want an error saying %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestSitemapURLs(t *testing.T) {
	pages := []ContentPage{
		{ID: 1, PageURL: "catalog", Type: PageTypeCatalog},
		{ID: 2, PageURL: "chairs", ParentID: 1, Type: PageTypeCatalog},
		{ID: 3, PageURL: "oak", ParentID: 2, Type: PageTypeCommon},
		{ID: 5, PageURL: "under_hidden", ParentID: 4, Type: PageTypeCommon}, // 4 is hidden: not listed
		{ID: 6, PageURL: "404", Type: PageTypeError},
		{ID: 7, PageURL: "elsewhere", Type: PageTypeExternal},
	}
	got := SitemapURLs(map[string]string{"fr_FR": "https://s.example/fr/", "en_US": "https://s.example/en/"}, pages, []int64{7, 9})
	want := []string{
		"https://s.example/en/catalog", "https://s.example/en/catalog/chairs", "https://s.example/en/catalog/chairs/oak",
		"https://s.example/en/product/7", "https://s.example/en/product/9",
		"https://s.example/fr/catalog", "https://s.example/fr/catalog/chairs", "https://s.example/fr/catalog/chairs/oak",
		"https://s.example/fr/product/7", "https://s.example/fr/product/9",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if same := SitemapURLs(map[string]string{"en_US": "https://s.example/", "fr_FR": "https://s.example/"}, pages[:1], nil); len(same) != 1 {
		t.Errorf("two locales on one base: got %v, want the url once", same)
	}
}

func TestRenderSitemaps(t *testing.T) {
	if files := RenderSitemaps(nil); len(files) != 1 || files[0].Name != "sitemap-000.xml" || !strings.Contains(string(files[0].Body), "<urlset") {
		t.Errorf("no urls: got %v, want one empty urlset", files)
	}
	urls := make([]string, MaxSitemapURLs+2)
	for i := range urls {
		urls[i] = "https://s.example/product/" + strconv.Itoa(i) + "?a=1&b=<2>"
	}
	files := RenderSitemaps(urls)
	if len(files) != 2 || files[0].Name != "sitemap-000.xml" || files[1].Name != "sitemap-001.xml" {
		t.Fatalf("got %d files, want sitemap-000.xml and sitemap-001.xml", len(files))
	}
	var doc struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(files[1].Body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.URLs) != 2 || doc.URLs[1].Loc != urls[len(urls)-1] {
		t.Errorf("second file: got %v, want the last two urls, unescaped back", doc.URLs)
	}
	if again := RenderSitemaps(urls); !reflect.DeepEqual(again, files) {
		t.Error("the same urls gave different documents")
	}
	idx := string(RenderSitemapIndex([]string{"https://api.example/a.xml", "https://api.example/b.xml"}))
	if !strings.Contains(idx, "<sitemapindex") || strings.Count(idx, "<sitemap><loc>") != 2 {
		t.Errorf("index: %s", idx)
	}
	for name, ok := range map[string]bool{"sitemap-000.xml": true, "sitemap-1234.xml": true, "sitemap-1.xml": false, "../x.xml": false} {
		if ValidSitemapName(name) != ok {
			t.Errorf("ValidSitemapName(%q): got %v, want %v", name, !ok, ok)
		}
	}
}
