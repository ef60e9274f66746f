package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/metrics"
)

// recoverer turns a panic into a logged 500 instead of a dropped connection.
func recoverer(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					logger.ErrorContext(r.Context(), "panic", "method", logMethod(r), "route", route(r), "panic", v)
					writeErrorStatus(w, r, http.StatusInternalServerError, "Internal server error")
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// route is what logs and metrics name a request by: its route pattern,
// never its path, which can carry ids and device tokens.
func route(r *http.Request) string {
	if r.Pattern == "" || r.Pattern == "/" {
		return "unmatched"
	}
	return r.Pattern
}

// maxLogMethod bounds the method a log line repeats: net/http accepts any
// token as a method, as long as the request line fits in the header limit.
const maxLogMethod = 16

// logMethod is the request's method for the log, as sent but truncated;
// methods are ASCII tokens, so truncating cannot split a character.
// (Metrics fold it into a closed set instead.)
func logMethod(r *http.Request) string {
	if len(r.Method) > maxLogMethod {
		return r.Method[:maxLogMethod]
	}
	return r.Method
}

// clockKey carries the server's clock in a request's context, for the
// timestamps of error answers.
type clockKey struct{}

// withClock puts now in every request's context.
func withClock(now func() time.Time) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clockKey{}, now)))
		})
	}
}

// requestNow is the time by the server's clock (withClock), else time.Now.
func requestNow(r *http.Request) time.Time {
	if clock, ok := r.Context().Value(clockKey{}).(func() time.Time); ok {
		return clock()
	}
	return time.Now()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection, so that
// streamed answers (CSV exports) can flush.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog logs one line per request, and records its metrics, with a
// request id that it also returns in X-Request-Id so that a client's report
// can be found in the log. It logs the route pattern, not the path: paths
// carry ids and device tokens.
func accessLog(logger *slog.Logger, m *metrics.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := r.Header.Get("X-Request-Id")
			if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
				var b [8]byte
				_, _ = rand.Read(b[:])
				id = hex.EncodeToString(b[:])
			}
			w.Header().Set("X-Request-Id", id)
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			route := route(r)
			elapsed := time.Since(start)
			status := rec.status
			if status == 0 {
				status = http.StatusOK // what net/http sends for a handler that wrote nothing
			}
			m.ObserveRequest(route, r.Method, status, elapsed)
			if strings.HasPrefix(r.URL.Path, "/api/content/") {
				m.CountAPIRequest(requestNow(r)) // System.getApiStat's figures
			}
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", logMethod(r)),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
				slog.String("request_id", id))
		})
	}
}

// The headers and methods the official SDK uses from a browser.
const (
	corsMethods = "GET, POST, PUT, DELETE, OPTIONS"
	corsHeaders = "Content-Type, Authorization, x-app-token, x-device-metadata"
)

// cors answers browsers from the allowed origins, preflights included;
// other origins get no CORS headers, so their browsers refuse the answers.
func cors(origins []string) func(http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[strings.TrimSuffix(o, "/")] = true
	}
	return func(next http.Handler) http.Handler {
		if len(allowed) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if adminPath(r.URL.Path) {
				next.ServeHTTP(w, r) // the admin side is same-origin only
				return
			}
			origin := r.Header.Get("Origin")
			h := w.Header()
			h.Add("Vary", "Origin")
			if origin == "" || (!allowed[origin] && !allowed["*"]) {
				next.ServeHTTP(w, r)
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Add("Vary", "Access-Control-Request-Method")
				h.Add("Vary", "Access-Control-Request-Headers")
				h.Set("Access-Control-Allow-Methods", corsMethods)
				h.Set("Access-Control-Allow-Headers", corsHeaders)
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// adminPath is a path of the admin API or dashboard.
func adminPath(p string) bool {
	return strings.HasPrefix(p, "/api/admin/") || strings.HasPrefix(p, "/admin/") || p == "/admin"
}

// requireAppToken guards the Content API with the project's app token.
// OneEntry answers 403 "Resource is closed" for a missing or wrong token.
func requireAppToken(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("x-app-token"))
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			writeErrorStatus(w, r, http.StatusForbidden, "Resource is closed")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireUser lets a request through only with a valid user access token,
// and hands the user to next.
func requireUser(logger *slog.Logger, auth openentry.AuthService, next userHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			writeErrorStatus(w, r, http.StatusUnauthorized, "Unauthorized")
			return
		}
		p, err := auth.Authenticate(r.Context(), token)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		next(w, r, *p)
	})
}

// device reads x-device-metadata. A missing or malformed header yields an
// empty Device: it is recorded when present and never a reason to refuse.
// So a header with invalid UTF-8 or a NUL (raw or \u0000), which no database
// could store as text, is ignored like any other malformed one.
// Address is the TCP peer: the per-address login limit trusts no header.
func device(r *http.Request) openentry.Device {
	d := openentry.Device{Address: r.RemoteAddr}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		d.Address = host
	}
	raw := r.Header.Get("x-device-metadata")
	if raw == "" || len(raw) > 4096 || !validJSONText([]byte(raw)) {
		return d
	}
	var m struct {
		Fingerprint string          `json:"fingerprint"`
		DeviceInfo  json.RawMessage `json:"deviceInfo"`
	}
	if json.Unmarshal([]byte(raw), &m) != nil {
		return d
	}
	d.Fingerprint = m.Fingerprint
	if len(m.DeviceInfo) > 0 && m.DeviceInfo[0] == '{' {
		d.Info = m.DeviceInfo
	}
	return d
}

// optionalUser is requireUser for routes guests may call too: without an
// Authorization header next gets the zero Principal (UserID 0); a header
// with a bad token is still a 401, never a silent guest.
func optionalUser(logger *slog.Logger, auth openentry.AuthService, next userHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			next(w, r, openentry.Principal{})
			return
		}
		requireUser(logger, auth, next).ServeHTTP(w, r)
	})
}
