package adminapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/httpapi/openapitest"
)

type pageOut struct {
	ID                     int64                                 `json:"id"`
	PageURL                string                                `json:"pageUrl"`
	ParentID               *int64                                `json:"parentId"`
	ParentURL              string                                `json:"parentUrl"`
	Depth                  int64                                 `json:"depth"`
	Position               int64                                 `json:"position"`
	Type                   string                                `json:"type"`
	IsVisible              bool                                  `json:"isVisible"`
	LocalizeInfos          map[string]json.RawMessage            `json:"localizeInfos"`
	AttributeSetIdentifier string                                `json:"attributeSetIdentifier"`
	AttributeValues        map[string]map[string]json.RawMessage `json:"attributeValues"`
	TemplateIdentifier     string                                `json:"templateIdentifier"`
	Config                 map[string]int64                      `json:"config"`
	Blocks                 []string                              `json:"blocks"`
	Version                int64                                 `json:"version"`
}

// body is the page as a PUT gives it back, at its version.
func (p pageOut) body() map[string]any {
	return map[string]any{"version": p.Version, "pageUrl": p.PageURL, "parentUrl": p.ParentURL, "type": p.Type,
		"isVisible": p.IsVisible, "localizeInfos": p.LocalizeInfos, "attributeSetIdentifier": p.AttributeSetIdentifier,
		"attributeValues": p.AttributeValues, "templateIdentifier": p.TemplateIdentifier, "config": p.Config, "blocks": p.Blocks}
}

type pageList struct {
	Items []pageOut `json:"items"`
	Total int64     `json:"total"`
}

func (l pageList) byURL(t *testing.T, url string) pageOut {
	t.Helper()
	for _, p := range l.Items {
		if p.PageURL == url {
			return p
		}
	}
	t.Fatalf("no page %q in the admin list", url)
	return pageOut{}
}

func pagesOf(t *testing.T, a *apptest.Admin) pageList {
	t.Helper()
	var l pageList
	a.Expect(t, "GET", "/api/admin/pages", nil, http.StatusOK, &l)
	return l
}

// contentAPI calls the Content API as a storefront does, through the
// Content API's own document checker.
type contentAPI struct{ base string }

func newContentAPI(t *testing.T, srv *apptest.Server) contentAPI {
	return contentAPI{base: openapitest.New(t).Proxy(srv.BaseURL)}
}

func (c contentAPI) get(t *testing.T, path string, want int, out any) {
	t.Helper()
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-app-token", apptest.AppToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d %s, want %d", path, resp.StatusCode, body, want)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
}

type contentPage struct {
	ID            int64  `json:"id"`
	PageURL       string `json:"pageUrl"`
	LocalizeInfos struct {
		Title string `json:"title"`
	} `json:"localizeInfos"`
}

func (c contentAPI) childURLs(t *testing.T, url string) []string {
	t.Helper()
	var kids []contentPage
	c.get(t, "/api/content/pages/"+url+"/children?langCode=en_US", http.StatusOK, &kids)
	out := make([]string, len(kids))
	for i, k := range kids {
		out[i] = k.PageURL
	}
	return out
}

// lastEntry returns the newest journal entry of action.
func lastEntry(t *testing.T, a *apptest.Admin, action string) (before, after map[string]any, objectID string) {
	t.Helper()
	var j journal
	a.Expect(t, "GET", "/api/admin/journal?action="+action+"&limit=1", nil, http.StatusOK, &j)
	if len(j.Items) != 1 || j.Items[0].Action != action {
		t.Fatalf("journal has no %s entry: %+v", action, j)
	}
	e := j.Items[0]
	if e.ActorKind != "staff" || e.RequestID == "" {
		t.Errorf("%s entry: actor %q, request id %q", action, e.ActorKind, e.RequestID)
	}
	_ = json.Unmarshal(e.Before, &before)
	_ = json.Unmarshal(e.After, &after)
	return before, after, e.ObjectID
}

