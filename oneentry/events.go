package oneentry

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// EventsService mirrors the JS module Events: the signed-in user's
// subscriptions to product events (a price drop, stock back). Every method
// needs a signed-in user.
type EventsService service

// Subscription is one of the user's subscriptions.
type Subscription struct {
	EventMarker string `json:"eventMarker"`
	ProductID   int64  `json:"productId"`
}

// Subscriptions is a page of subscriptions and their total.
type Subscriptions struct {
	Total int64          `json:"total"`
	Items []Subscription `json:"items"`
}

type subscribeBody struct {
	ProductID int64  `json:"productId"`
	Locale    string `json:"locale"`
}

// GetAllSubscriptions calls GET /api/content/events/subscriptions (JS:
// Events.getAllSubscriptions), oldest first; limit 0 asks for 30.
func (s *EventsService) GetAllSubscriptions(ctx context.Context, offset, limit int) (*Subscriptions, error) {
	if limit == 0 {
		limit = 30
	}
	req, err := s.client.newRequest(ctx, http.MethodGet, "/events/subscriptions?"+query("offset", strconv.Itoa(offset), "limit", strconv.Itoa(limit)), nil)
	if err != nil {
		return nil, err
	}
	out := new(Subscriptions)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SubscribeByMarker calls POST /api/content/events/subscribe/marker/{marker}
// (JS: Events.subscribeByMarker): the user is told of the event on the
// product in langCode (default: the client's). Unlike the JS SDK, which
// answers true whatever the server says, it returns the server's error,
// ErrNotFound for an unknown event or product.
func (s *EventsService) SubscribeByMarker(ctx context.Context, marker string, productID int64, langCode string) (bool, error) {
	return s.change(ctx, http.MethodPost, "/events/subscribe/marker/", marker, productID, langCode)
}

// UnsubscribeByMarker calls DELETE /api/content/events/unsubscribe/marker/{marker}
// (JS: Events.unsubscribeByMarker), with the JSON body the JS SDK sends.
func (s *EventsService) UnsubscribeByMarker(ctx context.Context, marker string, productID int64, langCode string) (bool, error) {
	return s.change(ctx, http.MethodDelete, "/events/unsubscribe/marker/", marker, productID, langCode)
}

func (s *EventsService) change(ctx context.Context, method, path, marker string, productID int64, langCode string) (bool, error) {
	req, err := s.client.newRequest(ctx, method, path+url.PathEscape(marker), subscribeBody{ProductID: productID, Locale: s.client.lang(langCode)})
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}
