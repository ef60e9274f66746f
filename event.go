package openentry

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Event triggers: what change to a product an event tells its subscribers of.
const (
	TriggerPriceDrop   = "priceDrop"   // the product's price went down
	TriggerBackInStock = "backInStock" // the product's stock came back from zero
)

// Event is a product event users subscribe to by marker (JS SDK: Events):
// OneEntry's "product_price", "status_out_of_stock" and the like.
type Event struct {
	Marker  string
	Trigger string // TriggerPriceDrop or TriggerBackInStock
	// Subject is the mail's subject per locale; "{title}" and "{price}"
	// stand for the product's title and its new price.
	Subject map[string]string
}

// ProjectEvent configures an event.
type ProjectEvent struct {
	Marker  string            `json:"marker"`
	Trigger string            `json:"trigger"`
	Subject map[string]string `json:"subject,omitempty"`
}

// Subscription is a user's subscription to an event on a product.
type Subscription struct {
	EventMarker string
	ProductID   int64
	Locale      string // the locale the mail is written in
}

// ProductChange is a change to a product that subscribers may be told of,
// recorded in the transaction that made it.
type ProductChange struct {
	ProductID int64  `json:"productId"`
	Currency  string `json:"currency"`
	OldPrice  int64  `json:"oldPriceMinor"`
	NewPrice  int64  `json:"newPriceMinor"`
	// Stock, when the product counts it: before and after. nil: not counted.
	OldStock *int64 `json:"oldStock"`
	NewStock *int64 `json:"newStock"`
}

// Triggers returns the triggers the change fires.
func (c ProductChange) Triggers() []string {
	var ts []string
	if c.NewPrice < c.OldPrice {
		ts = append(ts, TriggerPriceDrop)
	}
	if c.NewStock != nil && *c.NewStock > 0 && (c.OldStock == nil || *c.OldStock <= 0) {
		ts = append(ts, TriggerBackInStock)
	}
	return ts
}

// Outbox topics.
const (
	TopicProductChanged = "product.changed" // payload: ProductChange
	TopicMail           = "mail"            // payload: Message
)

// OutboxMessage is work to be done after a transaction committed: written
// in it, then claimed and done by one instance, retried until done.
type OutboxMessage struct {
	ID       int64
	Topic    string
	Key      string // unique: a message with a key already stored is not added again
	Payload  json.RawMessage
	UserID   int64 // whose personal data the payload holds, deleted with the account; 0: no one's
	Attempts int   // claims so far, this one included
}

// OutboxStore keeps the outbox. Claims are leases decided by the database,
// so several instances share the work without doing any message twice.
type OutboxStore interface {
	// EnqueueOutbox adds messages, skipping those whose key is stored.
	EnqueueOutbox(ctx context.Context, msgs []OutboxMessage) error
	// ClaimOutbox leases up to n messages due now that no live lease holds,
	// for owner until now+lease, counting an attempt on each.
	ClaimOutbox(ctx context.Context, owner string, lease time.Duration, n int) ([]OutboxMessage, error)
	// RenewOutbox extends owner's live lease on a message to now+lease.
	// ErrNotFound when the lease ran out or is another's.
	RenewOutbox(ctx context.Context, id int64, owner string, lease time.Duration) error
	// CompleteOutbox marks owner's claimed message done. ErrNotFound when
	// owner's lease was lost.
	CompleteOutbox(ctx context.Context, id int64, owner string) error
	// RetryOutbox gives owner's claimed message back, due again after
	// delay, or, with dead, never again; cause is kept for the operator.
	RetryOutbox(ctx context.Context, id int64, owner string, delay time.Duration, dead bool, cause string) error
	// PruneOutbox deletes the messages done before before, and reports how many.
	PruneOutbox(ctx context.Context, before time.Time) (int64, error)
	// OutboxCounts counts messages by state: pending, done, dead.
	OutboxCounts(ctx context.Context) (pending, done, dead int64, err error)
}

// EventStore keeps events and subscriptions; ApplyProject writes events.
type EventStore interface {
	// Event returns an event by marker. ErrNotFound.
	Event(ctx context.Context, marker string) (*Event, error)
	// Subscribe subscribes the user (idempotent; the locale is updated).
	Subscribe(ctx context.Context, userID int64, s Subscription) error
	// Unsubscribe removes a subscription (idempotent).
	Unsubscribe(ctx context.Context, userID int64, marker string, productID int64) error
	// Subscriptions lists the user's subscriptions, oldest first, and their total.
	Subscriptions(ctx context.Context, userID int64, page Page) ([]Subscription, int64, error)
	// Subscribers lists, per user, the subscriptions on the product to events
	// with one of the triggers, with the address to write to.
	Subscribers(ctx context.Context, productID int64, triggers []string) ([]Subscriber, error)
}

// Subscriber is a user subscribed to events on a product.
type Subscriber struct {
	UserID int64
	Email  string // the notification email, else the login when it is one
	Locale string
	Events []Event // the events subscribed to that the change fires
}

// EventService serves the Events module of the Content API.
type EventService interface {
	// Subscriptions lists the signed-in user's subscriptions and their total.
	Subscriptions(ctx context.Context, userID int64, page Page) ([]Subscription, int64, error)
	// Subscribe subscribes the user to an event on a visible product.
	// ErrNotFound for an unknown event or product.
	Subscribe(ctx context.Context, userID int64, marker string, productID int64, locale string) error
	// Unsubscribe removes the subscription. ErrNotFound for an unknown event.
	Unsubscribe(ctx context.Context, userID int64, marker string, productID int64) error
}

// validateEvents checks the file's events: markers well formed and unique,
// triggers known, subjects single-line.
func (p *Project) validateEvents() []error {
	var errs []error
	seen := map[string]bool{}
	for _, e := range p.Events {
		if !ValidMarker(e.Marker) || seen[e.Marker] {
			errs = append(errs, fmt.Errorf("event %q: marker must be 1–64 letters, digits, _ or -, and not repeated", e.Marker))
		}
		seen[e.Marker] = true
		if e.Trigger != TriggerPriceDrop && e.Trigger != TriggerBackInStock {
			errs = append(errs, fmt.Errorf("event %q: trigger must be %s or %s", e.Marker, TriggerPriceDrop, TriggerBackInStock))
		}
		for lang, s := range e.Subject {
			if strings.ContainsAny(s, "\r\n") || strings.TrimSpace(s) == "" {
				errs = append(errs, fmt.Errorf("event %q: subject %s must be one non-empty line", e.Marker, lang))
			}
		}
	}
	return errs
}
