package adminapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// Locales, templates and integration collections: the project file's shapes
// (ProjectLocale, ProjectTemplate, ProjectCollection) in, the stored objects
// with their versions out.

type localeJSON struct {
	ID         int64  `json:"id"`
	Code       string `json:"code"`
	ShortCode  string `json:"shortCode"`
	Name       string `json:"name"`
	NativeName string `json:"nativeName"`
	Image      string `json:"image"`
	IsActive   bool   `json:"isActive"`
	IsDefault  bool   `json:"isDefault"`
	Position   int64  `json:"position"`
	Version    int64  `json:"version"`
}

func toLocaleJSON(l openentry.AdminLocale) localeJSON {
	return localeJSON{ID: l.ID, Code: l.Code, ShortCode: l.ShortCode, Name: l.Name, NativeName: l.NativeName, Image: l.Image,
		IsActive: l.IsActive, IsDefault: l.IsDefault, Position: l.Position, Version: l.Version}
}

// localeBody is a locale to write; isActive defaults to true.
type localeBody struct {
	ShortCode  string `json:"shortCode"`
	Name       string `json:"name"`
	NativeName string `json:"nativeName"`
	Image      string `json:"image"`
	IsActive   *bool  `json:"isActive"`
	IsDefault  bool   `json:"isDefault"`
	Position   int64  `json:"position"`
}

func (b localeBody) edit(code string, version int64) openentry.LocaleEdit {
	return openentry.LocaleEdit{Version: version, Position: b.Position, Locale: openentry.ProjectLocale{Code: code,
		ShortCode: b.ShortCode, Name: b.Name, NativeName: b.NativeName, Image: b.Image, IsDefault: b.IsDefault,
		Hidden: b.IsActive != nil && !*b.IsActive}}
}

// handleDeleteAt answers DELETE …/{key}?version=N with del.
func handleDeleteAt(logger *slog.Logger, key string, del func(ctx context.Context, a openentry.Actor, key string, version int64) error) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		version, err := versionOf(r)
		if err == nil {
			err = del(r.Context(), a, r.PathValue(key), version)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func handleListLocales(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return handleListAll(logger, setup.Locales, toLocaleJSON)
}

func handleCreateLocale(logger *slog.Logger, setup *shop.Setup) actorHandler {
	type request struct {
		Code string `json:"code"`
		localeBody
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (localeJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return localeJSON{}, err
		}
		l, err := setup.CreateLocale(r.Context(), a, in.edit(in.Code, 0))
		if err != nil {
			return localeJSON{}, err
		}
		return toLocaleJSON(*l), nil
	})
}

func handleUpdateLocale(logger *slog.Logger, setup *shop.Setup) actorHandler {
	type request struct {
		Version int64 `json:"version"`
		localeBody
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (localeJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return localeJSON{}, err
		}
		l, err := setup.UpdateLocale(r.Context(), a, in.edit(r.PathValue("code"), in.Version))
		if err != nil {
			return localeJSON{}, err
		}
		return toLocaleJSON(*l), nil
	})
}

type templateJSON struct {
	ID                     int64                     `json:"id"`
	Identifier             string                    `json:"identifier"`
	Type                   string                    `json:"type"`
	Title                  map[string]string         `json:"title"`
	Position               int64                     `json:"position"`
	AttributeSetIdentifier string                    `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues `json:"attributeValues"`
	Version                int64                     `json:"version"`
}

func toTemplateJSON(t openentry.Template) templateJSON {
	out := templateJSON{ID: t.ID, Identifier: t.Identifier, Type: t.Type, Title: titles(t.Title), Position: t.Position,
		AttributeSetIdentifier: t.AttributeSetIdentifier, AttributeValues: t.AttributeValues, Version: t.Version}
	if out.AttributeValues == nil {
		out.AttributeValues = openentry.AttributeValues{}
	}
	return out
}

type templateBody struct {
	Type                   string                    `json:"type"`
	Title                  map[string]string         `json:"title"`
	AttributeSetIdentifier string                    `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues `json:"attributeValues"`
	Position               int64                     `json:"position"`
}

func (b templateBody) edit(marker string, version int64) openentry.TemplateEdit {
	return openentry.TemplateEdit{Version: version, Position: b.Position, Template: openentry.ProjectTemplate{Identifier: marker,
		Type: b.Type, Title: b.Title, AttributeSetIdentifier: b.AttributeSetIdentifier, AttributeValues: b.AttributeValues}}
}

