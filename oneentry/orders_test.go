package oneentry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// seedOrderCreated is order 89 as createOrder answers it (totalSum a number).
var seedOrderCreated = &Order{
	ID: 89, FormIdentifier: "order", PaymentAccountIdentifier: "cash",
	FormData:         FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
	Products:         []OrderProduct{{ProductID: 14, Quantity: 1}},
	Currency:         "USD",
	TotalSum:         "340",
	CreatedDate:      ts("2025-04-30T20:15:29.254Z"),
	StatusIdentifier: "inProgress",
}

// seedOrderRead is order 89 as the order reads answer it (totalSum a string).
var seedOrderRead = &Order{
	ID: 89, StorageID: 1, CreatedDate: ts("2025-04-30T20:15:29.254Z"),
	StatusIdentifier: "inProgress", StatusLocalizeInfos: LocalizeInfos{"title": "In progress"},
	FormIdentifier:              "order",
	FormData:                    FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
	TotalSum:                    "340.00",
	Currency:                    "USD",
	PaymentAccountIdentifier:    "cash",
	PaymentAccountLocalizeInfos: LocalizeInfos{"title": "Cash"},
	IsCompleted:                 Ptr(false),
	Products:                    []OrderProduct{{ID: 14, Title: "Cosmo", SKU: "COSMO-14", Price: "340", Quantity: 1}},
}

func TestOrdersService(t *testing.T) {
	t.Parallel()
	storage := OrderStorage{
		ID: 1, Identifier: "orders", FormIdentifier: "order", LocalizeInfos: LocalizeInfos{"title": "My order"},
		PaymentAccountIdentifiers: []PaymentAccountRef{{Identifier: "cash"}, {Identifier: "stripe"}},
	}
	runAPICases(t, []apiCase{
		{
			name: "GetAllOrdersStorage", method: http.MethodGet,
			path: "/orders-storage", query: "langCode=en_US&limit=30&offset=0", fixture: "orders_storage.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Orders.GetAllOrdersStorage(ctx, "", 0, 0) },
			want: []OrderStorage{storage},
		},
		{
			name: "GetOrdersStorageByMarker", method: http.MethodGet,
			path: "/orders-storage/marker/orders", query: "langCode=en_US", fixture: "order_storage.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.GetOrdersStorageByMarker(ctx, "orders", "")
			},
			want: &OrderStorage{
				ID: 1, Identifier: "orders", FormIdentifier: "order", LocalizeInfos: LocalizeInfos{"title": "My order"},
				PaymentAccountIdentifiers: []PaymentAccountRef{{Identifier: "cash"}},
			},
		},
		{
			name: "CreateOrder seed (totalSum number)", method: http.MethodPost, status: http.StatusCreated,
			path: "/orders-storage/marker/orders/orders",
			body: `{"formIdentifier":"order","paymentAccountIdentifier":"cash",
				"formData":{"en_US":[{"type":"string","marker":"name","value":"Christina Thomas"}]},
				"products":[{"productId":14,"quantity":1}]}`,
			fixture: "order_created.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.CreateOrder(ctx, "orders", OrderCreate{
					FormIdentifier:           "order",
					PaymentAccountIdentifier: "cash",
					FormData:                 FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
					Products:                 []OrderItem{{ProductID: 14, Quantity: 1}},
				})
			},
			want: seedOrderCreated,
		},
		{
			name: "CreateOrder without formData sends an empty locale list", method: http.MethodPost, status: http.StatusCreated,
			path:    "/orders-storage/marker/orders/orders",
			body:    `{"formIdentifier":"order","paymentAccountIdentifier":"cash","formData":{"en_US":[]},"products":[]}`,
			fixture: "order_created.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				o, err := c.Orders.CreateOrder(ctx, "orders", OrderCreate{FormIdentifier: "order", PaymentAccountIdentifier: "cash"})
				if err != nil {
					return nil, err
				}
				return o.ID, nil
			},
			want: int64(89),
		},
		{
			name: "GetAllOrdersByMarker", method: http.MethodGet,
			path: "/orders-storage/marker/orders/orders", query: "langCode=en_US&limit=30&offset=0", fixture: "orders.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.GetAllOrdersByMarker(ctx, "orders", "", 0, 0)
			},
			want: &List[Order]{Total: 2, Items: []Order{
				{
					ID: 89, StorageID: 1, CreatedDate: ts("2025-04-30T20:15:29.254Z"), StatusIdentifier: "inProgress",
					FormIdentifier: "order", FormData: FormData{{Marker: "name", Type: "string", Value: "Christina Thomas"}},
					TotalSum: "340.00", Currency: "USD", PaymentAccountIdentifier: "cash",
					Products: []OrderProduct{{ID: 14, Title: "Cosmo", Price: "340", Quantity: 1}},
				},
				{
					ID: 55, StorageID: 1, CreatedDate: ts("2025-03-22T21:12:42.371Z"), StatusIdentifier: "completed",
					FormIdentifier: "order", FormData: FormData{}, TotalSum: "4061.55", PaymentAccountIdentifier: "stripe",
					PaymentURL: Ptr("https://checkout.stripe.com/c/pay/cs_test_a1"), IsCompleted: Ptr(true),
					Products: []OrderProduct{{ID: 15, Title: "Box", Price: "19.99", Quantity: 3}},
				},
			}},
		},
		{
			name: "GetOrderByMarkerAndID (totalSum string)", method: http.MethodGet,
			path: "/orders-storage/marker/orders/orders/89", query: "langCode=en_US", fixture: "order.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.GetOrderByMarkerAndID(ctx, "orders", 89, "")
			},
			want: seedOrderRead,
		},
		{
			name: "GetAllStatusesByStorageMarker", method: http.MethodGet,
			path: "/orders-storage/marker/orders/order-statuses", query: "langCode=en_US&offset=0&limit=30", fixture: "order_statuses.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.GetAllStatusesByStorageMarker(ctx, "orders", "", 0, 0)
			},
			want: []OrderStatus{
				{ID: 1, Identifier: "inProgress", LocalizeInfos: LocalizeInfos{"title": "In progress"}, Position: 1, IsDefault: true},
				{ID: 2, Identifier: "completed", LocalizeInfos: LocalizeInfos{"title": "Completed"}, Position: 2},
			},
		},
	})
}

