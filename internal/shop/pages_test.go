package shop_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

func pageTitle(s string) map[string]json.RawMessage {
	b, _ := json.Marshal(map[string]string{"title": s})
	return map[string]json.RawMessage{"en_US": b}
}

// treeProject holds shop and category on top and two categories below.
func treeProject() *openentry.Project {
	return &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{Identifier: "page_attrs", Type: "forPages", Title: map[string]string{"en_US": "Page"},
			Attributes: []openentry.ProjectSetAttribute{{Marker: "price_filter", Type: "string", Title: map[string]string{"en_US": "Price"}}}}},
		Pages: []openentry.ProjectPage{
			{PageURL: "shop", LocalizeInfos: pageTitle("Shop")},
			{PageURL: "category", LocalizeInfos: pageTitle("Categories"), Type: "catalog_page"},
			{PageURL: "shoes", ParentURL: "category", LocalizeInfos: pageTitle("Shoes"), Type: "catalog_page",
				AttributeSetIdentifier: "page_attrs", AttributeValues: openentry.AttributeValues{"en_US": {"price_filter": json.RawMessage(`"Price"`)}}},
			{PageURL: "bags", ParentURL: "category", LocalizeInfos: pageTitle("Bags"), Type: "catalog_page"},
		},
		Products: []openentry.ProjectProduct{
			{ID: 801, Title: map[string]string{"en_US": "Runner"}, Price: "1.00", Currency: "USD", Pages: []string{"shoes", "bags"}},
		},
	}
}

