package adminapi

import (
	"encoding/json"
	"slices"

	"github.com/openentry/openentry"
)

// The JSON shapes of orders, payment sessions and refunds. Amounts are
// decimal strings with the currency's places ("19.90"), never floats.

type orderLineJSON struct {
	ProductID int64  `json:"productId"`
	Title     string `json:"title"`
	Sku       string `json:"sku"`
	Quantity  int64  `json:"quantity"`
	UnitPrice string `json:"unitPrice"`
}

type adminOrderJSON struct {
	ID                       int64              `json:"id"`
	StorageMarker            string             `json:"storageMarker"`
	UserID                   int64              `json:"userId"`
	UserLogin                string             `json:"userLogin"`
	FormIdentifier           string             `json:"formIdentifier"`
	FormData                 openentry.FormData `json:"formData"`
	PaymentAccountIdentifier string             `json:"paymentAccountIdentifier"`
	StatusIdentifier         string             `json:"statusIdentifier"`
	PaymentStatus            string             `json:"paymentStatus"`
	IsCompleted              bool               `json:"isCompleted"`
	IsCanceled               bool               `json:"isCanceled"`
	Total                    string             `json:"total"`
	Currency                 string             `json:"currency"`
	Lines                    []orderLineJSON    `json:"lines"`
	Version                  int64              `json:"version"`
	CreatedAt                openentry.Time     `json:"createdAt"`
	UpdatedAt                openentry.Time     `json:"updatedAt"`
	PaidAt                   *openentry.Time    `json:"paidAt"`
}

// titleOf is a product line's title in the default locale.
func titleOf(l openentry.Localized) string {
	var t struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(l.Resolve(openentry.DefaultLocale), &t) // no title: ""
	return t.Title
}

func toAdminOrderJSON(o *openentry.AdminOrder) adminOrderJSON {
	out := adminOrderJSON{ID: o.ID, StorageMarker: o.StorageMarker, UserID: o.UserID, UserLogin: o.UserLogin,
		FormIdentifier: o.FormIdentifier, FormData: o.FormData, PaymentAccountIdentifier: o.PaymentAccountIdentifier,
		StatusIdentifier: o.StatusIdentifier, PaymentStatus: o.PaymentStatus, IsCompleted: o.IsCompleted, IsCanceled: o.IsCanceled,
		Total: o.Total.Fixed(), Currency: o.Total.Currency, Lines: make([]orderLineJSON, len(o.Lines)), Version: o.Version,
		CreatedAt: openentry.Time(o.CreatedAt), UpdatedAt: openentry.Time(o.UpdatedAt)}
	if out.FormData == nil {
		out.FormData = openentry.FormData{}
	}
	for i, l := range o.Lines {
		out.Lines[i] = orderLineJSON{ProductID: l.ProductID, Title: titleOf(l.LocalizeInfos), Sku: l.Sku, Quantity: l.Quantity,
			UnitPrice: l.UnitPrice.Fixed()}
	}
	if o.PaidAt != nil {
		t := openentry.Time(*o.PaidAt)
		out.PaidAt = &t
	}
	return out
}

type sessionJSON struct {
	ID         int64          `json:"id"`
	OrderID    int64          `json:"orderId"`
	AccountID  int64          `json:"accountId"`
	Type       string         `json:"type"`
	Status     string         `json:"status"`
	Amount     *string        `json:"amount"`
	PaymentURL *string        `json:"paymentUrl"`
	CreatedAt  openentry.Time `json:"createdAt"`
	UpdatedAt  openentry.Time `json:"updatedAt"`
}

// toSessionJSON leaves out the client secret: it pays the session.
func toSessionJSON(s openentry.PaymentSession) sessionJSON {
	out := sessionJSON{ID: s.ID, OrderID: s.OrderID, AccountID: s.AccountID, Type: s.Type, Status: s.Status, PaymentURL: s.PaymentURL,
		CreatedAt: openentry.Time(s.CreatedAt), UpdatedAt: openentry.Time(s.UpdatedAt)}
	if s.Amount != nil {
		a := s.Amount.Fixed()
		out.Amount = &a
	}
	return out
}

