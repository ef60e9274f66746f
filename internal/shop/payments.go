package shop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openentry/openentry"
)

// Payments opens and reads payment sessions, applies provider events and
// the shop's settlements. Sessions are visible only to the owner of their
// order.
type Payments struct {
	store     openentry.Store
	providers Providers
	now       func() time.Time
}

var _ openentry.PaymentService = (*Payments)(nil)

// NewPayments returns the payment use cases over store, paying through
// providers. now is the clock sessions expire by.
func NewPayments(store openentry.Store, providers Providers, now func() time.Time) *Payments {
	return &Payments{store: store, providers: providers, now: now}
}

// staleCreating is how long a creating row may live before it is taken for
// the leftover of a crashed process and removed.
const staleCreating = 2 * time.Minute

// creatingWait bounds how long a request waits for another one's provider
// call on the same order.
const creatingWait = 30 * time.Second

// Accounts lists visible payment accounts.
func (p *Payments) Accounts(ctx context.Context) ([]openentry.PaymentAccount, error) {
	return p.store.Accounts(ctx)
}

// Account returns a visible account by id.
func (p *Payments) Account(ctx context.Context, id int64) (*openentry.PaymentAccount, error) {
	return p.store.Account(ctx, id)
}

// CreateSession opens a session for one of userID's orders, or returns the
// order's open one. For a provider that is called, the row is written as
// creating, the provider is called outside any transaction, and the row
// becomes waiting only with the provider's reference; if the provider fails,
// the row is removed and the client gets a 502.
func (p *Payments) CreateSession(ctx context.Context, userID, orderID int64, typ string) (*openentry.PaymentSession, error) {
	if typ != openentry.SessionTypeSession && typ != openentry.SessionTypeIntent {
		return nil, openentry.Invalid(fmt.Sprintf("type must be %q or %q", openentry.SessionTypeSession, openentry.SessionTypeIntent))
	}
	order, err := p.store.PaymentOrder(ctx, userID, orderID)
	if err != nil {
		return nil, err
	}
	if order.Completed {
		return nil, &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("Order %d is already paid", orderID)}
	}
	provider, err := p.providers.get(order.Account.Type)
	if err != nil {
		return nil, err
	}
	now := p.now()
	in := openentry.NewPaymentSession{OrderID: orderID, UserID: userID, AccountID: order.AccountID, Type: typ,
		Status: openentry.SessionWaiting, StaleAfter: staleCreating}
	if !provider.ShopSettles() {
		in.Status = openentry.SessionCreating
	}
	if typ == openentry.SessionTypeIntent {
		// An intent is paid in the page, so the client needs the amount.
		in.Amount = &order.Total
	}
	if order.SessionTimeout > 0 {
		in.ExpiresAt = now.Add(order.SessionTimeout)
	}
	// A racing request may hold the order's open session; wait for it to
	// settle, then answer with it (or try again if it failed).
	deadline := time.NewTimer(creatingWait)
	defer deadline.Stop()
	for {
		ps, created, err := p.store.OpenPaymentSession(ctx, in)
		if err != nil {
			return nil, err
		}
		if ps.Status != openentry.SessionCreating {
			return ps, nil
		}
		if created { // ours to complete
			return p.checkout(ctx, provider, ps, order)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			return nil, &openentry.Error{Code: openentry.ErrUpstream, Message: "The payment provider is slow: try again"}
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// checkout asks the provider for a hosted page or an intent, then makes the
// creating row a waiting one with the provider's reference.
func (p *Payments) checkout(ctx context.Context, provider openentry.PaymentProvider, ps *openentry.PaymentSession, order *openentry.PaymentOrder) (*openentry.PaymentSession, error) {
	fail := func(cause error) (*openentry.PaymentSession, error) {
		// Nothing half-made stays: the row goes, the client may try again.
		_ = p.store.DropPaymentSession(context.WithoutCancel(ctx), ps.ID)
		return nil, providerError(cause, "The payment provider could not be reached: try again")
	}
	lines, err := p.checkoutLines(ctx, order.OrderID)
	if err != nil {
		return fail(err)
	}
	var expires time.Time
	if order.SessionTimeout > 0 {
		expires = ps.CreatedAt.Add(order.SessionTimeout)
	}
	got, err := provider.Checkout(ctx, order.Account, openentry.CheckoutRequest{
		Type: ps.Type, SessionID: ps.ID, OrderID: order.OrderID, Lines: lines, Total: order.Total, ExpiresAt: expires,
	})
	if err != nil {
		return fail(err)
	}
	out, err := p.store.ConfirmPaymentSession(context.WithoutCancel(ctx), ps.ID, *got)
	if err != nil {
		return fail(err)
	}
	return out, nil
}

// providerError is the client's answer to a failed provider call: a
// refusal (a wrong key, a setting the provider does not take) is the shop's
// configuration to fix, and is logged as such; anything else may pass.
func providerError(cause error, otherwise string) error {
	if errors.Is(cause, openentry.ErrProviderRefused) {
		return &openentry.Error{Code: openentry.ErrUpstream,
			Message: "The payment provider refused the request: the shop's payment settings need attention",
			Cause:   fmt.Errorf("payment provider configuration error: %w", cause)}
	}
	return &openentry.Error{Code: openentry.ErrUpstream, Message: otherwise, Cause: cause}
}

// checkoutLines names an order's lines for the provider's page.
func (p *Payments) checkoutLines(ctx context.Context, orderID int64) ([]openentry.CheckoutLine, error) {
	lines, err := p.store.OrderLines(ctx, orderID)
	if err != nil {
		return nil, err
	}
	out := make([]openentry.CheckoutLine, len(lines))
	for i, l := range lines {
		var title struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(l.LocalizeInfos.Resolve(openentry.DefaultLocale), &title)
		if title.Title == "" {
			title.Title = fmt.Sprintf("Product %d", l.ProductID)
		}
		out[i] = openentry.CheckoutLine{Name: title.Title, UnitPrice: l.UnitPrice, Quantity: l.Quantity}
	}
	return out, nil
}

// Session returns one of userID's sessions.
func (p *Payments) Session(ctx context.Context, userID, id int64) (*openentry.PaymentSession, error) {
	return p.store.Session(ctx, userID, id)
}

// SessionByOrder returns the newest session of one of userID's orders.
func (p *Payments) SessionByOrder(ctx context.Context, userID, orderID int64) (*openentry.PaymentSession, error) {
	return p.store.SessionByOrder(ctx, userID, orderID)
}

// Sessions returns a page of userID's sessions, newest first.
func (p *Payments) Sessions(ctx context.Context, userID int64, page openentry.Page) ([]openentry.PaymentSession, int64, error) {
	return p.store.Sessions(ctx, userID, page)
}

// ExpireSessions expires sessions that waited past their timeout and clears
// creating rows a crashed process left behind.
func (p *Payments) ExpireSessions(ctx context.Context) (int64, error) {
	return p.store.ExpireSessions(ctx, staleCreating)
}

// SettleSession marks a waiting session of a shop-settled account (cash)
// completed or canceled: the shop's word, by the same rules as provider
// events, journaled as by's "payment.settle". The admin API and the
// operator CLI both call it.
func (p *Payments) SettleSession(ctx context.Context, by openentry.Actor, sessionID int64, status string) error {
	if err := by.Can(openentry.PermOrders); err != nil {
		return err
	}
	if status != openentry.SessionCompleted && status != openentry.SessionCanceled {
		return openentry.Invalid("a session can be settled as completed or canceled")
	}
	typ, current, err := p.store.SessionAccountType(ctx, sessionID)
	if err != nil {
		return err
	}
	provider, err := p.providers.get(typ)
	if err != nil {
		return err
	}
	if !provider.ShopSettles() {
		return openentry.Invalid(fmt.Sprintf("session %d belongs to a %s account: its provider settles it", sessionID, typ))
	}
	outcome, err := p.store.SettleSession(ctx, sessionID, status, openentry.Audit{Actor: by, Action: "payment.settle"})
	if err != nil {
		return err
	}
	if outcome != openentry.OutcomeApplied {
		return &openentry.Error{Code: openentry.ErrConflict, Message: fmt.Sprintf("session %d is %s, not waiting", sessionID, current)}
	}
	return nil
}
