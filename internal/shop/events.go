package shop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// Events keeps users' subscriptions to product events and turns product
// changes into one mail per subscriber.
type Events struct{ store openentry.Store }

var _ openentry.EventService = (*Events)(nil)

// NewEvents returns the event use cases over store.
func NewEvents(store openentry.Store) *Events { return &Events{store: store} }

// Subscriptions lists the user's subscriptions.
func (s *Events) Subscriptions(ctx context.Context, userID int64, page openentry.Page) ([]openentry.Subscription, int64, error) {
	return s.store.Subscriptions(ctx, userID, page)
}

// Subscribe subscribes the user to an event on a visible product.
func (s *Events) Subscribe(ctx context.Context, userID int64, marker string, productID int64, locale string) error {
	if _, err := s.event(ctx, marker); err != nil {
		return err
	}
	if productID <= 0 {
		return &openentry.ValidationError{Message: "productId must be a product's id", Fields: map[string]string{"productId": "must be a positive integer"}}
	}
	return s.store.Subscribe(ctx, userID, openentry.Subscription{EventMarker: marker, ProductID: productID, Locale: locale})
}

// Unsubscribe removes the user's subscription, if there is one.
func (s *Events) Unsubscribe(ctx context.Context, userID int64, marker string, productID int64) error {
	if _, err := s.event(ctx, marker); err != nil {
		return err
	}
	return s.store.Unsubscribe(ctx, userID, marker, productID)
}

func (s *Events) event(ctx context.Context, marker string) (*openentry.Event, error) {
	if !openentry.ValidMarker(marker) {
		return nil, openentry.NotFound(fmt.Sprintf("Event %q not found", marker))
	}
	return s.store.Event(ctx, marker)
}

// ProductChanged handles a TopicProductChanged message: it queues one mail
// per subscriber the change concerns, however many of its events it fires.
// The mails' keys derive from the message's, so handling it again after a
// crash queues nothing twice.
func (s *Events) ProductChanged(ctx context.Context, m openentry.OutboxMessage) error {
	var c openentry.ProductChange
	if err := json.Unmarshal(m.Payload, &c); err != nil {
		return fmt.Errorf("%w: product change %s: %v", errPermanent, m.Key, err)
	}
	subs, err := s.store.Subscribers(ctx, c.ProductID, c.Triggers())
	if err != nil || len(subs) == 0 {
		return err
	}
	p, err := s.store.Product(ctx, c.ProductID)
	if errors.Is(err, openentry.ErrNotFound) {
		return nil // hidden since: nothing to tell
	}
	if err != nil {
		return err
	}
	var mails []openentry.OutboxMessage
	for _, sub := range subs {
		if sub.Email == "" {
			continue // no address to write to
		}
		msg := changeMail(p, c, sub)
		msg.ID = fmt.Sprintf("openentry.%s.user%d", strings.ReplaceAll(m.Key, ":", "."), sub.UserID)
		payload, err := json.Marshal(msg)
		if err != nil {
			return err
		}
		mails = append(mails, openentry.OutboxMessage{Topic: openentry.TopicMail, Key: "mail:" + msg.ID, Payload: payload, UserID: sub.UserID})
	}
	return s.store.EnqueueOutbox(ctx, mails)
}

// changeMail writes the mail telling sub of the change, in sub's locale.
func changeMail(p *openentry.Product, c openentry.ProductChange, sub openentry.Subscriber) openentry.Message {
	var info struct{ Title string }
	_ = json.Unmarshal(p.LocalizeInfos.Resolve(sub.Locale), &info)
	price := openentry.Money{Minor: c.NewPrice, Currency: c.Currency}
	fill := strings.NewReplacer("{title}", info.Title, "{price}", price.Fixed()+" "+c.Currency)
	var subject string
	var lines []string
	for _, e := range sub.Events {
		switch e.Trigger {
		case openentry.TriggerPriceDrop:
			lines = append(lines, fmt.Sprintf("The price of %s fell from %s to %s %s.", info.Title,
				openentry.Money{Minor: c.OldPrice, Currency: c.Currency}.Fixed(), price.Fixed(), c.Currency))
		case openentry.TriggerBackInStock:
			lines = append(lines, fmt.Sprintf("%s is back in stock.", info.Title))
		}
		if subject == "" {
			if t, ok := e.Subject[sub.Locale]; ok {
				subject = fill.Replace(t)
			} else if t, ok := e.Subject[openentry.DefaultLocale]; ok {
				subject = fill.Replace(t)
			}
		}
	}
	lines = uniqueLines(lines)
	if subject == "" {
		subject = "News about " + info.Title
	}
	return openentry.Message{
		To:      sub.Email,
		Subject: subject,
		Text:    strings.Join(lines, "\n") + "\n\nYou get this mail because you subscribed to this product's events.\n",
	}
}

// uniqueLines drops repeated lines, as two events with one trigger give.
func uniqueLines(lines []string) []string {
	seen := map[string]bool{}
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// SendMail handles a TopicMail message.
func SendMail(mailer openentry.Mailer) OutboxHandler {
	return func(ctx context.Context, m openentry.OutboxMessage) error {
		var msg openentry.Message
		if err := json.Unmarshal(m.Payload, &msg); err != nil {
			return fmt.Errorf("%w: mail %s: %v", errPermanent, m.Key, err)
		}
		err := mailer.Send(ctx, msg)
		if errors.Is(err, openentry.ErrInvalid) {
			return fmt.Errorf("%w: %v", errPermanent, err) // a bad address does not get better
		}
		return err
	}
}
