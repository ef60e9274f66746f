package oneentry

import (
	"cmp"
	"context"
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
	ok, err := s.client.doBool(req)
	if err := s.signOut(ctx, err); err != nil {
		return false, err
	}
	return ok, nil
}

// LogoutAll calls POST /api/content/users-auth-providers/marker/{marker}/users/logout-all
// (JS: AuthProvider.logoutAll), which ends the user's sessions on all devices.
// It needs the user's access token and sends no body. The stored tokens are
// cleared as by Logout.
func (s *AuthProviderService) LogoutAll(ctx context.Context, marker string) (bool, error) {
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/logout-all"), nil)
	if err != nil {
		return false, err
	}
	ok, err := s.client.doBool(req)
	if err := s.signOut(ctx, err); err != nil {
		return false, err
	}
	return ok, nil
}

// signOut clears the stored tokens after a logout call that got an answer
// (err is nil or an *Error) and returns err, or the store's failure if err is
// nil. After a network error the tokens are kept.
func (s *AuthProviderService) signOut(ctx context.Context, err error) error {
	var apiErr *Error
	if err == nil || errors.As(err, &apiErr) {
		if serr := s.client.tokens.SetTokens(ctx, Tokens{}); serr != nil && err == nil {
			err = fmt.Errorf("oneentry: clear tokens: %w", serr)
		}
	}
	return err
}

// GenerateCode calls POST /api/content/users-auth-providers/marker/{marker}/users/generate-code
// (JS: AuthProvider.generateCode). The server sends a one-time code for the
// event eventIdentifier (an admin "send_code" event such as "user_registration"
// or "reset") to the user by mail or SMS; the code is never in the answer.
// Asking again within about 30 s fails with ErrTooManyRequests (see
// Error.RetryAfter); an unknown event gives ErrNotFound.
func (s *AuthProviderService) GenerateCode(ctx context.Context, marker, userIdentifier, eventIdentifier string) error {
	body := struct {
		UserIdentifier  string `json:"userIdentifier"`
		EventIdentifier string `json:"eventIdentifier"`
	}{userIdentifier, eventIdentifier}
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/generate-code"), body)
	if err != nil {
		return err
	}
	// The answer is true or empty; any 2xx means the code is on its way.
	return s.client.do(req, nil)
}

// CheckCode calls POST /api/content/users-auth-providers/marker/{marker}/users/check-code
// (JS: AuthProvider.checkCode) and reports whether code is the valid code for
// the user and event. A wrong or expired code gives ErrBadRequest, and the
// fifth wrong one destroys the code with ErrTooManyRequests.
func (s *AuthProviderService) CheckCode(ctx context.Context, marker, userIdentifier, eventIdentifier, code string) (bool, error) {
	body := struct {
		UserIdentifier  string `json:"userIdentifier"`
		EventIdentifier string `json:"eventIdentifier"`
		Code            string `json:"code"`
	}{userIdentifier, eventIdentifier, code}
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/check-code"), body)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}

// ActivateUser calls POST /api/content/users-auth-providers/marker/{marker}/users/activate
// (JS: AuthProvider.activateUser), which activates a new account with the code
// that sign-up sent (providers with IsCheckCode). It reports ErrBadRequest for
// an unknown or already active user or a bad or expired code, ErrNotFound for
// an unknown or inactive provider and ErrTooManyRequests after five wrong codes.
func (s *AuthProviderService) ActivateUser(ctx context.Context, marker, userIdentifier, code string) (bool, error) {
	body := struct {
		UserIdentifier string `json:"userIdentifier"`
		Code           string `json:"code"`
	}{userIdentifier, code}
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/activate"), body)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}

// ChangePasswordRequest is the input of ChangePassword.
type ChangePasswordRequest struct {
	// UserIdentifier is the user's login, e.g. "your-user@email.com".
	UserIdentifier string
	// EventIdentifier names the "send_code" event GenerateCode was called with.
	EventIdentifier string
	// Code is the one-time code the user received.
	Code string
	// Type is 1 to change the password, 2 to recover a forgotten one; 0 sends 1.
	Type int
	// Password1 is the new password.
	Password1 string
	// Password2 repeats it; empty sends Password1, as the JS SDK does.
	Password2 string
}

// ChangePassword calls POST /api/content/users-auth-providers/marker/{marker}/users/change-password
// (JS: AuthProvider.changePassword) with a code from GenerateCode. The server
// ends all of the user's sessions, so tokens held from before stop working;
// sign in again with Auth. Errors are those of CheckCode.
func (s *AuthProviderService) ChangePassword(ctx context.Context, marker string, in ChangePasswordRequest) (bool, error) {
	body := struct {
		UserIdentifier  string `json:"userIdentifier"`
		EventIdentifier string `json:"eventIdentifier"`
		Code            string `json:"code"`
		Type            int    `json:"type"`
		Password1       string `json:"password1"`
		Password2       string `json:"password2"`
	}{
		UserIdentifier:  in.UserIdentifier,
		EventIdentifier: in.EventIdentifier,
		Code:            in.Code,
		Type:            cmp.Or(in.Type, 1), // 0 is no valid type; 1 is what clients send by default
		Password1:       in.Password1,
		Password2:       cmp.Or(in.Password2, in.Password1),
	}
	req, err := s.client.newRequest(ctx, http.MethodPost, providerPath(marker, "/users/change-password"), body)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}

// ActiveSession is one device the user is signed in on.
type ActiveSession struct {
	// Fingerprint is the device's x-device-metadata fingerprint, e.g. "UQ_go_3f9a1c2b7d4e5f60".
	Fingerprint string     `json:"fingerprint"`
	DeviceInfo  DeviceInfo `json:"deviceInfo"`
	CreatedDate time.Time  `json:"createdDate"`
	UpdatedDate time.Time  `json:"updatedDate"`
}

// GetActiveSessionsByMarker calls GET /api/content/users-auth-providers/marker/{marker}/users/sessions
// (JS: AuthProvider.getActiveSessionsByMarker). It needs the user's access
// token and lists one session per device.
func (s *AuthProviderService) GetActiveSessionsByMarker(ctx context.Context, marker string) ([]ActiveSession, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, providerPath(marker, "/users/sessions"), nil)
	if err != nil {
		return nil, err
	}
	var out []ActiveSession
	if err := s.client.do(req, &out); err != nil {
		return nil, err
	}
	return out, nil
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