func TestProjectValidatePages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(p *openentry.Project)
		want   string
	}{
		{"malformed url", func(p *openentry.Project) { p.Pages[0].PageURL = "about/team" },
			`page "about/team": pageUrl must match ^[A-Za-z0-9_-]{1,255}$ and not be "url"`},
		{"reserved url", func(p *openentry.Project) { p.Pages[0].PageURL = "url" },
			`page "url": pageUrl must match ^[A-Za-z0-9_-]{1,255}$ and not be "url"`},
		{"empty url", func(p *openentry.Project) { p.Pages[0].PageURL = "" },
			`page "": pageUrl must match ^[A-Za-z0-9_-]{1,255}$ and not be "url"`},
		{"duplicate", func(p *openentry.Project) { p.Pages = append(p.Pages, p.Pages[1]) }, `page "category": defined twice`},
		{"malformed parent", func(p *openentry.Project) { p.Pages[2].ParentURL = "a b" }, `page "shoes": parentUrl "a b" is not a page url`},
		{"own parent", func(p *openentry.Project) { p.Pages[1].ParentURL = "category" }, `page "category": is its own ancestor`},
		{"cycle in the file", func(p *openentry.Project) { p.Pages[1].ParentURL = "shoes" },
			"page \"category\": is its own ancestor\npage \"shoes\": is its own ancestor"},
		{"unknown type", func(p *openentry.Project) { p.Pages[0].Type = "landing" },
			`page "shop": type "landing" is not one of common_page, catalog_page, error_page, external_page`},
		{"bad locale", func(p *openentry.Project) {
			p.Pages[0].LocalizeInfos = map[string]json.RawMessage{"en": json.RawMessage(`{}`)}
		},
			`page "shop": localizeInfos: "en" is not a locale code like en_US`},
		{"localizeInfos not an object", func(p *openentry.Project) {
			p.Pages[0].LocalizeInfos = map[string]json.RawMessage{"en_US": json.RawMessage(`"Shop"`)}
		}, `page "shop": localizeInfos.en_US must be an object`},
		{"values without a set", func(p *openentry.Project) { p.Pages[2].AttributeSetIdentifier = "" },
			`page "shoes": attributeValues need an attributeSetIdentifier`},
		{"values of a bad locale", func(p *openentry.Project) {
			p.Pages[2].AttributeValues = openentry.AttributeValues{"EN": {"price_filter": json.RawMessage(`"P"`)}}
		}, `page "shoes": attributeValues: "EN" is not a locale code like en_US`},
		{"malformed template", func(p *openentry.Project) { p.Pages[0].TemplateIdentifier = "with sidebar" },
			`page "shop": templateIdentifier "with sidebar" is malformed`},
		{"negative config", func(p *openentry.Project) { p.Pages[0].Config = map[string]int64{"rowsPerPage": -1} },
			`page "shop": config "rowsPerPage": keys are markers, values whole numbers ≥ 0`},
		{"product page repeated", func(p *openentry.Project) { p.Products[0].Pages = []string{"shoes", "shoes"} },
			`product 801: pages: "shoes" is malformed or repeated`},
		{"product page malformed", func(p *openentry.Project) { p.Products[0].Pages = []string{"a/b"} },
			`product 801: pages: "a/b" is malformed or repeated`},
		{"page block repeated", func(p *openentry.Project) { p.Pages[0].Blocks = []string{"hero", "hero"} },
			`page "shop": blocks: "hero" is malformed or repeated`},
		{"block repeated", func(p *openentry.Project) {
			p.Blocks = []openentry.ProjectBlock{{Identifier: "hero"}, {Identifier: "hero"}}
		}, `block "hero": identifier malformed or repeated`},
		{"block type", func(p *openentry.Project) { p.Blocks = []openentry.ProjectBlock{{Identifier: "hero", Type: "banner"}} },
			`block "hero": type "banner" is not one of common_block, product_block, similar_products_block, frequently_ordered_block`},
		{"block values without a set", func(p *openentry.Project) {
			p.Blocks = []openentry.ProjectBlock{{Identifier: "hero", AttributeValues: openentry.AttributeValues{"en_US": {}}}}
		}, `block "hero": attributeValues need an attributeSetIdentifier`},
		{"block products", func(p *openentry.Project) {
			p.Blocks = []openentry.ProjectBlock{{Identifier: "row", Products: []int64{0}}}
		},
			`block "row": products: 0 is not a product id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := treeProject()
			tc.change(p)
			err := validate(p)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Validate:\ngot  %v\nwant %q", err, tc.want)
			}
		})
	}
	p := treeProject()
	p.Pages[1].ParentURL = "bags" // a parent later in the file is fine
	p.Pages[3].ParentURL = ""
	if err := validate(p); err != nil {
		t.Errorf("a parent after its child: %v", err)
	}
}

// pageTree is what a test compares of the stored tree: url → parent url and depth.
func pageTree(t *testing.T, pages *shop.Pages) map[string]string {
	t.Helper()
	all, err := pages.Pages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	urls := map[int64]string{}
	for _, p := range all {
		urls[p.ID] = p.PageURL
	}
	out := map[string]string{}
	for _, p := range all {
		out[p.PageURL] = urls[p.ParentID] + "/" + string(rune('0'+p.Depth))
	}
	return out
}

func TestApplyProjectPages(t *testing.T) {
	ctx := context.Background()
	s := newShop(t)
	pages := shop.NewPages(s.db)
	p := treeProject()
	for range 2 { // re-applying changes nothing
		if err := s.projects.Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{"shop": "/0", "category": "/0", "shoes": "category/1", "bags": "category/1"}
	if got := pageTree(t, pages); !reflect.DeepEqual(got, want) {
		t.Errorf("tree: got %v, want %v", got, want)
	}
	first, err := pages.PageByURL(ctx, "shoes")
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "pages"); n != 4 {
		t.Errorf("%d pages after applying 4 twice", n)
	}
	if n := countRows(t, s, "product_pages"); n != 2 || first.Products != 1 {
		t.Errorf("%d product_pages rows, shoes lists %d products; want 2 and 1", n, first.Products)
	}

	// A later file: a child of an earlier file's page, a page moved (its
	// subtree follows), the product's pages replaced; the rest stays.
	later := &openentry.Project{
		Pages: []openentry.ProjectPage{
			{PageURL: "sneakers", ParentURL: "shoes", LocalizeInfos: pageTitle("Sneakers")},
			{PageURL: "category", ParentURL: "shop", LocalizeInfos: pageTitle("Categories")},
		},
		Products: []openentry.ProjectProduct{{ID: 801, Title: map[string]string{"en_US": "Runner"}, Price: "1.00", Currency: "USD", Pages: []string{"bags"}}},
	}
	if err := s.projects.Apply(ctx, later); err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"shop": "/0", "category": "shop/1", "shoes": "category/2", "bags": "category/2", "sneakers": "shoes/3"}
	if got := pageTree(t, pages); !reflect.DeepEqual(got, want) {
		t.Errorf("tree after the later file: got %v, want %v", got, want)
	}
	shoes, err := pages.PageByURL(ctx, "shoes")
	if err != nil {
		t.Fatal(err)
	}
	if shoes.ID != first.ID || shoes.Products != 0 || shoes.ChildrenCount != 1 || string(shoes.AttributeValues["en_US"]["price_filter"]) != `"Price"` {
		t.Errorf("shoes after the later file: %+v; want the same id, no products, 1 child, its values kept", shoes)
	}
	// A product without "pages" keeps its own.
	if err := s.projects.Apply(ctx, &openentry.Project{Products: []openentry.ProjectProduct{
		{ID: 801, Title: map[string]string{"en_US": "Runner"}, Price: "1.00", Currency: "USD"}}}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s, "product_pages"); n != 1 {
		t.Errorf("%d product_pages rows after a file without the product's pages, want 1 (bags)", n)
	}

	// Descendants, as product lists filter by them.
	ids := func(urls ...string) []int64 {
		var out []int64
		for _, u := range urls {
			p, err := pages.PageByURL(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range []struct {
		url    string
		nested bool
		want   []int64
	}{
		{"category", false, ids("category")},
		{"category", true, ids("category", "shoes", "bags", "sneakers")},
		{"sneakers", true, ids("sneakers")},
	} {
		got, err := s.db.PageDescendants(ctx, tc.url, tc.nested)
		if err != nil || got[0] != tc.want[0] || !sameIDs(got, tc.want) {
			t.Errorf("PageDescendants(%s, %v): got %v, %v; want %v, the page first", tc.url, tc.nested, got, err, tc.want)
		}
	}
	if _, err := s.db.PageDescendants(ctx, "nope", true); !errors.Is(err, openentry.ErrNotFound) {
		t.Errorf("PageDescendants(nope): got %v, want ErrNotFound", err)
	}
	// Hiding shoes hides it and its branch.
	hide := treeProject()
	hide.Pages[2].Hidden = true
	if err := s.projects.Apply(ctx, &openentry.Project{AttributeSets: hide.AttributeSets, Pages: hide.Pages[2:3]}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.db.PageDescendants(ctx, "category", true); err != nil || !sameIDs(got, ids("category", "bags")) {
		t.Errorf("PageDescendants(category) with shoes hidden: got %v, %v; want category and bags", got, err)
	}
	if _, err := s.db.PageDescendants(ctx, "shoes", true); !errors.Is(err, openentry.ErrNotFound) {
		t.Errorf("PageDescendants(hidden shoes): got %v, want ErrNotFound", err)
	}
	if _, err := pages.PageByURL(ctx, "shoes"); !errors.Is(err, openentry.ErrNotFound) {
		t.Errorf("PageByURL(hidden shoes): got %v, want ErrNotFound", err)
	}
}

// countRows counts the rows of a table.
func countRows(t *testing.T, s *testShop, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sameIDs(a, b []int64) bool {
	m := map[int64]int{}
	for _, id := range a {
		m[id]++
	}
	for _, id := range b {
		m[id]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

func TestApplyProjectPagesRejected(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		change func(p *openentry.Project)
		want   string
	}{
		{"unknown parent", func(p *openentry.Project) { p.Pages[2].ParentURL = "catalog" }, `page "shoes": parent page "catalog" is not defined`},
		{"unknown product page", func(p *openentry.Project) { p.Products[0].Pages = []string{"shoes", "hats"} },
			`product 801: page "hats" is not defined`},
		{"unknown set", func(p *openentry.Project) { p.Pages[2].AttributeSetIdentifier = "nope" }, `page "shoes": attribute set "nope" is not defined`},
		{"value unlike its attribute", func(p *openentry.Project) {
			p.Pages[2].AttributeValues["en_US"]["price_filter"] = json.RawMessage(`12`)
		}, `page "shoes": attributeValues.en_US.price_filter: must be a string`},
		{"marker not of the set", func(p *openentry.Project) {
			p.Pages[2].AttributeValues["en_US"]["colour"] = json.RawMessage(`"red"`)
		}, `page "shoes": attributeValues.en_US: set "page_attrs" has no attribute "colour"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newShop(t)
			p := treeProject()
			tc.change(p)
			err := s.projects.Apply(ctx, p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if n := countRows(t, s, "pages"); n != 0 {
				t.Errorf("a rejected file was half applied: %d pages", n)
			}
			if _, err := s.catalog.Product(ctx, 801); err == nil {
				t.Error("a rejected file was half applied: product 801 exists")
			}
		})
	}

	// A cycle through an earlier file's pages: category is below shoes,
	// which is below category.
	s := newShop(t)
	if err := s.projects.Apply(ctx, treeProject()); err != nil {
		t.Fatal(err)
	}
	cycle := &openentry.Project{Pages: []openentry.ProjectPage{{PageURL: "category", ParentURL: "shoes", LocalizeInfos: pageTitle("Categories")}}}
	if err := s.projects.Apply(ctx, cycle); err == nil || !strings.Contains(err.Error(), "is its own ancestor") {
		t.Fatalf("a cycle through an earlier file: got %v, want an ancestor error", err)
	}
	want := map[string]string{"shop": "/0", "category": "/0", "shoes": "category/1", "bags": "category/1"}
	if got := pageTree(t, shop.NewPages(s.db)); !reflect.DeepEqual(got, want) {
		t.Errorf("tree after a rejected cycle: got %v, want %v", got, want)
	}
}

func TestSearchPagesNeedsAName(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	for _, name := range []string{"", "  ", strings.Repeat("a", 201)} {
		if _, err := shop.NewPages(s.db).SearchPages(context.Background(), name, "en_US", ""); !errors.Is(err, openentry.ErrInvalid) {
			t.Errorf("SearchPages(%q): got %v, want ErrInvalid", name, err)
		}
	}
}