func TestPagesCreateUpdateReorderDelete(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	all := pagesOf(t, owner)
	if all.Total < 20 || int64(len(all.Items)) != all.Total {
		t.Fatalf("admin pages: %d of %d", len(all.Items), all.Total)
	}
	shopPage := all.byURL(t, "shop")

	// Create: in the tree at once, journaled.
	var blog pageOut
	owner.Expect(t, "POST", "/api/admin/pages", map[string]any{
		"pageUrl": "blog", "parentUrl": "shop", "type": "common_page",
		"localizeInfos":          map[string]any{"en_US": map[string]string{"title": "Blog", "menuTitle": "Blog"}},
		"attributeSetIdentifier": "page", "attributeValues": map[string]any{"en_US": map[string]any{"price_filter": "Price"}},
		"blocks": []string{"contact_info"}, "config": map[string]int64{"rowsPerPage": 2},
	}, http.StatusCreated, &blog)
	if blog.ID == 0 || blog.Depth != 1 || blog.ParentURL != "shop" || *blog.ParentID != shopPage.ID || blog.Version != 1 || !blog.IsVisible {
		t.Fatalf("created %+v", blog)
	}
	var got contentPage
	api.get(t, "/api/content/pages/url/blog?langCode=en_US", http.StatusOK, &got)
	if got.ID != blog.ID || got.LocalizeInfos.Title != "Blog" {
		t.Errorf("Pages.getPageByUrl(blog) = %+v", got)
	}
	if kids := api.childURLs(t, "shop"); !slices.Contains(kids, "blog") {
		t.Errorf("children of shop %v lack blog", kids)
	}
	before, after, id := lastEntry(t, owner, "page.create")
	if before != nil || after["pageUrl"] != "blog" || id != fmt.Sprint(blog.ID) {
		t.Errorf("page.create entry: before %v, after %v, object %s", before, after, id)
	}

	// Update: a new url and parent, moved in the tree at once.
	b := blog.body()
	b["pageUrl"], b["parentUrl"] = "news", "category"
	b["localizeInfos"] = map[string]any{"en_US": map[string]string{"title": "News"}}
	var news pageOut
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", blog.ID), b, http.StatusOK, &news)
	if news.Version != 2 || news.PageURL != "news" || news.ParentURL != "category" || news.Depth != 1 {
		t.Fatalf("updated %+v", news)
	}
	api.get(t, "/api/content/pages/url/blog?langCode=en_US", http.StatusNotFound, nil)
	api.get(t, "/api/content/pages/url/news?langCode=en_US", http.StatusOK, &got)
	if got.LocalizeInfos.Title != "News" {
		t.Errorf("Pages.getPageByUrl(news) title %q", got.LocalizeInfos.Title)
	}
	if kids := api.childURLs(t, "category"); !slices.Contains(kids, "news") {
		t.Errorf("children of category %v lack news", kids)
	}
	if kids := api.childURLs(t, "shop"); slices.Contains(kids, "blog") || slices.Contains(kids, "news") {
		t.Errorf("children of shop %v still hold the moved page", kids)
	}
	before, after, _ = lastEntry(t, owner, "page.update")
	if before["pageUrl"] != "blog" || after["pageUrl"] != "news" || after["parentUrl"] != "category" {
		t.Errorf("page.update entry: before %v, after %v", before, after)
	}

	// The version read is the precondition: a stale one loses nothing.
	b["localizeInfos"] = map[string]any{"en_US": map[string]string{"title": "Stale"}}
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", blog.ID), b, http.StatusConflict, nil)
	api.get(t, "/api/content/pages/url/news?langCode=en_US", http.StatusOK, &got)
	if got.LocalizeInfos.Title != "News" {
		t.Errorf("a stale write changed the title to %q", got.LocalizeInfos.Title)
	}

	// Hidden: gone from the Content API, still in the admin API.
	b = news.body()
	b["isVisible"] = false
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", news.ID), b, http.StatusOK, &news)
	api.get(t, "/api/content/pages/url/news?langCode=en_US", http.StatusNotFound, nil)
	owner.Expect(t, "GET", fmt.Sprintf("/api/admin/pages/%d", news.ID), nil, http.StatusOK, &news)
	if news.IsVisible || news.Version != 3 {
		t.Errorf("hidden page reads %+v", news)
	}

	// Reorder shop's children: the Content API lists them in the new order.
	kids := api.childURLs(t, "shop")
	if len(kids) < 2 {
		t.Fatalf("shop has children %v", kids)
	}
	all = pagesOf(t, owner)
	var ids []int64
	for _, u := range slices.Backward(kids) {
		ids = append(ids, all.byURL(t, u).ID)
	}
	var reordered pageList
	owner.Expect(t, "POST", "/api/admin/pages/reorder", map[string]any{"parentId": shopPage.ID, "ids": ids}, http.StatusOK, &reordered)
	want := slices.Clone(kids)
	slices.Reverse(want)
	if now := api.childURLs(t, "shop"); !slices.Equal(now, want) {
		t.Errorf("children of shop after reorder: %v, want %v", now, want)
	}
	if reordered.Total != int64(len(ids)) || reordered.Items[0].ID != ids[0] {
		t.Errorf("reorder answered %+v", reordered)
	}
	lastEntry(t, owner, "page.reorder")
	owner.Expect(t, "POST", "/api/admin/pages/reorder", map[string]any{"parentId": shopPage.ID, "ids": ids[1:]}, http.StatusConflict, nil)
	owner.Expect(t, "POST", "/api/admin/pages/reorder", map[string]any{"parentId": 999999, "ids": ids}, http.StatusNotFound, nil)

	// Delete refuses what the site still refers to.
	for _, url := range []string{"shop", "furniture", "about_us"} { // children; products; a menu
		p := all.byURL(t, url)
		body := owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/pages/%d?version=%d", p.ID, p.Version), nil, http.StatusConflict, nil)
		if !strings.Contains(string(body), url) {
			t.Errorf("delete %s: %s does not say which page", url, body)
		}
	}
	owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/pages/%d?version=%d", news.ID, news.Version-1), nil, http.StatusConflict, nil)
	owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/pages/%d", news.ID), nil, http.StatusBadRequest, nil)
	owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/pages/%d?version=%d", news.ID, news.Version), nil, http.StatusNoContent, nil)
	owner.Expect(t, "GET", fmt.Sprintf("/api/admin/pages/%d", news.ID), nil, http.StatusNotFound, nil)
	before, after, _ = lastEntry(t, owner, "page.delete")
	if before["pageUrl"] != "news" || after != nil {
		t.Errorf("page.delete entry: before %v, after %v", before, after)
	}
}

