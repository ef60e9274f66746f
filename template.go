package openentry

import (
	"context"
	"fmt"
	"slices"
)

// GeneralTypes are OneEntry's entity types, which templates are for, with
// the ids OpenEntry gives them: their place in the SDK's list (1.0.149),
// fixed from here on.
var GeneralTypes = []string{"product", "error_page", "catalog_page", "product_preview", "similar_products_block",
	"product_block", "form", "common_page", "common_block", "order", "service", "external_page", "discount",
	"frequently_ordered_block", "none"}

// GeneralTypeID is a general type's id, 0 for none of them.
func GeneralTypeID(typ string) int64 { return int64(slices.Index(GeneralTypes, typ) + 1) }

// Template is a layout a page, product or block names by marker
// (templateIdentifier); front ends read its values.
type Template struct {
	ID                     int64
	Identifier             string
	Type                   string // a general type
	Title                  Localized
	Position               int64
	AttributeSetIdentifier string
	AttributeValues        AttributeValues
	Attributes             []Attribute // of its set, to type its values
	Version                int64
}

// ProjectTemplate configures a template.
type ProjectTemplate struct {
	Identifier             string            `json:"identifier"`
	Type                   string            `json:"type"` // a general type: common_page, product, common_block…
	Title                  map[string]string `json:"title"`
	AttributeSetIdentifier string            `json:"attributeSetIdentifier,omitempty"`
	AttributeValues        AttributeValues   `json:"attributeValues,omitempty"`
}

// TemplateStore reads templates.
type TemplateStore interface {
	// Templates lists the templates of a type ("" all), by position.
	Templates(ctx context.Context, typ string) ([]Template, error)
	// Template returns a template by marker. ErrNotFound.
	Template(ctx context.Context, marker string) (*Template, error)
}

// TemplateService serves the Templates and GeneralTypes modules.
type TemplateService interface {
	Templates(ctx context.Context, typ string) ([]Template, error)
	Template(ctx context.Context, marker string) (*Template, error)
}

// validateTemplates checks the file's templates: markers unique, general
// types known.
func (p *Project) validateTemplates() []error {
	var errs []error
	seen := map[string]bool{}
	for _, t := range p.Templates {
		if !ValidMarker(t.Identifier) || seen[t.Identifier] {
			errs = append(errs, fmt.Errorf("template %q: identifier malformed or repeated", t.Identifier))
		}
		seen[t.Identifier] = true
		if GeneralTypeID(t.Type) == 0 {
			errs = append(errs, fmt.Errorf("template %q: type %q is not a general type (%v)", t.Identifier, t.Type, GeneralTypes))
		}
		errs = append(errs, checkContent(fmt.Sprintf("template %q", t.Identifier), nil, t.AttributeSetIdentifier,
			t.AttributeValues, "")...)
	}
	return errs
}
