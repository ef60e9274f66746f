package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/metrics"
)

// handleGetStorages serves GET /orders-storage (JS: Orders.getAllOrdersStorage).
func handleGetStorages(logger *slog.Logger, orders openentry.OrderService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, _ openentry.Principal) ([]wireStorage, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		storages, err := orders.Storages(r.Context(), q.Page)
		if err != nil {
			return nil, err
		}
		return wireAll(storages, q.Lang, toWireStorage), nil
	})
}

// handleGetStorage serves GET /orders-storage/marker/{marker} (JS: Orders.getOrdersStorageByMarker).
func handleGetStorage(logger *slog.Logger, orders openentry.OrderService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, _ openentry.Principal) (*wireStorage, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		s, err := orders.Storage(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireStorage(s, q.Lang)
		return &out, nil
	})
}

// handleGetStatuses serves GET /orders-storage/marker/{marker}/order-statuses
// (JS: Orders.getAllStatusesByStorageMarker).
func handleGetStatuses(logger *slog.Logger, orders openentry.OrderService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireStatus, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		statuses, err := orders.Statuses(r.Context(), r.PathValue("marker"), q.Page)
		if err != nil {
			return nil, err
		}
		out := make([]wireStatus, len(statuses))
		for i, s := range statuses {
			out[i] = wireStatus{ID: s.ID, Identifier: s.Identifier, LocalizeInfos: s.LocalizeInfos.Resolve(q.Lang),
				Position: s.Position, IsUsed: true, IsDefault: s.IsDefault}
		}
		return out, nil
	})
}

// wireLine is one requested order line; the ids are read strictly as integers.
type wireLine struct {
	ProductID json.RawMessage `json:"productId"`
	Quantity  json.RawMessage `json:"quantity"`
}

// parseLines reads requested lines; nil stays nil (no products given).
func parseLines(in []wireLine) ([]openentry.LineInput, error) {
	if in == nil {
		return nil, nil
	}
	lines := make([]openentry.LineInput, len(in))
	for i, l := range in {
		id, err1 := jsonInt(l.ProductID)
		qty, err2 := jsonInt(l.Quantity)
		if err1 != nil || err2 != nil {
			return nil, badRequest(fmt.Sprintf("products[%d]: productId and quantity must be integers", i))
		}
		lines[i] = openentry.LineInput{ProductID: id, Quantity: qty}
	}
	return lines, nil
}

// orderTerms are what createOrder and updateOrderByMarkerAndId both send.
type orderTerms struct {
	FormIdentifier           string          `json:"formIdentifier"`
	PaymentAccountIdentifier string          `json:"paymentAccountIdentifier"`
	FormData                 json.RawMessage `json:"formData"`
	Products                 []wireLine      `json:"products"`
}

// parse reads the form data (in lang when it is a bare list) and the lines.
func (t orderTerms) parse(lang string) (openentry.FormData, []openentry.LineInput, error) {
	data, err := parseFormData(t.FormData, lang)
	if err != nil {
		return nil, nil, err
	}
	lines, err := parseLines(t.Products)
	return data, lines, err
}

// handleCreateOrder serves POST /orders-storage/marker/{marker}/orders (JS: Orders.createOrder).
// Prices, totals and currency a client sends are not read: the server prices
// the order from its own products.
func handleCreateOrder(logger *slog.Logger, m *metrics.Metrics, orders openentry.OrderService) userHandler {
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireCreatedOrder, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		in, err := decode[orderTerms](w, r)
		if err != nil {
			return nil, err
		}
		data, lines, err := in.parse(q.Lang)
		if err != nil {
			return nil, err
		}
		o, err := orders.CreateOrder(r.Context(), p.UserID, openentry.OrderCreate{
			StorageMarker: r.PathValue("marker"), FormIdentifier: in.FormIdentifier,
			PaymentAccountIdentifier: in.PaymentAccountIdentifier, FormData: data, Lines: lines,
		})
		if err != nil {
			return nil, err
		}
		m.OrderCreated()
		out := toWireCreatedOrder(o)
		return &out, nil
	})
}

// handleUpdateOrder serves PUT /orders-storage/marker/{marker}/orders/{id}
// (JS: Orders.updateOrderByMarkerAndId). Shops send the whole order they
// read back, so unknown keys are ignored; statusMarker is another client's
// name for statusIdentifier. The answer has the create shape (totalSum a number).
func handleUpdateOrder(logger *slog.Logger, orders openentry.OrderService) userHandler {
	type request struct {
		orderTerms
		StatusIdentifier string `json:"statusIdentifier"`
		StatusMarker     string `json:"statusMarker"`
	}
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireCreatedOrder, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return nil, err
		}
		data, lines, err := in.parse(q.Lang)
		if err != nil {
			return nil, err
		}
		status := in.StatusIdentifier
		if status == "" {
			status = in.StatusMarker
		}
		o, err := orders.UpdateOrder(r.Context(), p.UserID, openentry.OrderUpdate{
			StorageMarker: r.PathValue("marker"), OrderID: id, FormIdentifier: in.FormIdentifier,
			PaymentAccountIdentifier: in.PaymentAccountIdentifier, FormData: data, Lines: lines, StatusIdentifier: status,
		})
		if err != nil {
			return nil, err
		}
		out := toWireCreatedOrder(o)
		return &out, nil
	})
}

// handlePreviewOrder serves POST /orders-storage/orders/preview (JS:
// Orders.previewOrder): a cart priced from the server's products, nothing
// placed. There are no coupons, bonuses or discounts, so the discounted
// total is the total.
func handlePreviewOrder(logger *slog.Logger, orders openentry.OrderService) http.Handler {
	type request struct {
		Products   []wireLine `json:"products"`
		CouponCode string     `json:"couponCode"`
	}
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) (*wirePreview, error) {
		if _, err := parseQuery(r); err != nil {
			return nil, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return nil, err
		}
		if in.CouponCode != "" {
			return nil, badRequest(fmt.Sprintf("Coupon %q not found", in.CouponCode))
		}
		lines, err := parseLines(in.Products)
		if err != nil {
			return nil, err
		}
		preview, err := orders.PreviewOrder(r.Context(), lines)
		if err != nil {
			return nil, err
		}
		out := toWirePreview(preview)
		return &out, nil
	})
}

// handleGetOrders serves GET /orders-storage/marker/{marker}/orders (JS: Orders.getAllOrdersByMarker).
func handleGetOrders(logger *slog.Logger, orders openentry.OrderService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*list[wireOrder], error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		page, total, err := orders.Orders(r.Context(), p.UserID, r.PathValue("marker"), q.Page)
		if err != nil {
			return nil, err
		}
		out := &list[wireOrder]{Items: wireAll(page, q.Lang, toWireOrder), Total: total}
		return out, nil
	})
}

// handleGetOrder serves GET /orders-storage/marker/{marker}/orders/{id} (JS: Orders.getOrderByMarkerAndId).
func handleGetOrder(logger *slog.Logger, orders openentry.OrderService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireOrder, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		o, err := orders.Order(r.Context(), p.UserID, r.PathValue("marker"), id)
		if err != nil {
			return nil, err
		}
		out := toWireOrder(o, q.Lang)
		return &out, nil
	})
}
