package httpapi

import (
	"encoding/json"

	"github.com/openentry/openentry"
)

// Wire shapes follow ../shared/reference/oneentry-api.md and the zod schemas
// of the JS SDK: optional keys are omitted, never null, unless the schema
// says nullable.

type wireProvider struct {
	ID                  int64             `json:"id"`
	Identifier          string            `json:"identifier"`
	Type                string            `json:"type"`
	FormIdentifier      *string           `json:"formIdentifier"`
	UserGroupIdentifier string            `json:"userGroupIdentifier"`
	IsActive            bool              `json:"isActive"`
	IsCheckCode         bool              `json:"isCheckCode"`
	Version             int64             `json:"version"`
	Position            int64             `json:"position"`
	LocalizeInfos       json.RawMessage   `json:"localizeInfos"`
	Config              map[string]string `json:"config"`
}

func toWireProvider(p *openentry.AuthProvider, lang string) wireProvider {
	w := wireProvider{
		ID: p.ID, Identifier: p.Identifier, Type: p.Type, UserGroupIdentifier: p.UserGroupIdentifier,
		IsActive: p.IsActive, IsCheckCode: p.IsCheckCode, Position: p.Position,
		LocalizeInfos: p.LocalizeInfos.Resolve(lang), Config: p.Config,
	}
	if p.FormIdentifier != "" {
		w.FormIdentifier = &p.FormIdentifier
	}
	return w
}

type wireNotificationData struct {
	Email     string   `json:"email"`
	PhonePush []string `json:"phonePush"`
}

type wireSignUp struct {
	ID               int64                `json:"id"`
	Identifier       string               `json:"identifier"`
	IsActive         bool                 `json:"isActive"`
	Version          int64                `json:"version"`
	FormData         openentry.FormData   `json:"formData"`
	NotificationData wireNotificationData `json:"notificationData"`
	Locale           string               `json:"locale"`
	State            json.RawMessage      `json:"state"`
	IsDeleted        bool                 `json:"isDeleted"`
	CreatedDate      openentry.Time       `json:"createdDate"`
	UpdatedDate      openentry.Time       `json:"updatedDate"`
}

func toWireSignUp(u *openentry.User) wireSignUp {
	phones := u.PhonePush
	if phones == nil {
		phones = []string{}
	}
	state := u.State
	if len(state) == 0 {
		state = json.RawMessage(`{}`)
	}
	return wireSignUp{
		ID: u.ID, Identifier: u.Identifier, IsActive: u.IsActive, Version: u.Version, FormData: u.FormData,
		NotificationData: wireNotificationData{Email: u.NotificationEmail, PhonePush: phones},
		Locale:           u.Locale, State: state,
		CreatedDate: openentry.Time(u.CreatedAt), UpdatedDate: openentry.Time(u.UpdatedAt),
	}
}

type wireUser struct {
	ID                     int64              `json:"id"`
	Identifier             string             `json:"identifier"`
	AuthProviderIdentifier string             `json:"authProviderIdentifier"`
	FormIdentifier         string             `json:"formIdentifier"`
	FormData               openentry.FormData `json:"formData"`
	Total                  string             `json:"total"` // a string on OneEntry's wire
	Groups                 []int64            `json:"groups"`
	State                  json.RawMessage    `json:"state"`
	ModuleFormConfigs      []any              `json:"moduleFormConfigs"`
}

func toWireUser(u *openentry.User) wireUser {
	return wireUser{
		ID: u.ID, Identifier: u.Identifier, AuthProviderIdentifier: u.Provider, FormIdentifier: u.FormIdentifier,
		FormData: u.FormData, Total: "1", Groups: []int64{1}, State: u.State, ModuleFormConfigs: []any{},
	}
}

type wireAttribute struct {
	Marker                  string          `json:"marker"`
	Type                    string          `json:"type"`
	Position                int64           `json:"position"`
	IsVisible               bool            `json:"isVisible"`
	LocalizeInfos           json.RawMessage `json:"localizeInfos"`
	ListTitles              []any           `json:"listTitles"`
	Validators              map[string]any  `json:"validators"`
	Settings                map[string]any  `json:"settings"`
	AdditionalFields        []any           `json:"additionalFields"`
	InitialValue            any             `json:"initialValue"`
	IsLogin                 bool            `json:"isLogin"`
	IsSignUp                bool            `json:"isSignUp"`
	IsPassword              bool            `json:"isPassword"`
	IsSignUpRequired        bool            `json:"isSignUpRequired"`
	IsNotificationEmail     bool            `json:"isNotificationEmail"`
	IsNotificationPhonePush bool            `json:"isNotificationPhonePush"`
	IsNotificationPhoneSMS  bool            `json:"isNotificationPhoneSMS"`
}

