package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

// handleCreateSession serves POST /payments/sessions (JS: Payments.createSession).
func handleCreateSession(logger *slog.Logger, payments openentry.PaymentService) userHandler {
	type request struct {
		OrderID json.RawMessage `json:"orderId"`
		Type    string          `json:"type"`
	}
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireSession, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return nil, err
		}
		orderID, err := jsonInt(in.OrderID)
		if err != nil || orderID <= 0 {
			return nil, badRequest("orderId must be a positive integer")
		}
		s, err := payments.CreateSession(r.Context(), p.UserID, orderID, in.Type)
		if err != nil {
			return nil, err
		}
		out := toWireSession(s)
		return &out, nil
	})
}

// handleGetSessions serves GET /payments/sessions (JS: Payments.getSessions).
func handleGetSessions(logger *slog.Logger, payments openentry.PaymentService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*list[wireSession], error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		sessions, total, err := payments.Sessions(r.Context(), p.UserID, q.Page)
		if err != nil {
			return nil, err
		}
		out := &list[wireSession]{Items: make([]wireSession, len(sessions)), Total: total}
		for i := range sessions {
			out.Items[i] = toWireSession(&sessions[i])
		}
		return out, nil
	})
}

// handleGetSession serves GET /payments/sessions/{id} (JS: Payments.getSessionById).
func handleGetSession(logger *slog.Logger, payments openentry.PaymentService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireSession, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		s, err := payments.Session(r.Context(), p.UserID, id)
		if err != nil {
			return nil, err
		}
		out := toWireSession(s)
		return &out, nil
	})
}

// handleGetSessionByOrder serves GET /payments/sessions/order/{id} (JS:
// Payments.getSessionByOrderId). It answers the order's newest session as one
// object, as the seed page shows; the SDK's schema accepts an object or an array.
func handleGetSessionByOrder(logger *slog.Logger, payments openentry.PaymentService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireSession, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		s, err := payments.SessionByOrder(r.Context(), p.UserID, id)
		if err != nil {
			return nil, err
		}
		out := toWireSession(s)
		return &out, nil
	})
}

// handleGetAccounts serves GET /payments/accounts (JS: Payments.getAccounts).
func handleGetAccounts(logger *slog.Logger, payments openentry.PaymentService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, _ openentry.Principal) ([]wireAccount, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		accounts, err := payments.Accounts(r.Context())
		if err != nil {
			return nil, err
		}
		return wireAll(accounts, q.Lang, toWireAccount), nil
	})
}

// handleGetAccount serves GET /payments/accounts/{id} (JS: Payments.getAccountById).
func handleGetAccount(logger *slog.Logger, payments openentry.PaymentService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, _ openentry.Principal) (*wireAccount, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		a, err := payments.Account(r.Context(), id)
		if err != nil {
			return nil, err
		}
		out := toWireAccount(a, q.Lang)
		return &out, nil
	})
}
