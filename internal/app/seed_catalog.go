package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/shop"
	"github.com/openentry/openentry/internal/sqlstore"
)

// BenchCatalogShape is the catalogue SeedCatalog makes, as the bench's
// catalog scenario queries it.
type BenchCatalogShape struct {
	Root       string   // the catalogue page; its children group the categories
	Categories []string // category page urls; product i is on Categories[i % len]
	Colors     []string // the values of the list attribute "color"
	Nouns      []string // a product title's last word but its number
	MaxPrice   int64    // prices run from 1.00 to MaxPrice.99 USD
	FirstID    int64    // the id of the first product
}

var (
	benchAdjectives = []string{"Classic", "Modern", "Rustic", "Compact", "Deluxe", "Vintage", "Urban", "Cozy", "Bold", "Slim",
		"Grand", "Tiny", "Soft", "Bright", "Quiet", "Sturdy", "Light", "Smart", "Royal", "Simple"}
	benchMaterials = []string{"oak", "walnut", "steel", "brass", "linen", "cotton", "wool", "leather", "glass", "marble",
		"bamboo", "ceramic", "velvet", "rattan", "pine", "copper", "stone", "silk", "jute", "cork"}
	benchNouns = []string{"chair", "table", "lamp", "sofa", "shelf", "desk", "stool", "bench", "bed", "mirror", "rug", "vase",
		"clock", "cushion", "frame", "basket", "cabinet", "dresser", "lantern", "planter", "bowl", "tray", "candle", "curtain",
		"blanket", "pillow", "ottoman", "bookcase", "sideboard", "armchair", "wardrobe", "hook", "mug", "jug", "kettle", "teapot",
		"plate", "glass", "bottle", "box", "crate", "trunk", "screen", "easel", "sconce", "pendant", "chandelier", "fan", "heater", "speaker"}
	benchColors = []string{"red", "blue", "green", "black", "white", "yellow", "orange", "purple", "pink", "brown", "grey", "beige"}
	benchSizes  = []string{"xs", "s", "m", "l", "xl", "xxl"}
)

const benchCategories = 50

// BenchCatalog returns the shape of the catalogue SeedCatalog makes.
func BenchCatalog() BenchCatalogShape {
	s := BenchCatalogShape{Root: "bench", Colors: benchColors, Nouns: benchNouns, MaxPrice: 999, FirstID: 1_000_001}
	for i := 1; i <= benchCategories; i++ {
		s.Categories = append(s.Categories, "bench-cat-"+strconv.Itoa(i))
	}
	return s
}

// benchProject is the catalogue's set, statuses and pages: a root page
// "bench", five groups below it, ten categories below each.
func benchProject() *openentry.Project {
	en := func(s string) map[string]string { return map[string]string{openentry.DefaultLocale: s} }
	options := func(values []string) []openentry.ListTitle {
		out := make([]openentry.ListTitle, len(values))
		for i, v := range values {
			out[i] = openentry.ListTitle{Title: v, Value: []byte(strconv.Quote(v)), Position: int64(i + 1)}
		}
		return out
	}
	brands := make([]string, 40)
	for i := range brands {
		brands[i] = fmt.Sprintf("brand-%02d", i+1)
	}
	p := &openentry.Project{
		AttributeSets: []openentry.ProjectAttributeSet{{
			Identifier: "bench_product", Type: "forProducts", Title: en("Bench product"), StockAttribute: "units",
			Attributes: []openentry.ProjectSetAttribute{
				{Marker: "price", Type: "float", Title: en("Price")},
				{Marker: "color", Type: "list", Title: en("Colour"), ListTitles: options(benchColors)},
				{Marker: "size", Type: "list", Title: en("Size"), ListTitles: options(benchSizes)},
				{Marker: "brand", Type: "list", Title: en("Brand"), ListTitles: options(brands)},
				{Marker: "material", Type: "string", Title: en("Material")},
				{Marker: "units", Type: "integer", Title: en("Units in stock")},
				{Marker: "weight", Type: "real", Title: en("Weight, kg")},
				{Marker: "rating", Type: "integer", Title: en("Rating")},
				{Marker: "released", Type: "date", Title: en("Released")},
				{Marker: "description", Type: "text", Title: en("Description")},
			},
		}},
		ProductStatuses: []openentry.ProjectProductStatus{
			{Identifier: "in_stock", Title: en("In stock"), IsDefault: true},
			{Identifier: "sold_out", Title: en("Sold out"), NotForSale: true},
		},
	}
	page := func(url, parent, title string) openentry.ProjectPage {
		return openentry.ProjectPage{PageURL: url, ParentURL: parent, Type: openentry.PageTypeCatalog,
			LocalizeInfos: map[string]json.RawMessage{openentry.DefaultLocale: json.RawMessage(`{"title":` + strconv.Quote(title) + `}`)}}
	}
	p.Pages = append(p.Pages, page("bench", "", "Bench catalogue"))
	for g := 1; g <= benchCategories/10; g++ {
		p.Pages = append(p.Pages, page("bench-group-"+strconv.Itoa(g), "bench", "Group "+strconv.Itoa(g)))
	}
	for i, url := range BenchCatalog().Categories {
		p.Pages = append(p.Pages, page(url, "bench-group-"+strconv.Itoa(i/10+1), "Category "+strconv.Itoa(i+1)))
	}
	return p
}

