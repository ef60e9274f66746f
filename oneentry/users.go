package oneentry

import (
	"context"
	"net/http"
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