// TestAllOrdersByMarker pages with limit 30 until total is reached or a page
// is empty, and stops on errors or when the caller breaks.
func TestAllOrdersByMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		total       int // what the server reports
		available   int // how many it really returns (the platform may cap reads)
		pageSize    int // at most this many per page
		failAt      int // offset that answers 500; -1 for none
		breakAfter  int // caller stops after this many orders; 0 for never
		wantOrders  int
		wantOffsets []int
		wantErr     bool
	}{
		{name: "three pages", total: 65, available: 65, pageSize: 30, failAt: -1, wantOrders: 65, wantOffsets: []int{0, 30, 60}},
		{name: "exact multiple", total: 60, available: 60, pageSize: 30, failAt: -1, wantOrders: 60, wantOffsets: []int{0, 30}},
		{name: "empty", total: 0, available: 0, pageSize: 30, failAt: -1, wantOrders: 0, wantOffsets: []int{0}},
		{name: "short pages continue", total: 25, available: 25, pageSize: 10, failAt: -1, wantOrders: 25, wantOffsets: []int{0, 10, 20}},
		{name: "capped list ends on empty page", total: 25, available: 10, pageSize: 30, failAt: -1, wantOrders: 10, wantOffsets: []int{0, 10}},
		{name: "error stops", total: 65, available: 65, pageSize: 30, failAt: 30, wantOrders: 30, wantOffsets: []int{0, 30}, wantErr: true},
		{name: "caller breaks", total: 65, available: 65, pageSize: 30, failAt: -1, breakAfter: 31, wantOrders: 31, wantOffsets: []int{0, 30}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			login(t, c)
			var mu sync.Mutex
			var offsets []int
			mux.HandleFunc("/orders-storage/marker/orders/orders", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				q := r.URL.Query()
				if got := q.Get("limit"); got != "30" {
					t.Errorf("limit: got %s, want 30", got)
				}
				off, _ := strconv.Atoi(q.Get("offset"))
				mu.Lock()
				offsets = append(offsets, off)
				mu.Unlock()
				if off == tc.failAt {
					w.WriteHeader(http.StatusInternalServerError)
					fmt.Fprint(w, `{"statusCode":500,"message":"Internal server error"}`)
					return
				}
				fmt.Fprint(w, `{"items":[`)
				for i := off; i < min(off+tc.pageSize, tc.available); i++ {
					if i > off {
						fmt.Fprint(w, ",")
					}
					fmt.Fprintf(w, `{"id":%d,"storageId":1,"totalSum":"1.00","createdDate":"2025-04-30T20:15:29.254Z"}`, i+1)
				}
				fmt.Fprintf(w, `],"total":%d}`, tc.total)
			})
			var got []int64
			var gotErr error
			for o, err := range c.Orders.AllOrdersByMarker(context.Background(), "orders", "") {
				if err != nil {
					gotErr = err
					continue // the iterator must end by itself after an error
				}
				got = append(got, o.ID)
				if tc.breakAfter > 0 && len(got) == tc.breakAfter {
					break
				}
			}
			if (gotErr != nil) != tc.wantErr {
				t.Errorf("error: got %v, want error %v", gotErr, tc.wantErr)
			}
			if len(got) != tc.wantOrders {
				t.Errorf("orders: got %d, want %d", len(got), tc.wantOrders)
			}
			for i, id := range got {
				if id != int64(i+1) {
					t.Fatalf("order %d: got id %d, want %d", i, id, i+1)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(offsets, tc.wantOffsets) {
				t.Errorf("offsets: got %v, want %v", offsets, tc.wantOffsets)
			}
		})
	}
}

