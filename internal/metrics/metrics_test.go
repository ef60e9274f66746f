package metrics

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMethodLabel(t *testing.T) {
	cases := map[string]string{
		"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT", "PATCH": "PATCH", "DELETE": "DELETE", "OPTIONS": "OPTIONS",
		"get": "other", "CONNECT": "other", "TRACE": "other", "PROPFIND": "other", "JUNK001": "other", "": "other",
		strings.Repeat("X", 1000): "other",
	}
	for method, want := range cases {
		if got := methodLabel(method); got != want {
			t.Errorf("methodLabel(%.20q): got %q, want %q", method, got, want)
		}
	}
}

func TestStatusLabel(t *testing.T) {
	cases := map[int]string{
		200: "200", 201: "201", 204: "204", 301: "301", 400: "400", 404: "404", 413: "413", 429: "429",
		499: "499", 500: "500", 502: "502", 503: "503",
		0: "other", -1: "other", 99: "other", 299: "other", 498: "other", 600: "other", 999: "other", 1000: "other",
	}
	for code, want := range cases {
		if got := statusLabel(code); got != want {
			t.Errorf("statusLabel(%d): got %q, want %q", code, got, want)
		}
	}
}

// TestRequestSeriesBounded observes requests with made-up methods and codes
// and checks that they fold into one series each, whatever their number.
func TestRequestSeriesBounded(t *testing.T) {
	m := New(nil)
	scrape := func() (series, size int) {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		page, _ := io.ReadAll(rec.Body)
		for _, line := range strings.Split(string(page), "\n") {
			if strings.HasPrefix(line, "openentry_http_requests_total{") {
				series++
			}
		}
		return series, len(page)
	}
	m.ObserveRequest("GET /x", "GET", 200, time.Millisecond)
	m.ObserveRequest("unmatched", "JUNK", 404, time.Millisecond)
	m.ObserveRequest("unmatched", "GET", 1234, time.Millisecond)
	before, sizeBefore := scrape()
	for i := range 300 {
		m.ObserveRequest("unmatched", fmt.Sprintf("JUNK%03d", i), 404, time.Millisecond)
		m.ObserveRequest("unmatched", "GET", 600+i, time.Millisecond)
	}
	after, sizeAfter := scrape()
	if before != 3 || after != before {
		t.Errorf("openentry_http_requests_total series: got %d before and %d after 600 junk requests, want 3 and 3", before, after)
	}
	if sizeAfter-sizeBefore > 1<<10 {
		t.Errorf("page grew from %d to %d bytes", sizeBefore, sizeAfter)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.ObserveRequest("unmatched", "JUNK", 404, time.Millisecond) // must not panic
}

func TestAPIRequestsByDay(t *testing.T) {
	m := New(nil)
	start := time.Date(2025, 7, 1, 23, 59, 0, 0, time.UTC)
	m.CountAPIRequest(start)
	m.CountAPIRequest(start.Add(2 * time.Minute)) // the next UTC day
	m.CountAPIRequest(start.Add(3 * time.Minute))
	got := m.APIRequestsByDay()
	if len(got) != 2 || got["2025-07-01"] != 1 || got["2025-07-02"] != 2 {
		t.Fatalf("got %v, want 2025-07-01: 1, 2025-07-02: 2", got)
	}
	for i := range 40 {
		m.CountAPIRequest(start.AddDate(0, 0, i+1))
	}
	got = m.APIRequestsByDay()
	if len(got) != apiStatDays {
		t.Errorf("kept %d days, want %d", len(got), apiStatDays)
	}
	if _, ok := got["2025-07-01"]; ok {
		t.Error("the oldest day was kept")
	}
	if got["2025-08-10"] != 1 {
		t.Errorf("the newest day: got %d, want 1", got["2025-08-10"])
	}
	var none *Metrics
	none.CountAPIRequest(start)
	if got := none.APIRequestsByDay(); len(got) != 0 {
		t.Errorf("nil metrics: got %v", got)
	}
}