// Product answers carry their pages' urls and are cached by catalogue
// revision: renaming a page must show in them at once.
func TestPageRenameShowsInProducts(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	type product struct {
		ProductPages []struct {
			CategoryPath string `json:"categoryPath"`
		} `json:"productPages"`
	}
	paths := func() []string {
		var p product
		api.get(t, "/api/content/products/100?langCode=en_US", http.StatusOK, &p)
		var out []string
		for _, pg := range p.ProductPages {
			out = append(out, pg.CategoryPath)
		}
		return out
	}
	if !slices.Contains(paths(), "furniture") {
		t.Fatalf("product 100 is not on furniture: %v", paths())
	}
	furniture := pagesOf(t, owner).byURL(t, "furniture")
	b := furniture.body()
	b["pageUrl"] = "furnishings"
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", furniture.ID), b, http.StatusOK, nil)
	if got := paths(); !slices.Contains(got, "furnishings") || slices.Contains(got, "furniture") {
		t.Errorf("product 100's pages after the rename: %v", got)
	}
	api.get(t, "/api/content/pages/url/furnishings?langCode=en_US", http.StatusOK, nil)
}

func TestPageBadInput(t *testing.T) {
	_, owner, _ := start(t, apptest.WithDemoShop())
	all := pagesOf(t, owner)
	shop, kid := all.byURL(t, "shop"), all.byURL(t, "new")
	page := func(change map[string]any) map[string]any {
		b := map[string]any{"pageUrl": "fresh", "localizeInfos": map[string]any{"en_US": map[string]string{"title": "Fresh"}}}
		for k, v := range change {
			b[k] = v
		}
		return b
	}
	for name, body := range map[string]any{
		"unknown parent":           page(map[string]any{"parentUrl": "nowhere"}),
		"duplicate url":            page(map[string]any{"pageUrl": "shop"}),
		"malformed url":            page(map[string]any{"pageUrl": "a/b"}),
		"reserved url":             page(map[string]any{"pageUrl": "url"}),
		"unknown type":             page(map[string]any{"type": "blog_page"}),
		"wrong attribute type":     page(map[string]any{"attributeSetIdentifier": "page", "attributeValues": map[string]any{"en_US": map[string]any{"price_filter": 5}}}),
		"unknown attribute":        page(map[string]any{"attributeSetIdentifier": "page", "attributeValues": map[string]any{"en_US": map[string]any{"nope": "x"}}}),
		"values without a set":     page(map[string]any{"attributeValues": map[string]any{"en_US": map[string]any{"price_filter": "x"}}}),
		"unknown set":              page(map[string]any{"attributeSetIdentifier": "nope"}),
		"file outside the project": page(map[string]any{"attributeSetIdentifier": "page", "attributeValues": map[string]any{"en_US": map[string]any{"opengraph_image": map[string]string{"file": "images/100.png"}}}}),
		"unknown block":            page(map[string]any{"blocks": []string{"nope"}}),
		"localizeInfos not object": page(map[string]any{"localizeInfos": map[string]any{"en_US": "Fresh"}}),
		"bad locale":               page(map[string]any{"localizeInfos": map[string]any{"english": map[string]string{"title": "x"}}}),
		"negative position":        page(map[string]any{"position": -1}),
		"unknown field":            page(map[string]any{"slug": "x"}),
		"invalid UTF-8":            "{\"pageUrl\": \"fresh\", \"localizeInfos\": {\"en_US\": {\"title\": \"caf\xe9\"}}}",
		"not JSON":                 "{",
	} {
		t.Run(name, func(t *testing.T) {
			body := owner.Expect(t, "POST", "/api/admin/pages", body, http.StatusBadRequest, nil)
			if !strings.Contains(string(body), `"statusCode":400`) {
				t.Errorf("answer %s", body)
			}
		})
	}
	// On update: a cycle, another page's url, no version, unknown page.
	b := shop.body()
	b["parentUrl"] = kid.PageURL
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", shop.ID), b, http.StatusBadRequest, nil)
	b["parentUrl"] = "shop"
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", shop.ID), b, http.StatusBadRequest, nil)
	b = kid.body()
	b["pageUrl"] = "sale"
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", kid.ID), b, http.StatusBadRequest, nil)
	delete(b, "version")
	b["pageUrl"] = "new"
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", kid.ID), b, http.StatusBadRequest, nil)
	b["version"] = 1
	owner.Expect(t, "PUT", "/api/admin/pages/999999", b, http.StatusNotFound, nil)
	owner.Expect(t, "GET", "/api/admin/pages/999999", nil, http.StatusNotFound, nil)
	owner.Expect(t, "GET", "/api/admin/pages/abc", nil, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/pages/reorder", map[string]any{"ids": []int64{kid.ID, kid.ID}}, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/pages/reorder", map[string]any{"ids": []int64{}}, http.StatusBadRequest, nil)
	// Nothing of it was written.
	if now := pagesOf(t, owner); now.Total != all.Total || now.byURL(t, "shop").Version != shop.Version {
		t.Errorf("bad input changed the pages: %d pages, shop at version %d", now.Total, now.byURL(t, "shop").Version)
	}
}

