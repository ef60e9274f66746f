package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

type wireSubscription struct {
	EventMarker string `json:"eventMarker"`
	ProductID   int64  `json:"productId"`
}

type wireSubscriptions struct {
	Total int64              `json:"total"`
	Items []wireSubscription `json:"items"`
}

// subscribeBody is what subscribeByMarker and unsubscribeByMarker send.
type subscribeBody struct {
	ProductID *int64 `json:"productId"`
	Locale    string `json:"locale"`
}

// handleSubscriptions serves GET /events/subscriptions (JS:
// Events.getAllSubscriptions): the signed-in user's, oldest first.
func handleSubscriptions(logger *slog.Logger, events openentry.EventService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireSubscriptions, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		subs, total, err := events.Subscriptions(r.Context(), p.UserID, q.Page)
		if err != nil {
			return nil, err
		}
		out := &wireSubscriptions{Total: total, Items: make([]wireSubscription, len(subs))}
		for i, s := range subs {
			out.Items[i] = wireSubscription{EventMarker: s.EventMarker, ProductID: s.ProductID}
		}
		return out, nil
	})
}

// handleSubscribe serves POST /events/subscribe/marker/{marker} (JS:
// Events.subscribeByMarker) and DELETE /events/unsubscribe/marker/{marker}
// (unsubscribeByMarker), both idempotent.
func handleSubscribe(logger *slog.Logger, events openentry.EventService, subscribe bool) userHandler {
	status := http.StatusOK
	if subscribe {
		status = http.StatusCreated
	}
	return handleUser(logger, status, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		body, err := decode[subscribeBody](w, r)
		if err != nil {
			return false, err
		}
		if body.ProductID == nil {
			return false, badRequest("productId is required")
		}
		locale, err := bodyLang(body.Locale)
		if err != nil {
			return false, badRequest("locale must match /^[a-zA-Z_]{2,5}$/")
		}
		marker := r.PathValue("marker")
		if subscribe {
			return true, events.Subscribe(r.Context(), p.UserID, marker, *body.ProductID, locale)
		}
		return true, events.Unsubscribe(r.Context(), p.UserID, marker, *body.ProductID)
	})
}