type refundLineJSON struct {
	ProductID int64 `json:"productId"`
	Quantity  int64 `json:"quantity"`
}

type refundJSON struct {
	ID            int64            `json:"id"`
	OrderID       int64            `json:"orderId"`
	UserID        int64            `json:"userId"`
	UserLogin     string           `json:"userLogin"`
	StorageMarker string           `json:"storageMarker"`
	Status        string           `json:"status"`
	Amount        string           `json:"amount"`
	Currency      string           `json:"currency"`
	Note          string           `json:"note"`
	Reason        string           `json:"reason"`
	Products      []refundLineJSON `json:"products"`
	CreatedAt     openentry.Time   `json:"createdAt"`
	UpdatedAt     openentry.Time   `json:"updatedAt"`
}

func toRefundJSON(r openentry.Refund) refundJSON {
	out := refundJSON{ID: r.ID, OrderID: r.OrderID, UserID: r.UserID, UserLogin: r.UserLogin, StorageMarker: r.StorageMarker,
		Status: r.Status, Amount: r.Amount.Fixed(), Currency: r.Amount.Currency, Note: r.Note, Reason: r.Reason,
		Products: []refundLineJSON{}, CreatedAt: openentry.Time(r.CreatedAt), UpdatedAt: openentry.Time(r.UpdatedAt)}
	for id, n := range r.Products {
		out.Products = append(out.Products, refundLineJSON{ProductID: id, Quantity: n})
	}
	slices.SortFunc(out.Products, func(a, b refundLineJSON) int { return int(a.ProductID - b.ProductID) })
	return out
}

type orderDetailJSON struct {
	adminOrderJSON
	Sessions []sessionJSON `json:"sessions"`
	Refunds  []refundJSON  `json:"refunds"`
	Journal  []auditJSON   `json:"journal"`
}

func toOrderDetailJSON(o *openentry.AdminOrderDetail) orderDetailJSON {
	out := orderDetailJSON{adminOrderJSON: toAdminOrderJSON(&o.AdminOrder), Sessions: make([]sessionJSON, len(o.Sessions)),
		Refunds: make([]refundJSON, len(o.Refunds)), Journal: make([]auditJSON, len(o.Journal))}
	for i, s := range o.Sessions {
		out.Sessions[i] = toSessionJSON(s)
	}
	for i, r := range o.Refunds {
		out.Refunds[i] = toRefundJSON(r)
	}
	for i, e := range o.Journal {
		out.Journal[i] = toAuditJSON(e)
	}
	return out
}

type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type lowStockJSON struct {
	ProductID int64  `json:"productId"`
	Title     string `json:"title"`
	Sku       string `json:"sku"`
	Units     int64  `json:"units"`
}

type overviewJSON struct {
	OrdersToday       int64          `json:"ordersToday"`
	RevenueToday      []moneyJSON    `json:"revenueToday"`
	WaitingSessions   int64          `json:"waitingSessions"`
	LowStockThreshold int64          `json:"lowStockThreshold"`
	LowStock          []lowStockJSON `json:"lowStock"`
}

func toOverviewJSON(o *openentry.Overview, threshold int64) overviewJSON {
	out := overviewJSON{OrdersToday: o.OrdersToday, WaitingSessions: o.WaitingSessions, LowStockThreshold: threshold,
		RevenueToday: make([]moneyJSON, len(o.RevenueToday)), LowStock: make([]lowStockJSON, len(o.LowStock))}
	for i, m := range o.RevenueToday {
		out.RevenueToday[i] = moneyJSON{Amount: m.Fixed(), Currency: m.Currency}
	}
	for i, p := range o.LowStock {
		out.LowStock[i] = lowStockJSON{ProductID: p.ProductID, Title: titleOf(p.LocalizeInfos), Sku: p.Sku, Units: p.Units}
	}
	return out
}
