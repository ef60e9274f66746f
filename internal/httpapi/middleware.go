package httpapi

import (
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
					logger.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", v)
					writeErrorStatus(w, http.StatusInternalServerError, "Internal server error")
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
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

// accessLog logs one line per request with a request id, which it also
// returns in X-Request-Id so that a client's report can be found in the log.
func accessLog(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := r.Header.Get("X-Request-Id")
			if id == "" || len(id) > 64 {
				var b [8]byte
				_, _ = rand.Read(b[:])
				id = hex.EncodeToString(b[:])
			}
			w.Header().Set("X-Request-Id", id)
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("pattern", r.Pattern),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("request_id", id))
		})
	}
}

// requireAppToken guards the Content API with the project's app token.
// OneEntry answers 403 "Resource is closed" for a missing or wrong token.
func requireAppToken(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("x-app-token"))
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			writeErrorStatus(w, http.StatusForbidden, "Resource is closed")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireUser lets a request through only with a valid user access token and
// puts the user in its context.
func requireUser(logger *slog.Logger, auth openentry.AuthService, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			writeErrorStatus(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		p, err := auth.Authenticate(r.Context(), token)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(openentry.NewContextWithPrincipal(r.Context(), p)))
	})
}

// principal is the signed-in user of a request behind requireUser.
func principal(r *http.Request) *openentry.Principal {
	return openentry.PrincipalFromContext(r.Context())
}

// device reads x-device-metadata. A missing or malformed header yields an
// empty Device: it is recorded when present and never a reason to refuse.
// Address is the TCP peer: the per-address login limit trusts no header.
func device(r *http.Request) openentry.Device {
	d := openentry.Device{Address: r.RemoteAddr}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		d.Address = host
	}
	raw := r.Header.Get("x-device-metadata")
	if raw == "" || len(raw) > 4096 {
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