// mix is splitmix64: the seed's products vary by index, the same on every run.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// benchProduct is the i-th seeded product.
func benchProduct(i int) (title, sku string, values map[string]any, price openentry.Money, status string) {
	h := func(salt uint64) uint64 { return mix(uint64(i)*16 + salt) }
	shape := BenchCatalog()
	id := shape.FirstID + int64(i)
	title = fmt.Sprintf("%s %s %s %d", benchAdjectives[h(1)%uint64(len(benchAdjectives))],
		benchMaterials[h(2)%uint64(len(benchMaterials))], benchNouns[h(3)%uint64(len(benchNouns))], id)
	price = openentry.Money{Minor: 100 + int64(h(4)%uint64(shape.MaxPrice*100)), Currency: "USD"}
	status = "in_stock"
	units := int64(h(5) % 50)
	if units == 0 {
		status = "sold_out"
	}
	released := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(h(6)%2000))
	values = map[string]any{
		"price":       json.Number(price.Number()),
		"color":       map[string]string{"value": benchColors[h(7)%uint64(len(benchColors))]},
		"size":        benchSizes[h(8)%uint64(len(benchSizes))],
		"brand":       fmt.Sprintf("brand-%02d", h(9)%40+1),
		"material":    benchMaterials[h(2)%uint64(len(benchMaterials))],
		"units":       units,
		"weight":      json.Number(fmt.Sprintf("%d.%d", h(10)%40, h(11)%10)),
		"rating":      h(12)%5 + 1,
		"released":    released.Format(time.DateOnly),
		"description": fmt.Sprintf("%s, made of %s.", title, benchMaterials[h(2)%uint64(len(benchMaterials))]),
	}
	return title, fmt.Sprintf("BN-%d", id), values, price, status
}

// SeedCatalog fills the database dsn with a catalogue for measurements:
// it runs migrations, applies the demo project and BenchCatalog's set,
// statuses and pages, then stores products products with ten attribute
// values each, through the bulk path (sqlstore.DB.SeedProducts).
func SeedCatalog(ctx context.Context, dsn string, products int, progress func(int)) error {
	db, err := sqlstore.Open(ctx, dsn, time.Now, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := demo.Project()
	if err != nil {
		return err
	}
	projects := shop.NewProjects(db, credential.NewHasher(credential.DefaultParams(), 1), providers(Config{Now: time.Now}, nil))
	for _, p := range []*openentry.Project{p, benchProject()} {
		if err := projects.Apply(ctx, p); err != nil {
			return fmt.Errorf("apply the bench catalogue: %w", err)
		}
	}
	shape := BenchCatalog()
	return db.SeedProducts(ctx, sqlstore.SeedCatalog{Set: "bench_product", Categories: shape.Categories, Product: benchProduct,
		FirstID: shape.FirstID}, products, progress)
}
