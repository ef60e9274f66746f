package oneentry

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

func TestAuthProviderService(t *testing.T) {
	t.Parallel()
	emailProvider := AuthProvider{
		ID: 1, Identifier: "email", Type: "email", FormIdentifier: "reg", UserGroupIdentifier: "guest",
		IsActive: true, Version: 0, LocalizeInfos: LocalizeInfos{"title": "email"},
		Config: map[string]any{
			"accessTokenTtlSec": "36000", "refreshTokenTtlMc": "604800", "deleteNoneActiveUsersAfterDays": "2",
			"systemCodeTlsSec": "120", "systemCodeLength": "6", "oauthAuthUrl": nil,
		},
	}
	seedAuth := &AuthResult{
		UserIdentifier:         "your-user@email.com",
		AuthProviderIdentifier: "email",
		AccessToken:            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTYsImF1dGhQcm92aWRlcklkZW50aWZpZXIiOiJlbWFpbCJ9.c2ln",
		RefreshToken:           "1745494429101-5f0c7a52-8d1e-4b8f-9a63-2834edf8",
	}
	refreshed := &AuthResult{
		UserIdentifier:         "your-user@email.com",
		AuthProviderIdentifier: "email",
		AccessToken:            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTYsInJlZnJlc2hlZCI6dHJ1ZX0.bmV3",
		RefreshToken:           "1745498029101-0b4e2c6d-1f3a-4c7e-8e52-9d1aa6b3",
	}
	wantTokens := func(want Tokens) func(*testing.T, *Client) {
		return func(t *testing.T, c *Client) {
			if got := tokensOf(t, c); got != want {
				t.Errorf("tokens: got %+v, want %+v", got, want)
			}
		}
	}

	runAPICases(t, []apiCase{
		{
			name: "GetAuthProviders defaults", method: http.MethodGet,
			path: "/users-auth-providers", query: "langCode=en_US&offset=0&limit=30",
			fixture: "auth_providers.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.GetAuthProviders(ctx, "", 0, 0)
			},
			want: []AuthProvider{emailProvider},
		},
		{
			name: "GetAuthProviders explicit", method: http.MethodGet,
			path: "/users-auth-providers", query: "langCode=ru_RU&offset=10&limit=5",
			fixture: "auth_providers.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.GetAuthProviders(ctx, "ru_RU", 10, 5)
			},
			want: []AuthProvider{emailProvider},
		},
		{
			name: "GetAuthProviderByMarker flattens localizeInfos", method: http.MethodGet,
			path: "/users-auth-providers/marker/email", query: "langCode=en_US",
			fixture: "auth_provider.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.GetAuthProviderByMarker(ctx, "email", "")
			},
			want: &AuthProvider{
				ID: 1, Identifier: "email", Type: "email", FormIdentifier: "reg", UserGroupIdentifier: "guest",
				IsActive: true, LocalizeInfos: LocalizeInfos{"title": "email"},
				Config: map[string]any{"accessTokenTtlSec": "36000", "refreshTokenTtlMc": "604800", "systemCodeLength": "6"},
			},
		},
		{
			name: "GetAuthProviderByMarker escapes marker", method: http.MethodGet,
			path: "/users-auth-providers/marker/my%20provider%2Fx", query: "langCode=en_US",
			fixture: "auth_provider.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				p, err := c.AuthProvider.GetAuthProviderByMarker(ctx, "my provider/x", "")
				if err != nil {
					return nil, err
				}
				return p.Identifier, nil
			},
			want: "email",
		},
		{
			name: "SignUp", method: http.MethodPost, status: http.StatusCreated,
			path: "/users-auth-providers/marker/email/users/sign-up",
			body: `{"formIdentifier":"reg",
				"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}],
				"formData":{"en_US":[{"marker":"name_reg","type":"string","value":"Christina Thomas"}]},
				"notificationData":{"email":"your-user@email.com","phonePush":[]},
				"langCode":"en_US"}`,
			fixture: "sign_up.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.SignUp(ctx, "email", SignUpRequest{
					FormIdentifier: "reg",
					AuthData: []AuthData{
						{Marker: "email_reg", Value: "your-user@email.com"},
						{Marker: "password_reg", Value: "123456"},
					},
					FormData:         FormData{{Marker: "name_reg", Type: "string", Value: "Christina Thomas"}},
					NotificationData: NotificationData{Email: "your-user@email.com"},
				})
			},
			want: &SignUpResult{
				ID: 16, Identifier: "your-user@email.com", IsActive: true,
				FormData:         FormData{{Marker: "name_reg", Type: "string", Value: "Christina Thomas"}},
				NotificationData: NotificationData{Email: "your-user@email.com", PhonePush: []string{}},
				Locale:           "en_US", State: map[string]any{},
				CreatedDate: ts("2025-04-24T11:33:49.101Z"), UpdatedDate: ts("2025-04-24T11:33:49.101Z"),
			},
		},
		{
			name: "SignUp with lang and phoneSMS", method: http.MethodPost, status: http.StatusCreated,
			path: "/users-auth-providers/marker/phone/users/sign-up",
			body: `{"authData":[{"marker":"phone_reg","value":"+100"}],
				"notificationData":{"email":"a@b","phonePush":["tok"],"phoneSMS":"+100"},
				"langCode":"ru_RU"}`,
			fixture: "sign_up.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				r, err := c.AuthProvider.SignUp(ctx, "phone", SignUpRequest{
					AuthData:         []AuthData{{Marker: "phone_reg", Value: "+100"}},
					NotificationData: NotificationData{Email: "a@b", PhonePush: []string{"tok"}, PhoneSMS: "+100"},
					LangCode:         "ru_RU",
				})
				if err != nil {
					return nil, err
				}
				return r.ID, nil
			},
			want: int64(16),
		},
		{
			name: "Auth stores tokens", method: http.MethodPost, status: http.StatusCreated,
			path:    "/users-auth-providers/marker/email/users/auth",
			body:    `{"authData":[{"marker":"email_reg","value":"your-user@email.com"},{"marker":"password_reg","value":"123456"}]}`,
			fixture: "auth.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.Auth(ctx, "email", []AuthData{
					{Marker: "email_reg", Value: "your-user@email.com"},
					{Marker: "password_reg", Value: "123456"},
				})
			},
			want:  seedAuth,
			after: wantTokens(Tokens{AccessToken: seedAuth.AccessToken, RefreshToken: seedAuth.RefreshToken, ProviderMarker: "email"}),
		},
		{
			name: "Refresh stores tokens", method: http.MethodPost, status: http.StatusCreated,
			path: "/users-auth-providers/marker/email/users/refresh", noBearer: true,
			body:    `{"refreshToken":"refresh-1"}`,
			fixture: "refresh.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.Refresh(ctx, "email", testRefresh)
			},
			want:  refreshed,
			after: wantTokens(Tokens{AccessToken: refreshed.AccessToken, RefreshToken: refreshed.RefreshToken, ProviderMarker: "email"}),
		},
		{
			name: "Logout clears tokens", method: http.MethodPost, status: http.StatusCreated,
			path:    "/users-auth-providers/marker/email/users/logout",
			body:    `{"refreshToken":"refresh-1"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.Logout(ctx, "email", testRefresh)
			},
			want:  true,
			after: wantTokens(Tokens{}),
		},
		{
			name: "LogoutAll sends no body and clears tokens", method: http.MethodPost, status: http.StatusCreated,
			path:    "/users-auth-providers/marker/email/users/logout-all",
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.LogoutAll(ctx, "email")
			},
			want:  true,
			after: wantTokens(Tokens{}),
		},
		{
			name: "GenerateCode", method: http.MethodPost, status: http.StatusCreated,
			path:    "/users-auth-providers/marker/email/users/generate-code",
			body:    `{"userIdentifier":"your-user@email.com","eventIdentifier":"reset"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.AuthProvider.GenerateCode(ctx, "email", "your-user@email.com", "reset")
			},
			want:  nil,
			after: wantTokens(Tokens{AccessToken: testAccess, RefreshToken: testRefresh, ProviderMarker: "email"}),
		},
		{
			name: "CheckCode", method: http.MethodPost, status: http.StatusCreated,
			path:    "/users-auth-providers/marker/email/users/check-code",
			body:    `{"userIdentifier":"your-user@email.com","eventIdentifier":"reset","code":"123456"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.CheckCode(ctx, "email", "your-user@email.com", "reset", "123456")
			},
			want: true,
		},
		{
			name: "CheckCode answered false", method: http.MethodPost, status: http.StatusCreated,
			path:    "/users-auth-providers/marker/phone/users/check-code",
			body:    `{"userIdentifier":"+100","eventIdentifier":"auth","code":"000000"}`,
			fixture: "false.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.CheckCode(ctx, "phone", "+100", "auth", "000000")
			},
			want: false,
		},
		{
			name: "ActivateUser", method: http.MethodPost, status: http.StatusCreated,
			path:    "/users-auth-providers/marker/email/users/activate",
			body:    `{"userIdentifier":"your-user@email.com","code":"123456"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.ActivateUser(ctx, "email", "your-user@email.com", "123456")
			},
			want: true,
		},
		{
			name: "ChangePassword repeats password1", method: http.MethodPost, status: http.StatusCreated,
			path: "/users-auth-providers/marker/email/users/change-password",
			body: `{"userIdentifier":"your-user@email.com","eventIdentifier":"reset","code":"123456",
				"type":2,"password1":"new-secret","password2":"new-secret"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.ChangePassword(ctx, "email", ChangePasswordRequest{
					UserIdentifier: "your-user@email.com", EventIdentifier: "reset", Code: "123456",
					Type: 2, Password1: "new-secret",
				})
			},
			want: true,
		},
		{
			name: "ChangePassword type defaults to 1", method: http.MethodPost, status: http.StatusCreated,
			path: "/users-auth-providers/marker/email/users/change-password",
			body: `{"userIdentifier":"your-user@email.com","eventIdentifier":"reset","code":"123456",
				"type":1,"password1":"new-secret","password2":"typo"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.ChangePassword(ctx, "email", ChangePasswordRequest{
					UserIdentifier: "your-user@email.com", EventIdentifier: "reset", Code: "123456",
					Password1: "new-secret", Password2: "typo",
				})
			},
			want: true,
		},
		{
			name: "GetActiveSessionsByMarker", method: http.MethodGet,
			path: "/users-auth-providers/marker/email/users/sessions", fixture: "active_sessions.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.AuthProvider.GetActiveSessionsByMarker(ctx, "email")
			},
			want: []ActiveSession{
				{
					Fingerprint: "UQ_go_3f9a1c2b7d4e5f60",
					DeviceInfo:  DeviceInfo{OS: "Go", Browser: "openentry-go", Location: "en-US"},
					CreatedDate: ts("2025-04-24T11:33:49.101Z"), UpdatedDate: ts("2025-04-30T20:15:29.254Z"),
				},
				{
					Fingerprint: "UQ_k3j9x2_5e1f0c7a8b2d",
					DeviceInfo:  DeviceInfo{OS: "Win32", Browser: "Mozilla/5.0_(Windows_NT_10.0;_Win64;_x64)", Location: "ru-RU"},
					CreatedDate: ts("2025-04-28T08:02:11.530Z"), UpdatedDate: ts("2025-04-28T08:02:11.530Z"),
				},
			},
		},
	})
}