func TestOrderNotFound(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	login(t, c)
	mux.HandleFunc("/orders-storage/marker/orders/orders/1000", func(w http.ResponseWriter, r *http.Request) {
		reply(t, w, http.StatusNotFound, "error_404.json")
	})
	_, err := c.Orders.GetOrderByMarkerAndID(context.Background(), "orders", 1000, "")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("error: got %v, want ErrNotFound", err)
	}
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Message != "Order not found" {
		t.Errorf("message: got %v, want %q", err, "Order not found")
	}
}

// seedRefunds are the two requests in refunds.json, newest first.
var seedRefunds = []Refund{
	{
		ID: 7, CreatedDate: ts("2025-05-03T10:00:00.000Z"), Status: "waiting", Amount: "340", Note: "broken",
		Products: map[int64]int64{14: 1}, OrderID: 89, OrderStorageID: 1, UserID: 5,
		OrderStorage: EntityRef{ID: 1, Identifier: "orders"}, User: EntityRef{ID: 5, Identifier: "your-user@email.com"},
	},
	{
		ID: 6, CreatedDate: ts("2025-05-02T09:30:00.000Z"), Status: "canceled", Amount: "717.5",
		Products: map[int64]int64{14: 2, 2: 3}, OrderID: 89, OrderStorageID: 1, UserID: 5,
		OrderStorage: EntityRef{ID: 1, Identifier: "orders"}, User: EntityRef{ID: 5, Identifier: "your-user@email.com"},
	},
}