func handleListTemplates(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return handleListAll(logger, setup.Templates, toTemplateJSON)
}

func handleGetTemplate(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return handleGetByMarker(logger, setup.Template, toTemplateJSON)
}

func handleCreateTemplate(logger *slog.Logger, setup *shop.Setup) actorHandler {
	type request struct {
		Identifier string `json:"identifier"`
		templateBody
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (templateJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return templateJSON{}, err
		}
		t, err := setup.CreateTemplate(r.Context(), a, in.edit(in.Identifier, 0))
		if err != nil {
			return templateJSON{}, err
		}
		return toTemplateJSON(*t), nil
	})
}

func handleUpdateTemplate(logger *slog.Logger, setup *shop.Setup) actorHandler {
	type request struct {
		Version int64 `json:"version"`
		templateBody
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (templateJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return templateJSON{}, err
		}
		t, err := setup.UpdateTemplate(r.Context(), a, in.edit(r.PathValue("marker"), in.Version))
		if err != nil {
			return templateJSON{}, err
		}
		return toTemplateJSON(*t), nil
	})
}

type collectionJSON struct {
	ID                       int64             `json:"id"`
	Identifier               string            `json:"identifier"`
	FormIdentifier           string            `json:"formIdentifier"`
	Title                    map[string]string `json:"title"`
	Position                 int64             `json:"position"`
	SelectedAttributeMarkers []string          `json:"selectedAttributeMarkers"`
	RowsPublic               bool              `json:"rowsPublic"`
	Version                  int64             `json:"version"`
}

func toCollectionJSON(c openentry.Collection) collectionJSON {
	out := collectionJSON{ID: c.ID, Identifier: c.Identifier, FormIdentifier: c.FormIdentifier, Title: titles(c.LocalizeInfos),
		Position: c.Position, SelectedAttributeMarkers: c.SelectedAttributeMarkers, RowsPublic: c.RowsPublic, Version: c.Version}
	if out.SelectedAttributeMarkers == nil {
		out.SelectedAttributeMarkers = []string{}
	}
	return out
}

type collectionBody struct {
	FormIdentifier           string            `json:"formIdentifier"`
	Title                    map[string]string `json:"title"`
	SelectedAttributeMarkers []string          `json:"selectedAttributeMarkers"`
	RowsPublic               bool              `json:"rowsPublic"`
	Position                 int64             `json:"position"`
}

func (b collectionBody) edit(marker string, version int64) openentry.CollectionEdit {
	return openentry.CollectionEdit{Version: version, Position: b.Position, Collection: openentry.ProjectCollection{
		Identifier: marker, FormIdentifier: b.FormIdentifier, Title: b.Title, SelectedAttributeMarkers: b.SelectedAttributeMarkers,
		RowsPublic: b.RowsPublic}}
}

func handleListCollections(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return handleListAll(logger, setup.Collections, toCollectionJSON)
}

func handleGetCollection(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return handleGetByMarker(logger, setup.Collection, toCollectionJSON)
}

func handleCreateCollection(logger *slog.Logger, setup *shop.Setup) actorHandler {
	type request struct {
		Identifier string `json:"identifier"`
		collectionBody
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (collectionJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return collectionJSON{}, err
		}
		c, err := setup.CreateCollection(r.Context(), a, in.edit(in.Identifier, 0))
		if err != nil {
			return collectionJSON{}, err
		}
		return toCollectionJSON(*c), nil
	})
}

func handleUpdateCollection(logger *slog.Logger, setup *shop.Setup) actorHandler {
	type request struct {
		Version int64 `json:"version"`
		collectionBody
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (collectionJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return collectionJSON{}, err
		}
		c, err := setup.UpdateCollection(r.Context(), a, in.edit(r.PathValue("marker"), in.Version))
		if err != nil {
			return collectionJSON{}, err
		}
		return toCollectionJSON(*c), nil
	})
}

type collectionRowJSON struct {
	ID         int64              `json:"id"`
	UserID     int64              `json:"userId"`
	EntityType string             `json:"entityType"`
	EntityID   *int64             `json:"entityId"`
	FormData   openentry.FormData `json:"formData"`
	CreatedAt  openentry.Time     `json:"createdAt"`
	UpdatedAt  openentry.Time     `json:"updatedAt"`
}

