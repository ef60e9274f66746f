package openentry

import (
	"context"
	"time"
)

// User states as staff see them.
const (
	UserActive       = "active"
	UserArchived     = "archived"      // closed by the user or by staff; no sign-in
	UserNotActivated = "not_activated" // waits for its registration code
)

// UserStates lists the states in order.
var UserStates = []string{UserActive, UserArchived, UserNotActivated}

// User list orders: by creation or login, "-" for descending.
const (
	UserSortCreated     = "created"
	UserSortCreatedDesc = "-created"
	UserSortLogin       = "login"
	UserSortLoginDesc   = "-login"
)

// UserFilter selects users for staff: every set part holds. Deleted
// users (tombstones kept for orders) are never listed.
type UserFilter struct {
	Query    string // in the login, notification email or form data, case-insensitive
	Provider string
	State    string    // one of UserStates, "": any
	From, To time.Time // created in [From, To); zero: open
	Sort     string    // one of the UserSort values, "": newest first
	Page     Page
}

// UserAccount is a user as staff see it: no password hash, no tokens.
type UserAccount struct {
	ID                int64
	Identifier        string
	Provider          string
	FormIdentifier    string
	FormData          FormData
	NotificationEmail string
	Locale            string
	State             string
	Version           int64 // the precondition of archive and restore
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// UserOrder is the summary of one of a user's orders.
type UserOrder struct {
	ID            int64
	Storage       string
	Status        string
	PaymentStatus string // the newest payment session's status, "" without one
	Total         Money
	CreatedAt     time.Time
}

// UserAdminStore is what staff read and change of shop users and their
// form entries. Every write journals itself in its transaction; writes to
// an existing row take its version and answer ErrConflict when it moved.
type UserAdminStore interface {
	// UserAccounts returns a page of the users f selects and their total.
	UserAccounts(ctx context.Context, f UserFilter) ([]UserAccount, int64, error)
	// EachUserAccount calls fn with every user f selects (its page is
	// ignored), row by row as the database returns them, until fn fails.
	EachUserAccount(ctx context.Context, f UserFilter, fn func(UserAccount) error) error
	// UserAccount returns a user that is not deleted. ErrNotFound.
	UserAccount(ctx context.Context, id int64) (*UserAccount, error)
	// UserOrders returns the user's newest orders (at most limit) and how
	// many there are.
	UserOrders(ctx context.Context, userID int64, limit int) ([]UserOrder, int64, error)
	// SetUserArchived archives (closing every session) or restores (with
	// the activation the user had) a user at its version. ErrNotFound,
	// ErrConflict for a stale version or a user already in that state.
	SetUserArchived(ctx context.Context, id, version int64, archived bool, a Audit) (*UserAccount, error)
	// CloseUserSessions closes every open session of a user and returns
	// how many there were. ErrNotFound.
	CloseUserSessions(ctx context.Context, id int64, a Audit) (int64, error)
	// FormEntry returns any entry. ErrNotFound.
	FormEntry(ctx context.Context, id int64) (*FormEntry, error)
	// SetFormEntryStatus sets an entry's status at its version.
	// ErrNotFound, ErrConflict.
	SetFormEntryStatus(ctx context.Context, id, version int64, status string, a Audit) (*FormEntry, error)
	// RemoveFormEntry deletes an entry at its version. ErrNotFound, ErrConflict.
	RemoveFormEntry(ctx context.Context, id, version int64, a Audit) error
}
