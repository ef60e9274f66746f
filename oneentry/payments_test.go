package oneentry

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// seedSession is session 46 of the seed scenario (cash: no URL, no amount).
var seedSession = &PaymentSession{
	ID: 46, OrderID: 89, Type: "session", Status: "waiting", PaymentAccountID: 1,
	CreatedDate: ts("2025-04-30T20:15:30.506Z"), UpdatedDate: ts("2025-04-30T20:15:30.506Z"),
}

func TestPaymentsService(t *testing.T) {
	t.Parallel()
	cash := PaymentAccount{
		ID: 1, Identifier: "cash", Type: "custom", IsVisible: true, IsUsed: true, TestMode: true,
		LocalizeInfos: LocalizeInfos{"title": "Cash"}, Settings: map[string]any{"status": "connected"},
		UpdatedDate: ts("2025-02-25T08:55:43.957Z"),
	}
	runAPICases(t, []apiCase{
		{
			name: "GetSessions", method: http.MethodGet,
			path: "/payments/sessions", query: "offset=0&limit=30", fixture: "payment_sessions.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Payments.GetSessions(ctx, 0, 0) },
			want: &List[PaymentSession]{Total: 2, Items: []PaymentSession{
				*seedSession,
				{
					ID: 47, OrderID: 55, Type: "intent", Status: "completed", PaymentAccountID: 2,
					Amount: Ptr(Decimal("4061.55")), ClientSecret: "pi_3Ot_secret_abc",
					CreatedDate: ts("2025-05-02T09:00:00.000Z"), UpdatedDate: ts("2025-05-02T09:05:12.100Z"),
				},
			}},
		},
		{
			name: "GetSessionByID", method: http.MethodGet,
			path: "/payments/sessions/46", fixture: "payment_session.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Payments.GetSessionByID(ctx, 46) },
			want: seedSession,
		},
		{
			name: "GetSessionByOrderID object", method: http.MethodGet,
			path: "/payments/sessions/order/89", fixture: "payment_session.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Payments.GetSessionByOrderID(ctx, 89) },
			want: seedSession,
		},
		{
			name: "GetSessionByOrderID array takes the first", method: http.MethodGet,
			path: "/payments/sessions/order/89", fixture: "payment_sessions_by_order.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Payments.GetSessionByOrderID(ctx, 89) },
			want: seedSession,
		},
		{
			name: "CreateSession", method: http.MethodPost, status: http.StatusCreated,
			path: "/payments/sessions", body: `{"orderId":89,"type":"session","automaticTaxEnabled":false}`,
			fixture: "payment_session.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Payments.CreateSession(ctx, 89, "session", false)
			},
			want: seedSession,
		},
		{
			name: "CreateSession intent with tax", method: http.MethodPost, status: http.StatusCreated,
			path: "/payments/sessions", body: `{"orderId":89,"type":"intent","automaticTaxEnabled":true}`,
			fixture: "payment_session.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				s, err := c.Payments.CreateSession(ctx, 89, "intent", true)
				if err != nil {
					return nil, err
				}
				return s.ID, nil
			},
			want: int64(46),
		},
		{
			name: "GetAccounts", method: http.MethodGet,
			path: "/payments/accounts", fixture: "payment_accounts.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Payments.GetAccounts(ctx) },
			want: []PaymentAccount{cash, {
				ID: 2, Identifier: "stripe", Type: "stripe", IsVisible: true, IsUsed: true, TestMode: true,
				LocalizeInfos: LocalizeInfos{"title": "Card"}, Settings: map[string]any{"status": "connected"},
				UpdatedDate: ts("2025-02-25T08:56:01.000Z"),
			}},
		},
		{
			name: "GetAccountByID", method: http.MethodGet,
			path: "/payments/accounts/1", fixture: "payment_account.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Payments.GetAccountByID(ctx, 1) },
			want: &cash,
		},
	})
}

func TestGetSessionByOrderIDEmptyArray(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	login(t, c)
	mux.HandleFunc("/payments/sessions/order/90", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[]`))
	})
	s, err := c.Payments.GetSessionByOrderID(context.Background(), 90)
	if s != nil || !errors.Is(err, ErrNotFound) {
		t.Fatalf("got (%v, %v), want (nil, ErrNotFound)", s, err)
	}
}