func toCollectionRowJSON(r openentry.CollectionRow) collectionRowJSON {
	out := collectionRowJSON{ID: r.ID, UserID: r.UserID, EntityType: r.EntityType, EntityID: r.EntityID, FormData: r.FormData,
		CreatedAt: openentry.Time(r.Created), UpdatedAt: openentry.Time(r.Updated)}
	if out.FormData == nil {
		out.FormData = openentry.FormData{}
	}
	return out
}

func handleListCollectionRows(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[collectionRowJSON], error) {
		page, err := pageOf(r)
		if err != nil {
			return list[collectionRowJSON]{}, err
		}
		rows, total, err := setup.CollectionRows(r.Context(), a, r.PathValue("marker"), page)
		if err != nil {
			return list[collectionRowJSON]{}, err
		}
		return listOf(rows, total, toCollectionRowJSON), nil
	})
}

func handleDeleteCollectionRow(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		id, err := idOf(r, "id")
		if err == nil {
			err = setup.DeleteCollectionRow(r.Context(), a, r.PathValue("marker"), id)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

type previewProportions struct {
	Default openentry.PreviewProportions `json:"default"`
}

type templatePreviewJSON struct {
	ID                     int64                     `json:"id"`
	Identifier             string                    `json:"identifier"`
	Title                  map[string]string         `json:"title"`
	Position               int64                     `json:"position"`
	Proportions            previewProportions        `json:"proportions"`
	AttributeSetIdentifier string                    `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues `json:"attributeValues"`
	Version                int64                     `json:"version"`
}

func toTemplatePreviewJSON(t openentry.TemplatePreview) templatePreviewJSON {
	out := templatePreviewJSON{ID: t.ID, Identifier: t.Identifier, Title: titles(t.Title), Position: t.Position,
		Proportions: previewProportions{Default: t.Proportions}, AttributeSetIdentifier: t.AttributeSetIdentifier,
		AttributeValues: t.AttributeValues, Version: t.Version}
	if out.AttributeValues == nil {
		out.AttributeValues = openentry.AttributeValues{}
	}
	return out
}

type templatePreviewBody struct {
	Title                  map[string]string         `json:"title"`
	Proportions            previewProportions        `json:"proportions"`
	AttributeSetIdentifier string                    `json:"attributeSetIdentifier"`
	AttributeValues        openentry.AttributeValues `json:"attributeValues"`
	Position               int64                     `json:"position"`
}

func (b templatePreviewBody) edit(marker string, version int64) openentry.TemplatePreviewEdit {
	p := openentry.ProjectTemplatePreview{Identifier: marker, Title: b.Title, AttributeSetIdentifier: b.AttributeSetIdentifier,
		AttributeValues: b.AttributeValues}
	p.Proportions.Default = b.Proportions.Default
	return openentry.TemplatePreviewEdit{Version: version, Position: b.Position, Preview: p}
}

func handleListTemplatePreviews(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return handleListAll(logger, setup.TemplatePreviews, toTemplatePreviewJSON)
}

func handleGetTemplatePreview(logger *slog.Logger, setup *shop.Setup) actorHandler {
	return handleGetByMarker(logger, setup.TemplatePreview, toTemplatePreviewJSON)
}

func handleCreateTemplatePreview(logger *slog.Logger, setup *shop.Setup) actorHandler {
	type request struct {
		Identifier string `json:"identifier"`
		templatePreviewBody
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (templatePreviewJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return templatePreviewJSON{}, err
		}
		t, err := setup.CreateTemplatePreview(r.Context(), a, in.edit(in.Identifier, 0))
		if err != nil {
			return templatePreviewJSON{}, err
		}
		return toTemplatePreviewJSON(*t), nil
	})
}

func handleUpdateTemplatePreview(logger *slog.Logger, setup *shop.Setup) actorHandler {
	type request struct {
		Version int64 `json:"version"`
		templatePreviewBody
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (templatePreviewJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return templatePreviewJSON{}, err
		}
		t, err := setup.UpdateTemplatePreview(r.Context(), a, in.edit(r.PathValue("marker"), in.Version))
		if err != nil {
			return templatePreviewJSON{}, err
		}
		return toTemplatePreviewJSON(*t), nil
	})
}
