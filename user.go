package openentry

import (
	"context"
	"encoding/json"
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

// UserService reads users.
type UserService interface {
	// User returns the user with the id, or ErrNotFound.
	User(ctx context.Context, id int64) (*User, error)
}
