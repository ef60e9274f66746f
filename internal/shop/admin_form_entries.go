package shop

import (
	"context"
	"fmt"

	"github.com/openentry/openentry"
)

// Staff moderate form entries (reviews, contact requests) with
// PermUsers: entries are what shop users wrote, often with their personal
// data, and the support role answers and acts on users; managers edit the
// shop's own content. Reads need PermRead.

// StaffEntries lists entries of every form or of q.Form, newest first.
func (f *FormEntries) StaffEntries(ctx context.Context, by openentry.Actor, q openentry.FormEntryQuery) ([]openentry.FormEntry, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	if q.Form != "" {
		if _, err := f.store.Form(ctx, q.Form); err != nil {
			return nil, 0, err
		}
	}
	return f.store.FormEntries(ctx, q)
}

// StaffEntry returns any entry.
func (f *FormEntries) StaffEntry(ctx context.Context, by openentry.Actor, id int64) (*openentry.FormEntry, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	return f.store.FormEntry(ctx, id)
}

// StaffSetStatus gives an entry, at the version staff read, one of its
// form's statuses.
func (f *FormEntries) StaffSetStatus(ctx context.Context, by openentry.Actor, id, version int64, status string) (*openentry.FormEntry, error) {
	if err := by.Can(openentry.PermUsers); err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, openentry.Invalid("version: give the version of the entry you read")
	}
	if status == "" {
		return nil, openentry.Invalid("status: give the entry's new status")
	}
	e, err := f.store.FormEntry(ctx, id)
	if err != nil {
		return nil, err
	}
	form, err := f.store.Form(ctx, e.FormIdentifier)
	if err != nil {
		return nil, fmt.Errorf("form of entry %d: %w", id, err)
	}
	if status, err = entryStatus(form, status); err != nil {
		return nil, err
	}
	return f.store.SetFormEntryStatus(ctx, id, version, status, openentry.Audit{Actor: by, Action: "form_entry.status"})
}

// StaffDelete deletes an entry at the version staff read.
func (f *FormEntries) StaffDelete(ctx context.Context, by openentry.Actor, id, version int64) error {
	if err := by.Can(openentry.PermUsers); err != nil {
		return err
	}
	if version <= 0 {
		return openentry.Invalid("version: give the version of the entry you read")
	}
	return f.store.RemoveFormEntry(ctx, id, version, openentry.Audit{Actor: by, Action: "form_entry.delete"})
}
