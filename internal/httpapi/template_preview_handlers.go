package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
)

// wireTemplatePreview is the SDK's ITemplatesPreviewEntity
// (TemplatePreviewEntitySchema).
type wireTemplatePreview struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Proportions struct {
		Default wirePreviewProportions `json:"default"`
	} `json:"proportions"`
	Identifier             string                   `json:"identifier"`
	Version                int64                    `json:"version"`
	AttributeValues        map[string]wirePageValue `json:"attributeValues"`
	Position               int64                    `json:"position"`
	IsUsed                 bool                     `json:"isUsed"`
	AttributeSetIdentifier *string                  `json:"attributeSetIdentifier"`
}

// wirePreviewProportions is ITemplatesPreviewProportionVariants.
type wirePreviewProportions struct {
	Horizontal *wireProportion `json:"horizontal"`
	Vertical   *wireProportion `json:"vertical"`
	Square     wireSquare      `json:"square"`
}

// wireProportion is IProportion.
type wireProportion struct {
	Width         *int64 `json:"width"`
	Height        *int64 `json:"height"`
	AlignmentType string `json:"alignmentType"`
}

// wireSquare is ISquare.
type wireSquare struct {
	Side          int64  `json:"side"`
	AlignmentType string `json:"alignmentType"`
}

func toWireProportion(p *openentry.Proportion) *wireProportion {
	if p == nil {
		return nil
	}
	return &wireProportion{Width: p.Width, Height: p.Height, AlignmentType: p.AlignmentType}
}

func toWireTemplatePreview(base string) func(t *openentry.TemplatePreview, lang string) wireTemplatePreview {
	return func(t *openentry.TemplatePreview, lang string) wireTemplatePreview {
		var title struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(t.Title.Resolve(lang), &title)
		// Nothing in OpenEntry points at a preview template yet, so none is used.
		w := wireTemplatePreview{ID: t.ID, Title: title.Title, Identifier: t.Identifier, Version: t.Version,
			AttributeValues: contentValues(t.Attributes, t.AttributeValues, lang, base), Position: t.Position}
		d := t.Proportions
		w.Proportions.Default = wirePreviewProportions{Horizontal: toWireProportion(d.Horizontal), Vertical: toWireProportion(d.Vertical),
			Square: wireSquare{Side: d.Square.Side, AlignmentType: d.Square.AlignmentType}}
		if t.AttributeSetIdentifier != "" {
			w.AttributeSetIdentifier = &t.AttributeSetIdentifier
		}
		return w
	}
}

// handleTemplatePreviews serves GET /template-previews (JS:
// TemplatePreviews.getTemplatePreviews).
func handleTemplatePreviews(logger *slog.Logger, previews openentry.TemplatePreviewService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) ([]wireTemplatePreview, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		all, err := previews.TemplatePreviews(r.Context())
		if err != nil {
			return nil, err
		}
		return wireAll(all, q.Lang, toWireTemplatePreview(linkBase(r))), nil
	})
}

// handleTemplatePreview serves GET /template-previews/marker/{marker} (JS:
// TemplatePreviews.getTemplatePreviewByMarker).
func handleTemplatePreview(logger *slog.Logger, previews openentry.TemplatePreviewService) http.Handler {
	return handle(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request) (*wireTemplatePreview, error) {
		q, err := parseQuery(r)
		if err != nil {
			return nil, err
		}
		t, err := previews.TemplatePreview(r.Context(), r.PathValue("marker"))
		if err != nil {
			return nil, err
		}
		out := toWireTemplatePreview(linkBase(r))(t, q.Lang)
		return &out, nil
	})
}
