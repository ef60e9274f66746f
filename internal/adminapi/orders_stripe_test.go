package adminapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
)

const webhookSecret = "whsec_openentry_admin_test"

// paidByStripe tells the server, as Stripe would, that session was paid.
func paidByStripe(t *testing.T, srv *apptest.Server, session int64) {
	t.Helper()
	payload, err := json.Marshal(map[string]any{
		"id": fmt.Sprintf("evt_paid_%d", session), "object": "event", "api_version": stripe.APIVersion,
		"type": "checkout.session.completed", "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{
			"id": fmt.Sprintf("cs_test_%d", session), "object": "checkout.session", "payment_status": "paid",
			"client_reference_id": fmt.Sprint(session), "payment_intent": fmt.Sprintf("pi_test_%d", session),
			"metadata": map[string]string{"payment_session_id": fmt.Sprint(session)},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: webhookSecret, Timestamp: time.Now()})
	req, _ := http.NewRequest("POST", srv.BaseURL+"/api/content/payments/webhook/stripe", bytes.NewReader(signed.Payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: got %d", resp.StatusCode)
	}
}

// TestAdminStripeOrders: a Stripe session is the provider's to settle; an
// approved refund of a Stripe order goes to Stripe; a cancel expires the
// order's open checkout there first.
func TestAdminStripeOrders(t *testing.T) {
	t.Parallel()
	mock := stripemock.Start(t)
	srv, owner, _ := start(t, apptest.WithDemoShop(),
		apptest.WithStripe(app.StripeConfig{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, APIURL: mock.URL()}))
	s := demoShopper(t, srv)

	paid := s.orderWith("stripe", "Christina Thomas", [2]int64{102, 2})
	session := s.session(paid)
	owner.Expect(t, "POST", fmt.Sprintf("/api/admin/payments/sessions/%d/settle", session), map[string]string{"status": "completed"}, http.StatusBadRequest, nil)
	paidByStripe(t, srv, session)
	if o := getOrder(t, owner, paid); o.PaymentStatus != "paid" {
		t.Fatalf("after Stripe's event: got %+v", o)
	}
	s.refund(paid, 102, 1)
	var waiting struct{ Items []struct{ ID int64 } }
	owner.Expect(t, "GET", "/api/admin/refunds?status=waiting", nil, http.StatusOK, &waiting)
	var got struct{ Status, Amount string }
	owner.Expect(t, "POST", fmt.Sprintf("/api/admin/refunds/%d/approve", waiting.Items[0].ID), nil, http.StatusOK, &got)
	if got.Status != "approved" || got.Amount != "29.99" {
		t.Errorf("approved at Stripe: got %+v, want approved 29.99 until Stripe reports the refund", got)
	}
	if e := lastJournal(t, owner, paid, "refund.approve"); e.ActorKind != "staff" || e.After["refund"].(map[string]any)["status"] != "approved" {
		t.Errorf("journal: got %+v", e)
	}

	units := stock(t, srv, 102)
	open := s.orderWith("stripe", "Pat", [2]int64{102, 1})
	openSession := s.session(open)
	owner.Expect(t, "POST", fmt.Sprintf("/api/admin/orders/%d/cancel", open), map[string]any{"version": getOrder(t, owner, open).Version}, http.StatusOK, nil)
	o := getOrder(t, owner, open)
	if !o.IsCanceled || o.Sessions[0].ID != openSession || o.Sessions[0].Status != "canceled" {
		t.Errorf("canceled with its checkout: got %+v", o)
	}
	if n := stock(t, srv, 102); n != units {
		t.Errorf("stock after the cancel: got %d, want %d", n, units)
	}
}
