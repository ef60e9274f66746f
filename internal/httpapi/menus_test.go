package httpapi_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/demo"
)

// menusProject is pagesProject with two locales and menus over its pages:
// nested items (a child listed before its parent), a hidden page with an
// item below it, and an empty menu.
func menusProject() *openentry.Project {
	p := pagesProject()
	p.Locales = []openentry.ProjectLocale{
		{Code: "en_US", Name: "English", IsDefault: true},
		{Code: "fr_FR", Name: "French", NativeName: "Français", Image: "https://cdn.example/fr.png"},
		{Code: "de_DE", Name: "German", Hidden: true},
	}
	p.Menus = []openentry.ProjectMenu{
		{Identifier: "main_web", Title: map[string]string{"en_US": "Main", "fr_FR": "Principal"}, Pages: []openentry.ProjectMenuPage{
			{PageURL: "shop"},
			{PageURL: "sneakers", ParentURL: "shoes"},
			{PageURL: "category"},
			{PageURL: "shoes", ParentURL: "category"},
			{PageURL: "secret", ParentURL: "category"},
			{PageURL: "bags", ParentURL: "secret"}, // under a hidden page: left out
			{PageURL: "hidden_root"},
		}},
		{Identifier: "user_web", Title: map[string]string{"en_US": "User"}, Pages: []openentry.ProjectMenuPage{{PageURL: "profile"}}},
		{Identifier: "empty", Title: map[string]string{"en_US": "Nothing"}},
	}
	return p
}

var (
	localeKeys   = []string{"id", "shortCode", "code", "name", "nativeName", "isActive", "image", "position"}
	menuKeys     = []string{"id", "identifier", "localizeInfos", "pages"}
	menuPageKeys = []string{"id", "pageUrl", "localizeInfos", "attributeValues", "position", "parentId"}
)

// menuPages gets a menu and lists its pages' urls, checking every key.
func menuPages(t *testing.T, a *api, marker, lang string) (map[string]any, []map[string]any) {
	t.Helper()
	m := a.expect("GET", "/api/content/menus/marker/"+marker+"?langCode="+lang, "", nil, 200).json(t)
	checkKeys(t, "menu "+marker, m, menuKeys...)
	var pages []map[string]any
	for _, p := range m["pages"].([]any) {
		pg := p.(map[string]any)
		checkKeys(t, "menu page", pg, menuPageKeys...)
		pages = append(pages, pg)
	}
	return m, pages
}

