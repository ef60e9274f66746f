package openentry_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/openentry/openentry"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		amount   string
		currency string
		want     openentry.Money
		wantErr  string
	}{
		{name: "whole", amount: "340", currency: "USD", want: openentry.Money{Minor: 34000, Currency: "USD"}},
		{name: "two decimals", amount: "340.00", currency: "USD", want: openentry.Money{Minor: 34000, Currency: "USD"}},
		{name: "one decimal", amount: "19.9", currency: "USD", want: openentry.Money{Minor: 1990, Currency: "USD"}},
		{name: "one cent", amount: "0.01", currency: "USD", want: openentry.Money{Minor: 1, Currency: "USD"}},
		{name: "zero", amount: "0", currency: "USD", want: openentry.Money{Minor: 0, Currency: "USD"}},
		{name: "leading zeros", amount: "007.5", currency: "USD", want: openentry.Money{Minor: 750, Currency: "USD"}},
		{name: "zero exponent", amount: "500", currency: "JPY", want: openentry.Money{Minor: 500, Currency: "JPY"}},
		{name: "three decimals", amount: "1.234", currency: "KWD", want: openentry.Money{Minor: 1234, Currency: "KWD"}},
		{name: "lower-case currency is upper-cased", amount: "1.5", currency: "usd", want: openentry.Money{Minor: 150, Currency: "USD"}},
		{name: "largest amount", amount: "92233720368547758.07", currency: "USD", want: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}},

		{name: "too many decimals", amount: "1.234", currency: "USD", wantErr: `amount "1.234" has more than 2 decimal places for USD`},
		{name: "decimals on zero-exponent currency", amount: "500.5", currency: "JPY", wantErr: `amount "500.5" has more than 0 decimal places for JPY`},
		{name: "negative", amount: "-1", currency: "USD", wantErr: `amount "-1" is not a non-negative decimal`},
		{name: "plus sign", amount: "+1", currency: "USD", wantErr: `amount "+1" is not a non-negative decimal`},
		{name: "exponent", amount: "1e3", currency: "USD", wantErr: `amount "1e3" is not a non-negative decimal`},
		{name: "empty", amount: "", currency: "USD", wantErr: `amount "" is not a non-negative decimal`},
		{name: "no whole part", amount: ".5", currency: "USD", wantErr: `amount ".5" is not a non-negative decimal`},
		{name: "no fraction after dot", amount: "5.", currency: "USD", wantErr: `amount "5." is not a non-negative decimal`},
		{name: "two dots", amount: "1.2.3", currency: "USD", wantErr: `amount "1.2.3" is not a non-negative decimal`},
		{name: "letters", amount: "abc", currency: "USD", wantErr: `amount "abc" is not a non-negative decimal`},
		{name: "spaces", amount: " 1", currency: "USD", wantErr: `amount " 1" is not a non-negative decimal`},
		{name: "comma", amount: "1,50", currency: "USD", wantErr: `amount "1,50" is not a non-negative decimal`},
		{name: "two-letter currency", amount: "1", currency: "US", wantErr: `currency "US" is not an ISO 4217 code`},
		{name: "four-letter currency", amount: "1", currency: "USDX", wantErr: `currency "USDX" is not an ISO 4217 code`},
		{name: "currency with symbols", amount: "1", currency: "12$", wantErr: `currency "12$" is not an ISO 4217 code`},
		{name: "empty currency", amount: "1", currency: "", wantErr: `currency "" is not an ISO 4217 code`},
		{name: "one past the largest amount", amount: "92233720368547758.08", currency: "USD", wantErr: `amount "92233720368547758.08" is out of range`},
		{name: "far out of range", amount: "100000000000000000000", currency: "JPY", wantErr: `amount "100000000000000000000" is out of range`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := openentry.ParseMoney(tc.amount, tc.currency)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseMoney(%q, %q) = %+v, want error %q", tc.amount, tc.currency, got, tc.wantErr)
				}
				if err.Error() != tc.wantErr {
					t.Errorf("ParseMoney(%q, %q) error: got %q, want %q", tc.amount, tc.currency, err, tc.wantErr)
				}
				if !reflect.DeepEqual(got, openentry.Money{}) {
					t.Errorf("ParseMoney(%q, %q) on error: got %+v, want zero Money", tc.amount, tc.currency, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMoney(%q, %q): got error %v, want %+v", tc.amount, tc.currency, err, tc.want)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseMoney(%q, %q): got %+v, want %+v", tc.amount, tc.currency, got, tc.want)
			}
		})
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{
		"340", "340.00", "19.9", "0.01", "0", "0.1", "007.5", "1.234", "-1", "1e3", "", ".5", "5.", "abc",
		"92233720368547758.07", "92233720368547758.08", "9223372036854775807",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := openentry.ParseMoney(s, "USD")
		if err != nil {
			return
		}
		if m.Minor < 0 {
			t.Fatalf("ParseMoney(%q, USD): got negative %d", s, m.Minor)
		}
		fixed := m.Fixed()
		back, err := openentry.ParseMoney(fixed, "USD")
		if err != nil {
			t.Fatalf("ParseMoney(%q, USD) after Fixed of %q: got error %v, want %+v", fixed, s, err, m)
		}
		if back != m {
			t.Errorf("round trip of %q through %q: got %+v, want %+v", s, fixed, back, m)
		}
	})
}

func TestMoneyFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		money      openentry.Money
		wantFixed  string
		wantNumber string
	}{
		{name: "whole dollars", money: openentry.Money{Minor: 34000, Currency: "USD"}, wantFixed: "340.00", wantNumber: "340"},
		{name: "cents", money: openentry.Money{Minor: 1999, Currency: "USD"}, wantFixed: "19.99", wantNumber: "19.99"},
		{name: "trailing zero cent", money: openentry.Money{Minor: 1990, Currency: "USD"}, wantFixed: "19.90", wantNumber: "19.9"},
		{name: "less than a dime", money: openentry.Money{Minor: 5, Currency: "USD"}, wantFixed: "0.05", wantNumber: "0.05"},
		{name: "ten cents", money: openentry.Money{Minor: 10, Currency: "USD"}, wantFixed: "0.10", wantNumber: "0.1"},
		{name: "zero", money: openentry.Money{Minor: 0, Currency: "USD"}, wantFixed: "0.00", wantNumber: "0"},
		{name: "zero exponent", money: openentry.Money{Minor: 500, Currency: "JPY"}, wantFixed: "500", wantNumber: "500"},
		{name: "zero exponent keeps zeros", money: openentry.Money{Minor: 1000, Currency: "JPY"}, wantFixed: "1000", wantNumber: "1000"},
		{name: "zero exponent zero", money: openentry.Money{Minor: 0, Currency: "JPY"}, wantFixed: "0", wantNumber: "0"},
		{name: "three decimals", money: openentry.Money{Minor: 1234, Currency: "KWD"}, wantFixed: "1.234", wantNumber: "1.234"},
		{name: "three decimals small", money: openentry.Money{Minor: 20, Currency: "KWD"}, wantFixed: "0.020", wantNumber: "0.02"},
		{name: "lower-case currency code", money: openentry.Money{Minor: 500, Currency: "jpy"}, wantFixed: "500", wantNumber: "500"},
		{name: "negative", money: openentry.Money{Minor: -50, Currency: "USD"}, wantFixed: "-0.50", wantNumber: "-0.5"},
		{name: "largest", money: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}, wantFixed: "92233720368547758.07", wantNumber: "92233720368547758.07"},
		{name: "smallest", money: openentry.Money{Minor: math.MinInt64, Currency: "USD"}, wantFixed: "-92233720368547758.08", wantNumber: "-92233720368547758.08"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.money.Fixed(); got != tc.wantFixed {
				t.Errorf("%+v.Fixed(): got %q, want %q", tc.money, got, tc.wantFixed)
			}
			if got := tc.money.Number(); got != tc.wantNumber {
				t.Errorf("%+v.Number(): got %q, want %q", tc.money, got, tc.wantNumber)
			}
		})
	}
}

func TestCurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		currency     string
		wantExponent int
		wantValid    bool
	}{
		{name: "USD", currency: "USD", wantExponent: 2, wantValid: true},
		{name: "JPY", currency: "JPY", wantExponent: 0, wantValid: true},
		{name: "KWD", currency: "KWD", wantExponent: 3, wantValid: true},
		{name: "lower-case", currency: "jpy", wantExponent: 0, wantValid: false},
		{name: "unknown code", currency: "XYZ", wantExponent: 2, wantValid: true},
		{name: "too short", currency: "US", wantExponent: 2, wantValid: false},
		{name: "digits", currency: "U5D", wantExponent: 2, wantValid: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := openentry.CurrencyExponent(tc.currency); got != tc.wantExponent {
				t.Errorf("CurrencyExponent(%q): got %d, want %d", tc.currency, got, tc.wantExponent)
			}
			if got := openentry.ValidCurrency(tc.currency); got != tc.wantValid {
				t.Errorf("ValidCurrency(%q): got %v, want %v", tc.currency, got, tc.wantValid)
			}
		})
	}
}

func TestMoneyMulQuantity(t *testing.T) {
	t.Parallel()
	// 7 × 1317624576693539401 is exactly math.MaxInt64.
	const seventh = 1317624576693539401
	tests := []struct {
		name     string
		money    openentry.Money
		quantity int64
		want     openentry.Money
		wantErr  string
	}{
		{name: "simple", money: openentry.Money{Minor: 1999, Currency: "USD"}, quantity: 3, want: openentry.Money{Minor: 5997, Currency: "USD"}},
		{name: "zero quantity", money: openentry.Money{Minor: 1999, Currency: "USD"}, quantity: 0, want: openentry.Money{Minor: 0, Currency: "USD"}},
		{name: "max times one", money: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}, quantity: 1, want: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}},
		{name: "exactly max", money: openentry.Money{Minor: seventh, Currency: "USD"}, quantity: 7, want: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}},
		{name: "one step past max", money: openentry.Money{Minor: seventh, Currency: "USD"}, quantity: 8, wantErr: "amount overflows"},
		{name: "max times two", money: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}, quantity: 2, wantErr: "amount overflows"},
		{name: "overflows 64 bits", money: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}, quantity: math.MaxInt64, wantErr: "amount overflows"},
		{name: "negative quantity", money: openentry.Money{Minor: 100, Currency: "USD"}, quantity: -1, wantErr: "negative amount or quantity"},
		{name: "negative amount", money: openentry.Money{Minor: -100, Currency: "USD"}, quantity: 1, wantErr: "negative amount or quantity"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.money.MulQuantity(tc.quantity)
			checkMoney(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestMoneyAdd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		a, b    openentry.Money
		want    openentry.Money
		wantErr string
	}{
		{name: "simple", a: openentry.Money{Minor: 5100, Currency: "USD"}, b: openentry.Money{Minor: 1250, Currency: "USD"}, want: openentry.Money{Minor: 6350, Currency: "USD"}},
		{name: "zero", a: openentry.Money{Minor: 0, Currency: "JPY"}, b: openentry.Money{Minor: 0, Currency: "JPY"}, want: openentry.Money{Minor: 0, Currency: "JPY"}},
		{name: "exactly max", a: openentry.Money{Minor: math.MaxInt64 - 1, Currency: "USD"}, b: openentry.Money{Minor: 1, Currency: "USD"}, want: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}},
		{name: "max plus zero", a: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}, b: openentry.Money{Minor: 0, Currency: "USD"}, want: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}},
		{name: "max plus one", a: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}, b: openentry.Money{Minor: 1, Currency: "USD"}, wantErr: "amount overflows"},
		{name: "max plus max", a: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}, b: openentry.Money{Minor: math.MaxInt64, Currency: "USD"}, wantErr: "amount overflows"},
		{name: "different currencies", a: openentry.Money{Minor: 100, Currency: "USD"}, b: openentry.Money{Minor: 100, Currency: "EUR"}, wantErr: "cannot add EUR to USD"},
		{name: "empty currency", a: openentry.Money{Minor: 0}, b: openentry.Money{Minor: 100, Currency: "USD"}, wantErr: "cannot add USD to "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.a.Add(tc.b)
			checkMoney(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func checkMoney(t *testing.T, got openentry.Money, err error, want openentry.Money, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil {
			t.Fatalf("got %+v, want error %q", got, wantErr)
		}
		if err.Error() != wantErr {
			t.Errorf("error: got %q, want %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("got error %v, want %+v", err, want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
