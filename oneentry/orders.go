package oneentry

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// OrdersService mirrors the JS module Orders: order storages, orders, order
// statuses and refund requests. Orders belong to the signed-in user.
type OrdersService service

// OrderStorage is a place orders are kept in; its Identifier is the marker
// the order calls take.
type OrderStorage struct {
	ID             int64         `json:"id"`
	Identifier     string        `json:"identifier"`
	FormIdentifier string        `json:"formIdentifier"` // the checkout form
	LocalizeInfos  LocalizeInfos `json:"localizeInfos"`
	// PaymentAccountIdentifiers lists the accounts an order here may be paid with.
	PaymentAccountIdentifiers []PaymentAccountRef `json:"paymentAccountIdentifiers"`
}

// PaymentAccountRef names a payment account, e.g. {"identifier":"cash"}.
type PaymentAccountRef struct {
	Identifier string `json:"identifier"`
}

// OrderItem is one product line of an order request.
type OrderItem struct {
	ProductID int64 `json:"productId"`
	Quantity  int64 `json:"quantity"`
}

// OrderCreate is the input of CreateOrder.
type OrderCreate struct {
	FormIdentifier           string
	PaymentAccountIdentifier string
	// FormData is sent as {"<client language>": FormData}, as the JS SDK does.
	FormData FormData
	Products []OrderItem
}

// Order is an order as createOrder and the order reads answer it. The two
// shapes differ (create has products [{productId, quantity}], reads have
// [{id, title, sku, price, quantity}] and more order fields); fields missing
// from one shape stay zero.
type Order struct {
	ID                  int64         `json:"id"`
	StorageID           int64         `json:"storageId"`
	CreatedDate         time.Time     `json:"createdDate"`
	StatusIdentifier    string        `json:"statusIdentifier"`
	StatusLocalizeInfos LocalizeInfos `json:"statusLocalizeInfos"`
	FormIdentifier      string        `json:"formIdentifier"`
	FormData            FormData      `json:"formData"`
	// TotalSum is a JSON number in createOrder ("340") and a string in reads
	// ("340.00"); Decimal keeps either exactly.
	TotalSum                    Decimal       `json:"totalSum"`
	Currency                    string        `json:"currency"` // often "" on reads
	PaymentAccountIdentifier    string        `json:"paymentAccountIdentifier"`
	PaymentAccountLocalizeInfos LocalizeInfos `json:"paymentAccountLocalizeInfos"`
	// PaymentURL is nil until a payment provider supplies a checkout link.
	PaymentURL *string `json:"paymentUrl"`
	// IsCompleted is nil when the server sends null, true once paid.
	IsCompleted *bool          `json:"isCompleted"`
	Products    []OrderProduct `json:"products"`
}

// OrderProduct is one product line of an order as the server answers it.
// createOrder fills ProductID and Quantity; reads fill ID (the product id),
// Title, SKU, Price and Quantity.
type OrderProduct struct {
	ProductID int64   `json:"productId"`
	ID        int64   `json:"id"`
	Title     string  `json:"title"`
	SKU       string  `json:"sku"`
	Price     Decimal `json:"price"`
	Quantity  int64   `json:"quantity"`
}

// OrderStatus is one status an order in a storage can have.
type OrderStatus struct {
	ID            int64         `json:"id"`
	Identifier    string        `json:"identifier"`
	LocalizeInfos LocalizeInfos `json:"localizeInfos"`
	Position      int64         `json:"position"`
	IsDefault     bool          `json:"isDefault"` // given to new orders
}

func storagePath(marker, suffix string) string {
	return "/orders-storage/marker/" + url.PathEscape(marker) + suffix
}

