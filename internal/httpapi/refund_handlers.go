package httpapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/metrics"
)

type wireRefundStorage struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"`
}

type wireRefundUser struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"`
}

type wireRefundProduct struct {
	Quantity int64 `json:"quantity"`
}

type wireRefund struct {
	ID             int64                        `json:"id"`
	CreatedDate    openentry.Time               `json:"createdDate"`
	Status         string                       `json:"status"`
	Amount         json.Number                  `json:"amount"`
	Note           string                       `json:"note"`
	Products       map[string]wireRefundProduct `json:"products"`
	OrderID        int64                        `json:"orderId"`
	OrderStorageID int64                        `json:"orderStorageId"`
	UserID         int64                        `json:"userId"`
	OrderStorage   wireRefundStorage            `json:"orderStorage"`
	User           wireRefundUser               `json:"user"`
}

// handleGetRefunds serves GET /orders/{id}/refund (JS: Orders.getRefunds).
func handleGetRefunds(logger *slog.Logger, refunds openentry.RefundService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) ([]wireRefund, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		all, err := refunds.Refunds(r.Context(), p.UserID, id)
		if err != nil {
			return nil, err
		}
		out := make([]wireRefund, len(all))
		for i, rf := range all {
			products := make(map[string]wireRefundProduct, len(rf.Products))
			for pid, qty := range rf.Products {
				products[strconv.FormatInt(pid, 10)] = wireRefundProduct{Quantity: qty}
			}
			out[i] = wireRefund{
				ID: rf.ID, CreatedDate: openentry.Time(rf.CreatedAt), Status: rf.Status, Amount: json.Number(rf.Amount.Number()),
				Note: rf.Note, Products: products, OrderID: rf.OrderID, OrderStorageID: rf.StorageID, UserID: rf.UserID,
				OrderStorage: wireRefundStorage{ID: rf.StorageID, Identifier: rf.StorageMarker},
				User:         wireRefundUser{ID: rf.UserID, Identifier: rf.UserLogin},
			}
		}
		return out, nil
	})
}

// handleCreateRefund serves POST /orders/{id}/refund (JS: Orders.createRefundRequest).
// Body: {"products": {"14": {"quantity": 1}}, "note": "…"}; no products means
// everything not yet asked for.
func handleCreateRefund(logger *slog.Logger, refunds openentry.RefundService) userHandler {
	type request struct {
		Products map[string]struct {
			Quantity json.RawMessage `json:"quantity"`
		} `json:"products"`
		Note string `json:"note"`
	}
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return false, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return false, err
		}
		var products map[int64]int64
		if in.Products != nil {
			products = make(map[int64]int64, len(in.Products))
			for pid, p := range in.Products {
				n, err1 := strconv.ParseInt(pid, 10, 64)
				qty, err2 := jsonInt(p.Quantity)
				if err1 != nil || err2 != nil {
					return false, badRequest("products: keys must be product ids and quantities integers")
				}
				products[n] = qty
			}
		}
		return true, refunds.RequestRefund(r.Context(), p.UserID, id, products, in.Note)
	})
}

// handleCancelRefund serves DELETE /orders/{id}/refund (JS: Orders.cancelRefundRequest).
func handleCancelRefund(logger *slog.Logger, refunds openentry.RefundService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return false, err
		}
		return true, refunds.CancelRefund(r.Context(), p.UserID, id)
	})
}

// maxWebhookBytes bounds a provider's event body; Stripe's are far smaller.
const maxWebhookBytes = 64 << 10

// handleWebhook serves POST /payments/webhook/{provider} (Stripe's at
// /payments/webhook/stripe). Providers call it, so there is no app token:
// the signature is the authentication, and the provider checks it on the raw
// body before anything parses it.
func handleWebhook(logger *slog.Logger, m *metrics.Metrics, payments openentry.PaymentService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
		payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
		if err != nil {
			return nil, errBodyTooLarge
		}
		provider := r.PathValue("provider")
		typ, outcome, err := payments.HandleWebhook(r.Context(), provider, payload, r.Header)
		if err != nil {
			return nil, err
		}
		// Only a verified event gets here, so the provider is a registered one: the label stays bounded.
		m.WebhookEvent(provider, typ, outcome)
		logger.InfoContext(r.Context(), "payment event", "provider", provider, "type", typ, "outcome", outcome)
		return map[string]any{"received": true, "outcome": outcome}, nil
	})
}
