package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

// wireTemplate is the SDK's ITemplateEntity (TemplateEntitySchema).
type wireTemplate struct {
	ID                     int64                    `json:"id"`
	AttributeSetIdentifier *string                  `json:"attributeSetIdentifier"`
	Title                  string                   `json:"title"`
	GeneralTypeID          int64                    `json:"generalTypeId"`
	Identifier             string                   `json:"identifier"`
	Version                int64                    `json:"version"`
	GeneralTypeName        string                   `json:"generalTypeName"`
	AttributeValues        map[string]wirePageValue `json:"attributeValues"`
	Position               int64                    `json:"position"`
}

func toWireTemplate(base string) func(t *openentry.Template, lang string) wireTemplate {
	return func(t *openentry.Template, lang string) wireTemplate {
		var title struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(t.Title.Resolve(lang), &title)
		w := wireTemplate{ID: t.ID, Title: title.Title, GeneralTypeID: openentry.GeneralTypeID(t.Type), Identifier: t.Identifier,
			Version: t.Version, GeneralTypeName: t.Type, AttributeValues: contentValues(t.Attributes, t.AttributeValues, lang, base),
			Position: t.Position}
		if t.AttributeSetIdentifier != "" {
			w.AttributeSetIdentifier = &t.AttributeSetIdentifier
		}
		return w
	}
}

// handleAllTemplates serves GET /templates/all (JS: Templates.getAllTemplates):
// the templates grouped by general type.
func handleAllTemplates(logger *slog.Logger, templates openentry.TemplateService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (map[string][]wireTemplate, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		all, err := templates.Templates(r.Context(), "")
		if err != nil {
			return nil, err
		}
		out := map[string][]wireTemplate{}
		for _, t := range wireAll(all, q.Lang, toWireTemplate(linkBase(r))) {
			out[t.GeneralTypeName] = append(out[t.GeneralTypeName], t)
		}
		return out, nil
	})
}

// handleTemplatesByType serves GET /templates?type= (JS: Templates.getTemplateByType).
func handleTemplatesByType(logger *slog.Logger, templates openentry.TemplateService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireTemplate, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		typ := r.URL.Query().Get("type")
		if typ == "" {
			return nil, badRequest("type: give a general type")
		}
		found, err := templates.Templates(r.Context(), typ)
		if err != nil {
			return nil, err
		}
		return wireAll(found, q.Lang, toWireTemplate(linkBase(r))), nil
	})
}

// handleTemplate serves GET /templates/marker/{marker} (JS: Templates.getTemplateByMarker).
func handleTemplate(logger *slog.Logger, templates openentry.TemplateService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireTemplate, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		t, err := templates.Template(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireTemplate(linkBase(r))(t, q.Lang)
		return &out, nil
	})
}

// wireGeneralType is one of getAllTypes' answers.
type wireGeneralType struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

// handleGeneralTypes serves GET /general-types (JS: GeneralTypes.getAllTypes).
func handleGeneralTypes(logger *slog.Logger) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireGeneralType, error) {
		out := make([]wireGeneralType, len(openentry.GeneralTypes))
		for i, t := range openentry.GeneralTypes {
			out[i] = wireGeneralType{ID: int64(i + 1), Type: t}
		}
		return out, nil
	})
}
