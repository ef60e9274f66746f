package shop

import (
	"context"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// Collections are the use cases of integration collections: signed-in
// users add rows, checked against the collection's form, and change and
// delete only their own; a collection's rows are read by anyone only when
// it says so, else by their owner alone.
type Collections struct {
	store openentry.Store
}

var _ openentry.CollectionService = (*Collections)(nil)

// NewCollections returns the integration collection use cases over store.
func NewCollections(store openentry.Store) *Collections { return &Collections{store: store} }

// maxEntityType bounds what a row says it is linked to.
const maxEntityType = 100

// Collections returns a page of collections.
func (c *Collections) Collections(ctx context.Context, page openentry.Page) ([]openentry.Collection, error) {
	return c.store.Collections(ctx, page)
}

// CollectionByID returns a collection.
func (c *Collections) CollectionByID(ctx context.Context, id int64) (*openentry.Collection, error) {
	return c.store.CollectionByID(ctx, id)
}

// MarkerExists reports whether a collection has the marker.
func (c *Collections) MarkerExists(ctx context.Context, marker string) (bool, error) {
	_, err := c.store.Collection(ctx, marker)
	if errors.Is(err, openentry.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// collection finds a collection by marker, or by id when marker is "".
func (c *Collections) collection(ctx context.Context, marker string, id int64) (*openentry.Collection, error) {
	if marker != "" {
		return c.store.Collection(ctx, marker)
	}
	return c.store.CollectionByID(ctx, id)
}

// Rows lists a collection's rows that p may read.
func (c *Collections) Rows(ctx context.Context, p openentry.Principal, marker string, q openentry.CollectionRowQuery) ([]openentry.CollectionRow, int64, error) {
	if q.Offset < 0 || q.Limit < 0 || q.Limit > openentry.MaxCollectionRowLimit {
		return nil, 0, openentry.Invalid(fmt.Sprintf("offset must be 0 or more and limit from 0 to %d", openentry.MaxCollectionRowLimit))
	}
	col, err := c.collection(ctx, marker, q.CollectionID)
	if err != nil {
		return nil, 0, err
	}
	q.CollectionID = col.ID
	if !col.RowsPublic {
		if p.UserID == 0 {
			return []openentry.CollectionRow{}, 0, nil // a guest owns no rows
		}
		q.OnlyUserID = p.UserID
	}
	return c.store.CollectionRows(ctx, q)
}

// Row returns one row p may read: any row of a public collection, else
// only p's own; another's is the same 404 as none.
func (c *Collections) Row(ctx context.Context, p openentry.Principal, marker string, id int64) (*openentry.CollectionRow, error) {
	col, err := c.store.Collection(ctx, marker)
	if err != nil {
		return nil, err
	}
	r, err := c.store.CollectionRow(ctx, col.ID, id)
	if err != nil {
		return nil, err
	}
	if !col.RowsPublic && (p.UserID == 0 || r.UserID != p.UserID) {
		return nil, openentry.NotFound(fmt.Sprintf("Collection row %d not found", id))
	}
	return r, nil
}

// checkRow checks a row's data against the collection's form.
func (c *Collections) checkRow(ctx context.Context, col *openentry.Collection, in openentry.CollectionRowInput) (openentry.FormData, error) {
	if in.FormIdentifier != "" && in.FormIdentifier != col.FormIdentifier {
		return nil, openentry.Invalid(fmt.Sprintf("formIdentifier: collection %q takes form %q, not %q", col.Identifier,
			col.FormIdentifier, in.FormIdentifier))
	}
	form, err := c.store.Form(ctx, col.FormIdentifier)
	if err != nil {
		return nil, err
	}
	data, err := form.CheckFormData(in.FormData)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, openentry.Invalid("formData: give the collection's fields")
	}
	return data, nil
}

// CreateRow checks in and stores it as p's row.
func (c *Collections) CreateRow(ctx context.Context, p openentry.Principal, marker string, in openentry.CollectionRowInput) (*openentry.CollectionRow, error) {
	if p.UserID == 0 {
		return nil, openentry.Unauthorized("Sign in to add rows")
	}
	col, err := c.store.Collection(ctx, marker)
	if err != nil {
		return nil, err
	}
	if len(in.EntityType) > maxEntityType {
		return nil, openentry.Invalid(fmt.Sprintf("entityType: at most %d characters", maxEntityType))
	}
	if in.EntityID != nil && *in.EntityID <= 0 {
		return nil, openentry.Invalid("entityId must be a positive integer")
	}
	data, err := c.checkRow(ctx, col, in)
	if err != nil {
		return nil, err
	}
	return c.store.AddCollectionRow(ctx, openentry.CollectionRow{CollectionID: col.ID, UserID: p.UserID,
		EntityType: in.EntityType, EntityID: in.EntityID, FormData: data})
}

// UpdateRow replaces the data of one of p's rows; its link stays.
func (c *Collections) UpdateRow(ctx context.Context, p openentry.Principal, marker string, id int64, in openentry.CollectionRowInput) (*openentry.CollectionRow, error) {
	col, err := c.store.Collection(ctx, marker)
	if err != nil {
		return nil, err
	}
	// Another's row is a 404 whatever the data; the update names the
	// owner again, so a row cannot change hands in between.
	if r, err := c.store.CollectionRow(ctx, col.ID, id); err != nil {
		return nil, err
	} else if r.UserID != p.UserID {
		return nil, openentry.NotFound(fmt.Sprintf("Collection row %d not found", id))
	}
	data, err := c.checkRow(ctx, col, in)
	if err != nil {
		return nil, err
	}
	return c.store.UpdateCollectionRow(ctx, p.UserID, col.ID, id, data)
}

// DeleteRow deletes one of p's rows.
func (c *Collections) DeleteRow(ctx context.Context, p openentry.Principal, marker string, id int64) error {
	col, err := c.store.Collection(ctx, marker)
	if err != nil {
		return err
	}
	return c.store.DeleteCollectionRow(ctx, p.UserID, col.ID, id)
}
