package openentry

import "context"

// AttributeSetType is a kind of entity a set can be bound to, with the
// number the Content API calls typeId.
type AttributeSetType struct {
	ID   int64
	Name string
}

// AttributeSetTypes lists the set types: AttributesSets.getAttributes(…,
// typeId) filters by the number, and each set answers type {id, type}.
// OneEntry does not publish its numbering; its documentation shows
// forProducts as 5, and the rest follow the order of its admin panel. The
// numbers are part of the API: never renumber, only append.
func AttributeSetTypes() []AttributeSetType {
	return []AttributeSetType{
		{1, "forAdmins"}, {2, "forBlocks"}, {3, "forPages"}, {4, "forForms"}, {5, "forProducts"}, {6, "forUsers"},
		{7, "forOrders"}, {8, "forEvents"}, {9, "forTemplates"}, {10, "forTemplatePreviews"}, {11, "forDiscounts"},
		{12, "forCollections"},
	}
}

// AttributeSetTypeID returns the typeId of a set type name, or false.
func AttributeSetTypeID(name string) (int64, bool) {
	for _, t := range AttributeSetTypes() {
		if t.Name == name {
			return t.ID, true
		}
	}
	return 0, false
}

// AttributeSetTypeName returns the set type name of a typeId, or false.
func AttributeSetTypeName(id int64) (string, bool) {
	for _, t := range AttributeSetTypes() {
		if t.ID == id {
			return t.Name, true
		}
	}
	return "", false
}

// AttributeSetQuery selects attribute sets.
type AttributeSetQuery struct {
	Type string // a set type name; "": any
	// SortBy is id (also ""; the SDK's default), identifier, position,
	// createdDate or updatedDate, ascending.
	SortBy string
	Page   Page
}

// ValidAttributeSetSort reports whether s is a value AttributeSetQuery.SortBy takes.
func ValidAttributeSetSort(s string) bool {
	switch s {
	case "", "id", "identifier", "position", "createdDate", "updatedDate":
		return true
	}
	return false
}

// AttributeSetService reads attribute sets: the schemas of what products
// (and later pages, blocks, forms) carry values of. The Content API's
// AttributesSets module calls it.
type AttributeSetService interface {
	// AttributeSets returns a page of sets and the total. ErrInvalid for
	// an unknown sort key.
	AttributeSets(ctx context.Context, q AttributeSetQuery) ([]AttributeSet, int64, error)
	// AttributeSet returns a set by marker, its attributes in position
	// order. ErrNotFound.
	AttributeSet(ctx context.Context, marker string) (*AttributeSet, error)
	// SetAttribute returns one attribute of a set. ErrNotFound when the
	// set or the attribute does not exist.
	SetAttribute(ctx context.Context, setMarker, marker string) (*Attribute, error)
}

// ProductStatusService reads product statuses (the ProductStatuses module).
type ProductStatusService interface {
	// ProductStatuses lists the statuses in position order.
	ProductStatuses(ctx context.Context) ([]ProductStatus, error)
	// ProductStatus returns a status by marker. ErrNotFound.
	ProductStatus(ctx context.Context, marker string) (*ProductStatus, error)
	// ProductStatusExists reports whether a status has the marker.
	ProductStatusExists(ctx context.Context, marker string) (bool, error)
}