type blockOut struct {
	ID                     int64                                 `json:"id"`
	Identifier             string                                `json:"identifier"`
	Type                   string                                `json:"type"`
	Position               int64                                 `json:"position"`
	IsVisible              bool                                  `json:"isVisible"`
	LocalizeInfos          map[string]json.RawMessage            `json:"localizeInfos"`
	AttributeSetIdentifier string                                `json:"attributeSetIdentifier"`
	AttributeValues        map[string]map[string]json.RawMessage `json:"attributeValues"`
	Products               []int64                               `json:"products"`
	CountElementsPerRow    int64                                 `json:"countElementsPerRow"`
	Quantity               int64                                 `json:"quantity"`
	Version                int64                                 `json:"version"`
}

func (b blockOut) body() map[string]any {
	return map[string]any{"version": b.Version, "type": b.Type, "isVisible": b.IsVisible, "localizeInfos": b.LocalizeInfos,
		"attributeSetIdentifier": b.AttributeSetIdentifier, "attributeValues": b.AttributeValues, "products": b.Products,
		"countElementsPerRow": b.CountElementsPerRow, "quantity": b.Quantity}
}

func TestBlocksAdmin(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	var blocks struct {
		Items []blockOut `json:"items"`
		Total int64      `json:"total"`
	}
	owner.Expect(t, "GET", "/api/admin/blocks?limit=2", nil, http.StatusOK, &blocks)
	if blocks.Total < 9 || len(blocks.Items) != 2 {
		t.Fatalf("blocks: %d of %d", len(blocks.Items), blocks.Total)
	}
	var banner blockOut
	owner.Expect(t, "GET", "/api/admin/blocks/home_banner", nil, http.StatusOK, &banner)

	b := banner.body()
	b["localizeInfos"] = map[string]any{"en_US": map[string]string{"title": "Winter sale"}}
	b["attributeValues"] = map[string]any{"en_US": map[string]any{"title": "Winter sale", "link": "sale"}}
	var changed blockOut
	owner.Expect(t, "PUT", "/api/admin/blocks/home_banner", b, http.StatusOK, &changed)
	if changed.Version != banner.Version+1 || changed.Position != banner.Position {
		t.Errorf("updated block: version %d position %d, was %d %d", changed.Version, changed.Position, banner.Version, banner.Position)
	}
	var content struct {
		Identifier      string                 `json:"identifier"`
		LocalizeInfos   struct{ Title string } `json:"localizeInfos"`
		AttributeValues map[string]struct {
			Value json.RawMessage `json:"value"`
		} `json:"attributeValues"`
	}
	api.get(t, "/api/content/blocks/marker/home_banner?langCode=en_US", http.StatusOK, &content)
	if content.LocalizeInfos.Title != "Winter sale" || string(content.AttributeValues["title"].Value) != `"Winter sale"` {
		t.Errorf("Blocks.getBlockByMarker(home_banner) = %+v", content)
	}
	before, after, id := lastEntry(t, owner, "block.update")
	if id != "home_banner" || before["version"] == after["version"] {
		t.Errorf("block.update entry: %s, before %v, after %v", id, before, after)
	}
	owner.Expect(t, "PUT", "/api/admin/blocks/home_banner", b, http.StatusConflict, nil) // b holds the old version

	// The products of a product-kind block.
	var similar blockOut
	owner.Expect(t, "GET", "/api/admin/blocks/similar", nil, http.StatusOK, &similar)
	b = similar.body()
	b["products"] = []int64{101, 100}
	owner.Expect(t, "PUT", "/api/admin/blocks/similar", b, http.StatusOK, &similar)
	var products struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total int64 `json:"total"`
	}
	api.get(t, "/api/content/blocks/similar/products?langCode=en_US", http.StatusOK, &products)
	if products.Total != 2 || products.Items[0].ID != 101 || products.Items[1].ID != 100 {
		t.Errorf("Blocks.getProductsByBlockMarker(similar) = %+v", products)
	}
	b = similar.body()
	b["products"] = []int64{999999}
	owner.Expect(t, "PUT", "/api/admin/blocks/similar", b, http.StatusBadRequest, nil)
	b = changed.body()
	b["attributeValues"] = map[string]any{"en_US": map[string]any{"title": 5}}
	owner.Expect(t, "PUT", "/api/admin/blocks/home_banner", b, http.StatusBadRequest, nil)
	b["attributeValues"], b["type"] = map[string]any{}, "banner_block"
	owner.Expect(t, "PUT", "/api/admin/blocks/home_banner", b, http.StatusBadRequest, nil)
	owner.Expect(t, "PUT", "/api/admin/blocks/nope", map[string]any{"version": 1}, http.StatusNotFound, nil)

	// Create, show, delete.
	var promo blockOut
	owner.Expect(t, "POST", "/api/admin/blocks", map[string]any{"identifier": "promo",
		"localizeInfos": map[string]any{"en_US": map[string]string{"title": "Promo"}}}, http.StatusCreated, &promo)
	if promo.Type != "common_block" || promo.Version != 1 || !promo.IsVisible || promo.Position <= banner.Position {
		t.Errorf("created block %+v", promo)
	}
	api.get(t, "/api/content/blocks/marker/promo?langCode=en_US", http.StatusOK, nil)
	_, after, _ = lastEntry(t, owner, "block.create")
	if after["identifier"] != "promo" {
		t.Errorf("block.create entry after %v", after)
	}
	owner.Expect(t, "POST", "/api/admin/blocks", map[string]any{"identifier": "promo"}, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/blocks", map[string]any{"identifier": "bad marker"}, http.StatusBadRequest, nil)
	owner.Expect(t, "POST", "/api/admin/blocks", "{\"identifier\": \"x\xff\"}", http.StatusBadRequest, nil)
	// home_banner is on the page home_web; similar on product 100.
	for _, m := range []string{"home_banner", "similar"} {
		var blk blockOut
		owner.Expect(t, "GET", "/api/admin/blocks/"+m, nil, http.StatusOK, &blk)
		owner.Expect(t, "DELETE", fmt.Sprintf("/api/admin/blocks/%s?version=%d", m, blk.Version), nil, http.StatusConflict, nil)
	}
	owner.Expect(t, "DELETE", "/api/admin/blocks/promo?version=2", nil, http.StatusConflict, nil)
	owner.Expect(t, "DELETE", "/api/admin/blocks/promo?version=1", nil, http.StatusNoContent, nil)
	api.get(t, "/api/content/blocks/marker/promo?langCode=en_US", http.StatusNotFound, nil)
	owner.Expect(t, "GET", "/api/admin/blocks/promo", nil, http.StatusNotFound, nil)
	before, _, _ = lastEntry(t, owner, "block.delete")
	if before["identifier"] != "promo" {
		t.Errorf("block.delete entry before %v", before)
	}
}

