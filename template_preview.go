package openentry

import (
	"context"
	"fmt"
)

// TemplatePreview is a preview template: the proportions a front end cuts
// an entity's picture to (a product card's image, a banner's), by marker.
// OneEntry's "template previews" (JS SDK: TemplatePreviews).
type TemplatePreview struct {
	ID                     int64
	Identifier             string
	Title                  Localized
	Position               int64
	Proportions            PreviewProportions
	AttributeSetIdentifier string
	AttributeValues        AttributeValues
	Attributes             []Attribute // of its set, to type its values
	Version                int64
}

// PreviewProportions are a preview's shapes: horizontal and vertical ones
// (nil: none) and the square one every preview has.
type PreviewProportions struct {
	Horizontal *Proportion `json:"horizontal"`
	Vertical   *Proportion `json:"vertical"`
	Square     Square      `json:"square"`
}

// Proportion is a rectangle: width and height (nil: free) and where the
// picture is anchored when cut (leftTop, middleBottom, center…).
type Proportion struct {
	Width         *int64 `json:"width"`
	Height        *int64 `json:"height"`
	AlignmentType string `json:"alignmentType"`
}

// Square is a square shape: its side and anchoring.
type Square struct {
	Side          int64  `json:"side"`
	AlignmentType string `json:"alignmentType"`
}

// ProjectTemplatePreview configures a preview template. Proportions are
// written as the SDK reads them: {"default": {"horizontal", "vertical", "square"}}.
type ProjectTemplatePreview struct {
	Identifier  string            `json:"identifier"`
	Title       map[string]string `json:"title"`
	Proportions struct {
		Default PreviewProportions `json:"default"`
	} `json:"proportions"`
	AttributeSetIdentifier string          `json:"attributeSetIdentifier,omitempty"`
	AttributeValues        AttributeValues `json:"attributeValues,omitempty"`
}

// TemplatePreviewStore reads preview templates.
type TemplatePreviewStore interface {
	// TemplatePreviews lists the preview templates by position.
	TemplatePreviews(ctx context.Context) ([]TemplatePreview, error)
	// TemplatePreview returns a preview template by marker. ErrNotFound.
	TemplatePreview(ctx context.Context, marker string) (*TemplatePreview, error)
}

// TemplatePreviewService serves the TemplatePreviews module.
type TemplatePreviewService interface {
	// TemplatePreviews lists the preview templates by position.
	TemplatePreviews(ctx context.Context) ([]TemplatePreview, error)
	// TemplatePreview returns a preview template by marker. ErrNotFound.
	TemplatePreview(ctx context.Context, marker string) (*TemplatePreview, error)
}

// validateTemplatePreviews checks the file's preview templates: markers
// unique, sizes positive, every shape anchored, a square with a side.
func (p *Project) validateTemplatePreviews() []error {
	var errs []error
	seen := map[string]bool{}
	for _, t := range p.TemplatePreviews {
		owner := fmt.Sprintf("template preview %q", t.Identifier)
		bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(owner+": "+format, args...)) }
		if !ValidMarker(t.Identifier) || seen[t.Identifier] {
			bad("identifier malformed or repeated")
		}
		seen[t.Identifier] = true
		d := t.Proportions.Default
		for _, side := range []struct {
			name string
			pr   *Proportion
		}{{"horizontal", d.Horizontal}, {"vertical", d.Vertical}} {
			name, pr := side.name, side.pr
			if pr == nil {
				continue
			}
			if (pr.Width != nil && *pr.Width <= 0) || (pr.Height != nil && *pr.Height <= 0) {
				bad("proportions.default.%s: width and height must be positive or null", name)
			}
			if !ValidMarker(pr.AlignmentType) {
				bad("proportions.default.%s: alignmentType %q must be a word like center or leftTop", name, pr.AlignmentType)
			}
		}
		if d.Square.Side <= 0 {
			bad("proportions.default.square: side must be positive")
		}
		if !ValidMarker(d.Square.AlignmentType) {
			bad("proportions.default.square: alignmentType %q must be a word like center or leftTop", d.Square.AlignmentType)
		}
		errs = append(errs, checkContent(owner, nil, t.AttributeSetIdentifier, t.AttributeValues, "")...)
	}
	return errs
}
