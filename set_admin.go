package openentry

import "context"

// AttributeSetEdit is an attribute set as an admin write gives it: the
// project file's shape, so that the apply's checks and SQL serve both.
type AttributeSetEdit struct {
	Set ProjectAttributeSet
	// Position orders the set among the others; 0 puts a new set last and
	// leaves an existing one where it is.
	Position int64
	// Version is the version read (0 for a set never changed since it was
	// applied): a stale one is ErrConflict.
	Version int64
}

// FormEdit is a form as an admin write gives it.
type FormEdit struct {
	Form     ProjectForm
	Position int64 // as AttributeSetEdit's
	Version  int64
}

// SetFormAdminStore writes attribute sets and forms for the admin API. Each
// write is one transaction with the apply's derived state (the catalogue
// revision, the product search index's markers) and its journal entry. A
// stale Version is ErrConflict; so is a change that objects using the set or
// form would no longer satisfy (the message names them), and a delete while
// anything uses it.
type SetFormAdminStore interface {
	// InsertAttributeSet stores a new set. ErrInvalid for a taken identifier.
	InsertAttributeSet(ctx context.Context, e AttributeSetEdit, a Audit) (*AttributeSet, error)
	// UpdateAttributeSet replaces the set e names. ErrNotFound, ErrConflict.
	UpdateAttributeSet(ctx context.Context, e AttributeSetEdit, a Audit) (*AttributeSet, error)
	// DeleteAttributeSet removes a set nothing uses. ErrNotFound, ErrConflict.
	DeleteAttributeSet(ctx context.Context, marker string, version int64, a Audit) error

	// InsertForm stores a new form. ErrInvalid for a taken identifier.
	InsertForm(ctx context.Context, e FormEdit, a Audit) (*Form, error)
	// UpdateForm replaces the form e names. ErrNotFound, ErrConflict.
	UpdateForm(ctx context.Context, e FormEdit, a Audit) (*Form, error)
	// DeleteForm removes a form nothing uses. ErrNotFound, ErrConflict.
	DeleteForm(ctx context.Context, marker string, version int64, a Audit) error
}
