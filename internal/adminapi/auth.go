package adminapi

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// SessionCookie holds a dashboard session's token: HttpOnly, Secure,
// SameSite=Strict, path /, so that only this site's own pages send it.
const SessionCookie = "oe_admin"

// CSRFHeader carries the session's CSRF token on every write made with
// the cookie; the dashboard's forms send it as the field "csrf".
const CSRFHeader = "X-CSRF-Token"

// actorHandler serves an authenticated staff member or API key. It is not
// an http.Handler: the only way to serve it is behind requireActor.
type actorHandler func(w http.ResponseWriter, r *http.Request, a openentry.Actor)

// safe reports a method that changes nothing, which needs no CSRF token.
func safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// authenticate finds the request's actor: an API key in the Authorization
// header or a session cookie (with its CSRF token for writes). A shop
// user's token is not an admin credential.
func authenticate(r *http.Request, staff *shop.Staff) (*openentry.Actor, error) {
	var (
		a   *openentry.Actor
		err error
	)
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !strings.HasPrefix(token, openentry.APIKeyPrefix) {
			return nil, openentry.Unauthorized("The admin API takes an admin API key (Bearer " + openentry.APIKeyPrefix + "…) or a staff session; shop user tokens are refused")
		}
		a, err = staff.Key(r.Context(), token)
	} else if c, cerr := r.Cookie(SessionCookie); cerr == nil && c.Value != "" {
		csrf := r.Header.Get(CSRFHeader)
		if csrf == "" && !safe(r.Method) && isForm(r) {
			csrf = r.PostFormValue("csrf")
		}
		a, err = staff.Session(r.Context(), c.Value, csrf, !safe(r.Method))
	} else {
		return nil, openentry.Unauthorized("Sign in first")
	}
	if err != nil {
		return nil, err
	}
	a.Address = clientAddress(r)
	return a, nil
}

func isForm(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
}

// clientAddress is the TCP peer; no forwarding header is trusted.
func clientAddress(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// requireActor lets a request through only with an admin credential whose
// role allows perm, and hands the actor to next.
func requireActor(logger *slog.Logger, staff *shop.Staff, perm openentry.Permission, next actorHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := authenticate(r, staff)
		if err == nil {
			err = a.Can(perm)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		a.RequestID = w.Header().Get("X-Request-Id") // the access log's, so the journal and the log meet
		next(w, r, *a)
	})
}

// handleActor adapts fn to an actorHandler: a result is encoded with
// status, an error goes through writeError.
func handleActor[T any](logger *slog.Logger, status int, fn func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (T, error)) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		v, err := fn(w, r, a)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		encode(w, status, v)
	}
}

// setSession sets the session cookie; an empty token clears it.
func setSession(w http.ResponseWriter, token string, expires time.Time) {
	c := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteStrictMode, Expires: expires}
	if token == "" {
		c.MaxAge = -1
		c.Expires = time.Time{}
	}
	http.SetCookie(w, c)
}
