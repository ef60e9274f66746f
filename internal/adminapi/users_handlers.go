package adminapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

func userFilterOf(r *http.Request) (openentry.UserFilter, error) {
	q := r.URL.Query()
	f := openentry.UserFilter{Query: strings.TrimSpace(q.Get("q")), Provider: q.Get("provider"), State: q.Get("state"), Sort: q.Get("sort")}
	var err error
	if f.Page, err = pageOf(r); err != nil {
		return f, err
	}
	if f.From, err = timeOf(r, "from"); err != nil {
		return f, err
	}
	f.To, err = timeOf(r, "to")
	return f, err
}

func handleListUsers(logger *slog.Logger, users *shop.Users) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[userJSON], error) {
		f, err := userFilterOf(r)
		if err != nil {
			return list[userJSON]{}, err
		}
		found, total, err := users.List(r.Context(), a, f)
		if err != nil {
			return list[userJSON]{}, err
		}
		out := list[userJSON]{Items: make([]userJSON, len(found)), Total: total}
		for i, u := range found {
			out.Items[i] = toUserJSON(u)
		}
		return out, nil
	})
}

// handleUsersCSV streams the users a filter selects as CSV, one row per
// database row. The header goes out with the first row (or at the end), so
// that an error before it is still a JSON error; an error after it aborts
// the response, so that a cut file is never taken for a whole one.
func handleUsersCSV(logger *slog.Logger, users *shop.Users) actorHandler {
	header := []string{"id", "login", "email", "provider", "state", "form", "formData", "locale", "createdAt", "updatedAt"}
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		s := &csvStream{w: w, name: "users.csv", header: header}
		f, err := userFilterOf(r)
		if err == nil {
			err = users.Export(r.Context(), a, f, func(u openentry.UserAccount) error {
				data, err := json.Marshal(u.FormData)
				if err != nil {
					return err
				}
				return s.row(strconv.FormatInt(u.ID, 10), u.Identifier, u.NotificationEmail, u.Provider,
					u.State, u.FormIdentifier, string(data), u.Locale, csvTime(u.CreatedAt), csvTime(u.UpdatedAt))
			})
		}
		s.finish(r, logger, err)
	}
}

func csvTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func handleGetUser(logger *slog.Logger, users *shop.Users) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (userDetailJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return userDetailJSON{}, err
		}
		d, err := users.Get(r.Context(), a, id)
		if err != nil {
			return userDetailJSON{}, err
		}
		return toUserDetailJSON(d), nil
	})
}

// handleArchiveUser archives (archive true) or restores a user at the
// version in the body.
func handleArchiveUser(logger *slog.Logger, users *shop.Users, archive bool) actorHandler {
	type request struct {
		Version *int64 `json:"version"`
	}
	set := users.Restore
	if archive {
		set = users.Archive
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (userJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return userJSON{}, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return userJSON{}, err
		}
		if in.Version == nil {
			return userJSON{}, openentry.Invalid("version: give the version of the user you read")
		}
		u, err := set(r.Context(), a, id, *in.Version)
		if err != nil {
			return userJSON{}, err
		}
		return toUserJSON(*u), nil
	})
}

func handleLogoutUser(logger *slog.Logger, users *shop.Users) actorHandler {
	type response struct {
		ClosedSessions int64 `json:"closedSessions"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (response, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return response{}, err
		}
		n, err := users.LogoutAll(r.Context(), a, id)
		return response{ClosedSessions: n}, err
	})
}

// handleOnID serves a write on the object {id} that answers 204.
func handleOnID(logger *slog.Logger, fn func(r *http.Request, a openentry.Actor, id int64) error) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		id, err := idOf(r, "id")
		if err == nil {
			err = fn(r, a, id)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func handleResendActivation(logger *slog.Logger, users *shop.Users) actorHandler {
	return handleOnID(logger, func(r *http.Request, a openentry.Actor, id int64) error {
		return users.ResendActivation(r.Context(), a, id)
	})
}

func handleListFormEntries(logger *slog.Logger, entries *shop.FormEntries) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[formEntryJSON], error) {
		page, err := pageOf(r)
		if err != nil {
			return list[formEntryJSON]{}, err
		}
		q := r.URL.Query()
		query := openentry.FormEntryQuery{Form: q.Get("form"), Statuses: q["status"], Offset: page.Offset, Limit: page.Limit}
		found, total, err := entries.StaffEntries(r.Context(), a, query)
		if err != nil {
			return list[formEntryJSON]{}, err
		}
		out := list[formEntryJSON]{Items: make([]formEntryJSON, len(found)), Total: total}
		for i, e := range found {
			out.Items[i] = toFormEntryJSON(e)
		}
		return out, nil
	})
}

func handleGetFormEntry(logger *slog.Logger, entries *shop.FormEntries) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (formEntryJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return formEntryJSON{}, err
		}
		e, err := entries.StaffEntry(r.Context(), a, id)
		if err != nil {
			return formEntryJSON{}, err
		}
		return toFormEntryJSON(*e), nil
	})
}

func handleSetFormEntryStatus(logger *slog.Logger, entries *shop.FormEntries) actorHandler {
	type request struct {
		Version int64  `json:"version"`
		Status  string `json:"status"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (formEntryJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return formEntryJSON{}, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return formEntryJSON{}, err
		}
		e, err := entries.StaffSetStatus(r.Context(), a, id, in.Version, in.Status)
		if err != nil {
			return formEntryJSON{}, err
		}
		return toFormEntryJSON(*e), nil
	})
}

func handleDeleteFormEntry(logger *slog.Logger, entries *shop.FormEntries) actorHandler {
	return handleOnID(logger, func(r *http.Request, a openentry.Actor, id int64) error {
		version, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
		if err != nil || version <= 0 {
			return openentry.Invalid("version: give the version of the entry you read (?version=)")
		}
		return entries.StaffDelete(r.Context(), a, id, version)
	})
}
