package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

// handleAdminsInfo serves Admins.getAdminsInfo: the shop's staff as
// IAdminEntity, their name and role as string attributes of the locale.
func handleAdminsInfo(logger *slog.Logger, staff openentry.StaffDirectory) http.Handler {
	type value struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	type admin struct {
		ID                     int64                       `json:"id"`
		AttributeSetID         *int64                      `json:"attributeSetId"`
		Identifier             string                      `json:"identifier"`
		AttributeSetIdentifier *string                     `json:"attributeSetIdentifier"`
		Position               int                         `json:"position"`
		IsSync                 bool                        `json:"isSync"`
		AttributeValues        map[string]map[string]value `json:"attributeValues"`
	}
	return handle(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request) ([]admin, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		filters, err := productFilters(w, r)
		if err != nil {
			return nil, err
		}
		all, err := staff.PublicStaff(r.Context(), filters, q.Page)
		if err != nil {
			return nil, err
		}
		out := make([]admin, len(all))
		for i, m := range all {
			out[i] = admin{ID: m.ID, Identifier: m.Name, Position: q.Page.Offset + i + 1, IsSync: true,
				AttributeValues: map[string]map[string]value{q.Lang: {
					"name": {Type: "string", Value: m.Name},
					"role": {Type: "string", Value: string(m.Role)},
				}}}
		}
		return out, nil
	})
}
