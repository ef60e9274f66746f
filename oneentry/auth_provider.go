package oneentry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// AuthProviderService mirrors the JS module AuthProvider: sign-up, sign-in and
// the user's tokens.
type AuthProviderService service

// AuthProvider is a way to sign in (email, phone, oauth, ...).
type AuthProvider struct {
	ID                  int64         `json:"id"`
	Identifier          string        `json:"identifier"`
	Type                string        `json:"type"`
	FormIdentifier      string        `json:"formIdentifier"`
	UserGroupIdentifier string        `json:"userGroupIdentifier"`
	IsActive            bool          `json:"isActive"`
	IsCheckCode         bool          `json:"isCheckCode"` // new accounts must be activated by code
	Version             int64         `json:"version"`
	LocalizeInfos       LocalizeInfos `json:"localizeInfos"`
	// Config holds provider settings; the server sends its values as strings
	// (accessTokenTtlSec, systemCodeLength, ...), some may be null.
	Config map[string]any `json:"config"`
}

// AuthData is one credential, e.g. {Marker: "email_reg", Value: "user@x"}.
type AuthData struct {
	Marker string `json:"marker"`
	Value  string `json:"value"`
}

// NotificationData says where the server may send codes and notices.
type NotificationData struct {
	Email     string   `json:"email"`
	PhonePush []string `json:"phonePush"`
	// PhoneSMS is omitted when empty: the server rejects "" (the JS SDK deletes it too).
	PhoneSMS string `json:"phoneSMS,omitempty"`
}

// SignUpRequest is the input of SignUp.
type SignUpRequest struct {
	// FormIdentifier is the provider's registration form; empty lets the server
	// use the provider's form.
	FormIdentifier string
	AuthData       []AuthData
	// FormData is sent as {"<LangCode>": FormData}, as the JS SDK does.
	FormData         FormData
	NotificationData NotificationData
	// LangCode defaults to the client's language.
	LangCode string
}

// SignUpResult is the new user as the server answers it.
type SignUpResult struct {
	ID               int64            `json:"id"`
	Identifier       string           `json:"identifier"`
	IsActive         bool             `json:"isActive"` // false until activated when the provider checks codes
	Version          int64            `json:"version"`
	FormData         FormData         `json:"formData"`
	NotificationData NotificationData `json:"notificationData"`
	Locale           string           `json:"locale"`
	State            map[string]any   `json:"state"`
	CreatedDate      time.Time        `json:"createdDate"`
	UpdatedDate      time.Time        `json:"updatedDate"`
}

// AuthResult is the token pair that auth and refresh answer.
type AuthResult struct {
	UserIdentifier         string `json:"userIdentifier"`
	AuthProviderIdentifier string `json:"authProviderIdentifier"`
	AccessToken            string `json:"accessToken"`
	RefreshToken           string `json:"refreshToken"`
}

func providerPath(marker, suffix string) string {
	return "/users-auth-providers/marker/" + url.PathEscape(marker) + suffix
}

