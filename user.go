package openentry

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// User is a registered user of one auth provider.
type User struct {
	ID                int64
	Identifier        string // the login, e.g. an email address
	Provider          string
	FormIdentifier    string
	FormData          FormData
	NotificationEmail string
	PhonePush         []string
	Locale            string
	State             json.RawMessage
	IsActive          bool
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// UserUpdate changes the signed-in user. Nil fields stay as they are.
type UserUpdate struct {
	Address           string // the client's, for fair hashing
	FormIdentifier    string
	FormData          FormData // replaces the data of the locales it has
	State             json.RawMessage
	AuthData          []AuthData // nil, or exactly the new password; closes the user's other sessions
	NotificationEmail *string
}

// UserService reads and changes users.
type UserService interface {
	// User returns the user with the id, or ErrNotFound.
	User(ctx context.Context, id int64) (*User, error)
	// UpdateUser changes p's user. ErrInvalid for bad form data or password.
	UpdateUser(ctx context.Context, p Principal, in UserUpdate) error
	// ArchiveUser closes p's user's sessions; the user can no longer log in.
	ArchiveUser(ctx context.Context, p Principal) error
	// DeleteUser deletes p's user's account and personal data. Orders stay
	// for the shop's books, without the form data the user entered.
	DeleteUser(ctx context.Context, p Principal) error
	// AddPushToken registers a device's FCM token for p's user (idempotent).
	AddPushToken(ctx context.Context, p Principal, token string) error
	// DeletePushToken forgets a device's FCM token (idempotent).
	DeletePushToken(ctx context.Context, p Principal, token string) error
}

// FoldLogin is the form a login is unique in: "A@x.com" and "a@x.com" are one user.
func FoldLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }
