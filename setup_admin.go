package openentry

import "context"

// AdminLocale is a locale as staff edit it: inactive ones too.
type AdminLocale struct {
	Locale
	IsActive bool
	Version  int64
}

// LocaleEdit is a locale as an admin write gives it: the project file's
// shape, so that the apply's checks and SQL serve both.
type LocaleEdit struct {
	Locale ProjectLocale
	// Position orders the locale among the others; 0 puts a new one last
	// and leaves an existing one where it is.
	Position int64
	Version  int64 // the version read: a stale one is ErrConflict
}

// TemplateEdit is a template as an admin write gives it.
type TemplateEdit struct {
	Template ProjectTemplate
	Position int64 // as LocaleEdit's
	Version  int64
}

// TemplatePreviewEdit is a preview template as an admin write gives it.
type TemplatePreviewEdit struct {
	Preview  ProjectTemplatePreview
	Position int64 // as LocaleEdit's
	Version  int64
}

// CollectionEdit is an integration collection as an admin write gives it.
type CollectionEdit struct {
	Collection ProjectCollection
	Position   int64 // as LocaleEdit's
	Version    int64
}

// SetupAdminStore writes locales, templates and integration collections for
// the admin API. Each write is one transaction with its journal entry; a
// stale Version is ErrConflict, a reference that does not resolve
// ErrInvalid, removing what is in use ErrConflict.
type SetupAdminStore interface {
	// AdminLocales lists every stored locale, inactive ones too, by position.
	AdminLocales(ctx context.Context) ([]AdminLocale, error)
	// InsertLocale stores a new locale. ErrInvalid for a taken code.
	InsertLocale(ctx context.Context, e LocaleEdit, a Audit) (*AdminLocale, error)
	// UpdateLocale replaces the locale e names. ErrNotFound, ErrConflict,
	// ErrInvalid (the default cannot stop being one but by another's taking it).
	UpdateLocale(ctx context.Context, e LocaleEdit, a Audit) (*AdminLocale, error)
	// DeleteLocale removes a locale that is not the default and that no
	// content has text in (ErrConflict otherwise).
	DeleteLocale(ctx context.Context, code string, version int64, a Audit) error

	// InsertTemplate stores a new template. ErrInvalid for a taken marker.
	InsertTemplate(ctx context.Context, e TemplateEdit, a Audit) (*Template, error)
	// UpdateTemplate replaces the template e names. ErrNotFound, ErrConflict.
	UpdateTemplate(ctx context.Context, e TemplateEdit, a Audit) (*Template, error)
	// DeleteTemplate removes a template no page or block names (ErrConflict).
	DeleteTemplate(ctx context.Context, marker string, version int64, a Audit) error

	// InsertTemplatePreview stores a new preview template. ErrInvalid for a taken marker.
	InsertTemplatePreview(ctx context.Context, e TemplatePreviewEdit, a Audit) (*TemplatePreview, error)
	// UpdateTemplatePreview replaces the preview e names. ErrNotFound, ErrConflict.
	UpdateTemplatePreview(ctx context.Context, e TemplatePreviewEdit, a Audit) (*TemplatePreview, error)
	// DeleteTemplatePreview removes a preview template (nothing stored
	// refers to one). ErrNotFound, ErrConflict.
	DeleteTemplatePreview(ctx context.Context, marker string, version int64, a Audit) error

	// AdminCollections lists every collection by position.
	AdminCollections(ctx context.Context) ([]Collection, error)
	// InsertCollection stores a new collection. ErrInvalid for a taken marker.
	InsertCollection(ctx context.Context, e CollectionEdit, a Audit) (*Collection, error)
	// UpdateCollection replaces the collection e names. ErrNotFound, ErrConflict.
	UpdateCollection(ctx context.Context, e CollectionEdit, a Audit) (*Collection, error)
	// DeleteCollection removes a collection without rows (ErrConflict).
	DeleteCollection(ctx context.Context, marker string, version int64, a Audit) error
	// ModerateCollectionRow deletes any user's row of the collection. ErrNotFound.
	ModerateCollectionRow(ctx context.Context, collectionID, id int64, a Audit) error
}
