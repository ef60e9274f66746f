package httpapi

import (
	"maps"
	"slices"
	"time"

	"github.com/openentry/openentry"
)

// entryFields are an entry's fields in lang, else in the default locale,
// else in the first it has: the SDK's entries carry one list.
func entryFields(data openentry.FormData, lang string) []openentry.FormField {
	for _, l := range []string{lang, openentry.DefaultLocale} {
		if f, ok := data[l]; ok {
			return f
		}
	}
	for _, l := range slices.Sorted(maps.Keys(data)) {
		return data[l]
	}
	return []openentry.FormField{}
}

// wireFormEntry is a listed entry (the SDK's IFormByMarkerDataEntity).
// Who sent it, from where, shows only to its sender.
type wireFormEntry struct {
	ID                     int64                 `json:"id"`
	ParentID               *int64                `json:"parentId"`
	FormIdentifier         string                `json:"formIdentifier"`
	Depth                  int                   `json:"depth"`
	IP                     *string               `json:"ip"`
	Fingerprint            *string               `json:"fingerprint"`
	Status                 string                `json:"status"`
	UserIdentifier         *string               `json:"userIdentifier"`
	FormData               []openentry.FormField `json:"formData"`
	AttributeSetIdentifier *string               `json:"attributeSetIdentifier"`
	Time                   string                `json:"time"`
	EntityIdentifier       string                `json:"entityIdentifier"`
	IsUserAdmin            bool                  `json:"isUserAdmin"`
	FormModuleConfigID     int64                 `json:"formModuleConfigId"`
}

func toWireFormEntry(e *openentry.FormEntry, lang string, own bool) wireFormEntry {
	w := wireFormEntry{ID: e.ID, FormIdentifier: e.FormIdentifier, Status: e.Status, FormData: entryFields(e.FormData, lang),
		Time: e.Time.UTC().Format(time.RFC3339Nano), EntityIdentifier: e.EntityIdentifier, FormModuleConfigID: e.ModuleConfigID}
	if own {
		w.UserIdentifier = &e.UserIdentifier
	}
	return w
}

// wireOwnEntry is an entry as its sender gets it back (the SDK's
// PostFormResponse formData and IUpdateFormsData).
type wireOwnEntry struct {
	ID               int64                 `json:"id"`
	FormIdentifier   string                `json:"formIdentifier"`
	Time             string                `json:"time"`
	EntityIdentifier string                `json:"entityIdentifier"`
	Fingerprint      string                `json:"fingerprint"`
	IsUserAdmin      bool                  `json:"isUserAdmin"`
	FormModuleID     int64                 `json:"formModuleId"`
	UserIdentifier   *string               `json:"userIdentifier"`
	ParentID         *int64                `json:"parentId"`
	Status           string                `json:"status"`
	FormData         []openentry.FormField `json:"formData"`
}

func toWireOwnEntry(e *openentry.FormEntry, lang string) wireOwnEntry {
	w := wireOwnEntry{ID: e.ID, FormIdentifier: e.FormIdentifier, Time: e.Time.UTC().Format(time.RFC3339Nano),
		EntityIdentifier: e.EntityIdentifier, Fingerprint: e.Fingerprint, FormModuleID: e.ModuleConfigID, Status: e.Status,
		FormData: entryFields(e.FormData, lang)}
	if e.UserID != 0 {
		w.UserIdentifier = &e.UserIdentifier
	}
	return w
}

// wirePostedEntry is postFormsData's answer.
type wirePostedEntry struct {
	ActionMessage string       `json:"actionMessage"`
	FormData      wireOwnEntry `json:"formData"`
}