// TestLogoutError: once the server has answered, even with an error, the
// session is cleared (as in the JS SDK); the error is still returned.
func TestLogoutError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		call func(context.Context, *Client) (bool, error)
	}{
		{
			name: "Logout", path: "/users-auth-providers/marker/email/users/logout",
			call: func(ctx context.Context, c *Client) (bool, error) {
				return c.AuthProvider.Logout(ctx, "email", testRefresh)
			},
		},
		{
			name: "LogoutAll", path: "/users-auth-providers/marker/email/users/logout-all",
			call: func(ctx context.Context, c *Client) (bool, error) { return c.AuthProvider.LogoutAll(ctx, "email") },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			login(t, c)
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				reply(t, w, http.StatusBadRequest, "error_400_array.json")
			})
			ok, err := tc.call(context.Background(), c)
			if ok || err == nil {
				t.Fatalf("got (%v, %v), want (false, error)", ok, err)
			}
			if got := tokensOf(t, c); got != (Tokens{}) {
				t.Errorf("tokens: got %+v, want cleared", got)
			}
		})
	}
}

// TestLogoutAllNetworkError: without an answer the session is kept, so the
// call can be retried.
func TestLogoutAllNetworkError(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	login(t, c)
	mux.HandleFunc("/users-auth-providers/marker/email/users/logout-all", func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler) // drop the connection without a response
	})
	ok, err := c.AuthProvider.LogoutAll(context.Background(), "email")
	var apiErr *Error
	if ok || err == nil || errors.As(err, &apiErr) {
		t.Fatalf("got (%v, %v), want (false, transport error)", ok, err)
	}
	want := Tokens{AccessToken: testAccess, RefreshToken: testRefresh, ProviderMarker: "email"}
	if got := tokensOf(t, c); got != want {
		t.Errorf("tokens: got %+v, want %+v", got, want)
	}
}
