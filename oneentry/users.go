package oneentry

import (
	"context"
	"net/http"
	"net/url"
)

// UsersService mirrors the JS module Users: the signed-in user's own record.
type UsersService service

// User is the signed-in user.
type User struct {
	ID                     int64    `json:"id"`
	Identifier             string   `json:"identifier"`
	AuthProviderIdentifier string   `json:"authProviderIdentifier"`
	FormIdentifier         string   `json:"formIdentifier"`
	FormData               FormData `json:"formData"`
	// Total is a string on the wire (e.g. "1") and kept as sent.
	Total string `json:"total"`
	// Groups holds user group ids, which arrive as numbers (json.Number) or strings.
	Groups []any `json:"groups"`
	// State is free JSON that storefronts use for carts and favourites.
	State map[string]any `json:"state"`
}

// GetUser calls GET /api/content/users/me (JS: Users.getUser). It needs a
// signed-in user.
func (s *UsersService) GetUser(ctx context.Context, langCode string) (*User, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, "/users/me?"+query("langCode", s.client.lang(langCode)), nil)
	if err != nil {
		return nil, err
	}
	out := new(User)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// UserUpdate is the input of UpdateUser. Nil fields are left out of the
// request, so the server keeps what it has.
type UserUpdate struct {
	// FormIdentifier is the user's form, e.g. "reg"; it is always sent.
	FormIdentifier string
	// LangCode defaults to the client's language.
	LangCode string
	// FormData, if non-nil, is sent as {"<LangCode>": FormData}, as the JS SDK
	// does.
	FormData FormData
	// AuthData, if not empty, changes the password: the server wants exactly
	// one entry, for the password attribute, e.g. {Marker: "password_reg",
	// Value: "new-secret"}, and answers ErrBadRequest otherwise.
	AuthData []AuthData
	// NotificationData, if non-nil, replaces where codes and notices go.
	NotificationData *NotificationData
	// State, if non-nil, is sent as the user's state, free JSON such as
	// {"cart": [...], "favorites": [...]}; an empty map is sent as {}. Send the
	// whole object, as storefronts do.
	State map[string]any
}

// UpdateUser calls PUT /api/content/users/me (JS: Users.updateUser). It needs a
// signed-in user.
func (s *UsersService) UpdateUser(ctx context.Context, in UserUpdate) (bool, error) {
	lang := s.client.lang(in.LangCode)
	body := struct {
		FormIdentifier   string                 `json:"formIdentifier"`
		AuthData         []AuthData             `json:"authData,omitempty"`
		FormData         map[string][]FormField `json:"formData,omitempty"`
		NotificationData *NotificationData      `json:"notificationData,omitempty"`
		State            map[string]any         `json:"state,omitzero"` // an empty map is sent
		LangCode         string                 `json:"langCode"`
	}{
		FormIdentifier: in.FormIdentifier,
		AuthData:       in.AuthData,
		State:          in.State,
		LangCode:       lang,
	}
	if in.FormData != nil {
		body.FormData = map[string][]FormField{lang: in.FormData}
	}
	if in.NotificationData != nil {
		nd := *in.NotificationData
		if nd.PhonePush == nil {
			nd.PhonePush = []string{} // the schema wants an array, never null
		}
		body.NotificationData = &nd
	}
	req, err := s.client.newRequest(ctx, http.MethodPut, "/users/me", body)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}

// ArchiveUser calls DELETE /api/content/users/me (JS: Users.archiveUser), which
// marks the signed-in user for deletion.
func (s *UsersService) ArchiveUser(ctx context.Context) (bool, error) {
	req, err := s.client.newRequest(ctx, http.MethodDelete, "/users/me", nil)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}

// DeleteUser calls DELETE /api/content/users/me/account (JS: Users.deleteUser),
// which deletes the signed-in user's account for good.
func (s *UsersService) DeleteUser(ctx context.Context) (bool, error) {
	req, err := s.client.newRequest(ctx, http.MethodDelete, "/users/me/account", nil)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}

// AddFCMToken calls POST /api/content/users/me/fcm-token/{token} (JS:
// Users.addFCMToken), registering a device for push notifications.
func (s *UsersService) AddFCMToken(ctx context.Context, token string) (bool, error) {
	return s.fcmToken(ctx, http.MethodPost, token)
}

// DeleteFCMToken calls DELETE /api/content/users/me/fcm-token/{token} (JS:
// Users.deleteFCMToken).
func (s *UsersService) DeleteFCMToken(ctx context.Context, token string) (bool, error) {
	return s.fcmToken(ctx, http.MethodDelete, token)
}

func (s *UsersService) fcmToken(ctx context.Context, method, token string) (bool, error) {
	req, err := s.client.newRequest(ctx, method, "/users/me/fcm-token/"+url.PathEscape(token), nil)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}
