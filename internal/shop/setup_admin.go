package shop

import (
	"context"
	"fmt"

	"github.com/openentry/openentry"
)

// Setup lets staff edit locales, templates and integration collections.
// Every edit is checked by the project apply's own rules and written by the
// store with the apply's SQL and its journal entry.
type Setup struct {
	store    openentry.Store
	projects *Projects
}

// NewSetup returns the locale, template and collection editing use cases;
// projects holds the apply's checks.
func NewSetup(store openentry.Store, projects *Projects) *Setup {
	return &Setup{store: store, projects: projects}
}

// Locales lists every stored locale, inactive ones too.
func (s *Setup) Locales(ctx context.Context, by openentry.Actor) ([]openentry.AdminLocale, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.AdminLocales(ctx)
}

func localeNotFound(code string) error {
	return openentry.NotFound(fmt.Sprintf("Locale %q not found", code))
}

func checkLocale(by openentry.Actor, e openentry.LocaleEdit, update bool) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if update && !openentry.ValidLocale(e.Locale.Code) {
		return localeNotFound(e.Locale.Code)
	}
	if err := checkEdit(e.Position, e.Version, update); err != nil {
		return err
	}
	return openentry.CheckLocale(e.Locale)
}

// CreateLocale adds a locale; isDefault makes it the default.
func (s *Setup) CreateLocale(ctx context.Context, by openentry.Actor, e openentry.LocaleEdit) (*openentry.AdminLocale, error) {
	if err := checkLocale(by, e, false); err != nil {
		return nil, err
	}
	return s.store.InsertLocale(ctx, e, openentry.Audit{Actor: by, Action: "locale.create"})
}

// UpdateLocale replaces a locale at the version read.
func (s *Setup) UpdateLocale(ctx context.Context, by openentry.Actor, e openentry.LocaleEdit) (*openentry.AdminLocale, error) {
	if err := checkLocale(by, e, true); err != nil {
		return nil, err
	}
	return s.store.UpdateLocale(ctx, e, openentry.Audit{Actor: by, Action: "locale.update"})
}

// DeleteLocale removes a locale that is not the default and holds no text.
func (s *Setup) DeleteLocale(ctx context.Context, by openentry.Actor, code string, version int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if !openentry.ValidLocale(code) {
		return localeNotFound(code)
	}
	if err := checkEdit(0, version, true); err != nil {
		return err
	}
	return s.store.DeleteLocale(ctx, code, version, openentry.Audit{Actor: by, Action: "locale.delete"})
}

// Templates lists every template.
func (s *Setup) Templates(ctx context.Context, by openentry.Actor) ([]openentry.Template, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.Templates(ctx, "")
}

func templateNotFound(marker string) error {
	return openentry.NotFound(fmt.Sprintf("Template %q not found", marker))
}

// Template returns a template.
func (s *Setup) Template(ctx context.Context, by openentry.Actor, marker string) (*openentry.Template, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	if !openentry.ValidMarker(marker) {
		return nil, templateNotFound(marker)
	}
	return s.store.Template(ctx, marker)
}

func (s *Setup) checkTemplate(ctx context.Context, by openentry.Actor, e openentry.TemplateEdit, update bool) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if update && !openentry.ValidMarker(e.Template.Identifier) {
		return templateNotFound(e.Template.Identifier)
	}
	if err := checkEdit(e.Position, e.Version, update); err != nil {
		return err
	}
	return s.projects.checkFragment(ctx, &openentry.Project{Templates: []openentry.ProjectTemplate{e.Template}})
}

// CreateTemplate adds a template.
func (s *Setup) CreateTemplate(ctx context.Context, by openentry.Actor, e openentry.TemplateEdit) (*openentry.Template, error) {
	if err := s.checkTemplate(ctx, by, e, false); err != nil {
		return nil, err
	}
	return s.store.InsertTemplate(ctx, e, openentry.Audit{Actor: by, Action: "template.create"})
}

// UpdateTemplate replaces a template at the version read.
func (s *Setup) UpdateTemplate(ctx context.Context, by openentry.Actor, e openentry.TemplateEdit) (*openentry.Template, error) {
	if err := s.checkTemplate(ctx, by, e, true); err != nil {
		return nil, err
	}
	return s.store.UpdateTemplate(ctx, e, openentry.Audit{Actor: by, Action: "template.update"})
}

// DeleteTemplate removes a template no page or block names.
func (s *Setup) DeleteTemplate(ctx context.Context, by openentry.Actor, marker string, version int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if !openentry.ValidMarker(marker) {
		return templateNotFound(marker)
	}
	if err := checkEdit(0, version, true); err != nil {
		return err
	}
	return s.store.DeleteTemplate(ctx, marker, version, openentry.Audit{Actor: by, Action: "template.delete"})
}

// Collections lists every integration collection.
func (s *Setup) Collections(ctx context.Context, by openentry.Actor) ([]openentry.Collection, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.AdminCollections(ctx)
}

func collectionNotFound(marker string) error {
	return openentry.NotFound(fmt.Sprintf("Collection %q not found", marker))
}

// Collection returns a collection.
func (s *Setup) Collection(ctx context.Context, by openentry.Actor, marker string) (*openentry.Collection, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	if !openentry.ValidMarker(marker) {
		return nil, collectionNotFound(marker)
	}
	return s.store.Collection(ctx, marker)
}