type menuOut struct {
	Identifier string            `json:"identifier"`
	Title      map[string]string `json:"title"`
	Version    int64             `json:"version"`
	Pages      []struct {
		PageURL   string `json:"pageUrl"`
		ParentURL string `json:"parentUrl"`
	} `json:"pages"`
}

func TestMenusAdmin(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	api := newContentAPI(t, srv)
	var menus struct {
		Items []menuOut `json:"items"`
		Total int64     `json:"total"`
	}
	owner.Expect(t, "GET", "/api/admin/menus", nil, http.StatusOK, &menus)
	if menus.Total < 6 {
		t.Fatalf("%d menus", menus.Total)
	}
	var main menuOut
	owner.Expect(t, "GET", "/api/admin/menus/main_web", nil, http.StatusOK, &main)
	if len(main.Pages) < 4 || main.Title["en_US"] != "Main menu" {
		t.Fatalf("main_web: %+v", main)
	}
	edit := map[string]any{"version": main.Version, "title": map[string]string{"en_US": "Shop menu"},
		"pages": []map[string]string{{"pageUrl": "shop"}, {"pageUrl": "new", "parentUrl": "shop"}}}
	var changed menuOut
	owner.Expect(t, "PUT", "/api/admin/menus/main_web", edit, http.StatusOK, &changed)
	if changed.Version != main.Version+1 || len(changed.Pages) != 2 || changed.Pages[1].ParentURL != "shop" {
		t.Errorf("updated menu %+v", changed)
	}
	var content struct {
		LocalizeInfos struct{ Title string } `json:"localizeInfos"`
		Pages         []struct {
			PageURL  string `json:"pageUrl"`
			ParentID *int64 `json:"parentId"`
		} `json:"pages"`
	}
	api.get(t, "/api/content/menus/marker/main_web?langCode=en_US", http.StatusOK, &content)
	if content.LocalizeInfos.Title != "Shop menu" || len(content.Pages) != 2 || content.Pages[0].PageURL != "shop" || content.Pages[1].PageURL != "new" {
		t.Errorf("Menus.getMenusByMarker(main_web) = %+v", content)
	}
	before, after, id := lastEntry(t, owner, "menu.update")
	if id != "main_web" || len(before["pages"].([]any)) != len(main.Pages) || len(after["pages"].([]any)) != 2 {
		t.Errorf("menu.update entry %s: before %v after %v", id, before, after)
	}
	owner.Expect(t, "PUT", "/api/admin/menus/main_web", edit, http.StatusConflict, nil)
	edit["version"] = changed.Version
	for name, pages := range map[string]any{
		"unknown page":      []map[string]string{{"pageUrl": "nowhere"}},
		"parent not in it":  []map[string]string{{"pageUrl": "new", "parentUrl": "shop"}},
		"listed twice":      []map[string]string{{"pageUrl": "shop"}, {"pageUrl": "shop"}},
		"wrong value type":  []any{map[string]any{"pageUrl": 5}},
		"unknown item keys": []any{map[string]any{"page": "shop"}},
	} {
		edit["pages"] = pages
		t.Run(name, func(t *testing.T) {
			owner.Expect(t, "PUT", "/api/admin/menus/main_web", edit, http.StatusBadRequest, nil)
		})
	}
	owner.Expect(t, "PUT", "/api/admin/menus/nope", map[string]any{"version": 1, "pages": []any{}}, http.StatusNotFound, nil)
	owner.Expect(t, "GET", "/api/admin/menus/nope", nil, http.StatusNotFound, nil)
}

