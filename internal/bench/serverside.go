package bench

import (
	"bufio"
	"context"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// histograms reads the server's request-duration buckets from /metrics:
// route → upper bound (seconds) → cumulative count. The server's own
// figures leave the load generator's share of a shared machine out.
type histograms map[string]map[float64]float64

var bucketLine = regexp.MustCompile(`^openentry_http_request_duration_seconds_bucket\{method="([A-Z]+)",route="([^"]+)",le="([^"]+)"\} ([0-9.e+]+)$`)

func scrape(ctx context.Context, hc *http.Client, base string) histograms {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	out := histograms{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := bucketLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		le, err1 := strconv.ParseFloat(strings.Replace(m[3], "+Inf", "Inf", 1), 64)
		n, err2 := strconv.ParseFloat(m[4], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		route := m[2]
		if out[route] == nil {
			out[route] = map[float64]float64{}
		}
		out[route][le] = n
	}
	return out
}

// serverP99 is the upper bound of the bucket that holds the 99th
// percentile of the requests to route between two scrapes; 0 if unknown.
func serverP99(before, after histograms, route string) float64 {
	a := after[route]
	if a == nil {
		return 0
	}
	bounds := make([]float64, 0, len(a))
	for le := range a {
		bounds = append(bounds, le)
	}
	sort.Float64s(bounds)
	total := a[bounds[len(bounds)-1]] - before[route][bounds[len(bounds)-1]]
	if total <= 0 {
		return 0
	}
	for _, le := range bounds {
		if a[le]-before[route][le] >= 0.99*total {
			return le
		}
	}
	return 0
}
