package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// Event returns an event by marker.
func (d *DB) Event(ctx context.Context, marker string) (*openentry.Event, error) {
	e := openentry.Event{Marker: marker}
	var subject string
	err := d.QueryRowContext(ctx, `SELECT trigger_kind, subject FROM events WHERE marker = ?`, marker).Scan(&e.Trigger, &subject)
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("Event %q not found", marker))
	}
	return &e, fromJSON(subject, &e.Subject)
}

// Subscribe stores a subscription; the product must be visible.
func (d *DB) Subscribe(ctx context.Context, userID int64, s openentry.Subscription) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := exists(ctx, tx, `SELECT 1 FROM products WHERE id = ? AND is_visible = ?`, s.ProductID, true); err != nil {
		return notFound(err, fmt.Sprintf("Product %d not found", s.ProductID))
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO event_subscriptions (user_id, event_marker, product_id, locale, created_ms) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, event_marker, product_id) DO UPDATE SET locale = excluded.locale`,
		userID, s.EventMarker, s.ProductID, s.Locale, tx.nowMS)
	if err != nil {
		return err
	}
	return tx.Commit()
}

// Unsubscribe deletes a subscription, if there is one.
func (d *DB) Unsubscribe(ctx context.Context, userID int64, marker string, productID int64) error {
	_, err := d.ExecContext(ctx, `DELETE FROM event_subscriptions WHERE user_id = ? AND event_marker = ? AND product_id = ?`, userID, marker, productID)
	return err
}

// Subscriptions lists the user's subscriptions, oldest first.
func (d *DB) Subscriptions(ctx context.Context, userID int64, page openentry.Page) ([]openentry.Subscription, int64, error) {
	page = clampPage(page)
	var total int64
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_subscriptions WHERE user_id = ?`, userID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := d.QueryContext(ctx, `SELECT event_marker, product_id, locale FROM event_subscriptions WHERE user_id = ?
		ORDER BY created_ms, event_marker, product_id LIMIT ? OFFSET ?`, userID, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	subs := []openentry.Subscription{}
	for rows.Next() {
		var s openentry.Subscription
		if err := rows.Scan(&s.EventMarker, &s.ProductID, &s.Locale); err != nil {
			return nil, 0, err
		}
		subs = append(subs, s)
	}
	return subs, total, rows.Err()
}

// Subscribers lists the active users subscribed on the product to events
// with one of the triggers, by user id.
func (d *DB) Subscribers(ctx context.Context, productID int64, triggers []string) ([]openentry.Subscriber, error) {
	if len(triggers) == 0 {
		return nil, nil
	}
	args := []any{productID, true}
	for _, t := range triggers {
		args = append(args, t)
	}
	rows, err := d.QueryContext(ctx, `
		SELECT u.id, u.notification_email, u.identifier, s.locale, e.marker, e.trigger_kind, e.subject
		FROM event_subscriptions s JOIN events e ON e.marker = s.event_marker JOIN users u ON u.id = s.user_id
		WHERE s.product_id = ? AND u.is_active = ? AND u.deleted_ms IS NULL AND e.trigger_kind IN (?`+strings.Repeat(", ?", len(triggers)-1)+`)
		ORDER BY u.id, e.position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var subs []openentry.Subscriber
	for rows.Next() {
		var userID int64
		var notify, login, locale, subject string
		var e openentry.Event
		if err := rows.Scan(&userID, &notify, &login, &locale, &e.Marker, &e.Trigger, &subject); err != nil {
			return nil, err
		}
		if err := fromJSON(subject, &e.Subject); err != nil {
			return nil, err
		}
		if n := len(subs); n == 0 || subs[n-1].UserID != userID {
			email := notify
			if email == "" && strings.Contains(login, "@") {
				email = login
			}
			subs = append(subs, openentry.Subscriber{UserID: userID, Email: email, Locale: locale})
		}
		subs[len(subs)-1].Events = append(subs[len(subs)-1].Events, e)
	}
	return subs, rows.Err()
}

// applyEvents upserts the file's events.
func applyEvents(ctx context.Context, tx *tx, events []openentry.ProjectEvent) error {
	for i, e := range events {
		subject := e.Subject
		if subject == nil {
			subject = map[string]string{}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO events (marker, trigger_kind, subject, position) VALUES (?, ?, ?, ?)
			ON CONFLICT (marker) DO UPDATE SET trigger_kind = excluded.trigger_kind, subject = excluded.subject, position = excluded.position`,
			e.Marker, e.Trigger, mustJSON(subject), i+1)
		if err != nil {
			return fmt.Errorf("event %q: %w", e.Marker, err)
		}
	}
	return nil
}

// productState is what a product change is measured on.
type productState struct {
	price    int64
	currency string
	stock    sql.NullInt64
}

// recordProductChange adds the change to the outbox in the transaction
// that made it, when it may fire a trigger: subscribers are found and
// told after the commit.
func recordProductChange(ctx context.Context, tx *tx, id int64, before, after productState) error {
	c := openentry.ProductChange{ProductID: id, Currency: after.currency, OldPrice: before.price, NewPrice: after.price}
	if before.currency != after.currency {
		c.OldPrice = c.NewPrice // prices in two currencies do not compare
	}
	if before.stock.Valid {
		c.OldStock = &before.stock.Int64
	}
	if after.stock.Valid {
		c.NewStock = &after.stock.Int64
	}
	if len(c.Triggers()) == 0 {
		return nil
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	return enqueue(ctx, tx, []openentry.OutboxMessage{{
		Topic:   openentry.TopicProductChanged,
		Key:     fmt.Sprintf("product.changed:%d:%d:%s", id, tx.nowMS, hex.EncodeToString(nonce[:])),
		Payload: payload,
	}})
}
