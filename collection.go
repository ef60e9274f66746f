package openentry

import (
	"context"
	"time"
)

// Collection is an integration collection: a table of rows whose columns
// are the attributes of a form (OneEntry's IntegrationCollections). Rows
// belong to the user who created them.
type Collection struct {
	ID             int64
	Identifier     string
	FormIdentifier string
	FormID         int64
	LocalizeInfos  Localized
	Position       int64
	// SelectedAttributeMarkers are the columns a table of the rows shows.
	SelectedAttributeMarkers []string
	// RowsPublic lets anyone read every row; otherwise a user reads only
	// their own and a guest none.
	RowsPublic bool
	Version    int64 // moves with every change (admin writes' precondition)
}

// CollectionRow is one record of a collection.
type CollectionRow struct {
	ID           int64
	CollectionID int64
	UserID       int64
	// EntityType and EntityID link the row to something ("products", 14);
	// "" and nil when it is linked to nothing.
	EntityType string
	EntityID   *int64
	FormData   FormData
	Created    time.Time
	Updated    time.Time
}

// MaxCollectionRowLimit bounds one page of rows.
const MaxCollectionRowLimit = 500

// CollectionRowQuery selects rows of one collection: every set part holds.
type CollectionRowQuery struct {
	CollectionID  int64
	EntityType    string
	EntityID      *int64
	OnlyUserID    int64 // >0: only this user's rows
	Offset, Limit int
}

// CollectionRowInput is a row as a client sends it.
type CollectionRowInput struct {
	FormIdentifier string // "": the collection's form; else it must be that form
	FormData       FormData
	EntityType     string
	EntityID       *int64
}

// CollectionStore keeps collections and their rows.
type CollectionStore interface {
	// Collections returns a page of collections.
	Collections(ctx context.Context, page Page) ([]Collection, error)
	// CollectionByID returns a collection. ErrNotFound.
	CollectionByID(ctx context.Context, id int64) (*Collection, error)
	// Collection returns a collection by marker. ErrNotFound.
	Collection(ctx context.Context, marker string) (*Collection, error)
	// CollectionRows returns a page of the rows q selects, newest first,
	// and their total.
	CollectionRows(ctx context.Context, q CollectionRowQuery) ([]CollectionRow, int64, error)
	// CollectionRow returns a row of the collection. ErrNotFound.
	CollectionRow(ctx context.Context, collectionID, id int64) (*CollectionRow, error)
	// AddCollectionRow stores r and returns it with its id and times.
	AddCollectionRow(ctx context.Context, r CollectionRow) (*CollectionRow, error)
	// UpdateCollectionRow replaces the data of one of userID's rows of the
	// collection and returns the row. ErrNotFound when it is not theirs.
	UpdateCollectionRow(ctx context.Context, userID, collectionID, id int64, data FormData) (*CollectionRow, error)
	// DeleteCollectionRow deletes one of userID's rows of the collection.
	// ErrNotFound when it is not theirs.
	DeleteCollectionRow(ctx context.Context, userID, collectionID, id int64) error
}

// CollectionService serves the Content API's IntegrationCollections module.
type CollectionService interface {
	// Collections returns a page of collections.
	Collections(ctx context.Context, page Page) ([]Collection, error)
	// CollectionByID returns a collection. ErrNotFound.
	CollectionByID(ctx context.Context, id int64) (*Collection, error)
	// MarkerExists reports whether a collection has the marker.
	MarkerExists(ctx context.Context, marker string) (bool, error)
	// Rows lists the rows of the collection with q.CollectionID, or with
	// marker when that is not 0: every row of a public collection, else
	// only p's (none for a guest). ErrNotFound, ErrInvalid for bad paging.
	Rows(ctx context.Context, p Principal, marker string, q CollectionRowQuery) ([]CollectionRow, int64, error)
	// Row returns one row p may read. ErrNotFound.
	Row(ctx context.Context, p Principal, marker string, id int64) (*CollectionRow, error)
	// CreateRow checks in against the collection's form and stores it as
	// p's. ErrUnauthorized for a guest, ErrNotFound, ErrInvalid naming the field.
	CreateRow(ctx context.Context, p Principal, marker string, in CollectionRowInput) (*CollectionRow, error)
	// UpdateRow replaces the data of one of p's rows, checked again.
	// ErrNotFound when it is not p's, ErrInvalid.
	UpdateRow(ctx context.Context, p Principal, marker string, id int64, in CollectionRowInput) (*CollectionRow, error)
	// DeleteRow deletes one of p's rows. ErrNotFound when it is not p's.
	DeleteRow(ctx context.Context, p Principal, marker string, id int64) error
}