func TestLocales(t *testing.T) {
	t.Parallel()
	const path = "/api/content/locales/active/all"
	t.Run("none in the project", func(t *testing.T) {
		t.Parallel()
		a := newAPI(t, apptest.Start(t))
		got := a.expect("GET", path, "", nil, 200).list(t)
		want := []any{map[string]any{"id": 1.0, "shortCode": "en", "code": "en_US", "name": "English", "nativeName": "English",
			"isActive": true, "image": nil, "position": 1.0}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("the project's", func(t *testing.T) {
		t.Parallel()
		p := menusProject()
		// Applied twice, as at every start: nothing doubles.
		srv := apptest.Start(t, apptest.WithProject(p), apptest.WithProject(p))
		a := newAPI(t, srv)
		got := a.expect("GET", path, "", nil, 200).list(t)
		if len(got) != 2 {
			t.Fatalf("got %v, want en_US and fr_FR (de_DE is hidden)", got)
		}
		en, fr := got[0].(map[string]any), got[1].(map[string]any)
		checkKeys(t, "locale", en, localeKeys...)
		checkKeys(t, "locale", fr, localeKeys...)
		if en["code"] != "en_US" || en["shortCode"] != "en" || en["nativeName"] != "English" || en["position"] != 1.0 || en["image"] != nil {
			t.Errorf("en_US: got %v", en)
		}
		if fr["code"] != "fr_FR" || fr["shortCode"] != "fr" || fr["name"] != "French" || fr["nativeName"] != "Français" ||
			fr["isActive"] != true || fr["image"] != "https://cdn.example/fr.png" || fr["position"] != 2.0 {
			t.Errorf("fr_FR: got %v", fr)
		}
		if n := srv.Count(t, "locales"); n != 3 {
			t.Errorf("locales rows: got %d, want 3", n)
		}
		// Resolution of langCode is unchanged: fr is fr_FR, EN is en_US.
		_, pages := menuPages(t, a, "user_web", "fr")
		if title := pages[0]["localizeInfos"].(map[string]any)["title"]; title != "Profil" {
			t.Errorf("user_web in fr: got title %v, want Profil", title)
		}
		a.token = ""
		a.expect("GET", path, "", nil, 403)
	})
}

func TestMenus(t *testing.T) {
	t.Parallel()
	p := menusProject()
	srv := apptest.Start(t, apptest.WithProject(p), apptest.WithProject(p))
	a := newAPI(t, srv)
	var ids = map[string]float64{}
	for _, url := range []string{"shop", "category", "shoes", "sneakers", "profile"} {
		ids[url] = a.expect("GET", "/api/content/pages/url/"+url, "", nil, 200).json(t)["id"].(float64)
	}

	m, pages := menuPages(t, a, "main_web", "en_US")
	if m["identifier"] != "main_web" || !reflect.DeepEqual(m["localizeInfos"], map[string]any{"title": "Main"}) {
		t.Errorf("main_web: got %v", m)
	}
	type item struct {
		url      string
		parent   any
		position float64
	}
	var got []item
	for _, pg := range pages {
		got = append(got, item{pg["pageUrl"].(string), pg["parentId"], pg["position"].(float64)})
		if pg["id"] != ids[pg["pageUrl"].(string)] {
			t.Errorf("%v: id %v, want the page's %v", pg["pageUrl"], pg["id"], ids[pg["pageUrl"].(string)])
		}
	}
	want := []item{{"shop", nil, 1}, {"sneakers", ids["shoes"], 2}, {"category", nil, 3}, {"shoes", ids["category"], 4}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("main_web pages: got %v, want %v (hidden pages and their branch left out)", got, want)
	}
	shoes := pages[3]
	if li := shoes["localizeInfos"].(map[string]any); li["title"] != "Shoes" || li["menuTitle"] != "Shoes" {
		t.Errorf("shoes localizeInfos: got %v", li)
	}
	if _, ok := shoes["attributeValues"].(map[string]any)["opengraph_image"]; !ok {
		t.Errorf("shoes attributeValues: got %v, want its opengraph_image", shoes["attributeValues"])
	}
	if !reflect.DeepEqual(pages[0]["attributeValues"], map[string]any{}) {
		t.Errorf("shop attributeValues: got %v, want {}", pages[0]["attributeValues"])
	}

	m, pages = menuPages(t, a, "main_web", "FR_FR")
	if m["localizeInfos"].(map[string]any)["title"] != "Principal" || pages[0]["localizeInfos"].(map[string]any)["title"] != "Boutique" {
		t.Errorf("main_web in fr_FR: got %v, first page %v", m["localizeInfos"], pages[0]["localizeInfos"])
	}
	// sneakers has no fr_FR text: en_US's.
	if title := pages[1]["localizeInfos"].(map[string]any)["menuTitle"]; title != "Sneakers" {
		t.Errorf("sneakers in fr_FR: got %v, want the en_US Sneakers", title)
	}
	if _, pages = menuPages(t, a, "empty", "en_US"); len(pages) != 0 {
		t.Errorf("empty menu: got %v", pages)
	}
	if n := srv.Count(t, "menu_pages"); n != 8 {
		t.Errorf("menu_pages rows after two applies: got %d, want 8", n)
	}

	for path, status := range map[string]int{
		"/api/content/menus/marker/nope":                  404,
		"/api/content/menus/marker/bad%20marker":          404,
		"/api/content/menus/marker/main_web?langCode=x1":  400,
		"/api/content/menus/marker/main_web/extra":        404,
		"/api/content/menus/marker/main_web?langCode=abc": 200,
	} {
		if status == 200 {
			a.expect("GET", path, "", nil, 200)
			continue
		}
		checkError(t, a.do("GET", path, "", nil), status, "")
	}
	checkError(t, a.do("GET", "/api/content/menus/marker/nope", "", nil), 404, `Menu "nope" not found`)
	a.token = ""
	a.expect("GET", "/api/content/menus/marker/main_web", "", nil, 403)
}

// TestMenusRejected: a file whose menu names a page nobody defined, or
// that does not hold together, is refused whole, and what was applied
// before stays as it was.
func TestMenusRejected(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, apptest.WithProject(menusProject()))
	cases := []struct {
		name   string
		change func(p *openentry.Project)
		want   string
	}{
		{"unknown page", func(p *openentry.Project) {
			p.Menus[1].Pages = append(p.Menus[1].Pages, openentry.ProjectMenuPage{PageURL: "hats"})
		}, `menu "user_web": page "hats" is not defined`},
		{"parent outside the menu", func(p *openentry.Project) { p.Menus[1].Pages[0].ParentURL = "shop" },
			`menu "user_web": page "profile": parentUrl "shop" is not a page of this menu`},
		{"page twice", func(p *openentry.Project) { p.Menus[0].Pages = append(p.Menus[0].Pages, p.Menus[0].Pages[0]) },
			`menu "main_web": page "shop" is listed twice`},
		{"cycle", func(p *openentry.Project) { p.Menus[0].Pages[2].ParentURL = "sneakers" }, `is its own ancestor`},
		{"two default locales", func(p *openentry.Project) { p.Locales[1].IsDefault = true }, `exactly one must be isDefault, 2 are`},
		{"bad locale", func(p *openentry.Project) { p.Locales[1].Code = "fr" }, `locale "fr": code must be like en_US`},
	}
	demoProject, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := menusProject()
			p.Menus[1].Title = map[string]string{"en_US": "Changed"}
			tc.change(p)
			a, err := apptest.Open(srv.DSN, demoProject, p)
			if err == nil {
				a.Close()
				t.Fatalf("got no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// Nothing of the refused files was applied.
	m, pages := menuPages(t, newAPI(t, srv), "user_web", "en_US")
	if m["localizeInfos"].(map[string]any)["title"] != "User" || len(pages) != 1 {
		t.Errorf("user_web after refused files: got %v", m)
	}
}

// TestDemoShopMenus: the demo shop has the locales and the six menus
// OneEntry's shop template reads, over pages it serves.
func TestDemoShopMenus(t *testing.T) {
	t.Parallel()
	a := newAPI(t, apptest.Start(t, apptest.WithDemoShop()))
	var codes []string
	for _, l := range a.expect("GET", "/api/content/locales/active/all", "", nil, 200).list(t) {
		m := l.(map[string]any)
		codes = append(codes, m["shortCode"].(string)+"/"+m["code"].(string))
	}
	if want := []string{"en/en_US", "fr/fr_FR"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("locales: got %v, want %v", codes, want)
	}
	for marker, want := range map[string][]string{
		"main_web":    {"category", "furniture", "lighting", "decor", "new", "sale", "hit"},
		"user_web":    {"profile", "favorites", "cart"},
		"side_web":    {"profile", "orders", "favorites", "cart"},
		"bottom_web":  {"home", "shop", "profile", "favorites", "cart"},
		"quick_links": {"shop", "about_us", "contact_us"},
		"information": {"delivery", "payment"},
	} {
		for _, lang := range []string{"en_US", "fr_FR"} {
			_, pages := menuPages(t, a, marker, lang)
			var got []string
			for _, pg := range pages {
				got = append(got, pg["pageUrl"].(string))
				if title, _ := pg["localizeInfos"].(map[string]any)["menuTitle"].(string); title == "" {
					t.Errorf("%s in %s: page %v has no menuTitle", marker, lang, pg["pageUrl"])
				}
				a.expect("GET", "/api/content/pages/url/"+pg["pageUrl"].(string), "", nil, 200)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s in %s: got %v, want %v", marker, lang, got, want)
			}
		}
	}
	_, pages := menuPages(t, a, "main_web", "fr_FR")
	if pages[0]["parentId"] != nil || pages[1]["parentId"] != pages[0]["id"] || pages[4]["parentId"] != nil {
		t.Errorf("main_web: categories nest under category: got %v", pages)
	}
	if title := pages[1]["localizeInfos"].(map[string]any)["menuTitle"]; title != "Meubles" {
		t.Errorf("main_web furniture in fr_FR: got %v, want Meubles", title)
	}
}
