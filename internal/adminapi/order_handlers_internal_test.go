package adminapi

import "testing"

// TestCSVCellsAreNotFormulas: a customer's text that a spreadsheet would
// run is written as text.
func TestCSVCellsAreNotFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"": "", "Christina": "Christina", "12.50": "12.50", "a=b": "a=b",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q): got %q, want %q", in, got, want)
		}
	}
}
