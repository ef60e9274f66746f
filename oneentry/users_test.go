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
		{
			name: "UpdateUser all fields", method: http.MethodPut, path: "/users/me",
			body: `{"formIdentifier":"reg",
				"authData":[{"marker":"password_reg","value":"new-secret"}],
				"formData":{"en_US":[{"marker":"name_reg","type":"string","value":"Christina Thomas"}]},
				"notificationData":{"email":"your-user@email.com","phonePush":[]},
				"state":{"cart":[{"productId":14,"quantity":1}],"favorites":[]},
				"langCode":"en_US"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.UpdateUser(ctx, UserUpdate{
					FormIdentifier:   "reg",
					FormData:         FormData{{Marker: "name_reg", Type: "string", Value: "Christina Thomas"}},
					AuthData:         []AuthData{{Marker: "password_reg", Value: "new-secret"}},
					NotificationData: &NotificationData{Email: "your-user@email.com"},
					State: map[string]any{
						"cart":      []any{map[string]any{"productId": 14, "quantity": 1}},
						"favorites": []any{},
					},
				})
			},
			want: true,
		},
		{
			name: "UpdateUser only form identifier", method: http.MethodPut, path: "/users/me",
			body:    `{"formIdentifier":"reg","langCode":"en_US"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.UpdateUser(ctx, UserUpdate{FormIdentifier: "reg", AuthData: []AuthData{}})
			},
			want: true,
		},
		{
			// Empty but non-nil values are sent: they clear what the server holds.
			name: "UpdateUser empty values and lang", method: http.MethodPut, path: "/users/me",
			body: `{"formIdentifier":"reg","formData":{"ru_RU":[]},
				"notificationData":{"email":"","phonePush":["tok"],"phoneSMS":"+100"},
				"state":{},"langCode":"ru_RU"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Users.UpdateUser(ctx, UserUpdate{
					FormIdentifier:   "reg",
					LangCode:         "ru_RU",
					FormData:         FormData{},
					NotificationData: &NotificationData{PhonePush: []string{"tok"}, PhoneSMS: "+100"},
					State:            map[string]any{},
				})
			},
			want: true,
		},
		{
			name: "ArchiveUser", method: http.MethodDelete, path: "/users/me", fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Users.ArchiveUser(ctx) },
			want: true,
		},
		{
			name: "DeleteUser", method: http.MethodDelete, path: "/users/me/account", fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Users.DeleteUser(ctx) },
			want: true,
		},
	})
}

// TestUpdateUserKeepsInput: defaults are filled in the request, not in the
// caller's struct.
func TestUpdateUserKeepsInput(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	login(t, c)
	mux.HandleFunc("/users/me", func(w http.ResponseWriter, r *http.Request) {
		reply(t, w, http.StatusOK, "true.json")
	})
	nd := &NotificationData{Email: "your-user@email.com"}
	if _, err := c.Users.UpdateUser(context.Background(), UserUpdate{FormIdentifier: "reg", NotificationData: nd}); err != nil {
		t.Fatal(err)
	}
	if nd.PhonePush != nil {
		t.Errorf("caller's PhonePush: got %#v, want nil", nd.PhonePush)
	}
}
