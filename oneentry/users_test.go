package oneentry

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

func TestUsersService(t *testing.T) {
	t.Parallel()
	user := &User{
		ID: 16, Identifier: "your-user@email.com", AuthProviderIdentifier: "email", FormIdentifier: "reg",
		FormData: FormData{
			{Marker: "name_reg", Type: "string", Value: "Christina Thomas"},
			{Marker: "age", Type: "integer", Value: json.Number("31")},
		},
		Total:  "1",
		Groups: []any{json.Number("1"), "vip"},
		State: map[string]any{"cart": []any{
			map[string]any{"productId": json.Number("14"), "quantity": json.Number("1")},
		}},
	}
	get := func(lang string) func(context.Context, *Client) (any, error) {
		return func(ctx context.Context, c *Client) (any, error) { return c.Users.GetUser(ctx, lang) }
	}
	runAPICases(t, []apiCase{
		{
			name: "GetUser formData as locale map", method: http.MethodGet,
			path: "/users/me", query: "langCode=en_US", fixture: "user.json",
			call: get(""), want: user,
		},
		{
			name: "GetUser formData as array", method: http.MethodGet,
			path: "/users/me", query: "langCode=en_US", fixture: "user_array.json",
			call: get(""), want: user,
		},
		{
			// The stored formData is keyed en_US (the client's language)
			// even when another langCode is asked for.
			name: "GetUser other lang", method: http.MethodGet,
			path: "/users/me", query: "langCode=de_DE", fixture: "user.json",
			call: get("de_DE"), want: user,
		},
	})
}
