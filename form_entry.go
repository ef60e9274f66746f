package openentry

import (
	"context"
	"time"
)

// FormEntry is one submission of a form (OneEntry's form data): a review, a
// contact request. Entries are their sender's: only they change or delete
// them.
type FormEntry struct {
	ID             int64
	FormIdentifier string
	UserID         int64  // 0: a guest's
	UserIdentifier string // the sender's login, "" for a guest
	// EntityIdentifier is what the entry is about (the product id of a
	// review: the SDK's moduleEntityIdentifier).
	EntityIdentifier string
	ModuleConfigID   int64
	Status           string
	FormData         FormData
	Address          string // the sender's, never shown
	Fingerprint      string
	Time             time.Time
	Version          int64 // moves with every change; the precondition of staff writes
	UpdatedAt        time.Time
}

// DefaultEntryStatus is a new entry's status when its form names none.
const DefaultEntryStatus = "new"

// MaxFormEntryLimit bounds one page of entries (the template asks for 500).
const MaxFormEntryLimit = 500

// FormEntryQuery selects entries of one form: every set part holds.
type FormEntryQuery struct {
	Form             string // "": every form (staff only)
	EntityIdentifier string
	UserIdentifier   string
	Statuses         []string
	From, To         time.Time // zero: unbounded; To is inclusive
	OnlyUserID       int64     // >0: only this user's entries
	Offset, Limit    int
}

// FormEntryStore keeps form entries.
type FormEntryStore interface {
	// AddFormEntry stores e and returns it with its id and time.
	AddFormEntry(ctx context.Context, e FormEntry) (*FormEntry, error)
	// FormEntries returns a page of the entries q selects, newest first,
	// and their total.
	FormEntries(ctx context.Context, q FormEntryQuery) ([]FormEntry, int64, error)
	// UserFormEntry returns one of userID's entries. ErrNotFound otherwise.
	UserFormEntry(ctx context.Context, userID, id int64) (*FormEntry, error)
	// UpdateFormEntry writes the data (nil: kept) and status ("": kept) of
	// one of userID's entries. ErrNotFound when it is not theirs.
	UpdateFormEntry(ctx context.Context, userID, id int64, data FormData, status string) error
	// DeleteFormEntry deletes one of userID's entries. ErrNotFound otherwise.
	DeleteFormEntry(ctx context.Context, userID, id int64) error
}

// FormEntrySubmission is what postFormsData sends.
type FormEntrySubmission struct {
	Form             string
	EntityIdentifier string
	ModuleConfigID   int64
	Status           string
	FormData         FormData
	Lang             string
}

// FormEntryService serves the Content API's FormData module.
type FormEntryService interface {
	// PostEntry checks s against its form and stores it for p (a guest
	// when p.UserID is 0), from the device d. ErrNotFound for an unknown
	// form, ErrInvalid naming the field, *RateLimitError past the limit.
	PostEntry(ctx context.Context, p Principal, d Device, s FormEntrySubmission) (*FormEntry, *Form, error)
	// Entries lists a form's entries: all of them for a public form, else
	// only p's (none for a guest).
	Entries(ctx context.Context, p Principal, q FormEntryQuery) ([]FormEntry, int64, error)
	// UpdateEntry replaces the data of one of p's entries, checked again.
	UpdateEntry(ctx context.Context, p Principal, id int64, data FormData, lang string) (*FormEntry, error)
	// SetEntryStatus sets one of p's entries' status to one its form allows.
	SetEntryStatus(ctx context.Context, p Principal, id int64, status string) error
	// DeleteEntry deletes one of p's entries.
	DeleteEntry(ctx context.Context, p Principal, id int64) error
}
