package shop

import (
	"context"

	"github.com/openentry/openentry"
)

// TemplatePreviews reads preview templates.
type TemplatePreviews struct{ store openentry.Store }

var _ openentry.TemplatePreviewService = (*TemplatePreviews)(nil)

// NewTemplatePreviews returns the preview-template use cases over store.
func NewTemplatePreviews(store openentry.Store) *TemplatePreviews {
	return &TemplatePreviews{store: store}
}

// TemplatePreviews lists the preview templates by position.
func (t *TemplatePreviews) TemplatePreviews(ctx context.Context) ([]openentry.TemplatePreview, error) {
	return t.store.TemplatePreviews(ctx)
}

// TemplatePreview returns a preview template by marker.
func (t *TemplatePreviews) TemplatePreview(ctx context.Context, marker string) (*openentry.TemplatePreview, error) {
	return t.store.TemplatePreview(ctx, marker)
}
