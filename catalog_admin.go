package openentry

import (
	"context"
	"time"
)

// AdminProduct is a product as the admin API's editor reads it: hidden
// ones too, with every page it is on (Pages holds hidden pages too) and
// the version its next write must name.
type AdminProduct struct {
	Product
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AdminProductQuery selects products for the admin list.
type AdminProductQuery struct {
	Text    string // in the title (any locale) or the sku, case-insensitively for ASCII
	Status  string // a status identifier; "": any
	Visible *bool  // nil: hidden and visible
	SortBy  string // AdminProductSorts; "": position
	Desc    bool
	Page    Page
}

// AdminProductSorts are the keys the admin product list sorts by.
var AdminProductSorts = []string{"position", "id", "price", "sku", "createdAt", "updatedAt"}

// ProductWrite is an admin's creation or change of one product: a project
// file's product written alone, so that it is checked and stored as an
// applied file's is.
type ProductWrite struct {
	Product ProjectProduct // ID 0 on a creation: the next free id
	Create  bool
	Version int64 // a change: the version it was read at
	// Stock is the units to set when the product's set counts stock (nil:
	// it counts none); KeepStock leaves the units as they are.
	Stock     *int64
	KeepStock bool
}

// MaxReorder bounds the products one reorder moves.
const MaxReorder = 1000

// CatalogAdminStore keeps the catalogue's admin writes. Each is one
// transaction that also keeps the catalogue's derived state (search index,
// revision, product events, units) and journals itself.
type CatalogAdminStore interface {
	// AdminProducts returns a page of the products q selects, hidden ones
	// too, and their total. ErrInvalid for an unknown sort key.
	AdminProducts(ctx context.Context, q AdminProductQuery) ([]AdminProduct, int64, error)
	// AdminProduct returns a product, hidden or not. ErrNotFound.
	AdminProduct(ctx context.Context, id int64) (*AdminProduct, error)
	// SaveProduct creates or changes a product. ErrConflict for a taken id
	// or a stale version, ErrNotFound for an unknown one, ErrInvalid for a
	// reference (set, status, page, block, related product) that does not
	// resolve.
	SaveProduct(ctx context.Context, w ProductWrite, a Audit) (*AdminProduct, error)
	// SetProductVisible hides or shows a product. ErrNotFound.
	SetProductVisible(ctx context.Context, id int64, visible bool, a Audit) (*AdminProduct, error)
	// DeleteProduct deletes a product no order line names: ErrConflict if
	// one does, ErrNotFound if there is none.
	DeleteProduct(ctx context.Context, id int64, a Audit) error
	// ReorderProducts gives the products ids, in that order, the positions
	// they hold between them. ErrNotFound if one is unknown.
	ReorderProducts(ctx context.Context, ids []int64, a Audit) error
	// SaveProductStatus creates or changes a product status, the only
	// default one when it is the default. ErrConflict for a taken
	// identifier or a stale version, ErrNotFound for an unknown one.
	SaveProductStatus(ctx context.Context, w ProductStatusWrite, a Audit) (*ProductStatus, error)
	// DeleteProductStatus deletes a status no product is in: ErrConflict
	// if one is, ErrNotFound if there is none.
	DeleteProductStatus(ctx context.Context, identifier string, a Audit) error
	// PutProductFile stores a file for one of the product's attribute
	// values (PutFile's rule: once per digest). ErrNotFound.
	PutProductFile(ctx context.Context, productID int64, f *File, a Audit) error
}

// ProductStatusWrite is an admin's creation or change of a product status,
// checked and stored as a project file's.
type ProductStatusWrite struct {
	Status  ProjectProductStatus
	Create  bool
	Version int64 // a change: the version it was read at
}
