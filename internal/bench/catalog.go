package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/openentry/openentry/oneentry"
)

// ScenarioCatalog lists and searches a catalogue made by `openentry seed
// --products N`, as OneEntry's shop template does, without logging in.
const ScenarioCatalog = "catalog"

// Catalog is what the catalog scenario queries: the shape of the seeded
// catalogue (app.BenchCatalog).
type Catalog struct {
	Categories []string // category page urls
	Colors     []string // values of the list attribute "color"
	Nouns      []string // words of the titles
	MaxPrice   int64    // prices run from 1 to MaxPrice+1
}

var catalogCalls = []struct{ name, route string }{
	{"Products.getProductsByPageUrl", "POST /api/content/products/page/url/{url}"},
	{"Products.searchProduct", "GET /api/content/products/quick/search"},
}

// catalogFlow is one visit to a category: the template's listing of a
// category page (its filters on colour and a price range, sorted by price,
// 30 per page), then a search-box query.
func catalogFlow(ctx context.Context, c *oneentry.Client, recs []*recorder, cat Catalog, rng *rand.Rand) bool {
	lo := rng.Int64N(cat.MaxPrice / 2)
	hi := lo + 1 + rng.Int64N(cat.MaxPrice/2)
	filters := []oneentry.ProductFilter{
		{AttributeMarker: "sku", ConditionMarker: "nin", ConditionValue: nil}, // the template's "not a service" filter
		{AttributeMarker: "color", ConditionMarker: "in", ConditionValue: cat.Colors[rng.IntN(len(cat.Colors))]},
		{AttributeMarker: "price", ConditionMarker: "mth", ConditionValue: fmt.Sprint(lo)},
		{AttributeMarker: "price", ConditionMarker: "lth", ConditionValue: fmt.Sprint(hi)},
	}
	category := cat.Categories[rng.IntN(len(cat.Categories))]
	if !timed(ctx, recs[0], func() error {
		l, err := c.Products.GetProductsByPageURL(ctx, category, filters, "en_US",
			&oneentry.ProductsQuery{Limit: 30, SortKey: "price", SortOrder: "ASC"})
		if err == nil && l.Total > 0 && len(l.Items) == 0 {
			err = fmt.Errorf("%s: total %d but no items", category, l.Total)
		}
		return err
	}) {
		return false
	}
	return timed(ctx, recs[1], func() error {
		hits, err := c.Products.SearchProduct(ctx, cat.Nouns[rng.IntN(len(cat.Nouns))], "en_US")
		if err == nil && len(hits) == 0 {
			err = errors.New("no product found: run `openentry seed --products N` first")
		}
		return err
	})
}
