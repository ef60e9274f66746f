package shop

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// SetsForms lets staff edit attribute sets and forms. Every edit is checked
// by the project apply's rules on a project of that one object and written
// by the store with the apply's SQL, re-checked against what uses it.
type SetsForms struct {
	store    openentry.Store
	projects *Projects
}

// NewSetsForms returns the attribute set and form editing use cases;
// projects holds the apply's checks.
func NewSetsForms(store openentry.Store, projects *Projects) *SetsForms {
	return &SetsForms{store: store, projects: projects}
}

func setNotFound(marker string) error {
	return openentry.NotFound(fmt.Sprintf("Attribute set %q not found", marker))
}

func formNotFound(marker string) error {
	return openentry.NotFound(fmt.Sprintf("Form %q not found", marker))
}

// checkVersion is checkEdit for objects whose first version is 0 (an
// applied set or form not changed since).
func checkVersion(position, version int64) error {
	if position < 0 {
		return openentry.Invalid("position must be 0 (unchanged, or last) or more")
	}
	if version < 0 {
		return openentry.Invalid("version: give the version you read")
	}
	return nil
}

// AttributeSets returns a page of every set, of type typ ("" any).
func (s *SetsForms) AttributeSets(ctx context.Context, by openentry.Actor, typ string, page openentry.Page) ([]openentry.AttributeSet, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	if _, ok := openentry.AttributeSetTypeID(typ); typ != "" && !ok {
		return nil, 0, openentry.Invalid(fmt.Sprintf("type: %q is not a set type (forProducts, forPages, forBlocks, forForms…)", typ))
	}
	return s.store.AttributeSets(ctx, openentry.AttributeSetQuery{Type: typ, SortBy: "position", Page: page})
}

// AttributeSet returns a set.
func (s *SetsForms) AttributeSet(ctx context.Context, by openentry.Actor, marker string) (*openentry.AttributeSet, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	if !openentry.ValidMarker(marker) {
		return nil, setNotFound(marker)
	}
	return s.store.AttributeSet(ctx, marker)
}

func (s *SetsForms) checkSet(ctx context.Context, by openentry.Actor, e openentry.AttributeSetEdit, update bool) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if update && !openentry.ValidMarker(e.Set.Identifier) {
		return setNotFound(e.Set.Identifier)
	}
	if err := checkVersion(e.Position, e.Version); err != nil {
		return err
	}
	for _, a := range e.Set.Attributes {
		if len(a.ListTitles) > 0 && a.Type != "list" && a.Type != "radioButton" {
			return openentry.Invalid(fmt.Sprintf("attributes: %q: listTitles are for list and radioButton attributes", a.Marker))
		}
		seen := map[string]bool{}
		for _, o := range a.ListTitles {
			// An option's value is what products store: a string or a number, once.
			v := strings.TrimSpace(string(o.Value))
			if !json.Valid([]byte(v)) || !strings.ContainsAny(v[:1], `"-0123456789`) || seen[v] {
				return openentry.Invalid(fmt.Sprintf("attributes: %q: listTitles: value %s must be a string or a number, once", a.Marker, v))
			}
			seen[v] = true
		}
	}
	return s.projects.checkFragment(ctx, &openentry.Project{AttributeSets: []openentry.ProjectAttributeSet{e.Set}})
}

// CreateAttributeSet adds a set.
func (s *SetsForms) CreateAttributeSet(ctx context.Context, by openentry.Actor, e openentry.AttributeSetEdit) (*openentry.AttributeSet, error) {
	if err := s.checkSet(ctx, by, e, false); err != nil {
		return nil, err
	}
	return s.store.InsertAttributeSet(ctx, e, openentry.Audit{Actor: by, Action: "attribute_set.create"})
}

// UpdateAttributeSet replaces a set at the version read.
func (s *SetsForms) UpdateAttributeSet(ctx context.Context, by openentry.Actor, e openentry.AttributeSetEdit) (*openentry.AttributeSet, error) {
	if err := s.checkSet(ctx, by, e, true); err != nil {
		return nil, err
	}
	return s.store.UpdateAttributeSet(ctx, e, openentry.Audit{Actor: by, Action: "attribute_set.update"})
}

// DeleteAttributeSet removes a set nothing uses.
func (s *SetsForms) DeleteAttributeSet(ctx context.Context, by openentry.Actor, marker string, version int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if !openentry.ValidMarker(marker) {
		return setNotFound(marker)
	}
	if err := checkVersion(0, version); err != nil {
		return err
	}
	return s.store.DeleteAttributeSet(ctx, marker, version, openentry.Audit{Actor: by, Action: "attribute_set.delete"})
}

// Forms returns a page of every form.
func (s *SetsForms) Forms(ctx context.Context, by openentry.Actor, page openentry.Page) ([]openentry.Form, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	return s.store.Forms(ctx, page)
}

// Form returns a form.
func (s *SetsForms) Form(ctx context.Context, by openentry.Actor, marker string) (*openentry.Form, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	if !openentry.ValidMarker(marker) {
		return nil, formNotFound(marker)
	}
	return s.store.Form(ctx, marker)
}

// maxFormType bounds a form's type and processing type.
const maxFormType = 100

func (s *SetsForms) checkForm(ctx context.Context, by openentry.Actor, e openentry.FormEdit, update bool) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	f := e.Form
	if update && !openentry.ValidMarker(f.Identifier) {
		return formNotFound(f.Identifier)
	}
	if err := checkVersion(e.Position, e.Version); err != nil {
		return err
	}
	// An admin's form is held to what the file leaves to its author: a
	// type, and attribute types the SDK knows.
	if strings.TrimSpace(f.Type) == "" || len(f.Type) > maxFormType || len(f.ProcessingType) > maxFormType {
		return openentry.Invalid(fmt.Sprintf("type: give the form's type (order, sing_in_up, data…), at most %d bytes", maxFormType))
	}
	for _, a := range f.Attributes {
		if !openentry.IsAttributeType(a.Type) {
			return openentry.Invalid(fmt.Sprintf("attributes: %q has an unknown type %q", a.Marker, a.Type))
		}
	}
	return s.projects.checkFragment(ctx, &openentry.Project{Forms: []openentry.ProjectForm{f}})
}

// CreateForm adds a form.
func (s *SetsForms) CreateForm(ctx context.Context, by openentry.Actor, e openentry.FormEdit) (*openentry.Form, error) {
	if err := s.checkForm(ctx, by, e, false); err != nil {
		return nil, err
	}
	return s.store.InsertForm(ctx, e, openentry.Audit{Actor: by, Action: "form.create"})
}

// UpdateForm replaces a form at the version read.
func (s *SetsForms) UpdateForm(ctx context.Context, by openentry.Actor, e openentry.FormEdit) (*openentry.Form, error) {
	if err := s.checkForm(ctx, by, e, true); err != nil {
		return nil, err
	}
	return s.store.UpdateForm(ctx, e, openentry.Audit{Actor: by, Action: "form.update"})
}

// DeleteForm removes a form nothing uses.
func (s *SetsForms) DeleteForm(ctx context.Context, by openentry.Actor, marker string, version int64) error {
	if err := by.Can(openentry.PermCatalogue); err != nil {
		return err
	}
	if !openentry.ValidMarker(marker) {
		return formNotFound(marker)
	}
	if err := checkVersion(0, version); err != nil {
		return err
	}
	return s.store.DeleteForm(ctx, marker, version, openentry.Audit{Actor: by, Action: "form.delete"})
}
