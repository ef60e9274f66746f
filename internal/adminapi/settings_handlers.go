package adminapi

import (
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// Shop settings: order storages, payment accounts, auth providers. The
// shapes are the project file's, with what the database adds (id,
// version, position, updatedAt); PUT bodies replace every setting they
// name and carry the version read.

type orderStatusJSON struct {
	Identifier string            `json:"identifier"`
	Title      map[string]string `json:"title"`
	IsDefault  bool              `json:"isDefault"`
	Position   int64             `json:"position"`
	Orders     int64             `json:"orders"` // a status orders have cannot be removed
}

type storageSettingsJSON struct {
	ID                int64             `json:"id"`
	Identifier        string            `json:"identifier"`
	Version           int64             `json:"version"`
	UpdatedAt         openentry.Time    `json:"updatedAt"`
	Position          int64             `json:"position"`
	Title             map[string]string `json:"title"`
	FormIdentifier    string            `json:"formIdentifier"`
	PaymentAccounts   []string          `json:"paymentAccounts"`
	Statuses          []orderStatusJSON `json:"statuses"`
	PaidStatus        string            `json:"paidStatus"`
	CanceledStatus    string            `json:"canceledStatus"`
	CancelUnpaidAfter int64             `json:"cancelUnpaidAfter"`
	RequiredFields    []string          `json:"requiredFields"`
}

func toStorageSettingsJSON(s openentry.StorageSettings) storageSettingsJSON {
	out := storageSettingsJSON{ID: s.ID, Identifier: s.Identifier, Version: s.Version, UpdatedAt: openentry.Time(s.UpdatedAt),
		Position: s.Position, Title: nonNilTitles(s.Title), FormIdentifier: s.FormIdentifier, PaymentAccounts: s.PaymentAccounts,
		Statuses: make([]orderStatusJSON, len(s.Statuses)), PaidStatus: s.PaidStatus, CanceledStatus: s.CanceledStatus,
		CancelUnpaidAfter: int64(s.CancelUnpaidAfter), RequiredFields: s.RequiredFields}
	for i, st := range s.Statuses {
		out.Statuses[i] = orderStatusJSON{Identifier: st.Identifier, Title: nonNilTitles(st.Title), IsDefault: st.IsDefault,
			Position: int64(i + 1), Orders: s.StatusOrders[st.Identifier]}
	}
	if out.RequiredFields == nil {
		out.RequiredFields = []string{}
	}
	return out
}

type secretsJSON struct {
	SecretKey     string `json:"secretKey"`
	WebhookSecret string `json:"webhookSecret"`
}

type accountSettingsJSON struct {
	ID             int64             `json:"id"`
	Identifier     string            `json:"identifier"`
	Type           string            `json:"type"`
	Version        int64             `json:"version"`
	UpdatedAt      openentry.Time    `json:"updatedAt"`
	Position       int64             `json:"position"`
	Title          map[string]string `json:"title"`
	Active         bool              `json:"active"`
	Visible        bool              `json:"visible"`
	TestMode       bool              `json:"testMode"`
	SessionTimeout int               `json:"sessionTimeout"`
	SuccessURL     string            `json:"successUrl"`
	CancelURL      string            `json:"cancelUrl"`
	Secrets        secretsJSON       `json:"secrets"`
}

// toAccountSettingsJSON shows the secrets only as set or not set.
func toAccountSettingsJSON(a openentry.AccountSettings) accountSettingsJSON {
	return accountSettingsJSON{ID: a.ID, Identifier: a.Identifier, Type: a.Type, Version: a.Version, UpdatedAt: openentry.Time(a.UpdatedAt),
		Position: a.Position, Title: nonNilTitles(a.Title), Active: !a.Inactive, Visible: a.Visible, TestMode: a.TestMode,
		SessionTimeout: a.SessionTimeout, SuccessURL: a.SuccessURL, CancelURL: a.CancelURL,
		Secrets: secretsJSON{SecretKey: openentry.SecretState(a.SecretKey), WebhookSecret: openentry.SecretState(a.WebhookSecret)}}
}

type providerSettingsJSON struct {
	ID             int64             `json:"id"`
	Identifier     string            `json:"identifier"`
	Type           string            `json:"type"`
	FormIdentifier string            `json:"formIdentifier"`
	Version        int64             `json:"version"`
	UpdatedAt      openentry.Time    `json:"updatedAt"`
	Position       int64             `json:"position"`
	Title          map[string]string `json:"title"`
	Active         bool              `json:"active"`
	IsCheckCode    bool              `json:"isCheckCode"`
	UserGroup      string            `json:"userGroup"`
	Config         map[string]string `json:"config"`
	Events         []string          `json:"events"`
}

func toProviderSettingsJSON(p openentry.ProviderSettings) providerSettingsJSON {
	out := providerSettingsJSON{ID: p.ID, Identifier: p.Identifier, Type: p.Type, FormIdentifier: p.FormIdentifier, Version: p.Version,
		UpdatedAt: openentry.Time(p.UpdatedAt), Position: p.Position, Title: nonNilTitles(p.Title), Active: !p.Inactive,
		IsCheckCode: p.IsCheckCode, UserGroup: p.UserGroup, Config: p.Config, Events: p.Events}
	if out.Config == nil {
		out.Config = map[string]string{}
	}
	if out.Events == nil {
		out.Events = []string{}
	}
	return out
}

func nonNilTitles(t map[string]string) map[string]string {
	if t == nil {
		return map[string]string{}
	}
	return t
}

func mapAll[T, J any](items []T, to func(T) J) []J {
	out := make([]J, len(items))
	for i, it := range items {
		out[i] = to(it)
	}
	return out
}

func handleListStorages(logger *slog.Logger, settings *shop.Settings) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) ([]storageSettingsJSON, error) {
		all, err := settings.Storages(r.Context(), a)
		return mapAll(all, toStorageSettingsJSON), err
	})
}

