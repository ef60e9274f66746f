package adminapi

import (
	"encoding/json"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

type userJSON struct {
	ID             int64              `json:"id"`
	Login          string             `json:"login"`
	Email          string             `json:"email"`
	Provider       string             `json:"provider"`
	FormIdentifier string             `json:"formIdentifier"`
	FormData       openentry.FormData `json:"formData"`
	Locale         string             `json:"locale"`
	State          string             `json:"state"`
	Version        int64              `json:"version"`
	CreatedAt      openentry.Time     `json:"createdAt"`
	UpdatedAt      openentry.Time     `json:"updatedAt"`
}

func toUserJSON(u openentry.UserAccount) userJSON {
	data := u.FormData
	if data == nil {
		data = openentry.FormData{}
	}
	return userJSON{ID: u.ID, Login: u.Identifier, Email: u.NotificationEmail, Provider: u.Provider, FormIdentifier: u.FormIdentifier,
		FormData: data, Locale: u.Locale, State: u.State, Version: u.Version,
		CreatedAt: openentry.Time(u.CreatedAt), UpdatedAt: openentry.Time(u.UpdatedAt)}
}

type userOrderJSON struct {
	ID            int64          `json:"id"`
	Storage       string         `json:"storage"`
	Status        string         `json:"status"`
	PaymentStatus *string        `json:"paymentStatus"` // null: no payment session yet
	Total         json.Number    `json:"total"`
	Currency      string         `json:"currency"`
	CreatedAt     openentry.Time `json:"createdAt"`
}

type deviceJSON struct {
	Fingerprint string          `json:"fingerprint"`
	DeviceInfo  json.RawMessage `json:"deviceInfo"`
	CreatedAt   openentry.Time  `json:"createdAt"`
	LastUsedAt  openentry.Time  `json:"lastUsedAt"`
}

type userDetailJSON struct {
	User    userJSON            `json:"user"`
	Orders  list[userOrderJSON] `json:"orders"`
	Devices []deviceJSON        `json:"devices"`
}

func toUserDetailJSON(d *shop.UserDetail) userDetailJSON {
	out := userDetailJSON{User: toUserJSON(d.Account), Orders: list[userOrderJSON]{Items: make([]userOrderJSON, len(d.Orders)), Total: d.OrdersTotal},
		Devices: make([]deviceJSON, len(d.Devices))}
	for i, o := range d.Orders {
		out.Orders.Items[i] = userOrderJSON{ID: o.ID, Storage: o.Storage, Status: o.Status, Total: json.Number(o.Total.Number()),
			Currency: o.Total.Currency, CreatedAt: openentry.Time(o.CreatedAt)}
		if o.PaymentStatus != "" {
			out.Orders.Items[i].PaymentStatus = &o.PaymentStatus
		}
	}
	for i, s := range d.Devices {
		info := s.DeviceInfo
		if len(info) == 0 {
			info = json.RawMessage(`{}`)
		}
		out.Devices[i] = deviceJSON{Fingerprint: s.Fingerprint, DeviceInfo: info, CreatedAt: openentry.Time(s.CreatedAt), LastUsedAt: openentry.Time(s.LastUsedAt)}
	}
	return out
}

// formEntryJSON is an entry as staff see it; the sender's address and
// fingerprint are never shown.
type formEntryJSON struct {
	ID               int64              `json:"id"`
	Form             string             `json:"form"`
	UserID           *int64             `json:"userId"` // null: a guest's
	UserLogin        *string            `json:"userLogin"`
	EntityIdentifier string             `json:"entityIdentifier"`
	ModuleConfigID   int64              `json:"moduleConfigId"`
	Status           string             `json:"status"`
	FormData         openentry.FormData `json:"formData"`
	Version          int64              `json:"version"`
	CreatedAt        openentry.Time     `json:"createdAt"`
	UpdatedAt        openentry.Time     `json:"updatedAt"`
}

func toFormEntryJSON(e openentry.FormEntry) formEntryJSON {
	out := formEntryJSON{ID: e.ID, Form: e.FormIdentifier, EntityIdentifier: e.EntityIdentifier, ModuleConfigID: e.ModuleConfigID,
		Status: e.Status, FormData: e.FormData, Version: e.Version, CreatedAt: openentry.Time(e.Time), UpdatedAt: openentry.Time(e.UpdatedAt)}
	if out.FormData == nil {
		out.FormData = openentry.FormData{}
	}
	if e.UserID != 0 {
		out.UserID, out.UserLogin = &e.UserID, &e.UserIdentifier
	}
	return out
}