func TestOrdersRefunds(t *testing.T) {
	t.Parallel()
	runAPICases(t, []apiCase{
		{
			name: "GetRefunds", method: http.MethodGet,
			path: "/orders/89/refund", fixture: "refunds.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Orders.GetRefunds(ctx, 89) },
			want: seedRefunds,
		},
		{
			name: "GetRefunds none", method: http.MethodGet,
			path: "/orders/89/refund", fixture: "empty_array.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Orders.GetRefunds(ctx, 89) },
			want: []Refund{},
		},
		{
			name: "CreateRefundRequest products and note", method: http.MethodPost, status: http.StatusCreated,
			path: "/orders/89/refund", body: `{"products":{"14":{"quantity":1},"2":{"quantity":3}},"note":"broken"}`,
			fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.CreateRefundRequest(ctx, 89, RefundRequest{Products: map[int64]int64{14: 1, 2: 3}, Note: "broken"})
			},
			want: true,
		},
		{
			name: "CreateRefundRequest nil products asks for the whole order", method: http.MethodPost, status: http.StatusCreated,
			path: "/orders/89/refund", body: `{}`, fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.CreateRefundRequest(ctx, 89, RefundRequest{})
			},
			want: true,
		},
		{
			name: "CreateRefundRequest empty products are sent", method: http.MethodPost, status: http.StatusCreated,
			path: "/orders/89/refund", body: `{"products":{}}`, fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.CreateRefundRequest(ctx, 89, RefundRequest{Products: map[int64]int64{}})
			},
			want: true,
		},
		{
			name: "CreateRefundRequest answering false", method: http.MethodPost, status: http.StatusCreated,
			path: "/orders/89/refund", body: `{"note":"n"}`, fixture: "false.json",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Orders.CreateRefundRequest(ctx, 89, RefundRequest{Note: "n"})
			},
			want: false,
		},
		{
			name: "CancelRefundRequest", method: http.MethodDelete,
			path: "/orders/89/refund", fixture: "true.json",
			call: func(ctx context.Context, c *Client) (any, error) { return c.Orders.CancelRefundRequest(ctx, 89) },
			want: true,
		},
	})
}

func TestRefundUncompletedOrder(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	login(t, c)
	mux.HandleFunc("/orders/90/refund", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		reply(t, w, http.StatusNotFound, "error_404_refund.json")
	})
	ok, err := c.Orders.CreateRefundRequest(context.Background(), 90, RefundRequest{})
	var apiErr *Error
	if ok || !errors.Is(err, ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Message != "You cannot refund uncompleted order" {
		t.Fatalf("got (%v, %v), want (false, 404 %q)", ok, err, "You cannot refund uncompleted order")
	}
}

// TestRefundJSON checks that products read from and write back to the wire
// form {"14":{"quantity":1}}, and that a malformed list fails.
func TestRefundJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(seedRefunds[1])
	if err != nil {
		t.Fatal(err)
	}
	var wire map[string]any
	if err := json.Unmarshal(b, &wire); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(wire["products"]); got != "map[14:map[quantity:2] 2:map[quantity:3]]" {
		t.Errorf("marshaled products: got %s", got)
	}
	if wire["amount"] != 717.5 || wire["status"] != "canceled" {
		t.Errorf("marshaled refund: got %s", b)
	}
	var back Refund
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, seedRefunds[1]) {
		t.Errorf("round trip:\ngot  %s\nwant %s", show(back), show(seedRefunds[1]))
	}

	var noProducts Refund
	if err := json.Unmarshal([]byte(`{"id":1,"amount":"12.50","products":null}`), &noProducts); err != nil {
		t.Fatal(err)
	}
	if noProducts.Products != nil || noProducts.Amount != "12.50" {
		t.Errorf("null products: got %+v", noProducts)
	}
	for _, bad := range []string{`{"products":{"x":{"quantity":1}}}`, `{"products":{"14":{"quantity":"one"}}}`, `{"amount":"ten"}`} {
		if err := json.Unmarshal([]byte(bad), new(Refund)); err == nil {
			t.Errorf("%s: got no error", bad)
		}
	}
}
