package httpapi

import (
	"net/http"

	"github.com/openentry/openentry/internal/metrics"
)

// handleSystemError serves GET /api/content/system/test404 and /test500
// (JS: System.test404, System.test500): an error of that status, always,
// so a shop can check its error handling and pages. Nothing failed, so
// nothing is logged.
func handleSystemError(status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrorStatus(w, r, status, "Test error "+http.StatusText(status))
	})
}

// handleAPIStat serves GET /api/content/system/api-stat (JS:
// System.getApiStat): Content API requests by UTC day, {"2025-07-04": 1520},
// as this process counted them since it started (metrics.CountAPIRequest).
func handleAPIStat(m *metrics.Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		encode(w, http.StatusOK, m.APIRequestsByDay())
	})
}