func (s *Setup) checkCollection(ctx context.Context, by openentry.Actor, e openentry.CollectionEdit, update bool) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if update && !openentry.ValidMarker(e.Collection.Identifier) {
		return collectionNotFound(e.Collection.Identifier)
	}
	if err := checkEdit(e.Position, e.Version, update); err != nil {
		return err
	}
	return s.projects.checkFragment(ctx, &openentry.Project{IntegrationCollections: []openentry.ProjectCollection{e.Collection}})
}

// CreateCollection adds a collection.
func (s *Setup) CreateCollection(ctx context.Context, by openentry.Actor, e openentry.CollectionEdit) (*openentry.Collection, error) {
	if err := s.checkCollection(ctx, by, e, false); err != nil {
		return nil, err
	}
	return s.store.InsertCollection(ctx, e, openentry.Audit{Actor: by, Action: "collection.create"})
}

// UpdateCollection replaces a collection at the version read.
func (s *Setup) UpdateCollection(ctx context.Context, by openentry.Actor, e openentry.CollectionEdit) (*openentry.Collection, error) {
	if err := s.checkCollection(ctx, by, e, true); err != nil {
		return nil, err
	}
	return s.store.UpdateCollection(ctx, e, openentry.Audit{Actor: by, Action: "collection.update"})
}

// DeleteCollection removes a collection without rows.
func (s *Setup) DeleteCollection(ctx context.Context, by openentry.Actor, marker string, version int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if !openentry.ValidMarker(marker) {
		return collectionNotFound(marker)
	}
	if err := checkEdit(0, version, true); err != nil {
		return err
	}
	return s.store.DeleteCollection(ctx, marker, version, openentry.Audit{Actor: by, Action: "collection.delete"})
}

// CollectionRows returns a page of every user's rows of a collection,
// newest first, and their total.
func (s *Setup) CollectionRows(ctx context.Context, by openentry.Actor, marker string, page openentry.Page) ([]openentry.CollectionRow, int64, error) {
	c, err := s.Collection(ctx, by, marker)
	if err != nil {
		return nil, 0, err
	}
	return s.store.CollectionRows(ctx, openentry.CollectionRowQuery{CollectionID: c.ID, Offset: page.Offset, Limit: page.Limit})
}

// DeleteCollectionRow removes any user's row: moderation.
func (s *Setup) DeleteCollectionRow(ctx context.Context, by openentry.Actor, marker string, id int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if !openentry.ValidMarker(marker) {
		return collectionNotFound(marker)
	}
	c, err := s.store.Collection(ctx, marker)
	if err != nil {
		return err
	}
	return s.store.ModerateCollectionRow(ctx, c.ID, id, openentry.Audit{Actor: by, Action: "collection_row.delete"})
}

// TemplatePreviews lists every preview template.
func (s *Setup) TemplatePreviews(ctx context.Context, by openentry.Actor) ([]openentry.TemplatePreview, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return s.store.TemplatePreviews(ctx)
}

func previewNotFound(marker string) error {
	return openentry.NotFound(fmt.Sprintf("Template preview %q not found", marker))
}

// TemplatePreview returns a preview template.
func (s *Setup) TemplatePreview(ctx context.Context, by openentry.Actor, marker string) (*openentry.TemplatePreview, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	if !openentry.ValidMarker(marker) {
		return nil, previewNotFound(marker)
	}
	return s.store.TemplatePreview(ctx, marker)
}

func (s *Setup) checkPreview(ctx context.Context, by openentry.Actor, e openentry.TemplatePreviewEdit, update bool) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if update && !openentry.ValidMarker(e.Preview.Identifier) {
		return previewNotFound(e.Preview.Identifier)
	}
	if err := checkEdit(e.Position, e.Version, update); err != nil {
		return err
	}
	return s.projects.checkFragment(ctx, &openentry.Project{TemplatePreviews: []openentry.ProjectTemplatePreview{e.Preview}})
}

// CreateTemplatePreview adds a preview template.
func (s *Setup) CreateTemplatePreview(ctx context.Context, by openentry.Actor, e openentry.TemplatePreviewEdit) (*openentry.TemplatePreview, error) {
	if err := s.checkPreview(ctx, by, e, false); err != nil {
		return nil, err
	}
	return s.store.InsertTemplatePreview(ctx, e, openentry.Audit{Actor: by, Action: "template_preview.create"})
}

// UpdateTemplatePreview replaces a preview template at the version read.
func (s *Setup) UpdateTemplatePreview(ctx context.Context, by openentry.Actor, e openentry.TemplatePreviewEdit) (*openentry.TemplatePreview, error) {
	if err := s.checkPreview(ctx, by, e, true); err != nil {
		return nil, err
	}
	return s.store.UpdateTemplatePreview(ctx, e, openentry.Audit{Actor: by, Action: "template_preview.update"})
}

// DeleteTemplatePreview removes a preview template.
func (s *Setup) DeleteTemplatePreview(ctx context.Context, by openentry.Actor, marker string, version int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if !openentry.ValidMarker(marker) {
		return previewNotFound(marker)
	}
	if err := checkEdit(0, version, true); err != nil {
		return err
	}
	return s.store.DeleteTemplatePreview(ctx, marker, version, openentry.Audit{Actor: by, Action: "template_preview.delete"})
}
