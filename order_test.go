package openentry_test

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/openentry/openentry"
)

func TestCheckLines(t *testing.T) {
	t.Parallel()
	lines := func(n int) []openentry.LineInput {
		out := make([]openentry.LineInput, n)
		for i := range out {
			out[i] = openentry.LineInput{ProductID: int64(i + 1), Quantity: 1}
		}
		return out
	}
	tests := []struct {
		name    string
		lines   []openentry.LineInput
		wantErr string
	}{
		{name: "one line", lines: []openentry.LineInput{{ProductID: 1, Quantity: 1}}},
		{name: "max quantity", lines: []openentry.LineInput{{ProductID: 1, Quantity: 1_000_000}}},
		{name: "max lines", lines: lines(500)},
		{name: "nil", lines: nil, wantErr: "products: an order needs at least one product"},
		{name: "empty", lines: []openentry.LineInput{}, wantErr: "products: an order needs at least one product"},
		{name: "too many lines", lines: lines(501), wantErr: "products: at most 500 lines per order"},
		{name: "product id zero", lines: []openentry.LineInput{{ProductID: 1, Quantity: 1}, {ProductID: 0, Quantity: 1}}, wantErr: "products[1].productId: must be a positive integer"},
		{name: "negative product id", lines: []openentry.LineInput{{ProductID: -4, Quantity: 1}}, wantErr: "products[0].productId: must be a positive integer"},
		{name: "quantity zero", lines: []openentry.LineInput{{ProductID: 1, Quantity: 0}}, wantErr: "products[0].quantity: must be an integer from 1 to 1000000"},
		{name: "negative quantity", lines: []openentry.LineInput{{ProductID: 1, Quantity: -1}}, wantErr: "products[0].quantity: must be an integer from 1 to 1000000"},
		{name: "quantity past max", lines: []openentry.LineInput{{ProductID: 1, Quantity: 2}, {ProductID: 2, Quantity: 1_000_001}}, wantErr: "products[1].quantity: must be an integer from 1 to 1000000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := openentry.CheckLines(tc.lines)
			checkInvalid(t, err, tc.wantErr)
		})
	}
}

func TestPriceLines(t *testing.T) {
	t.Parallel()
	products := func() map[int64]openentry.Product {
		return map[int64]openentry.Product{
			1:  {ID: 1, LocalizeInfos: openentry.Titles(map[string]string{"en_US": "Box"}), Price: openentry.Money{Minor: 5100, Currency: "USD"}, Sku: "BOX-1"},
			2:  {ID: 2, LocalizeInfos: openentry.Titles(map[string]string{"en_US": "Mug"}), Price: openentry.Money{Minor: 1250, Currency: "USD"}, Sku: "MUG-2"},
			3:  {ID: 3, LocalizeInfos: openentry.Titles(map[string]string{"de_DE": "Tasse"}), Price: openentry.Money{Minor: 990, Currency: "EUR"}, Sku: "TASSE-3"},
			9:  {ID: 9, LocalizeInfos: openentry.Titles(map[string]string{"en_US": "Everything"}), Price: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}},
			10: {ID: 10, LocalizeInfos: openentry.Titles(map[string]string{"en_US": "Half"}), Price: openentry.Money{Minor: math.MaxInt64 / 2, Currency: "USD"}},
			11: {ID: 11, LocalizeInfos: openentry.Titles(map[string]string{"en_US": "Penny"}), Price: openentry.Money{Minor: 1, Currency: "USD"}, Sku: "PENNY"},
		}
	}
	line := func(id, quantity int64) openentry.OrderLine {
		p := products()[id]
		return openentry.OrderLine{ProductID: id, Quantity: quantity, UnitPrice: p.Price, LocalizeInfos: p.LocalizeInfos, Sku: p.Sku}
	}
	tests := []struct {
		name      string
		lines     []openentry.LineInput
		wantLines []openentry.OrderLine
		wantTotal openentry.Money
		wantErr   string
	}{
		{
			name:      "one line",
			lines:     []openentry.LineInput{{ProductID: 1, Quantity: 2}},
			wantLines: []openentry.OrderLine{line(1, 2)},
			wantTotal: openentry.Money{Minor: 10200, Currency: "USD"},
		},
		{
			name:      "two lines",
			lines:     []openentry.LineInput{{ProductID: 1, Quantity: 1}, {ProductID: 2, Quantity: 3}},
			wantLines: []openentry.OrderLine{line(1, 1), line(2, 3)},
			wantTotal: openentry.Money{Minor: 8850, Currency: "USD"},
		},
		{
			name:      "other currency",
			lines:     []openentry.LineInput{{ProductID: 3, Quantity: 3}},
			wantLines: []openentry.OrderLine{line(3, 3)},
			wantTotal: openentry.Money{Minor: 2970, Currency: "EUR"},
		},
		{
			name:      "total exactly max",
			lines:     []openentry.LineInput{{ProductID: 10, Quantity: 2}, {ProductID: 11, Quantity: 1}},
			wantLines: []openentry.OrderLine{line(10, 2), line(11, 1)},
			wantTotal: openentry.Money{Minor: math.MaxInt64, Currency: "USD"},
		},
		{
			name:    "unknown product",
			lines:   []openentry.LineInput{{ProductID: 1, Quantity: 1}, {ProductID: 99, Quantity: 1}},
			wantErr: "products[1]: product 99 not found",
		},
		{
			name:    "mixed currencies",
			lines:   []openentry.LineInput{{ProductID: 1, Quantity: 1}, {ProductID: 3, Quantity: 1}},
			wantErr: "products[1]: cannot add EUR to USD",
		},
		{
			name:    "line overflows",
			lines:   []openentry.LineInput{{ProductID: 9, Quantity: 2}},
			wantErr: "products[0]: amount overflows",
		},
		{
			name:    "total overflows",
			lines:   []openentry.LineInput{{ProductID: 10, Quantity: 2}, {ProductID: 11, Quantity: 2}},
			wantErr: "products[1]: amount overflows",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			gotLines, gotTotal, err := openentry.PriceLines(tc.lines, products())
			checkInvalid(t, err, tc.wantErr)
			if tc.wantErr != "" {
				if gotLines != nil || gotTotal != (openentry.Money{}) {
					t.Errorf("on error: got lines %+v and total %+v, want nil and zero", gotLines, gotTotal)
				}
				return
			}
			if !reflect.DeepEqual(gotLines, tc.wantLines) {
				t.Errorf("lines: got %+v, want %+v", gotLines, tc.wantLines)
			}
			if gotTotal != tc.wantTotal {
				t.Errorf("total: got %+v, want %+v", gotTotal, tc.wantTotal)
			}
		})
	}
}

// checkInvalid checks that err is nil when wantErr is empty, and otherwise a
// validation error with exactly that message.
func checkInvalid(t *testing.T, err error, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error, want %q", wantErr)
	}
	if err.Error() != wantErr {
		t.Errorf("error: got %q, want %q", err, wantErr)
	}
	if !errors.Is(err, openentry.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid): got false, want true", err)
	}
	var ve *openentry.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("errors.As(%v, *ValidationError): got false, want true", err)
	}
}
