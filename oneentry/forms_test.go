package oneentry

import (
	"context"
	"net/http"
	"testing"
)

func TestFormsService(t *testing.T) {
	t.Parallel()
	runAPICases(t, []apiCase{
		{
			name: "GetAllForms", method: http.MethodGet,
			path: "/forms", query: "langCode=en_US&offset=0&limit=30", fixture: "forms.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Forms.GetAllForms(ctx, "", 0, 0) },
			want: &List[Form]{Total: 1, Items: []Form{{
				ID: 3, Identifier: "reg", Type: "sing_in_up", LocalizeInfos: LocalizeInfos{"title": "Registration"},
				Version: 2, Position: 1, ProcessingType: "db",
				Attributes: FormAttributes{
					{Marker: "email_reg", Type: "string", Position: 1, IsLogin: true, LocalizeInfos: LocalizeInfos{"title": "Email"}},
					{Marker: "password_reg", Type: "string", Position: 2, IsPassword: true, LocalizeInfos: LocalizeInfos{"title": "Password"}},
				},
			}}},
		},
		{
			name: "GetAllForms paged", method: http.MethodGet,
			path: "/forms", query: "langCode=en_US&offset=30&limit=10", fixture: "forms.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				l, err := c.Forms.GetAllForms(ctx, "en_US", 30, 10)
				if err != nil {
					return nil, err
				}
				return l.Total, nil
			},
			want: int64(1),
		},
		{
			name: "GetFormByMarker", method: http.MethodGet,
			path: "/forms/marker/order", query: "langCode=en_US", fixture: "form.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Forms.GetFormByMarker(ctx, "order", "") },
			want: &Form{
				ID: 4, Identifier: "order", Type: "order",
				LocalizeInfos: LocalizeInfos{"title": "Order", "successMessage": "Thank you!"},
				Version:       1, Position: 2, ProcessingType: "db",
				Attributes: FormAttributes{
					{Marker: "name", Type: "string", Position: 1, IsRequired: true, LocalizeInfos: LocalizeInfos{"title": "Name"}},
				},
			},
		},
	})
}
