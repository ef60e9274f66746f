package openentry

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Role is what a staff account or an API key may do in the admin API.
type Role string

// Staff roles, from most to least allowed.
const (
	RoleOwner   Role = "owner"   // everything, staff and settings
	RoleManager Role = "manager" // catalogue, content and orders
	RoleSupport Role = "support" // orders, payments, refunds and users; no catalogue writes
	RoleViewer  Role = "viewer"  // reads only
)

// Roles lists the roles in order.
var Roles = []Role{RoleOwner, RoleManager, RoleSupport, RoleViewer}

// Permission is one kind of admin action.
type Permission string

// Admin permissions. Every admin route names the one it needs.
const (
	PermRead      Permission = "read"      // any admin read
	PermCatalogue Permission = "catalogue" // catalogue and content writes
	PermOrders    Permission = "orders"    // order, payment and refund actions
	PermUsers     Permission = "users"     // acting on shop users' accounts
	PermStaff     Permission = "staff"     // staff, API keys and shop settings
)

// Allows reports whether the role may do p.
func (r Role) Allows(p Permission) bool {
	switch r {
	case RoleOwner:
		return true
	case RoleManager:
		return p == PermRead || p == PermCatalogue || p == PermOrders
	case RoleSupport:
		return p == PermRead || p == PermOrders || p == PermUsers
	case RoleViewer:
		return p == PermRead
	}
	return false
}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", Invalid(fmt.Sprintf("role %q is not one of %s", s, strings.Join(names, ", ")))
}

// Staff is an account of the shop's staff, separate from shop users.
type Staff struct {
	ID        int64
	Email     string
	Name      string
	Role      Role
	Disabled  bool
	Version   int64 // moves with every change; the precondition of writes
	CreatedAt time.Time
	UpdatedAt time.Time
}

// APIKey is a key an integration calls the admin API with. Only its
// digest is stored; Prefix is how staff tell keys apart.
type APIKey struct {
	ID        int64
	Name      string
	Prefix    string
	Role      Role
	CreatedBy int64
	CreatedAt time.Time
	RevokedAt *time.Time
}

// APIKeyPrefix starts every admin API key, so that secret scanners and
// people recognise one.
const APIKeyPrefix = "oek_"

// Actor is who makes an admin call: a staff member signed in, or an API key.
type Actor struct {
	Kind      string // "staff" or "api_key"
	ID        int64
	Name      string // the staff email or the key's name, as the journal shows it
	Role      Role
	SessionID int64 // the staff session, 0 for a key
	RequestID string
	Address   string
}

// Actor kinds.
const (
	ActorStaff  = "staff"
	ActorAPIKey = "api_key"
	ActorSystem = "system" // the operator CLI on the server
)

// Can returns a 403 unless the actor's role allows p.
func (a Actor) Can(p Permission) error {
	if a.Role.Allows(p) {
		return nil
	}
	return Forbidden(fmt.Sprintf("Role %s may not do this (%s)", a.Role, p))
}

// AuditEntry is one line of the admin journal: who changed what, from what
// to what. Written in the transaction of the change, never updated.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorKind  string
	ActorID    int64
	ActorName  string
	Action     string // "product.update", "order.status", …
	ObjectKind string
	ObjectID   string
	Before     json.RawMessage // null for a creation
	After      json.RawMessage // null for a deletion
	RequestID  string
	Address    string
}

// Audit is what a write hands its store to journal: the actor and action;
// the store fills in the time and, from the rows, before and after.
type Audit struct {
	Actor  Actor
	Action string
}

// Entry is the journal line of a change of one object.
func (a Audit) Entry(kind, id string, before, after any) (AuditEntry, error) {
	e := AuditEntry{ActorKind: a.Actor.Kind, ActorID: a.Actor.ID, ActorName: a.Actor.Name, Action: a.Action,
		ObjectKind: kind, ObjectID: id, RequestID: a.Actor.RequestID, Address: a.Actor.Address}
	var err error
	if e.Before, err = json.Marshal(before); err != nil {
		return e, err
	}
	e.After, err = json.Marshal(after)
	return e, err
}

// JournalFilter selects journal entries.
type JournalFilter struct {
	ActorKind  string
	ActorID    int64
	Action     string // exact, or a prefix ending in "." ("order.")
	ObjectKind string
	ObjectID   string
	From, To   time.Time // zero: open
	Page       Page
}

// StaffLogin is what a staff sign-in is checked against.
type StaffLogin struct {
	Staff        Staff
	PasswordHash string
}

// StaffSession is an open staff session, found by its token's digest.
type StaffSession struct {
	ID        int64
	Staff     Staff
	ExpiresAt time.Time
}

// NewStaffSession is a staff session to open.
type NewStaffSession struct {
	StaffID     int64
	TokenDigest []byte
	TTL         time.Duration
	Address     string
	UserAgent   string
}

// StaffChange is a change of a staff account, made if its version is still Version.
type StaffChange struct {
	ID           int64
	Version      int64
	Role         *Role
	Name         *string
	Disabled     *bool
	PasswordHash string // "": unchanged
}

// StaffStore keeps staff, their sessions, API keys and the journal.
// Every write journals itself in its own transaction.
type StaffStore interface {
	// InsertStaff stores a new staff account; ErrConflict for a taken email.
	InsertStaff(ctx context.Context, s *Staff, passwordHash string, a Audit) error
	// StaffCount counts staff accounts that are not disabled.
	StaffCount(ctx context.Context) (int64, error)
	// StaffByEmail returns what signing in as email checks. ErrNotFound.
	StaffByEmail(ctx context.Context, email string) (*StaffLogin, error)
	// StaffMember returns one staff account. ErrNotFound.
	StaffMember(ctx context.Context, id int64) (*Staff, error)
	// ListStaff lists staff accounts by id.
	ListStaff(ctx context.Context) ([]Staff, error)
	// UpdateStaff changes an account if its version matches (ErrConflict
	// otherwise), refusing to leave the shop without an enabled owner;
	// disabling or a new password closes its sessions.
	UpdateStaff(ctx context.Context, c StaffChange, a Audit) (*Staff, error)
	// OpenStaffSession stores a session and returns its id.
	OpenStaffSession(ctx context.Context, s NewStaffSession) (int64, error)
	// StaffSession returns the open, unexpired session of a token digest
	// whose account is enabled. ErrNotFound.
	StaffSession(ctx context.Context, tokenDigest []byte) (*StaffSession, error)
	// CloseStaffSession closes a session (idempotent).
	CloseStaffSession(ctx context.Context, id int64) error
	// InsertAPIKey stores a key by its digest.
	InsertAPIKey(ctx context.Context, k *APIKey, digest []byte, a Audit) error
	// APIKeyByDigest returns an unrevoked key. ErrNotFound.
	APIKeyByDigest(ctx context.Context, digest []byte) (*APIKey, error)
	// ListAPIKeys lists keys, revoked ones too, by id.
	ListAPIKeys(ctx context.Context) ([]APIKey, error)
	// RevokeAPIKey revokes a key (ErrNotFound if unknown or revoked already).
	RevokeAPIKey(ctx context.Context, id int64, a Audit) error
	// Journal lists journal entries, newest first, and counts them all.
	Journal(ctx context.Context, f JournalFilter) ([]AuditEntry, int64, error)
}

// StaffDirectory is the staff as the Content API's Admins module lists
// them: names and roles only.
type StaffDirectory interface {
	PublicStaff(ctx context.Context, filters []ProductFilter, page Page) ([]Staff, error)
}
