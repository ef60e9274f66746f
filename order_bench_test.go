package openentry_test

import (
	"encoding/json"
	"testing"

	"github.com/openentry/openentry"
)

// Benchmarks of the pure work every createOrder does, so that a regression
// shows in review: go test -run '^$' -bench . -benchtime 2s .

func BenchmarkPriceLines(b *testing.B) {
	products := map[int64]openentry.Product{
		1:  {ID: 1, LocalizeInfos: openentry.Titles(map[string]string{"en_US": "Box"}), Price: openentry.Money{Minor: 5100, Currency: "USD"}, Sku: "BOX-1"},
		2:  {ID: 2, LocalizeInfos: openentry.Titles(map[string]string{"en_US": "Mug"}), Price: openentry.Money{Minor: 1250, Currency: "USD"}, Sku: "MUG-2"},
		14: {ID: 14, LocalizeInfos: openentry.Titles(map[string]string{"en_US": "Cosmo"}), Price: openentry.Money{Minor: 34000, Currency: "USD"}, Sku: "COSMO-14"},
	}
	lines := []openentry.LineInput{{ProductID: 14, Quantity: 1}, {ProductID: 2, Quantity: 2}, {ProductID: 1, Quantity: 3}}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := openentry.PriceLines(lines, products); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckData(b *testing.B) {
	// The demo project's order form.
	form := &openentry.Form{Identifier: "order", Type: "order", Attributes: []openentry.FormAttribute{
		{Marker: "name", Type: "string", Position: 1, IsRequired: true},
		{Marker: "address", Type: "string", Position: 2},
		{Marker: "comment", Type: "text", Position: 3},
	}}
	fields := []openentry.FormField{
		{Marker: "name", Type: "string", Value: json.RawMessage(`"Christina Thomas"`)},
		{Marker: "address", Type: "string", Value: json.RawMessage(`"1 Main St, Springfield"`)},
		{Marker: "comment", Type: "text", Value: json.RawMessage(`"Please ring twice."`)},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := form.CheckData(fields); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMoney(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := openentry.ParseMoney("340.00", "USD"); err != nil {
			b.Fatal(err)
		}
	}
}