// GetAllOrdersStorage calls GET /api/content/orders-storage (JS: Orders.getAllOrdersStorage).
// An empty langCode means the client's; limit <= 0 means 30.
func (s *OrdersService) GetAllOrdersStorage(ctx context.Context, langCode string, offset, limit int) ([]OrderStorage, error) {
	off, lim := page(offset, limit)
	req, err := s.client.newRequest(ctx, http.MethodGet, "/orders-storage?"+query("langCode", s.client.lang(langCode), "limit", lim, "offset", off), nil)
	if err != nil {
		return nil, err
	}
	var out []OrderStorage
	if err := s.client.do(req, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetOrdersStorageByMarker calls GET /api/content/orders-storage/marker/{marker}
// (JS: Orders.getOrdersStorageByMarker).
func (s *OrdersService) GetOrdersStorageByMarker(ctx context.Context, marker, langCode string) (*OrderStorage, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, storagePath(marker, "?"+query("langCode", s.client.lang(langCode))), nil)
	if err != nil {
		return nil, err
	}
	out := new(OrderStorage)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateOrder calls POST /api/content/orders-storage/marker/{marker}/orders
// (JS: Orders.createOrder). The server prices the products; pay with
// Payments.CreateSession(order.ID, "session").
func (s *OrdersService) CreateOrder(ctx context.Context, marker string, in OrderCreate) (*Order, error) {
	formData := in.FormData
	if formData == nil {
		formData = FormData{} // the JS SDK always wraps, so the key is always there
	}
	products := in.Products
	if products == nil {
		products = []OrderItem{}
	}
	body := struct {
		FormIdentifier           string              `json:"formIdentifier"`
		PaymentAccountIdentifier string              `json:"paymentAccountIdentifier"`
		FormData                 map[string]FormData `json:"formData"`
		Products                 []OrderItem         `json:"products"`
	}{in.FormIdentifier, in.PaymentAccountIdentifier, map[string]FormData{s.client.langCode: formData}, products}
	req, err := s.client.newRequest(ctx, http.MethodPost, storagePath(marker, "/orders"), body)
	if err != nil {
		return nil, err
	}
	out := new(Order)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetAllOrdersByMarker calls GET /api/content/orders-storage/marker/{marker}/orders
// (JS: Orders.getAllOrdersByMarker): one page of the user's orders.
// An empty langCode means the client's; limit <= 0 means 30.
func (s *OrdersService) GetAllOrdersByMarker(ctx context.Context, marker, langCode string, offset, limit int) (*List[Order], error) {
	off, lim := page(offset, limit)
	req, err := s.client.newRequest(ctx, http.MethodGet, storagePath(marker, "/orders?"+query("langCode", s.client.lang(langCode), "limit", lim, "offset", off)), nil)
	if err != nil {
		return nil, err
	}
	out := new(List[Order])
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// AllOrdersByMarker yields all of the user's orders in the storage, fetching
// pages of 30 with GetAllOrdersByMarker. It stops after the first error, which
// it yields. Short pages do not end it (the platform may cap pages below the
// limit); an empty page or reaching total does.
func (s *OrdersService) AllOrdersByMarker(ctx context.Context, marker, langCode string) iter.Seq2[Order, error] {
	return func(yield func(Order, error) bool) {
		offset := 0
		for {
			list, err := s.GetAllOrdersByMarker(ctx, marker, langCode, offset, defaultLimit)
			if err != nil {
				yield(Order{}, err)
				return
			}
			for _, o := range list.Items {
				if !yield(o, nil) {
					return
				}
			}
			offset += len(list.Items)
			if len(list.Items) == 0 || int64(offset) >= list.Total {
				return
			}
		}
	}
}

// GetOrderByMarkerAndID calls GET /api/content/orders-storage/marker/{marker}/orders/{id}
// (JS: Orders.getOrderByMarkerAndId).
func (s *OrdersService) GetOrderByMarkerAndID(ctx context.Context, marker string, id int64, langCode string) (*Order, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, storagePath(marker, "/orders/"+strconv.FormatInt(id, 10)+"?"+query("langCode", s.client.lang(langCode))), nil)
	if err != nil {
		return nil, err
	}
	out := new(Order)
	if err := s.client.do(req, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetAllStatusesByStorageMarker calls GET /api/content/orders-storage/marker/{marker}/order-statuses
// (JS: Orders.getAllStatusesByStorageMarker).
// An empty langCode means the client's; limit <= 0 means 30.
func (s *OrdersService) GetAllStatusesByStorageMarker(ctx context.Context, marker, langCode string, offset, limit int) ([]OrderStatus, error) {
	off, lim := page(offset, limit)
	req, err := s.client.newRequest(ctx, http.MethodGet, storagePath(marker, "/order-statuses?"+query("langCode", s.client.lang(langCode), "offset", off, "limit", lim)), nil)
	if err != nil {
		return nil, err
	}
	var out []OrderStatus
	if err := s.client.do(req, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Refund is a request to have (part of) a paid order paid back, as GetRefunds
// lists it.
type Refund struct {
	ID          int64     `json:"id"`
	CreatedDate time.Time `json:"createdDate"`
	// Status is "waiting" (asked for), "canceled" (withdrawn with
	// CancelRefundRequest), "approved" (the shop sent it to the payment
	// provider) or "refunded" (paid back).
	Status string `json:"status"`
	// Amount is what the refunded products cost, e.g. "340" or "717.5".
	Amount Decimal `json:"amount"`
	Note   string  `json:"note"`
	// Products maps product ids to the quantity asked back; the wire form is
	// {"14":{"quantity":1}}.
	Products       map[int64]int64 `json:"-"`
	OrderID        int64           `json:"orderId"`
	OrderStorageID int64           `json:"orderStorageId"`
	UserID         int64           `json:"userId"`
	OrderStorage   EntityRef       `json:"orderStorage"`
	User           EntityRef       `json:"user"`
}

// EntityRef names a related entity by id and identifier (a refund's order
// storage and user).
type EntityRef struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"`
}

// refundQuantity is one entry of the wire form of refund products.
type refundQuantity struct {
	Quantity int64 `json:"quantity"`
}

// UnmarshalJSON reads products {"14":{"quantity":1}} into Products.
func (r *Refund) UnmarshalJSON(b []byte) error {
	type plain Refund // without this method
	w := struct {
		*plain
		Products map[int64]refundQuantity `json:"products"`
	}{plain: (*plain)(r)}
	if err := decodeJSON(b, &w); err != nil {
		return err
	}
	r.Products = nil
	if w.Products != nil {
		r.Products = make(map[int64]int64, len(w.Products))
		for id, p := range w.Products {
			r.Products[id] = p.Quantity
		}
	}
	return nil
}

// MarshalJSON writes Products back in the wire form, so a Refund round-trips.
func (r Refund) MarshalJSON() ([]byte, error) {
	type plain Refund // without this method
	w := struct {
		plain
		Products map[int64]refundQuantity `json:"products"`
	}{plain: plain(r)}
	if r.Products != nil {
		w.Products = make(map[int64]refundQuantity, len(r.Products))
		for id, n := range r.Products {
			w.Products[id] = refundQuantity{n}
		}
	}
	return json.Marshal(w)
}

// RefundRequest is the input of CreateRefundRequest.
type RefundRequest struct {
	// Products maps product ids to the quantity to refund, sent as
	// {"14":{"quantity":1}}. Nil leaves the key out, which asks for
	// everything of the order not yet asked for; an empty non-nil map is sent
	// as {} and refused by the server.
	Products map[int64]int64
	// Note is an optional reason; "" leaves it out.
	Note string
}

func refundPath(orderID int64) string {
	return "/orders/" + strconv.FormatInt(orderID, 10) + "/refund"
}

// GetRefunds calls GET /api/content/orders/{orderID}/refund (JS:
// Orders.getRefunds): the refund requests of one of the user's orders,
// newest first.
func (s *OrdersService) GetRefunds(ctx context.Context, orderID int64) ([]Refund, error) {
	req, err := s.client.newRequest(ctx, http.MethodGet, refundPath(orderID), nil)
	if err != nil {
		return nil, err
	}
	var out []Refund
	if err := s.client.do(req, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateRefundRequest calls POST /api/content/orders/{orderID}/refund (JS:
// Orders.createRefundRequest). Only paid orders can be refunded; the server
// answers ErrNotFound ("You cannot refund uncompleted order") otherwise.
func (s *OrdersService) CreateRefundRequest(ctx context.Context, orderID int64, in RefundRequest) (bool, error) {
	body := struct {
		Products map[int64]refundQuantity `json:"products,omitzero"` // nil: the whole order
		Note     string                   `json:"note,omitempty"`
	}{Note: in.Note}
	if in.Products != nil {
		body.Products = make(map[int64]refundQuantity, len(in.Products))
		for id, n := range in.Products {
			body.Products[id] = refundQuantity{n}
		}
	}
	req, err := s.client.newRequest(ctx, http.MethodPost, refundPath(orderID), body)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}

// CancelRefundRequest calls DELETE /api/content/orders/{orderID}/refund (JS:
// Orders.cancelRefundRequest), withdrawing the order's waiting refund
// requests. With none waiting the server answers ErrNotFound.
func (s *OrdersService) CancelRefundRequest(ctx context.Context, orderID int64) (bool, error) {
	req, err := s.client.newRequest(ctx, http.MethodDelete, refundPath(orderID), nil)
	if err != nil {
		return false, err
	}
	return s.client.doBool(req)
}
