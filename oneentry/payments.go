package oneentry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// PaymentsService mirrors the JS module Payments: payment sessions for orders
// and the project's payment accounts.
type PaymentsService service

// PaymentSession is one attempt to pay an order.
type PaymentSession struct {
	ID      int64 `json:"id"`
	OrderID int64 `json:"orderId"`
	// Type is "session" (hosted checkout) or "intent" (in-page payment).
	Type string `json:"type"`
	// Status is "waiting", "completed", "canceled" or "expired".
	Status           string `json:"status"`
	PaymentAccountID int64  `json:"paymentAccountId"`
	// PaymentURL is the checkout link; nil for cash, or until the provider answers.
	PaymentURL *string `json:"paymentUrl"`
	// Amount is nil when the server omits it or sends null.
	Amount *Decimal `json:"amount"`
	// ClientSecret is set for intents only.
	ClientSecret string    `json:"clientSecret"`
	CreatedDate  time.Time `json:"createdDate"`
	UpdatedDate  time.Time `json:"updatedDate"`
}

// PaymentAccount is a way to pay configured in the project (cash, Stripe, ...).
type PaymentAccount struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"`
	// Type is "stripe" or "custom"; "custom" covers cash, PayPal and others, so
	// tell those apart by Identifier.
	Type          string         `json:"type"`
	IsVisible     bool           `json:"isVisible"`
	IsUsed        bool           `json:"isUsed"`
	TestMode      bool           `json:"testMode"`
	LocalizeInfos LocalizeInfos  `json:"localizeInfos"`
	Settings      map[string]any `json:"settings"`
	UpdatedDate   time.Time      `json:"updatedDate"`
}

// GetSessions calls GET /api/content/payments/sessions (JS: Payments.getSessions):
// one page of the user's payment sessions. limit <= 0 means 30.
func (s *PaymentsService) GetSessions(ctx context.Context, offset, limit int) (*List[PaymentSession], error) {
	off, lim := page(offset, limit)
	req, err := s.client.newRequest(ctx, http.MethodGet, "/payments/sessions?"+query("offset", off, "limit", lim), nil)
	if err != nil {
		return nil, err
	}
	out := new(List[PaymentSession])
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetSessionByID calls GET /api/content/payments/sessions/{id} (JS: Payments.getSessionById).
func (s *PaymentsService) GetSessionByID(ctx context.Context, id int64) (*PaymentSession, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, "/payments/sessions/"+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return nil, err
	}
	out := new(PaymentSession)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetSessionByOrderID calls GET /api/content/payments/sessions/order/{orderID}
// (JS: Payments.getSessionByOrderId). Servers answer one session object or an
// array of sessions (the live platform does); for an array the first element
// is returned, as JS clients do, and an empty array is ErrNotFound.
func (s *PaymentsService) GetSessionByOrderID(ctx context.Context, orderID int64) (*PaymentSession, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, "/payments/sessions/order/"+strconv.FormatInt(orderID, 10), nil)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := s.client.do(req, &raw); err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []PaymentSession
		if err := decodeJSON(raw, &list); err != nil {
			return nil, fmt.Errorf("oneentry: decode payment sessions of order %d: %w", orderID, err)
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("oneentry: no payment session for order %d: %w", orderID, ErrNotFound)
		}
		return &list[0], nil
	}
	out := new(PaymentSession)
	if err := decodeJSON(raw, out); err != nil {
		return nil, fmt.Errorf("oneentry: decode payment session of order %d: %w", orderID, err)
	}
	return out, nil
}

// CreateSession calls POST /api/content/payments/sessions (JS: Payments.createSession).
// typ is "session" for a hosted checkout (PaymentURL) or "intent" for an
// in-page payment (ClientSecret). Cash accounts answer with a nil PaymentURL.
func (s *PaymentsService) CreateSession(ctx context.Context, orderID int64, typ string, automaticTaxEnabled bool) (*PaymentSession, error) {
	body := struct {
		OrderID             int64  `json:"orderId"`
		Type                string `json:"type"`
		AutomaticTaxEnabled bool   `json:"automaticTaxEnabled"`
	}{orderID, typ, automaticTaxEnabled}
	req, err := s.client.newRequest(ctx, http.MethodPost, "/payments/sessions", body)
	if err != nil {
		return nil, err
	}
	out := new(PaymentSession)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetAccounts calls GET /api/content/payments/accounts (JS: Payments.getAccounts).
func (s *PaymentsService) GetAccounts(ctx context.Context) ([]PaymentAccount, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, "/payments/accounts", nil)
	if err != nil {
		return nil, err
	}
	var out []PaymentAccount
	if err := s.client.do(req, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetAccountByID calls GET /api/content/payments/accounts/{id} (JS: Payments.getAccountById).
func (s *PaymentsService) GetAccountByID(ctx context.Context, id int64) (*PaymentAccount, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, "/payments/accounts/"+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return nil, err
	}
	out := new(PaymentAccount)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}
