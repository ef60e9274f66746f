package shop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openentry/openentry"
)

// Users are the staff's use cases on shop users: find them, see one with
// their orders and devices, archive and restore, log out everywhere and
// resend the activation code. Reads need PermRead, actions PermUsers.
type Users struct {
	auth *Auth // its store, and its code and mail logic for resends
}

// NewUsers returns the staff's user use cases over the users' own.
func NewUsers(auth *Auth) *Users { return &Users{auth: auth} }

// UserDetail is one user as staff see it.
type UserDetail struct {
	Account     openentry.UserAccount
	Orders      []openentry.UserOrder // the newest userOrderLimit
	OrdersTotal int64
	Devices     []openentry.DeviceSession // open sessions, one per device
}

// userOrderLimit bounds the orders shown with a user; the orders list
// filtered by user has the rest.
const userOrderLimit = 50

// maxUserQuery bounds a search text.
const maxUserQuery = 200

func checkUserFilter(f openentry.UserFilter) error {
	switch {
	case len(f.Query) > maxUserQuery || !utf8.ValidString(f.Query):
		return openentry.Invalid(fmt.Sprintf("q: at most %d characters of valid UTF-8", maxUserQuery))
	case !utf8.ValidString(f.Provider):
		return openentry.Invalid("provider: not valid UTF-8")
	case f.State != "" && !slices.Contains(openentry.UserStates, f.State):
		return openentry.Invalid("state must be one of " + strings.Join(openentry.UserStates, ", "))
	case !slices.Contains([]string{"", openentry.UserSortCreated, openentry.UserSortCreatedDesc, openentry.UserSortLogin, openentry.UserSortLoginDesc}, f.Sort):
		return openentry.Invalid("sort must be created, -created, login or -login")
	case !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From):
		return openentry.Invalid("to must be after from")
	}
	return nil
}

// List returns a page of the users f selects and their total.
func (u *Users) List(ctx context.Context, by openentry.Actor, f openentry.UserFilter) ([]openentry.UserAccount, int64, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, 0, err
	}
	if err := checkUserFilter(f); err != nil {
		return nil, 0, err
	}
	return u.auth.store.UserAccounts(ctx, f)
}

// Export calls fn with every user f selects, as the database returns
// them, so that any number of users streams in constant memory.
func (u *Users) Export(ctx context.Context, by openentry.Actor, f openentry.UserFilter, fn func(openentry.UserAccount) error) error {
	if err := by.Can(openentry.PermRead); err != nil {
		return err
	}
	if err := checkUserFilter(f); err != nil {
		return err
	}
	return u.auth.store.EachUserAccount(ctx, f, fn)
}

// Get returns one user with their newest orders and open devices.
func (u *Users) Get(ctx context.Context, by openentry.Actor, id int64) (*UserDetail, error) {
	if err := by.Can(openentry.PermRead); err != nil {
		return nil, err
	}
	store := u.auth.store
	acc, err := store.UserAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &UserDetail{Account: *acc}
	if d.Orders, d.OrdersTotal, err = store.UserOrders(ctx, id, userOrderLimit); err != nil {
		return nil, err
	}
	if d.Devices, err = store.DeviceSessions(ctx, id); err != nil {
		return nil, err
	}
	return d, nil
}

// Archive archives a user at the version staff read: every session
// closes and sign-in is refused until a restore.
func (u *Users) Archive(ctx context.Context, by openentry.Actor, id, version int64) (*openentry.UserAccount, error) {
	return u.setArchived(ctx, by, id, version, true, "user.archive")
}

// Restore undoes an archive at the version staff read: the user signs in
// again if they were activated (else they still need their code).
func (u *Users) Restore(ctx context.Context, by openentry.Actor, id, version int64) (*openentry.UserAccount, error) {
	return u.setArchived(ctx, by, id, version, false, "user.restore")
}

func (u *Users) setArchived(ctx context.Context, by openentry.Actor, id, version int64, archived bool, action string) (*openentry.UserAccount, error) {
	if err := by.Can(openentry.PermUsers); err != nil {
		return nil, err
	}
	if version < 0 {
		return nil, openentry.Invalid("version: give the version of the user you read")
	}
	return u.auth.store.SetUserArchived(ctx, id, version, archived, openentry.Audit{Actor: by, Action: action})
}

// LogoutAll closes every session of a user, so that their refresh tokens
// are refused; it returns how many were open.
func (u *Users) LogoutAll(ctx context.Context, by openentry.Actor, id int64) (int64, error) {
	if err := by.Can(openentry.PermUsers); err != nil {
		return 0, err
	}
	return u.auth.store.CloseUserSessions(ctx, id, openentry.Audit{Actor: by, Action: "user.logout_all"})
}

// ResendActivation mails a not-activated user a new registration code, as
// generate-code would, with the same 30-second spacing.
func (u *Users) ResendActivation(ctx context.Context, by openentry.Actor, id int64) error {
	if err := by.Can(openentry.PermUsers); err != nil {
		return err
	}
	store := u.auth.store
	acc, err := store.UserAccount(ctx, id)
	if err != nil {
		return err
	}
	conflict := func(msg string) error { return &openentry.Error{Code: openentry.ErrConflict, Message: msg} }
	switch {
	case acc.State == openentry.UserActive:
		return conflict(fmt.Sprintf("User %d is active already", id))
	case acc.State == openentry.UserArchived:
		return conflict(fmt.Sprintf("User %d is archived: restore it first", id))
	case acc.NotificationEmail == "":
		return conflict(fmt.Sprintf("User %d has no email to send a code to", id))
	}
	p, err := store.Provider(ctx, acc.Provider)
	if errors.Is(err, openentry.ErrNotFound) || (err == nil && !slices.Contains(p.Events, openentry.EventRegistration)) {
		return conflict(fmt.Sprintf("Provider %q sends no activation codes", acc.Provider))
	}
	if err != nil {
		return err
	}
	audit := openentry.Audit{Actor: by, Action: "user.resend_activation"}
	if err := u.auth.sendCode(ctx, p, id, acc.NotificationEmail, openentry.EventRegistration, &audit); err != nil {
		if errors.Is(err, openentry.ErrTooManyRequests) {
			return err
		}
		return &openentry.Error{Code: openentry.ErrUpstream, Message: "The code could not be sent", Cause: err}
	}
	return nil
}
