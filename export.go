package openentry

import "context"

// ExportStore reads the shop back as a project file describes it.
type ExportStore interface {
	// ExportProject returns, from one consistent snapshot, everything a
	// project file's apply writes: objects in their order (position, then
	// id), products with their current stock in their set's stock
	// attribute. Payment accounts come without their secrets, and users
	// only from ExportUsers.
	// Attribute values that hold stored files keep their FileRefs.
	ExportProject(ctx context.Context) (*Project, error)
	// ExportUsers returns the shop users' accounts (not deleted ones) by
	// id: provider, login, profile in the default locale and password
	// hash — personal data, exported only when asked.
	ExportUsers(ctx context.Context) ([]ProjectUser, error)
}

// ExportFile is a stored file an exported project names, at Path relative
// to the project file ({"file": Path}).
type ExportFile struct {
	Path  string
	Bytes []byte
}
