package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/demo"
	"github.com/openentry/openentry/internal/mail"
	"github.com/openentry/openentry/internal/mail/mailtest"
	"github.com/openentry/openentry/internal/shop"
)

const eventsPath = "/api/content/events"

func subscribe(a *api, bearer, marker string, product int64, locale string) response {
	return a.do("POST", eventsPath+"/subscribe/marker/"+marker, bearer, map[string]any{"productId": product, "locale": locale})
}

// eventShop is the demo shop serving product event mails over real SMTP,
// with a clock the test moves.
type eventShop struct {
	*apptest.Server
	smtp   *mailtest.Server
	offset atomic.Int64
}

func startEventShop(t *testing.T) *eventShop {
	t.Helper()
	s := &eventShop{smtp: mailtest.Start(t)}
	mailer, err := mail.NewSMTP(s.smtp.URL(), "Shop <shop@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	s.Server = apptest.Start(t, apptest.WithDemoShop(), apptest.WithMailer(mailer),
		apptest.WithClock(func() time.Time { return time.Now().Add(time.Duration(s.offset.Load())) }),
		apptest.WithConfig(func(c *app.Config) {
			c.Outbox = shop.OutboxConfig{Backoff: 30 * time.Second, MaxAttempts: 2}
		}))
	return s
}

// apply applies the demo shop changed by change through another instance
// over the same database, as an operator's next start would.
func (s *eventShop) apply(t *testing.T, change func(p *openentry.Project)) {
	t.Helper()
	base, err := demo.Project()
	if err != nil {
		t.Fatal(err)
	}
	changed, err := demo.Shop()
	if err != nil {
		t.Fatal(err)
	}
	change(changed)
	a, err := apptest.Open(s.DSN, base, changed)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
}