type wireForm struct {
	ID                int64           `json:"id"`
	Identifier        string          `json:"identifier"`
	Type              *string         `json:"type"`
	LocalizeInfos     json.RawMessage `json:"localizeInfos"`
	Version           int64           `json:"version"`
	Position          int64           `json:"position"`
	ProcessingType    string          `json:"processingType"`
	AttributeSetID    *int64          `json:"attributeSetId"`
	TemplateID        *int64          `json:"templateId"`
	Attributes        []wireAttribute `json:"attributes"`
	ModuleFormConfigs []any           `json:"moduleFormConfigs"`
}

func toWireForm(f *openentry.Form, lang string) wireForm {
	w := wireForm{
		ID: f.ID, Identifier: f.Identifier, LocalizeInfos: f.LocalizeInfos.Resolve(lang), Version: f.Version,
		Position: f.Position, ProcessingType: f.ProcessingType, Attributes: make([]wireAttribute, len(f.Attributes)),
		ModuleFormConfigs: []any{},
	}
	if f.Type != "" {
		w.Type = &f.Type
	}
	for i, a := range f.Attributes {
		validators := map[string]any{}
		if a.IsRequired || a.IsLogin || a.IsPassword {
			validators["requiredValidator"] = map[string]bool{"strict": true}
		}
		w.Attributes[i] = wireAttribute{
			Marker: a.Marker, Type: a.Type, Position: a.Position, IsVisible: true,
			LocalizeInfos: a.LocalizeInfos.Resolve(lang), ListTitles: []any{}, Validators: validators,
			Settings: map[string]any{}, AdditionalFields: []any{},
			IsLogin: a.IsLogin, IsSignUp: a.IsLogin || a.IsPassword, IsPassword: a.IsPassword,
			IsSignUpRequired: a.IsRequired || a.IsLogin || a.IsPassword, IsNotificationEmail: a.IsNotificationEmail,
		}
	}
	return w
}

type wireAccountRef struct {
	Identifier string `json:"identifier"`
}

type wireStorage struct {
	ID                        int64            `json:"id"`
	Identifier                string           `json:"identifier"`
	FormIdentifier            string           `json:"formIdentifier"`
	GeneralTypeID             *int64           `json:"generalTypeId"`
	Position                  int64            `json:"position"`
	LocalizeInfos             json.RawMessage  `json:"localizeInfos"`
	PaymentAccountIdentifiers []wireAccountRef `json:"paymentAccountIdentifiers"`
}

func toWireStorage(s *openentry.OrderStorage, lang string) wireStorage {
	w := wireStorage{
		ID: s.ID, Identifier: s.Identifier, FormIdentifier: s.FormIdentifier, Position: s.Position,
		LocalizeInfos: s.LocalizeInfos.Resolve(lang), PaymentAccountIdentifiers: make([]wireAccountRef, len(s.PaymentAccounts)),
	}
	for i, a := range s.PaymentAccounts {
		w.PaymentAccountIdentifiers[i] = wireAccountRef{Identifier: a}
	}
	return w
}

type wireStatus struct {
	ID            int64           `json:"id"`
	Identifier    string          `json:"identifier"`
	LocalizeInfos json.RawMessage `json:"localizeInfos"`
	Position      int64           `json:"position"`
	IsUsed        bool            `json:"isUsed"`
	IsDefault     bool            `json:"isDefault"`
}

type wireLineInput struct {
	ProductID int64 `json:"productId"`
	Quantity  int64 `json:"quantity"`
}

