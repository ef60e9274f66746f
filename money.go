package openentry

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Money is an amount in minor units of a currency (cents for USD), as Stripe
// models it. Arithmetic on it never goes through floating point.
type Money struct {
	Minor    int64
	Currency string // upper-case ISO 4217 code
}

// currencyExponents lists currencies whose minor unit is not 1/100.
var currencyExponents = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// CurrencyExponent is the number of decimal digits of a currency's minor unit.
func CurrencyExponent(currency string) int {
	if e, ok := currencyExponents[strings.ToUpper(currency)]; ok {
		return e
	}
	return 2
}

// ValidCurrency reports whether s looks like an ISO 4217 code.
func ValidCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// ParseMoney parses a decimal string such as "340", "340.00" or "19.9" into
// minor units of currency. More fraction digits than the currency has is an error.
func ParseMoney(amount, currency string) (Money, error) {
	currency = strings.ToUpper(currency)
	if !ValidCurrency(currency) {
		return Money{}, fmt.Errorf("currency %q is not an ISO 4217 code", currency)
	}
	exp := CurrencyExponent(currency)
	whole, frac, hasDot := strings.Cut(amount, ".")
	if whole == "" || !digitsOnly(whole) || (hasDot && (frac == "" || !digitsOnly(frac))) {
		return Money{}, fmt.Errorf("amount %q is not a non-negative decimal", amount)
	}
	if len(frac) > exp {
		return Money{}, fmt.Errorf("amount %q has more than %d decimal places for %s", amount, exp, currency)
	}
	frac += strings.Repeat("0", exp-len(frac))
	minor, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return Money{}, fmt.Errorf("amount %q is out of range", amount)
	}
	return Money{Minor: minor, Currency: currency}, nil
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Fixed formats the amount with exactly the currency's decimal places: "340.00".
func (m Money) Fixed() string {
	exp := CurrencyExponent(m.Currency)
	neg := m.Minor < 0
	u := uint64(m.Minor)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if exp > 0 {
		if len(s) <= exp {
			s = strings.Repeat("0", exp-len(s)+1) + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Number formats the amount as a JSON number without trailing zeros: 340, 19.9.
func (m Money) Number() string {
	s := m.Fixed()
	if strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// MulQuantity returns m × q, or an error if the product overflows int64.
func (m Money) MulQuantity(q int64) (Money, error) {
	if m.Minor < 0 || q < 0 {
		return Money{}, fmt.Errorf("negative amount or quantity")
	}
	hi, lo := bits.Mul64(uint64(m.Minor), uint64(q))
	if hi != 0 || lo > 1<<63-1 {
		return Money{}, fmt.Errorf("amount overflows")
	}
	return Money{Minor: int64(lo), Currency: m.Currency}, nil
}

// Add returns m + o; both must be non-negative and in the same currency.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("cannot add %s to %s", o.Currency, m.Currency)
	}
	if m.Minor < 0 || o.Minor < 0 {
		return Money{}, fmt.Errorf("negative amount")
	}
	sum, carry := bits.Add64(uint64(m.Minor), uint64(o.Minor), 0)
	if carry != 0 || sum > 1<<63-1 {
		return Money{}, fmt.Errorf("amount overflows")
	}
	return Money{Minor: int64(sum), Currency: m.Currency}, nil
}