func TestContentRoles(t *testing.T) {
	srv, owner, c := start(t, apptest.WithDemoShop())
	manager := as(t, srv, c, "manager@shop.test", "manager")
	pages := pagesOf(t, owner)
	p := pages.byURL(t, "about_us")
	var block blockOut
	owner.Expect(t, "GET", "/api/admin/blocks/contact_info", nil, http.StatusOK, &block)
	var menu menuOut
	owner.Expect(t, "GET", "/api/admin/menus/information", nil, http.StatusOK, &menu)
	menuEdit := map[string]any{"version": menu.Version, "pages": []map[string]string{{"pageUrl": "delivery"}}}
	pagePath := fmt.Sprintf("/api/admin/pages/%d", p.ID)
	writes := []adminCall{
		{"POST", "/api/admin/pages", map[string]any{"pageUrl": "by_role"}},
		{"PUT", pagePath, p.body()},
		{"DELETE", pagePath + "?version=1", nil},
		{"POST", "/api/admin/pages/reorder", map[string]any{"ids": []int64{p.ID}}},
		{"POST", "/api/admin/blocks", map[string]any{"identifier": "by_role"}},
		{"PUT", "/api/admin/blocks/contact_info", block.body()},
		{"DELETE", "/api/admin/blocks/contact_info?version=1", nil},
		{"PUT", "/api/admin/menus/information", menuEdit},
	}
	reads := []string{"/api/admin/pages", pagePath, "/api/admin/blocks", "/api/admin/blocks/contact_info", "/api/admin/menus", "/api/admin/menus/information"}
	expectReadOnly(t, srv, owner, c, []string{"support", "viewer"}, writes, reads)
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action=page.", nil, http.StatusOK, &j)
	if j.Total != 0 {
		t.Errorf("refused writes left %d journal entries", j.Total)
	}
	// A manager may write content; an API key with the manager role too.
	manager.Expect(t, "PUT", pagePath, p.body(), http.StatusOK, nil)
	manager.Expect(t, "PUT", "/api/admin/blocks/contact_info", block.body(), http.StatusOK, nil)
	manager.Expect(t, "PUT", "/api/admin/menus/information", menuEdit, http.StatusOK, nil)
	managerKey := owner.KeyAs(t, "manager").Via(c.Proxy(srv.BaseURL))
	managerKey.Expect(t, "POST", "/api/admin/blocks", map[string]any{"identifier": "by_key"}, http.StatusCreated, nil)
	owner.Expect(t, "GET", "/api/admin/journal?action=page.update", nil, http.StatusOK, &j)
	if j.Total != 1 || j.Items[0].ActorKind != "staff" {
		t.Errorf("manager's page.update: %+v", j)
	}
	owner.Expect(t, "GET", "/api/admin/journal?action=block.create", nil, http.StatusOK, &j)
	if j.Total != 1 || j.Items[0].ActorKind != "api_key" {
		t.Errorf("manager key's block.create: %+v", j)
	}
	// Without a session or a key: 401.
	anon := &apptest.Admin{Base: c.Proxy(srv.BaseURL)}
	anon.Expect(t, "GET", "/api/admin/pages", nil, http.StatusUnauthorized, nil)
}