// wireCreatedOrder is the create answer: totalSum is a JSON number here.
type wireCreatedOrder struct {
	ID                       int64              `json:"id"`
	FormIdentifier           string             `json:"formIdentifier"`
	PaymentAccountIdentifier string             `json:"paymentAccountIdentifier"`
	FormData                 openentry.FormData `json:"formData"`
	Products                 []wireLineInput    `json:"products"`
	Currency                 string             `json:"currency"`
	TotalSum                 json.Number        `json:"totalSum"`
	CreatedDate              openentry.Time     `json:"createdDate"`
	StatusIdentifier         string             `json:"statusIdentifier"`
}

func toWireCreatedOrder(o *openentry.Order) wireCreatedOrder {
	w := wireCreatedOrder{
		ID: o.ID, FormIdentifier: o.FormIdentifier, PaymentAccountIdentifier: o.PaymentAccountIdentifier,
		FormData: o.FormData, Products: make([]wireLineInput, len(o.Lines)), Currency: o.Total.Currency,
		TotalSum: json.Number(o.Total.Number()), CreatedDate: openentry.Time(o.CreatedAt), StatusIdentifier: o.StatusIdentifier,
	}
	for i, l := range o.Lines {
		w.Products[i] = wireLineInput{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	return w
}

// wirePreview is previewOrder's answer (not validated by SDK 1.0.149):
// amounts are JSON numbers.
type wirePreview struct {
	TotalSum             json.Number        `json:"totalSum"`
	TotalSumWithDiscount json.Number        `json:"totalSumWithDiscount"`
	Currency             string             `json:"currency"`
	BonusApplied         int64              `json:"bonusApplied"`
	TotalDue             json.Number        `json:"totalDue"`
	DiscountConfig       wireDiscountConfig `json:"discountConfig"`
	OrderPreview         []wirePreviewLine  `json:"orderPreview"`
}

type wireDiscountConfig struct {
	Bonus            any                  `json:"bonus"`
	Coupon           any                  `json:"coupon"`
	OrderDiscounts   []any                `json:"orderDiscounts"`
	ProductDiscounts []any                `json:"productDiscounts"`
	Settings         wireDiscountSettings `json:"settings"`
}

type wireDiscountSettings struct {
	AllowGiftStacking bool `json:"allowGiftStacking"`
	AllowStacking     bool `json:"allowStacking"`
	MaxDiscountValue  any  `json:"maxDiscountValue"`
}

type wirePreviewLine struct {
	ID            int64       `json:"id"`
	Price         json.Number `json:"price"`
	Quantity      int64       `json:"quantity"`
	DiscountPrice any         `json:"discountPrice"`
	IsGift        bool        `json:"isGift"`
}

func toWirePreview(p *openentry.OrderPreview) wirePreview {
	total := json.Number(p.Total.Number())
	w := wirePreview{TotalSum: total, TotalSumWithDiscount: total, Currency: p.Total.Currency, TotalDue: total,
		DiscountConfig: wireDiscountConfig{OrderDiscounts: []any{}, ProductDiscounts: []any{}},
		OrderPreview:   make([]wirePreviewLine, len(p.Lines))}
	for i, l := range p.Lines {
		w.OrderPreview[i] = wirePreviewLine{ID: l.ProductID, Price: json.Number(l.UnitPrice.Number()), Quantity: l.Quantity}
	}
	return w
}

type wireOrderLine struct {
	ID           int64       `json:"id"`
	Title        string      `json:"title"`
	Sku          *string     `json:"sku"`
	PreviewImage any         `json:"previewImage"`
	Price        json.Number `json:"price"`
	Quantity     int64       `json:"quantity"`
}

// wireOrder is the read shape: totalSum is a two-decimal string here.
type wireOrder struct {
	ID                          int64              `json:"id"`
	StorageID                   int64              `json:"storageId"`
	CreatedDate                 openentry.Time     `json:"createdDate"`
	StatusIdentifier            string             `json:"statusIdentifier"`
	StatusLocalizeInfos         json.RawMessage    `json:"statusLocalizeInfos"`
	FormIdentifier              string             `json:"formIdentifier"`
	FormData                    openentry.FormData `json:"formData"`
	TotalSum                    string             `json:"totalSum"`
	Currency                    string             `json:"currency"`
	PaymentAccountIdentifier    string             `json:"paymentAccountIdentifier"`
	PaymentAccountLocalizeInfos json.RawMessage    `json:"paymentAccountLocalizeInfos"`
	PaymentURL                  *string            `json:"paymentUrl"`
	IsCompleted                 bool               `json:"isCompleted"`
	Products                    []wireOrderLine    `json:"products"`
}

func toWireOrder(o *openentry.Order, lang string) wireOrder {
	w := wireOrder{
		ID: o.ID, StorageID: o.StorageID, CreatedDate: openentry.Time(o.CreatedAt), StatusIdentifier: o.StatusIdentifier,
		StatusLocalizeInfos: o.StatusLocalizeInfos.Resolve(lang), FormIdentifier: o.FormIdentifier, FormData: o.FormData,
		TotalSum: o.Total.Fixed(), Currency: o.Total.Currency, PaymentAccountIdentifier: o.PaymentAccountIdentifier,
		PaymentAccountLocalizeInfos: o.PaymentAccountLocalizeInfos.Resolve(lang), PaymentURL: o.PaymentURL,
		IsCompleted: o.IsCompleted, Products: make([]wireOrderLine, len(o.Lines)),
	}
	for i, l := range o.Lines {
		var title struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(l.LocalizeInfos.Resolve(lang), &title) // a title-less product shows ""
		line := wireOrderLine{ID: l.ProductID, Title: title.Title, Price: json.Number(l.UnitPrice.Number()), Quantity: l.Quantity}
		if l.Sku != "" {
			line.Sku = &l.Sku
		}
		w.Products[i] = line
	}
	return w
}

type wireAccount struct {
	ID            int64           `json:"id"`
	Identifier    string          `json:"identifier"`
	Type          string          `json:"type"`
	IsVisible     bool            `json:"isVisible"`
	IsUsed        bool            `json:"isUsed"`
	TestMode      bool            `json:"testMode"`
	LocalizeInfos json.RawMessage `json:"localizeInfos"`
	Settings      map[string]any  `json:"settings"`
	UpdatedDate   openentry.Time  `json:"updatedDate"`
}

// toWireAccount shows an account's public settings; keys and signing
// secrets never leave the server.
func toWireAccount(a *openentry.PaymentAccount, lang string) wireAccount {
	settings := map[string]any{"status": "connected"}
	if a.SessionTimeout > 0 {
		settings["sessionTimeout"] = int64(a.SessionTimeout.Minutes())
	}
	if a.SuccessURL != "" {
		settings["successUrl"] = a.SuccessURL
	}
	if a.CancelURL != "" {
		settings["cancelUrl"] = a.CancelURL
	}
	return wireAccount{
		ID: a.ID, Identifier: a.Identifier, Type: a.Type, IsVisible: a.IsVisible, IsUsed: true, TestMode: a.TestMode,
		LocalizeInfos: a.LocalizeInfos.Resolve(lang), Settings: settings, UpdatedDate: openentry.Time(a.UpdatedAt),
	}
}

type wireSession struct {
	ID               int64          `json:"id"`
	OrderID          int64          `json:"orderId"`
	Type             string         `json:"type"`
	Status           string         `json:"status"`
	PaymentAccountID int64          `json:"paymentAccountId"`
	PaymentURL       *string        `json:"paymentUrl"`
	Amount           json.Number    `json:"amount,omitempty"`
	ClientSecret     string         `json:"clientSecret,omitempty"`
	CreatedDate      openentry.Time `json:"createdDate"`
	UpdatedDate      openentry.Time `json:"updatedDate"`
}

func toWireSession(s *openentry.PaymentSession) wireSession {
	w := wireSession{
		ID: s.ID, OrderID: s.OrderID, Type: s.Type, Status: s.Status, PaymentAccountID: s.AccountID,
		PaymentURL: s.PaymentURL, ClientSecret: s.ClientSecret,
		CreatedDate: openentry.Time(s.CreatedAt), UpdatedDate: openentry.Time(s.UpdatedAt),
	}
	if s.Amount != nil {
		w.Amount = json.Number(s.Amount.Number())
	}
	return w
}

// wireAll converts a page of domain objects with one of the toWire funcs.
func wireAll[T, W any](items []T, lang string, toWire func(*T, string) W) []W {
	out := make([]W, len(items))
	for i := range items {
		out[i] = toWire(&items[i], lang)
	}
	return out
}

// list is OneEntry's paginated shape.
type list[T any] struct {
	Items []T   `json:"items"`
	Total int64 `json:"total"`
}
