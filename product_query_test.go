package openentry

import (
	"encoding/json"
	"math/big"
	"reflect"
	"testing"
)

// TestNumberKeyOrder: keys sort as their numbers do, exactly, and equal
// numbers have equal keys.
func TestNumberKeyOrder(t *testing.T) {
	t.Parallel()
	numbers := []string{"0", "-0.0", "1", "1.0", "1.5", "1.50", "-1.5", "-1.25", "-1.2", "10", "9.99", "0.3",
		"0.30000000000000001", "0.29999999999999999", "1e3", "999.999", "-1e-3", "-0.001", "123456789012345678901234567890",
		"-123456789012345678901234567890", "0.000001", "2.5E2", "250", "00012", "12"}
	type pair struct {
		n   string
		key string
		rat *big.Rat
	}
	var pairs []pair
	for _, n := range numbers {
		k, err := NumberKey(n)
		if err != nil {
			t.Fatalf("NumberKey(%q): %v", n, err)
		}
		r, ok := new(big.Rat).SetString(n)
		if !ok {
			t.Fatalf("big.Rat cannot read %q", n)
		}
		pairs = append(pairs, pair{n, k, r})
	}
	for _, a := range pairs {
		for _, b := range pairs {
			byKey := 0
			switch {
			case a.key < b.key:
				byKey = -1
			case a.key > b.key:
				byKey = 1
			}
			if byValue := a.rat.Cmp(b.rat); byKey != byValue {
				t.Errorf("%s vs %s: keys %q, %q compare %d, numbers %d", a.n, b.n, a.key, b.key, byKey, byValue)
			}
		}
	}
	for _, bad := range []string{"", "abc", "1.", ".5", "1e", "--1", "1e99999", "0x10"} {
		if _, err := NumberKey(bad); err == nil {
			t.Errorf("NumberKey(%q): no error", bad)
		}
	}
}

func TestDateKey(t *testing.T) {
	t.Parallel()
	// Instants in order; the last two are 01:00 UTC, as the one before them.
	dates := []string{"2023-12-31", "2024-01-01", "2024-01-01T00:00:00.001Z", "2024-01-01T01:00:00Z", "2024-01-01T01:30",
		"2024-01-01T02:00:00+01:00", "1704070800000"}
	rank := []int{0, 1, 2, 3, 4, 3, 3}
	keys := make([]string, len(dates))
	for i, d := range dates {
		k, err := DateKey(d)
		if err != nil {
			t.Fatalf("DateKey(%q): %v", d, err)
		}
		keys[i] = k
	}
	for i := range dates {
		for j := range dates {
			if (keys[i] < keys[j]) != (rank[i] < rank[j]) || (keys[i] == keys[j]) != (rank[i] == rank[j]) {
				t.Errorf("%s (%q) vs %s (%q): out of order", dates[i], keys[i], dates[j], keys[j])
			}
		}
	}
	if _, err := DateKey("yesterday"); err == nil {
		t.Error("DateKey(yesterday): no error")
	}
}

func TestValueKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, raw string
		want     []string
	}{
		{"float", `12.50`, []string{"n2500021" + "25"}},
		{"integer", `"7"`, []string{"n2500017"}},
		{"list", `{"value":"red","title":"Red"}`, []string{"tred", "vred"}},
		{"list", `[{"value":"Red"},"blue",2]`, []string{"tRed", "vred", "tblue", "vblue", "t2", "v2"}},
		{"radioButton", `"a"`, []string{"ta", "va"}},
		{"text", `[{"htmlValue":"<b>x</b>","plainValue":"Soft"},{"plainValue":"Wool"}]`, []string{"tSoft Wool", "vsoft wool"}},
		{"date", `{"fullDate":"2024-01-01T00:00:00.000Z"}`, nil},
		{"image", `{"downloadLink":"x"}`, []string{"w"}},
		{"float", `"abc"`, nil},
	}
	for _, tc := range tests {
		got := ValueKeys(tc.typ, json.RawMessage(tc.raw))
		if tc.typ == "date" {
			want, _ := DateKey("2024-01-01")
			tc.want = []string{want}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %s: got %q, want %q", tc.typ, tc.raw, got, tc.want)
		}
	}
}

func TestTitleSuffixes(t *testing.T) {
	t.Parallel()
	got := TitleSuffixes("tent tête")
	want := []string{"e", "ent", "nt", "t", "te", "tent", "tête", "ête"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if w, ok := SearchWord(" a  longer  bc "); !ok || w != "longer" {
		t.Errorf("SearchWord: got %q, %v", w, ok)
	}
}

func TestStockBound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op, n string
		want  int64
		ok    bool
	}{
		{">", "2.5", 2, true}, {"<", "2.5", 3, true}, {"=", "2.5", 0, false}, {"=", "3", 3, true},
		{">", "-2.5", -3, true}, {"<", "-2.5", -2, true}, {">", "1e2", 100, true},
	}
	for _, tc := range tests {
		got, ok, err := StockBound(tc.op, tc.n)
		if err != nil || got != tc.want || ok != tc.ok {
			t.Errorf("StockBound(%s, %s): got %d %v %v, want %d %v", tc.op, tc.n, got, ok, err, tc.want, tc.ok)
		}
	}
}
