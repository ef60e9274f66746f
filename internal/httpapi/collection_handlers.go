package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/openentry/openentry"
)

// rowQuery reads a row list's query: langCode, offset, limit, and the
// entityType and entityId filters.
func rowQuery(r *http.Request) (listQuery, openentry.CollectionRowQuery, error) {
	q, err := parseQuery(r)
	if err != nil {
		return q, openentry.CollectionRowQuery{}, err
	}
	rq := openentry.CollectionRowQuery{EntityType: strings.TrimSpace(r.URL.Query().Get("entityType")),
		Offset: q.Page.Offset, Limit: q.Page.Limit}
	if v := r.URL.Query().Get("entityId"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return q, rq, badRequest("entityId must be an integer")
		}
		rq.EntityID = &n
	}
	return q, rq, nil
}

// handleGetCollections serves GET /integration-collections (JS:
// IntegrationCollections.getICollections). entityType and entityId are
// accepted and select nothing: they filter rows, not collections.
func handleGetCollections(logger *slog.Logger, cols openentry.CollectionService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireCollection, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		found, err := cols.Collections(r.Context(), q.Page)
		if err != nil {
			return nil, err
		}
		out := make([]wireCollection, len(found))
		for i := range found {
			out[i] = toWireCollection(&found[i], q.Lang)
		}
		return out, nil
	})
}

// handleGetCollection serves GET /integration-collections/{id} (JS: getICollectionById).
func handleGetCollection(logger *slog.Logger, cols openentry.CollectionService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireCollection, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		c, err := cols.CollectionByID(r.Context(), id)
		if err != nil {
			return nil, err
		}
		out := toWireCollection(c, q.Lang)
		return &out, nil
	})
}

// handleValidateCollectionMarker serves GET
// /integration-collections/marker-validation/{marker} (JS:
// validateICollectionMarker): valid when a collection has the marker.
func handleValidateCollectionMarker(logger *slog.Logger, cols openentry.CollectionService) http.Handler {
	type response struct {
		Valid bool `json:"valid"`
	}
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*response, error) {
		ok, err := cols.MarkerExists(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		return &response{Valid: ok}, nil
	})
}

// handleCollectionRows serves GET /integration-collections/{id}/rows (JS:
// getICollectionRowsById) and, byMarker, GET
// /integration-collections/marker/{marker}/rows (getICollectionRowsByMarker):
// newest first, the rows the caller may read.
func handleCollectionRows(logger *slog.Logger, cols openentry.CollectionService, byMarker bool) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*list[wireCollectionRow], error) {
		q, rq, err := rowQuery(r)
		if err != nil {
			return nil, err
		}
		marker := ""
		if byMarker {
			marker = r.PathValue("marker")
		} else if rq.CollectionID, err = pathID(r, "id"); err != nil {
			return nil, err
		}
		found, total, err := cols.Rows(r.Context(), p, marker, rq)
		if err != nil {
			return nil, err
		}
		items := make([]wireCollectionRow, len(found))
		for i := range found {
			items[i] = toWireCollectionRow(&found[i], q.Lang)
		}
		return &list[wireCollectionRow]{Items: items, Total: total}, nil
	})
}

// handleGetCollectionRow serves GET
// /integration-collections/marker/{marker}/rows/{id} (JS: getICollectionRowByMarkerAndId).
func handleGetCollectionRow(logger *slog.Logger, cols openentry.CollectionService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireCollectionRow, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		row, err := cols.Row(r.Context(), p, r.PathValue("marker"), id)
		if err != nil {
			return nil, err
		}
		out := toWireCollectionRow(row, q.Lang)
		return &out, nil
	})
}

type collectionRowBody struct {
	FormIdentifier string          `json:"formIdentifier"`
	FormData       json.RawMessage `json:"formData"`
	EntityType     string          `json:"entityType"`
	EntityID       json.RawMessage `json:"entityId"`
}

// rowInput reads a row body: formData as the SDK sends it (a list, or
// {"en_US": [fields]}); entityId a number or a numeric string.
func rowInput(w http.ResponseWriter, r *http.Request, lang string) (openentry.CollectionRowInput, error) {
	body, err := decode[collectionRowBody](w, r)
	if err != nil {
		return openentry.CollectionRowInput{}, err
	}
	in := openentry.CollectionRowInput{FormIdentifier: strings.TrimSpace(body.FormIdentifier), EntityType: strings.TrimSpace(body.EntityType)}
	if in.FormData, err = parseFormData(body.FormData, lang); err != nil {
		return in, err
	}
	if raw := bytes.TrimSpace(body.EntityID); len(raw) > 0 && string(raw) != "null" {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			raw = []byte(s)
		}
		n, err := jsonInt(raw)
		if err != nil {
			return in, badRequest("entityId must be an integer")
		}
		in.EntityID = &n
	}
	return in, nil
}

// handleCreateCollectionRow serves POST
// /integration-collections/marker/{marker}/rows (JS: createICollectionRow).
func handleCreateCollectionRow(logger *slog.Logger, cols openentry.CollectionService) userHandler {
	return handleUser(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireCollectionRow, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		in, err := rowInput(w, r, q.Lang)
		if err != nil {
			return nil, err
		}
		row, err := cols.CreateRow(r.Context(), p, r.PathValue("marker"), in)
		if err != nil {
			return nil, err
		}
		out := toWireCollectionRow(row, q.Lang)
		return &out, nil
	})
}

// handleUpdateCollectionRow serves PUT
// /integration-collections/marker/{marker}/rows/{id} (JS: updateICollectionRow):
// the owner replaces the row's formData.
func handleUpdateCollectionRow(logger *slog.Logger, cols openentry.CollectionService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (*wireCollectionRow, error) {
		q, id, err := queryAndID(r)
		if err != nil {
			return nil, err
		}
		in, err := rowInput(w, r, q.Lang)
		if err != nil {
			return nil, err
		}
		row, err := cols.UpdateRow(r.Context(), p, r.PathValue("marker"), id, in)
		if err != nil {
			return nil, err
		}
		out := toWireCollectionRow(row, q.Lang)
		return &out, nil
	})
}

// handleDeleteCollectionRow serves DELETE
// /integration-collections/marker/{marker}/rows/{id} (JS:
// deleteICollectionRowByMarkerAndId): the owner's only.
func handleDeleteCollectionRow(logger *slog.Logger, cols openentry.CollectionService) userHandler {
	return handleUser(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p openentry.Principal) (bool, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return false, err
		}
		return true, cols.DeleteRow(r.Context(), p, r.PathValue("marker"), id)
	})
}
