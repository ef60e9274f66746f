package shop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/openentry/openentry"
)

// OutboxHandler does one outbox message's work. An error wrapping
// errPermanent buries the message at once; any other is retried.
type OutboxHandler func(ctx context.Context, m openentry.OutboxMessage) error

// errPermanent marks a failure that retrying cannot mend.
var errPermanent = errors.New("permanent failure")

// Outbox settings; zero values take the defaults.
type OutboxConfig struct {
	Lease       time.Duration // how long a claim holds; 0: 1 min. Handlers must finish well within it.
	Backoff     time.Duration // the first retry's delay, doubled after each failure; 0: 30 s
	MaxBackoff  time.Duration // 0: 1 h
	MaxAttempts int           // then the message is dead; 0: 10
	Batch       int           // messages claimed at once; 0: 20
	KeepDone    time.Duration // how long done messages are kept; 0: 7 days
}

// Outbox does the work transactions left in the outbox. Every instance
// runs one; the store's leases make each message one instance's.
type Outbox struct {
	store    openentry.OutboxStore
	handlers map[string]OutboxHandler
	cfg      OutboxConfig
	owner    string // this instance, for its leases
	logger   *slog.Logger
}

// NewOutbox returns a dispatcher of the topics in handlers.
func NewOutbox(store openentry.OutboxStore, handlers map[string]OutboxHandler, cfg OutboxConfig, logger *slog.Logger) *Outbox {
	if cfg.Lease <= 0 {
		cfg.Lease = time.Minute
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Hour
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 10
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 20
	}
	if cfg.KeepDone <= 0 {
		cfg.KeepDone = 7 * 24 * time.Hour
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Outbox{store: store, handlers: handlers, cfg: cfg, owner: hex.EncodeToString(b[:]), logger: logger}
}

// Owner names this instance in the leases it takes.
func (o *Outbox) Owner() string { return o.owner }

// Dispatch claims and handles due messages until none is left, and
// reports how many it did.
func (o *Outbox) Dispatch(ctx context.Context) (done int, err error) {
	for {
		msgs, err := o.store.ClaimOutbox(ctx, o.owner, o.cfg.Lease, o.cfg.Batch)
		if err != nil || len(msgs) == 0 {
			return done, err
		}
		for _, m := range msgs {
			if o.handle(ctx, m) {
				done++
			}
			if ctx.Err() != nil {
				return done, ctx.Err()
			}
		}
	}
}

// Prune deletes the messages done longer ago than KeepDone: mails hold
// addresses, and done work needs no keeping.
func (o *Outbox) Prune(ctx context.Context, now time.Time) (int64, error) {
	return o.store.PruneOutbox(ctx, now.Add(-o.cfg.KeepDone))
}

// handle runs m's handler within its lease and settles m.
func (o *Outbox) handle(ctx context.Context, m openentry.OutboxMessage) bool {
	// A batch is claimed at once but handled in turn: each message gets a
	// fresh lease before its turn, or is left to whoever took it over.
	if err := o.store.RenewOutbox(ctx, m.ID, o.owner, o.cfg.Lease); err != nil {
		if !errors.Is(err, openentry.ErrNotFound) {
			o.logger.Error("outbox: renew lease", "id", m.ID, "key", m.Key, "err", err)
		}
		return false
	}
	handler, ok := o.handlers[m.Topic]
	var err error
	if !ok {
		err = fmt.Errorf("%w: no handler for topic %q", errPermanent, m.Topic)
	} else {
		hctx, cancel := context.WithTimeout(ctx, o.cfg.Lease/2)
		err = handler(hctx, m)
		cancel()
	}
	settle := context.WithoutCancel(ctx)
	if err == nil {
		if err := o.store.CompleteOutbox(settle, m.ID, o.owner); err != nil {
			o.logger.Error("outbox: mark done", "id", m.ID, "key", m.Key, "err", err)
			return false
		}
		return true
	}
	dead := errors.Is(err, errPermanent) || m.Attempts >= o.cfg.MaxAttempts
	delay := o.backoff(m.Attempts)
	if rerr := o.store.RetryOutbox(settle, m.ID, o.owner, delay, dead, err.Error()); rerr != nil {
		o.logger.Error("outbox: give back", "id", m.ID, "key", m.Key, "err", rerr)
	}
	if dead {
		o.logger.Error("outbox: message dead", "id", m.ID, "key", m.Key, "attempts", m.Attempts, "err", err)
	} else {
		o.logger.Warn("outbox: will retry", "id", m.ID, "key", m.Key, "attempts", m.Attempts, "in", delay, "err", err)
	}
	return false
}

// backoff is the delay after the attempt-th failure: Backoff doubled per
// failure, capped, so a mail server that is down is not hammered.
func (o *Outbox) backoff(attempt int) time.Duration {
	d := o.cfg.Backoff
	for i := 1; i < attempt && d < o.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.cfg.MaxBackoff)
}