// GetAuthProviders calls GET /api/content/users-auth-providers (JS: AuthProvider.getAuthProviders).
// An empty langCode means the client's; limit <= 0 means 30.
func (s *AuthProviderService) GetAuthProviders(ctx context.Context, langCode string, offset, limit int) ([]AuthProvider, error) {
	off, lim := page(offset, limit)
	req, err := s.client.newRequest(ctx, http.MethodGet, "/users-auth-providers?"+query("langCode", s.client.lang(langCode), "offset", off, "limit", lim), nil)
	if err != nil {
		return nil, err
	}
	var out []AuthProvider
	if err := s.client.do(req, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetAuthProviderByMarker calls GET /api/content/users-auth-providers/marker/{marker}
// (JS: AuthProvider.getAuthProviderByMarker).
func (s *AuthProviderService) GetAuthProviderByMarker(ctx context.Context, marker, langCode string) (*AuthProvider, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, providerPath(marker, "?"+query("langCode", s.client.lang(langCode))), nil)
	if err != nil {
		return nil, err
	}
	out := new(AuthProvider)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SignUp calls POST /api/content/users-auth-providers/marker/{marker}/users/sign-up
// (JS: AuthProvider.signUp). It does not sign in; call Auth afterwards (after
// activation if the provider checks codes).
func (s *AuthProviderService) SignUp(ctx context.Context, marker string, in SignUpRequest) (*SignUpResult, error) {
	lang := s.client.lang(in.LangCode)
	body := struct {
		FormIdentifier   string                 `json:"formIdentifier,omitempty"`
		AuthData         []AuthData             `json:"authData"`
		FormData         map[string][]FormField `json:"formData,omitempty"`
		NotificationData NotificationData       `json:"notificationData"`
		LangCode         string                 `json:"langCode"`
	}{
		FormIdentifier:   in.FormIdentifier,
		AuthData:         in.AuthData,
		NotificationData: in.NotificationData,
		LangCode:         lang,
	}
	if body.AuthData == nil {
		body.AuthData = []AuthData{}
	}
	if in.FormData != nil {
		body.FormData = map[string][]FormField{lang: in.FormData}
	}
	if body.NotificationData.PhonePush == nil {
		body.NotificationData.PhonePush = []string{} // the schema wants an array, never null
	}
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/sign-up"), body)
	if err != nil {
		return nil, err
	}
	out := new(SignUpResult)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Auth calls POST /api/content/users-auth-providers/marker/{marker}/users/auth
// (JS: AuthProvider.auth). On success the tokens and marker go to the client's
// TokenStore, so every module then acts as this user. A 401 here means wrong
// credentials and never triggers a refresh.
func (s *AuthProviderService) Auth(ctx context.Context, marker string, authData []AuthData) (*AuthResult, error) {
	if authData == nil {
		authData = []AuthData{}
	}
	body := struct {
		AuthData []AuthData `json:"authData"`
	}{authData}
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/auth"), body)
	if err != nil {
		return nil, err
	}
	out := new(AuthResult)
	if err := s.client.do(withFlags(req, noRefresh), out); err != nil {
		return nil, err
	}
	if err := s.store(ctx, marker, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Refresh calls POST /api/content/users-auth-providers/marker/{marker}/users/refresh
// (JS: AuthProvider.refresh) and stores the new pair. The client calls it by
// itself after a 401; call it directly to restore a session from a saved
// refresh token. Servers rotate refresh tokens: the old one is dead afterwards.
func (s *AuthProviderService) Refresh(ctx context.Context, marker, refreshToken string) (*AuthResult, error) {
	body := struct {
		RefreshToken string `json:"refreshToken"`
	}{refreshToken}
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/refresh"), body)
	if err != nil {
		return nil, err
	}
	out := new(AuthResult)
	if err := s.client.do(withFlags(req, noRefresh|noBearer), out); err != nil {
		return nil, err
	}
	if err := s.store(ctx, marker, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Logout calls POST /api/content/users-auth-providers/marker/{marker}/users/logout
// (JS: AuthProvider.logout), which needs the user's access token. Once the
// server has answered, with success or an API error, the stored tokens are
// cleared, as in the JS SDK, so a failed logout never leaves the client signed
// in; after a network error they are kept so the call can be retried.
func (s *AuthProviderService) Logout(ctx context.Context, marker, refreshToken string) (bool, error) {
	body := struct {
		RefreshToken string `json:"refreshToken"`
	}{refreshToken}
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/logout"), body)
	if err != nil {
		return false, err
	}
	// Any 2xx counts as logged out; the body is normally a bare true.
	var raw json.RawMessage
	err = s.client.do(req, &raw)
	var apiErr *Error
	if err == nil || errors.As(err, &apiErr) {
		if serr := s.client.tokens.SetTokens(ctx, Tokens{}); serr != nil && err == nil {
			err = fmt.Errorf("oneentry: clear tokens: %w", serr)
		}
	}
	if err != nil {
		return false, err
	}
	return string(bytes.TrimSpace(raw)) == "true", nil
}

func (s *AuthProviderService) store(ctx context.Context, marker string, r *AuthResult) error {
	err := s.client.tokens.SetTokens(ctx, Tokens{
		AccessToken:    r.AccessToken,
		RefreshToken:   r.RefreshToken,
		ProviderMarker: marker,
	})
	if err != nil {
		return fmt.Errorf("oneentry: store tokens: %w", err)
	}
	return nil
}
