package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/metrics"
)

// handleGetAuthProviders serves GET /users-auth-providers (JS: AuthProvider.getAuthProviders).
func handleGetAuthProviders(logger *slog.Logger, auth openentry.AuthService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireProvider, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		providers, err := auth.Providers(r.Context(), q.Page)
		if err != nil {
			return nil, err
		}
		return wireAll(providers, q.Lang, toWireProvider), nil
	})
}

// handleGetAuthProvider serves GET /users-auth-providers/marker/{marker} (JS: getAuthProviderByMarker).
func handleGetAuthProvider(logger *slog.Logger, auth openentry.AuthService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireProvider, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		p, err := auth.Provider(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireProvider(p, q.Lang)
		return &out, nil
	})
}

// handleSignUp serves POST …/marker/{marker}/users/sign-up (JS: AuthProvider.signUp).
func handleSignUp(logger *slog.Logger, auth openentry.AuthService) http.Handler {
	type request struct {
		FormIdentifier   string               `json:"formIdentifier"`
		AuthData         []openentry.AuthData `json:"authData"`
		FormData         json.RawMessage      `json:"formData"`
		NotificationData struct {
			Email     string   `json:"email"`
			PhonePush []string `json:"phonePush"`
		} `json:"notificationData"`
		LangCode string `json:"langCode"`
	}
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (*wireSignUp, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return nil, err
		}
		lang, err := bodyLang(in.LangCode)
		if err != nil {
			return nil, err
		}
		data, err := parseFormData(in.FormData, lang)
		if err != nil {
			return nil, err
		}
		u, err := auth.SignUp(r.Context(), openentry.SignUp{
			Provider: r.PathValue("marker"), FormIdentifier: in.FormIdentifier, AuthData: in.AuthData, FormData: data,
			NotificationEmail: in.NotificationData.Email, PhonePush: in.NotificationData.PhonePush, Locale: lang, Device: device(r),
		})
		if err != nil {
			return nil, err
		}
		out := toWireSignUp(u)
		return &out, nil
	})
}

type refreshRequest struct {
	RefreshToken string `json:"refreshToken"`
}

// handleAuth serves POST …/marker/{marker}/users/auth (JS: AuthProvider.auth).
func handleAuth(logger *slog.Logger, m *metrics.Metrics, auth openentry.AuthService) http.Handler {
	type request struct {
		AuthData []openentry.AuthData `json:"authData"`
	}
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (*openentry.TokenPair, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return nil, err
		}
		pair, err := auth.Auth(r.Context(), r.PathValue("marker"), in.AuthData, device(r))
		if errors.Is(err, openentry.ErrUnauthorized) {
			m.LoginFailed()
		}
		return pair, err
	})
}

// handleRefresh serves POST …/marker/{marker}/users/refresh (JS: AuthProvider.refresh
// and the SDK's automatic refresh on 401). The marker is ignored: the SDK
// always refreshes through its configured provider, "email" by default.
func handleRefresh(logger *slog.Logger, auth openentry.AuthService) http.Handler {
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (*openentry.TokenPair, error) {
		in, err := decode[refreshRequest](w, r)
		if err != nil {
			return nil, err
		}
		return auth.Refresh(r.Context(), in.RefreshToken, device(r))
	})
}

// handleLogout serves POST …/marker/{marker}/users/logout (JS: AuthProvider.logout).
func handleLogout(logger *slog.Logger, auth openentry.AuthService) userHandler {
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		in, err := decode[refreshRequest](w, r)
		if err != nil {
			return false, err
		}
		return true, auth.Logout(r.Context(), p, in.RefreshToken)
	})
}

// handleGetMe serves GET /users/me (JS: Users.getUser).
func handleGetMe(logger *slog.Logger, users openentry.UserService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireUser, error) {
		if _, err := parseQuery(r); err != nil {
			return nil, err
		}
		u, err := users.User(r.Context(), p.UserID)
		if err != nil {
			return nil, err
		}
		out := toWireUser(u)
		return &out, nil
	})
}

// parseFormData accepts OneEntry's locale map {"en_US":[…]}, which the JS SDK
// sends, or a bare array (other clients, curl), stored under lang. Null
// entries are dropped: the SDK sends {"en_US":[null]} when there is no data.
func parseFormData(raw json.RawMessage, lang string) (openentry.FormData, error) {
	out := openentry.FormData{}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	var byLang map[string][]*openentry.FormField
	if raw[0] == '[' {
		var fields []*openentry.FormField
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, badRequest("formData must be a list of {marker, type, value}")
		}
		byLang = map[string][]*openentry.FormField{lang: fields}
	} else if err := json.Unmarshal(raw, &byLang); err != nil {
		return nil, badRequest("formData must be a locale map or a list of {marker, type, value}")
	}
	for l, fields := range byLang {
		if !langPattern.MatchString(l) {
			return nil, badRequest("formData: " + l + " is not a locale code")
		}
		kept := []openentry.FormField{}
		for _, f := range fields {
			if f != nil {
				kept = append(kept, *f)
			}
		}
		out[canonicalLang(l)] = kept
	}
	return out, nil
}
