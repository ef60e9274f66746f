package oneentry

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// OrdersService mirrors the JS module Orders: order storages, orders and
// order statuses. Orders belong to the signed-in user.
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
