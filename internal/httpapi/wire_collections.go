package httpapi

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/openentry/openentry"
)

// wireCollection is the SDK's ICollectionEntity.
type wireCollection struct {
	ID                       int64           `json:"id"`
	Identifier               string          `json:"identifier"`
	FormID                   *int64          `json:"formId"`
	LocalizeInfos            json.RawMessage `json:"localizeInfos"`
	AttributeSetID           *int64          `json:"attributeSetId"`
	SelectedAttributeMarkers *string         `json:"selectedAttributeMarkers"`
}

func toWireCollection(c *openentry.Collection, lang string) wireCollection {
	w := wireCollection{ID: c.ID, Identifier: c.Identifier, LocalizeInfos: c.LocalizeInfos.Resolve(lang)}
	if len(w.LocalizeInfos) == 0 {
		w.LocalizeInfos = json.RawMessage(`{}`)
	}
	if c.FormID != 0 {
		w.FormID = &c.FormID
	}
	if len(c.SelectedAttributeMarkers) > 0 {
		s := strings.Join(c.SelectedAttributeMarkers, ",")
		w.SelectedAttributeMarkers = &s
	}
	return w
}

// wireRowField is one value of a row. The SDK's schema
// (CollectionFormDataSchema) takes values as strings only, so a number is
// answered as its literal ("4") and any other JSON as its text.
type wireRowField struct {
	Marker string `json:"marker"`
	Type   string `json:"type"`
	Value  string `json:"value"`
}

func rowValue(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// wireCollectionRow is the SDK's ICollectionRow.
type wireCollectionRow struct {
	ID                     int64          `json:"id"`
	CreatedDate            openentry.Time `json:"createdDate"`
	UpdatedDate            openentry.Time `json:"updatedDate"`
	CollectionID           int64          `json:"collectionId"`
	FormData               []wireRowField `json:"formData"`
	EntityType             *string        `json:"entityType"`
	EntityID               *int64         `json:"entityId"`
	AttributeSetIdentifier *string        `json:"attributeSetIdentifier"`
}

func toWireCollectionRow(r *openentry.CollectionRow, lang string) wireCollectionRow {
	fields := entryFields(r.FormData, lang)
	w := wireCollectionRow{ID: r.ID, CreatedDate: openentry.Time(r.Created), UpdatedDate: openentry.Time(r.Updated),
		CollectionID: r.CollectionID, FormData: make([]wireRowField, len(fields)), EntityID: r.EntityID}
	for i, f := range fields {
		w.FormData[i] = wireRowField{Marker: f.Marker, Type: f.Type, Value: rowValue(f.Value)}
	}
	if r.EntityType != "" {
		w.EntityType = &r.EntityType
	}
	return w
}
