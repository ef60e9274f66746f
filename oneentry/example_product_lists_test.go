package oneentry_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/openentry/openentry/oneentry"
)

// ExampleProductsService_GetProductsByPageURL lists a category page the way
// OneEntry's shop template does: products with a sku, in one colour, within
// a price range, cheapest first, 30 per page.
func ExampleProductsService_GetProductsByPageURL() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := os.ReadFile(filepath.Join("testdata", "product_list.json")) // stands in for the server's answer
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	client, err := oneentry.New(srv.URL, oneentry.WithToken("your-app-token"))
	if err != nil {
		log.Fatal(err)
	}
	l, err := client.Products.GetProductsByPageURL(context.Background(), "lamps", []oneentry.ProductFilter{
		{AttributeMarker: "sku", ConditionMarker: "nin", ConditionValue: nil}, // has a sku
		{AttributeMarker: "color", ConditionMarker: "in", ConditionValue: "red"},
		{AttributeMarker: "price", ConditionMarker: "mth", ConditionValue: "10"},
		{AttributeMarker: "price", ConditionMarker: "lth", ConditionValue: "500"},
	}, "en_US", &oneentry.ProductsQuery{Limit: 30, SortKey: "price", SortOrder: "ASC"})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range l.Items {
		fmt.Println(p.ID, p.LocalizeInfos.Title(), p.Price)
	}
	fmt.Println("total:", l.Total)
	// Output:
	// 14 Cosmo 340
	// total: 7
}