// dispatch runs the first instance's outbox and returns what it completed.
func (s *eventShop) dispatch(t *testing.T) int {
	t.Helper()
	n, err := s.App.DispatchOutbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func product(p *openentry.Project, id int64) *openentry.ProjectProduct {
	for i := range p.Products {
		if p.Products[i].ID == id {
			return &p.Products[i]
		}
	}
	panic(fmt.Sprintf("no product %d", id))
}

func setPrice(p *openentry.Project, id int64, price string) {
	product(p, id).Price = json.Number(price)
}

func setUnits(p *openentry.Project, id int64, units int) {
	values := product(p, id).AttributeValues
	for lang := range values {
		values[lang]["units_product"] = []byte(fmt.Sprint(units))
	}
}

func mailsTo(s *eventShop, to string) []mailtest.Delivered {
	var got []mailtest.Delivered
	for _, m := range s.smtp.Messages() {
		if strings.EqualFold(m.To[0], to) {
			got = append(got, m)
		}
	}
	return got
}

func TestEventSubscriptions(t *testing.T) {
	t.Parallel()
	s := startEventShop(t)
	a := newAPI(t, s.Server)
	alice := a.signUpAndLogin("alice@example.com").Access
	bob := a.signUpAndLogin("bob@example.com").Access

	checkError(t, a.do("GET", eventsPath+"/subscriptions", "", nil), 401, "")
	checkError(t, subscribe(a, "", "product_price", 100, "en_US"), 401, "")
	checkError(t, subscribe(a, alice, "no_such_event", 100, "en_US"), 404, `Event "no_such_event" not found`)
	checkError(t, subscribe(a, alice, "product_price", 999999, "en_US"), 404, "Product 999999 not found")
	checkError(t, a.do("POST", eventsPath+"/subscribe/marker/product_price", alice, map[string]any{"locale": "en_US"}), 400, "productId is required")
	checkError(t, a.do("POST", eventsPath+"/subscribe/marker/product_price", alice, map[string]any{"productId": "x"}), 400, "")
	checkError(t, subscribe(a, alice, "product_price", 100, "not a locale"), 400, "")

	for _, sub := range []struct {
		marker  string
		product int64
	}{{"product_price", 100}, {"status_out_of_stock", 105}, {"product_price", 100}, {"product_price", 101}} {
		r := subscribe(a, alice, sub.marker, sub.product, "en_US")
		if r.status != 201 {
			t.Fatalf("subscribe %v: %d %s", sub, r.status, r.raw)
		}
		isTrue(t, r)
	}
	got := a.expect("GET", eventsPath+"/subscriptions?offset=0&limit=30", alice, nil, 200).json(t)
	if got["total"] != float64(3) || len(got["items"].([]any)) != 3 {
		t.Fatalf("alice's subscriptions: %v", got)
	}
	if first := got["items"].([]any)[0].(map[string]any); first["eventMarker"] != "product_price" || first["productId"] != float64(100) {
		t.Errorf("first subscription: %v", first)
	}
	if page := a.expect("GET", eventsPath+"/subscriptions?offset=2&limit=1", alice, nil, 200).json(t); page["total"] != float64(3) || len(page["items"].([]any)) != 1 {
		t.Errorf("page 2 of 1: %v", page)
	}
	// Another user sees only their own.
	if got := a.expect("GET", eventsPath+"/subscriptions", bob, nil, 200).json(t); got["total"] != float64(0) {
		t.Errorf("bob's subscriptions: %v", got)
	}
	unsub := func(bearer, marker string, product int64) response {
		return a.do("DELETE", eventsPath+"/unsubscribe/marker/"+marker, bearer, map[string]any{"productId": product, "locale": "en_US"})
	}
	isTrue(t, a.expect("DELETE", eventsPath+"/unsubscribe/marker/product_price", bob, map[string]any{"productId": 101}, 200)) // not subscribed: nothing to do
	if got := a.expect("GET", eventsPath+"/subscriptions", alice, nil, 200).json(t); got["total"] != float64(3) {
		t.Errorf("bob's unsubscribe touched alice's: %v", got)
	}
	isTrue(t, a.expect("DELETE", eventsPath+"/unsubscribe/marker/product_price", alice, map[string]any{"productId": 101, "locale": "en_US"}, 200))
	checkError(t, unsub(alice, "no_such_event", 100), 404, `Event "no_such_event" not found`)
	if got := a.expect("GET", eventsPath+"/subscriptions", alice, nil, 200).json(t); got["total"] != float64(2) {
		t.Errorf("after unsubscribing: %v", got)
	}

	// Deleting the account deletes the subscriptions.
	a.expect("DELETE", "/api/content/users/me/account", alice, nil, 200)
	if n := count(t, s.Server, "event_subscriptions"); n != 0 {
		t.Errorf("subscriptions left after the account went: %d", n)
	}
}

func TestProductEventMails(t *testing.T) {
	t.Parallel()
	s := startEventShop(t)
	a := newAPI(t, s.Server)
	alice := a.signUpAndLogin("alice@example.com").Access
	bob := a.signUpAndLogin("bob@example.com").Access
	carol := a.signUpAndLogin("carol@example.com").Access
	dave := a.signUpAndLogin("dave@example.com").Access
	for _, sub := range []struct {
		bearer, marker string
		product        int64
		locale         string
	}{
		{alice, "product_price", 100, "en_US"}, {alice, "status_out_of_stock", 100, "en_US"}, {alice, "status_out_of_stock", 105, "en_US"},
		{bob, "product_price", 100, "en_US"}, {bob, "product_price_change", 100, "en_US"}, // two events, one trigger: one mail
		{carol, "status_out_of_stock", 105, "fr_FR"},
		{dave, "product_price", 101, "en_US"}, {dave, "status_out_of_stock", 100, "en_US"}, // 101 unchanged, 100 always in stock
	} {
		if r := subscribe(a, sub.bearer, sub.marker, sub.product, sub.locale); r.status != 201 {
			t.Fatalf("subscribe: %d %s", r.status, r.raw)
		}
	}

	// 100 gets cheaper, 105 comes back in stock, 102 gets dearer.
	s.apply(t, func(p *openentry.Project) {
		setPrice(p, 100, "89.99")
		setPrice(p, 102, "39.99")
		setUnits(p, 105, 3)
	})
	if n := s.dispatch(t); n != 2+4 { // two changes, then four mails
		t.Errorf("dispatched %d messages, want 6", n)
	}
	if got := len(s.smtp.Messages()); got != 4 {
		t.Fatalf("mails sent: %d, want 4", got)
	}
	want := map[string][]string{
		"alice@example.com": {"Oak chair now costs 89.99 USD", "Coffee table is back in stock"},
		"bob@example.com":   {"Oak chair now costs 89.99 USD"},
		"carol@example.com": {"Table basse est de nouveau disponible"},
		"dave@example.com":  nil,
	}
	for to, subjects := range want {
		mails := mailsTo(s, to)
		if len(mails) != len(subjects) {
			t.Errorf("%s got %d mails, want %d", to, len(mails), len(subjects))
			continue
		}
		for _, subject := range subjects {
			found := false
			for _, m := range mails {
				found = found || m.Subject == subject
			}
			if !found {
				t.Errorf("%s: no mail %q among %v", to, subject, mails)
			}
		}
	}
	if m := mailsTo(s, "bob@example.com"); len(m) == 1 && (!strings.Contains(m[0].Text, "fell from 99.99 to 89.99 USD") || m[0].Header.Get("Message-Id") == "") {
		t.Errorf("bob's mail: %q, Message-ID %q", m[0].Text, m[0].Header.Get("Message-Id"))
	}

	// The same file again changes nothing and sends nothing.
	s.apply(t, func(p *openentry.Project) {
		setPrice(p, 100, "89.99")
		setPrice(p, 102, "39.99")
		setUnits(p, 105, 3)
	})
	if n := s.dispatch(t); n != 0 || len(s.smtp.Messages()) != 4 {
		t.Errorf("re-applying: dispatched %d, mails %d", n, len(s.smtp.Messages()))
	}

	// The mail server refuses: the mail waits out its backoff, then goes.
	s.smtp.Fail(true)
	s.apply(t, func(p *openentry.Project) { setPrice(p, 100, "79.99"); setUnits(p, 105, 3) })
	s.dispatch(t)
	s.smtp.Fail(false)
	if n := s.dispatch(t); n != 0 {
		t.Errorf("dispatched %d within the backoff", n)
	}
	s.offset.Add(int64(31 * time.Second))
	if n := s.dispatch(t); n != 2 {
		t.Errorf("after the backoff: dispatched %d, want alice's and bob's mails", n)
	}
	if got := len(s.smtp.Messages()); got != 6 {
		t.Errorf("mails sent: %d, want 6", got)
	}

	// Refused on every attempt: dead after MaxAttempts, kept for the operator.
	s.smtp.Fail(true)
	s.apply(t, func(p *openentry.Project) { setPrice(p, 100, "69.99"); setUnits(p, 105, 3) })
	s.dispatch(t)
	s.offset.Add(int64(31 * time.Second))
	s.dispatch(t)
	s.offset.Add(int64(time.Hour))
	s.dispatch(t)
	s.smtp.Fail(false)
	var pending, dead int64
	s.QueryRow(t, "SELECT COUNT(CASE WHEN done_ms IS NULL AND dead = FALSE THEN 1 END), COUNT(CASE WHEN dead THEN 1 END) FROM outbox").Scan(t, &pending, &dead)
	if pending != 0 || dead != 2 || len(s.smtp.Messages()) != 6 {
		t.Errorf("pending %d, dead %d, mails %d; want 0, 2 (alice's and bob's), 6", pending, dead, len(s.smtp.Messages()))
	}

	// A deleted account's mail, sent or not, goes with it.
	bobID, aliceID := userID(t, s.Server, "bob@example.com"), userID(t, s.Server, "alice@example.com")
	a.expect("DELETE", "/api/content/users/me/account", bob, nil, 200)
	if n := count(t, s.Server, fmt.Sprintf("outbox WHERE user_id = %d", bobID)); n != 0 {
		t.Errorf("bob's outbox rows after the account went: %d", n)
	}
	if n := count(t, s.Server, fmt.Sprintf("outbox WHERE user_id = %d", aliceID)); n != 4 {
		t.Errorf("alice's outbox rows: %d, want 4", n)
	}

	// Done work is kept a week, dead work until the operator deletes it.
	if n, err := s.App.PruneOutbox(context.Background()); n != 0 || err != nil {
		t.Errorf("pruned %d (%v) of this week's work", n, err)
	}
	s.offset.Add(int64(8 * 24 * time.Hour))
	// Five changes (102 fell back to 29.99 in the third file, unwatched) and the four mails left: alice's three, carol's one.
	if n, err := s.App.PruneOutbox(context.Background()); n != 5+4 || err != nil {
		t.Errorf("pruned %d (%v) a week on, want 5 changes and 4 mails", n, err)
	}
	if n := count(t, s.Server, "outbox"); n != 1 {
		t.Errorf("outbox rows left: %d, want alice's dead mail", n)
	}

	_ = carol
}

// TestBackInStockAfterCancel: units a canceled order gives back to a sold
// out product tell its subscribers, as the project file's stock does.
func TestBackInStockAfterCancel(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	mailer, err := mail.NewSMTP(smtp.URL(), "Shop <shop@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	p := stockProject()
	p.Events = []openentry.ProjectEvent{{Marker: "back", Trigger: openentry.TriggerBackInStock}}
	srv := apptest.Start(t, apptest.WithProject(p), apptest.WithMailer(mailer))
	a := newAPI(t, srv)
	tk := a.loginDemo()
	order := id(t, a.createOrder(tk.Access, [2]int64{500, 10}))
	if r := subscribe(a, tk.Access, "back", 500, "en_US"); r.status != 201 {
		t.Fatalf("subscribe: %d %s", r.status, r.raw)
	}
	if n, err := srv.App.DispatchOutbox(context.Background()); n != 0 || err != nil {
		t.Fatalf("before the cancel: dispatched %d (%v)", n, err)
	}
	a.expect("PUT", orderPath(order), tk.Access, map[string]any{"statusIdentifier": "canceled"}, 200)
	if n, err := srv.App.DispatchOutbox(context.Background()); n != 2 || err != nil {
		t.Errorf("after the cancel: dispatched %d (%v), want the change and its mail", n, err)
	}
	m := smtp.WaitFor(t, "your-user@email.com", 5*time.Second)
	if m.Subject != "News about Last ones" || !strings.Contains(m.Text, "Last ones is back in stock.") {
		t.Errorf("mail: %q %q", m.Subject, m.Text)
	}
}
