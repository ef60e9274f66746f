package shop

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openentry/openentry"
)

// FormEntries are the use cases of form data: guests and users send
// entries (reviews, contact requests), checked against their form; senders
// change and delete only their own; a form's entries are listed to anyone
// only when the form says so.
type FormEntries struct {
	store openentry.Store
	// perAddress bounds entries from one address (nil: unbounded).
	perAddress openentry.RequestLimiter
}

var _ openentry.FormEntryService = (*FormEntries)(nil)

// NewFormEntries returns the form data use cases over store.
func NewFormEntries(store openentry.Store, perAddress openentry.RequestLimiter) *FormEntries {
	return &FormEntries{store: store, perAddress: perAddress}
}

// maxEntityIdentifier bounds what an entry says it is about.
const maxEntityIdentifier = 200

// PostEntry checks a submission and stores it.
func (f *FormEntries) PostEntry(ctx context.Context, p openentry.Principal, d openentry.Device, s openentry.FormEntrySubmission) (*openentry.FormEntry, *openentry.Form, error) {
	if s.Form == "" {
		return nil, nil, openentry.Invalid("formIdentifier: name the form")
	}
	if len(s.EntityIdentifier) > maxEntityIdentifier {
		return nil, nil, openentry.Invalid(fmt.Sprintf("moduleEntityIdentifier: at most %d characters", maxEntityIdentifier))
	}
	form, err := f.store.Form(ctx, s.Form)
	if err != nil {
		return nil, nil, err
	}
	status, err := entryStatus(form, s.Status)
	if err != nil {
		return nil, nil, err
	}
	data, err := form.CheckFormData(s.FormData)
	if err != nil {
		return nil, nil, err
	}
	if len(data) == 0 {
		return nil, nil, openentry.Invalid("formData: give the form's fields")
	}
	// After the checks: a refused entry costs nothing, so it counts for nothing.
	if f.perAddress != nil {
		if wait, ok := f.perAddress.Allow(d.Address); !ok {
			return nil, nil, &openentry.RateLimitError{Message: "Too many form entries; try again later", RetryAfter: wait}
		}
	}
	e, err := f.store.AddFormEntry(ctx, openentry.FormEntry{FormIdentifier: form.Identifier, UserID: p.UserID,
		UserIdentifier: p.Identifier, EntityIdentifier: s.EntityIdentifier, ModuleConfigID: s.ModuleConfigID, Status: status,
		FormData: data, Address: d.Address, Fingerprint: d.Fingerprint})
	if err != nil {
		return nil, nil, err
	}
	return e, form, nil
}

// entryStatus is the status an entry of form may be given: "" is the
// form's first.
func entryStatus(form *openentry.Form, status string) (string, error) {
	statuses := form.EntryStatuses
	if len(statuses) == 0 {
		statuses = []string{openentry.DefaultEntryStatus}
	}
	if status == "" {
		return statuses[0], nil
	}
	if !slices.Contains(statuses, status) {
		return "", openentry.Invalid(fmt.Sprintf("status: an entry of form %q may be %s, not %q", form.Identifier,
			strings.Join(statuses, " or "), status))
	}
	return status, nil
}

// Entries lists a form's entries.
func (f *FormEntries) Entries(ctx context.Context, p openentry.Principal, q openentry.FormEntryQuery) ([]openentry.FormEntry, int64, error) {
	if q.Offset < 0 || q.Limit < 0 || q.Limit > openentry.MaxFormEntryLimit {
		return nil, 0, openentry.Invalid(fmt.Sprintf("offset must be 0 or more and limit from 0 to %d", openentry.MaxFormEntryLimit))
	}
	if !q.To.IsZero() && q.To.Before(q.From) {
		return nil, 0, openentry.Invalid("dateTo is before dateFrom")
	}
	form, err := f.store.Form(ctx, q.Form)
	if err != nil {
		return nil, 0, err
	}
	if !form.EntriesPublic {
		if p.UserID == 0 {
			return []openentry.FormEntry{}, 0, nil // a guest owns no entries
		}
		q.OnlyUserID = p.UserID
	}
	return f.store.FormEntries(ctx, q)
}

// UpdateEntry replaces the data of one of p's entries.
func (f *FormEntries) UpdateEntry(ctx context.Context, p openentry.Principal, id int64, data openentry.FormData, lang string) (*openentry.FormEntry, error) {
	e, err := f.store.UserFormEntry(ctx, p.UserID, id)
	if err != nil {
		return nil, err
	}
	form, err := f.store.Form(ctx, e.FormIdentifier)
	if err != nil {
		return nil, err
	}
	checked, err := form.CheckFormData(data)
	if err != nil {
		return nil, err
	}
	if len(checked) == 0 {
		return nil, openentry.Invalid("formData: give the form's fields")
	}
	if err := f.store.UpdateFormEntry(ctx, p.UserID, id, checked, ""); err != nil {
		return nil, err
	}
	e.FormData = checked
	return e, nil
}

// SetEntryStatus sets one of p's entries' status.
func (f *FormEntries) SetEntryStatus(ctx context.Context, p openentry.Principal, id int64, status string) error {
	e, err := f.store.UserFormEntry(ctx, p.UserID, id)
	if err != nil {
		return err
	}
	form, err := f.store.Form(ctx, e.FormIdentifier)
	if err != nil {
		return err
	}
	if status == "" {
		return openentry.Invalid("status: give the entry's new status")
	}
	if status, err = entryStatus(form, status); err != nil {
		return err
	}
	return f.store.UpdateFormEntry(ctx, p.UserID, id, nil, status)
}

// DeleteEntry deletes one of p's entries.
func (f *FormEntries) DeleteEntry(ctx context.Context, p openentry.Principal, id int64) error {
	return f.store.DeleteFormEntry(ctx, p.UserID, id)
}
