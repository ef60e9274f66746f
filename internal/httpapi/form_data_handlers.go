package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openentry/openentry"
)

// entityIdentifier reads an identifier clients send as a string or a
// number (the template sends the product id as a number).
func entityIdentifier(raw json.RawMessage, field string) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s), nil
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), nil
	}
	return "", badRequest(field + " must be a string or a number")
}

type postFormDataBody struct {
	FormIdentifier         string          `json:"formIdentifier"`
	FormModuleConfigID     int64           `json:"formModuleConfigId"`
	ModuleEntityIdentifier json.RawMessage `json:"moduleEntityIdentifier"`
	Status                 *string         `json:"status"`
	FormData               json.RawMessage `json:"formData"`
}

// handlePostFormData serves POST /form-data (JS: FormData.postFormsData),
// for guests and users.
func handlePostFormData(logger *slog.Logger, entries openentry.FormEntryService) userHandler {
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wirePostedEntry, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		body, err := decode[postFormDataBody](w, r)
		if err != nil {
			return nil, err
		}
		entity, err := entityIdentifier(body.ModuleEntityIdentifier, "moduleEntityIdentifier")
		if err != nil {
			return nil, err
		}
		data, err := parseFormData(body.FormData, q.Lang)
		if err != nil {
			return nil, err
		}
		s := openentry.FormEntrySubmission{Form: body.FormIdentifier, EntityIdentifier: entity, ModuleConfigID: body.FormModuleConfigID,
			FormData: data, Lang: q.Lang}
		if body.Status != nil {
			s.Status = *body.Status
		}
		e, form, err := entries.PostEntry(r.Context(), p, device(r), s)
		if err != nil {
			return nil, err
		}
		var message struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(form.SuccessMessage.Resolve(q.Lang), &message) // none: ""
		return &wirePostedEntry{ActionMessage: message.Title, FormData: toWireOwnEntry(e, q.Lang)}, nil
	})
}

type formDataQueryBody struct {
	EntityIdentifier json.RawMessage `json:"entityIdentifier"`
	UserIdentifier   string          `json:"userIdentifier"`
	Status           json.RawMessage `json:"status"`
	DateFrom         string          `json:"dateFrom"`
	DateTo           string          `json:"dateTo"`
}

// entryDate reads dateFrom/dateTo: "", a date (2025-01-31, the whole day
// for dateTo) or an RFC 3339 time.
func entryDate(s, field string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, badRequest(field + " must be a date (2025-01-31) or an RFC 3339 time")
	}
	if end {
		t = t.Add(24*time.Hour - time.Millisecond)
	}
	return t, nil
}

// handleFormDataByMarker serves POST /form-data/marker/{marker} (JS:
// FormData.getFormsDataByMarker): a page of a form's entries, newest first.
// formModuleConfigId and isExtended are accepted and play no part.
func handleFormDataByMarker(logger *slog.Logger, entries openentry.FormEntryService) userHandler {
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*list[wireFormEntry], error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		for _, key := range []string{"formModuleConfigId", "isExtended"} {
			if v := r.URL.Query().Get(key); v != "" {
				if _, err := strconv.ParseInt(v, 10, 64); err != nil {
					return nil, badRequest(key + " must be an integer")
				}
			}
		}
		body, err := decode[formDataQueryBody](w, r)
		if err != nil {
			return nil, err
		}
		fq := openentry.FormEntryQuery{Form: r.PathValue("marker"), UserIdentifier: strings.TrimSpace(body.UserIdentifier),
			Offset: q.Page.Offset, Limit: q.Page.Limit}
		if fq.EntityIdentifier, err = entityIdentifier(body.EntityIdentifier, "entityIdentifier"); err != nil {
			return nil, err
		}
		if st := bytes.TrimSpace(body.Status); len(st) > 0 && string(st) != "null" && string(st) != `""` {
			if st[0] == '"' {
				var one string
				_ = json.Unmarshal(st, &one)
				fq.Statuses = []string{one}
			} else if json.Unmarshal(st, &fq.Statuses) != nil {
				return nil, badRequest("status must be a status or a list of them")
			}
		}
		if fq.From, err = entryDate(body.DateFrom, "dateFrom", false); err != nil {
			return nil, err
		}
		if fq.To, err = entryDate(body.DateTo, "dateTo", true); err != nil {
			return nil, err
		}
		found, total, err := entries.Entries(r.Context(), p, fq)
		if err != nil {
			return nil, err
		}
		items := make([]wireFormEntry, len(found))
		for i := range found {
			items[i] = toWireFormEntry(&found[i], q.Lang, found[i].UserID != 0 && found[i].UserID == p.UserID)
		}
		return &list[wireFormEntry]{Items: items, Total: total}, nil
	})
}

// handleUpdateFormData serves PUT /form-data/{id} (JS:
// FormData.updateFormsDataByid): the sender replaces the entry's formData.
func handleUpdateFormData(logger *slog.Logger, entries openentry.FormEntryService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireOwnEntry, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		body, err := decode[struct {
			FormData json.RawMessage `json:"formData"`
		}](w, r)
		if err != nil {
			return nil, err
		}
		data, err := parseFormData(body.FormData, q.Lang)
		if err != nil {
			return nil, err
		}
		e, err := entries.UpdateEntry(r.Context(), p, id, data, q.Lang)
		if err != nil {
			return nil, err
		}
		out := toWireOwnEntry(e, q.Lang)
		return &out, nil
	})
}

// handleFormDataStatus serves PUT /form-data/{id}/update-status (JS:
// FormData.updateFormsDataStatusByid): a status the form lets senders give.
func handleFormDataStatus(logger *slog.Logger, entries openentry.FormEntryService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return false, err
		}
		body, err := decode[struct {
			Status string `json:"status"`
		}](w, r)
		if err != nil {
			return false, err
		}
		return true, entries.SetEntryStatus(r.Context(), p, id, strings.TrimSpace(body.Status))
	})
}

// handleDeleteFormData serves DELETE /form-data/{id} (JS: FormData.deleteFormsDataByid).
func handleDeleteFormData(logger *slog.Logger, entries openentry.FormEntryService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return false, err
		}
		return true, entries.DeleteEntry(r.Context(), p, id)
	})
}
