// Package metrics defines OpenEntry's Prometheus metrics. They live in a
// registry the app owns, never in the global one.
package metrics

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the server's instruments. A nil *Metrics records nothing, so
// handlers never check.
type Metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	ordersCreated prometheus.Counter
	webhookEvents *prometheus.CounterVec
	loginFailures prometheus.Counter
	rateLimited   *prometheus.CounterVec
	days          dailyCounts
}

// apiStatDays is how many UTC days of API request counts are kept.
const apiStatDays = 31

// dailyCounts counts Content API requests per UTC day ("2025-07-04"), for
// System.getApiStat; only the last apiStatDays days are kept.
type dailyCounts struct {
	mu     sync.Mutex
	counts map[string]int64
}

// SessionCounter reports how many payment sessions are in each status; it is
// read at scrape time, so every instance reports the shared database's truth.
type SessionCounter func(ctx context.Context) (map[string]int64, error)

// New registers the metrics, Go runtime and process collectors in a new registry.
func New(sessions SessionCounter) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "openentry_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "openentry_http_request_duration_seconds", Help: "HTTP request latency by route pattern and method.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		ordersCreated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "openentry_orders_created_total", Help: "Orders placed.",
		}),
		webhookEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "openentry_payment_webhook_events_total", Help: "Verified payment provider events by provider, type and outcome.",
		}, []string{"provider", "type", "outcome"}),
		loginFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "openentry_login_failures_total", Help: "Logins refused for a wrong login or password.",
		}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "openentry_rate_limit_rejections_total", Help: "Requests refused with 429, by route pattern.",
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration, m.ordersCreated, m.webhookEvents, m.loginFailures, m.rateLimited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sessions != nil {
		reg.MustRegister(&sessionCollector{count: sessions, desc: prometheus.NewDesc("openentry_payment_sessions",
			"Payment sessions by status, in the database.", []string{"status"}, nil)})
	}
	return m
}

// Handler serves the registry in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Timeout: 10 * time.Second})
}

// ObserveRequest records one finished HTTP request. route must come from a
// closed set (the route patterns, "unmatched"); the method and code, which a
// client can make up, are folded into closed sets here, so no request can
// add series without bound.
func (m *Metrics) ObserveRequest(route, method string, code int, d time.Duration) {
	if m == nil {
		return
	}
	method = methodLabel(method)
	m.requests.WithLabelValues(route, method, statusLabel(code)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
	if code == http.StatusTooManyRequests {
		m.rateLimited.WithLabelValues(route).Inc()
	}
}

// CountAPIRequest counts one Content API request on the UTC day of at.
func (m *Metrics) CountAPIRequest(at time.Time) {
	if m == nil {
		return
	}
	day := at.UTC().Format(time.DateOnly)
	d := &m.days
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.counts == nil {
		d.counts = map[string]int64{}
	}
	d.counts[day]++
	if len(d.counts) > apiStatDays {
		// Dates in this layout sort as strings; drop the oldest.
		days := slices.Sorted(maps.Keys(d.counts))
		for _, old := range days[:len(days)-apiStatDays] {
			delete(d.counts, old)
		}
	}
}

// APIRequestsByDay returns the Content API requests this process counted,
// by UTC day, for the last days it kept.
func (m *Metrics) APIRequestsByDay() map[string]int64 {
	out := map[string]int64{}
	if m == nil {
		return out
	}
	m.days.mu.Lock()
	defer m.days.mu.Unlock()
	for k, v := range m.days.counts {
		out[k] = v
	}
	return out
}

// OrderCreated counts a placed order.
func (m *Metrics) OrderCreated() {
	if m != nil {
		m.ordersCreated.Inc()
	}
}

// WebhookEvent counts a verified provider event.
func (m *Metrics) WebhookEvent(provider, typ, outcome string) {
	if m != nil {
		m.webhookEvents.WithLabelValues(provider, typ, outcome).Inc()
	}
}

// LoginFailed counts a refused login.
func (m *Metrics) LoginFailed() {
	if m != nil {
		m.loginFailures.Inc()
	}
}

// methodLabel folds an HTTP method into a closed set: the methods the API
// and browsers use, and "other" for anything else a client makes up.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

// statusLabel is the 3-digit code for the codes the server can send (those
// net/http has a name for, and 499 for a client that went away), else "other".
func statusLabel(code int) string {
	if http.StatusText(code) == "" && code != 499 {
		return "other"
	}
	return strconv.Itoa(code)
}

type sessionCollector struct {
	count SessionCounter
	desc  *prometheus.Desc
}

func (c *sessionCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *sessionCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), status)
	}
}