func handleGetStorage(logger *slog.Logger, settings *shop.Settings) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (storageSettingsJSON, error) {
		s, err := settings.Storage(r.Context(), a, r.PathValue("marker"))
		if err != nil {
			return storageSettingsJSON{}, err
		}
		return toStorageSettingsJSON(*s), nil
	})
}

func handleUpdateStorage(logger *slog.Logger, settings *shop.Settings) actorHandler {
	type status struct {
		Identifier string            `json:"identifier"`
		Title      map[string]string `json:"title"`
		IsDefault  bool              `json:"isDefault"`
	}
	type request struct {
		Version           *int64            `json:"version"`
		Title             map[string]string `json:"title"`
		FormIdentifier    string            `json:"formIdentifier"`
		PaymentAccounts   []string          `json:"paymentAccounts"`
		Statuses          []status          `json:"statuses"`
		PaidStatus        string            `json:"paidStatus"`
		CanceledStatus    string            `json:"canceledStatus"`
		CancelUnpaidAfter int               `json:"cancelUnpaidAfter"`
		RequiredFields    []string          `json:"requiredFields"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (storageSettingsJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return storageSettingsJSON{}, err
		}
		switch {
		case in.Version == nil:
			return storageSettingsJSON{}, openentry.Invalid("version is required: the version of the storage you read")
		case in.FormIdentifier == "":
			return storageSettingsJSON{}, openentry.Invalid("formIdentifier is required")
		case len(in.Statuses) == 0:
			return storageSettingsJSON{}, openentry.Invalid("statuses is required: at least the default status")
		}
		st := openentry.ProjectOrderStorage{Identifier: r.PathValue("marker"), FormIdentifier: in.FormIdentifier,
			PaymentAccounts: in.PaymentAccounts, Title: in.Title, PaidStatus: in.PaidStatus, CanceledStatus: in.CanceledStatus,
			CancelUnpaidAfter: in.CancelUnpaidAfter, RequiredFields: in.RequiredFields}
		if st.PaymentAccounts == nil {
			st.PaymentAccounts = []string{}
		}
		for _, s := range in.Statuses {
			st.Statuses = append(st.Statuses, openentry.ProjectOrderStatus{Identifier: s.Identifier, Title: s.Title, IsDefault: s.IsDefault})
		}
		s, err := settings.UpdateStorage(r.Context(), a, *in.Version, st)
		if err != nil {
			return storageSettingsJSON{}, err
		}
		return toStorageSettingsJSON(*s), nil
	})
}

func handleListAccounts(logger *slog.Logger, settings *shop.Settings) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) ([]accountSettingsJSON, error) {
		all, err := settings.Accounts(r.Context(), a)
		return mapAll(all, toAccountSettingsJSON), err
	})
}

func handleUpdateAccount(logger *slog.Logger, settings *shop.Settings) actorHandler {
	type request struct {
		Version        *int64            `json:"version"`
		Title          map[string]string `json:"title"`
		Active         *bool             `json:"active"`
		TestMode       bool              `json:"testMode"`
		SessionTimeout int               `json:"sessionTimeout"`
		SuccessURL     string            `json:"successUrl"`
		CancelURL      string            `json:"cancelUrl"`
		SecretKey      *string           `json:"secretKey"`
		WebhookSecret  *string           `json:"webhookSecret"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (accountSettingsJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return accountSettingsJSON{}, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return accountSettingsJSON{}, err
		}
		if in.Version == nil || in.Active == nil {
			return accountSettingsJSON{}, openentry.Invalid("version and active are required")
		}
		acct, err := settings.UpdateAccount(r.Context(), a, id, shop.PaymentAccountChange{Version: *in.Version, Title: in.Title,
			Active: *in.Active, TestMode: in.TestMode, SessionTimeout: in.SessionTimeout, SuccessURL: in.SuccessURL,
			CancelURL: in.CancelURL, SecretKey: in.SecretKey, WebhookSecret: in.WebhookSecret})
		if err != nil {
			return accountSettingsJSON{}, err
		}
		return toAccountSettingsJSON(*acct), nil
	})
}

func handleListProviders(logger *slog.Logger, settings *shop.Settings) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) ([]providerSettingsJSON, error) {
		all, err := settings.Providers(r.Context(), a)
		return mapAll(all, toProviderSettingsJSON), err
	})
}

func handleUpdateProvider(logger *slog.Logger, settings *shop.Settings) actorHandler {
	type request struct {
		Version     *int64            `json:"version"`
		Title       map[string]string `json:"title"`
		Active      *bool             `json:"active"`
		IsCheckCode bool              `json:"isCheckCode"`
		UserGroup   string            `json:"userGroup"`
		Config      map[string]string `json:"config"`
		Events      []string          `json:"events"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (providerSettingsJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return providerSettingsJSON{}, err
		}
		if in.Version == nil || in.Active == nil {
			return providerSettingsJSON{}, openentry.Invalid("version and active are required")
		}
		p, err := settings.UpdateProvider(r.Context(), a, r.PathValue("marker"), shop.AuthProviderChange{Version: *in.Version,
			Title: in.Title, Active: *in.Active, IsCheckCode: in.IsCheckCode, UserGroup: in.UserGroup, Config: in.Config, Events: in.Events})
		if err != nil {
			return providerSettingsJSON{}, err
		}
		return toProviderSettingsJSON(*p), nil
	})
}
