package shop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/openentry/openentry"
)

// maxPushTokens bounds the tokens one user can register.
const maxPushTokens = 50

// User returns a user by id.
func (a *Auth) User(ctx context.Context, id int64) (*openentry.User, error) {
	return a.store.User(ctx, id)
}

// UpdateUser changes p's user's form data, state, notification email or
// password. A new password closes the user's other sessions.
func (a *Auth) UpdateUser(ctx context.Context, p openentry.Principal, in openentry.UserUpdate) error {
	u, err := a.store.User(ctx, p.UserID)
	if err != nil {
		return err
	}
	if in.FormIdentifier != "" && in.FormIdentifier != u.FormIdentifier {
		return openentry.Invalid(fmt.Sprintf("Incorrect formIdentifier for provided config: %q", in.FormIdentifier))
	}
	form, err := a.store.Form(ctx, u.FormIdentifier)
	if err != nil {
		return err
	}
	change := openentry.UserChange{UserID: u.ID, FormData: u.FormData, State: u.State, NotificationEmail: u.NotificationEmail, KeepSession: p.SessionID}
	if change.FormData == nil {
		change.FormData = openentry.FormData{}
	}
	for lang, fields := range in.FormData {
		if change.FormData[lang], err = form.CheckData(fields); err != nil {
			return err
		}
	}
	if in.State != nil {
		if trimmed := strings.TrimSpace(string(in.State)); !strings.HasPrefix(trimmed, "{") || !json.Valid(in.State) {
			return openentry.Invalid("state must be a JSON object")
		}
		if len(in.State) > 64<<10 {
			return openentry.Invalid("state is larger than 64 KiB")
		}
		change.State = in.State
	}
	if in.NotificationEmail != nil {
		if !strings.Contains(*in.NotificationEmail, "@") {
			return openentry.Invalid("notificationData.email is not an email address")
		}
		change.NotificationEmail = *in.NotificationEmail
	}
	if in.AuthData != nil {
		// OneEntry's rule: authData, when present, is exactly the new password.
		pw := form.PasswordAttribute()
		if len(in.AuthData) != 1 || pw == nil || in.AuthData[0].Marker != pw.Marker {
			return openentry.Invalid("Login or password values are missed")
		}
	}
	// An empty password means "unchanged": profile forms send the password
	// field whether or not it was filled in.
	if in.AuthData != nil && in.AuthData[0].Value != "" {
		if err := openentry.CheckPassword(in.AuthData[0].Value); err != nil {
			return err
		}
		if change.PasswordHash, err = a.Hasher.Hash(ctx, in.Address, in.AuthData[0].Value); err != nil {
			return err
		}
	}
	return a.store.UpdateUser(ctx, change)
}

// ArchiveUser marks p's user archived and closes every session: the user
// can no longer log in, and the data stays.
func (a *Auth) ArchiveUser(ctx context.Context, p openentry.Principal) error {
	return a.store.ArchiveUser(ctx, p.UserID)
}

// DeleteUser erases p's user's personal data and frees the login; orders
// stay for the shop's books without the form data the user entered.
func (a *Auth) DeleteUser(ctx context.Context, p openentry.Principal) error {
	return a.store.DeleteUser(ctx, p.UserID)
}

// AddPushToken registers a device's FCM token for p's user.
func (a *Auth) AddPushToken(ctx context.Context, p openentry.Principal, token string) error {
	if token == "" || len(token) > 4096 {
		return openentry.Invalid("token must have 1 to 4096 characters")
	}
	err := a.store.AddPushToken(ctx, p.UserID, token, maxPushTokens)
	if errors.Is(err, openentry.ErrConflict) {
		return openentry.Invalid(fmt.Sprintf("at most %d push tokens per user", maxPushTokens))
	}
	return err
}

// DeletePushToken forgets a device's FCM token.
func (a *Auth) DeletePushToken(ctx context.Context, p openentry.Principal, token string) error {
	return a.store.DeletePushToken(ctx, p.UserID, token)
}