// Writes racing at one version: one wins, the others are told, none is lost.
func TestConcurrentPageWritesOneWins(t *testing.T) {
	_, owner, _ := start(t, apptest.WithDemoShop())
	p := pagesOf(t, owner).byURL(t, "about_us")
	won := race(t, owner, 4, fmt.Sprintf("/api/admin/pages/%d", p.ID), func(i int) map[string]any {
		b := p.body()
		b["localizeInfos"] = map[string]any{"en_US": map[string]string{"title": fmt.Sprint("writer ", i)}}
		return b
	})
	var now pageOut
	owner.Expect(t, "GET", fmt.Sprintf("/api/admin/pages/%d", p.ID), nil, http.StatusOK, &now)
	var j journal
	owner.Expect(t, "GET", "/api/admin/journal?action=page.update", nil, http.StatusOK, &j)
	if won != 1 || now.Version != p.Version+1 || j.Total != 1 {
		t.Errorf("%d writes won, version %d → %d, %d journal entries; want exactly one", won, p.Version, now.Version, j.Total)
	}
}

// The project file is applied again at every start: what it lists it sets
// again, matched by url or marker; what staff added stays.
func TestReapplyAfterAdminEdits(t *testing.T) {
	srv, owner, _ := start(t, apptest.WithDemoShop())
	all := pagesOf(t, owner)
	about, delivery := all.byURL(t, "about_us"), all.byURL(t, "delivery")
	b := about.body()
	b["localizeInfos"] = map[string]any{"en_US": map[string]string{"title": "Our story"}}
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", about.ID), b, http.StatusOK, nil)
	b = delivery.body()
	b["pageUrl"] = "shipping"
	owner.Expect(t, "PUT", fmt.Sprintf("/api/admin/pages/%d", delivery.ID), b, http.StatusOK, nil)
	owner.Expect(t, "POST", "/api/admin/pages", map[string]any{"pageUrl": "staff_only"}, http.StatusCreated, nil)

	again := apptest.Start(t, apptest.OnDatabase(srv.DSN), apptest.WithDemoShop())
	api := newContentAPI(t, again)
	var got contentPage
	api.get(t, "/api/content/pages/url/about_us?langCode=en_US", http.StatusOK, &got)
	if got.LocalizeInfos.Title != "About us" {
		t.Errorf("about_us after the re-apply: %q, want the file's title", got.LocalizeInfos.Title)
	}
	api.get(t, "/api/content/pages/url/staff_only?langCode=en_US", http.StatusOK, nil)
	api.get(t, "/api/content/pages/url/shipping?langCode=en_US", http.StatusOK, &got)
	var fresh contentPage
	api.get(t, "/api/content/pages/url/delivery?langCode=en_US", http.StatusOK, &fresh)
	if fresh.ID == delivery.ID || got.ID != delivery.ID {
		t.Errorf("renamed page %d, file's url now page %d: the file's url should be a new page", got.ID, fresh.ID)
	}
	var after pageOut
	owner.Expect(t, "GET", fmt.Sprintf("/api/admin/pages/%d", about.ID), nil, http.StatusOK, &after)
	if after.Version <= about.Version+1 {
		t.Errorf("about_us version %d after an edit and a re-apply; a dashboard holding %d must get a 409", after.Version, about.Version+1)
	}
}
