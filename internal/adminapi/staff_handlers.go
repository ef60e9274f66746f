package adminapi

import (
	"log/slog"
	"net/http"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

func handleSignIn(logger *slog.Logger, staff *shop.Staff) http.Handler {
	type request struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	type response struct {
		Staff     staffJSON      `json:"staff"`
		CSRFToken string         `json:"csrfToken"`
		ExpiresAt openentry.Time `json:"expiresAt"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, err := decode[request](w, r)
		if err == nil && (in.Email == "" || in.Password == "") {
			err = openentry.Invalid("email and password are required")
		}
		var s *shop.StaffSignIn
		if err == nil {
			s, err = staff.SignIn(r.Context(), in.Email, in.Password, clientAddress(r), r.UserAgent())
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		// A new token at every sign-in: a cookie planted before it is worthless,
		// and the session it named ends.
		if err := endPrevious(r, staff); err != nil {
			writeError(w, r, logger, err)
			return
		}
		setSession(w, s.Token, s.ExpiresAt)
		encode(w, http.StatusCreated, response{Staff: toStaffJSON(s.Staff), CSRFToken: s.CSRFToken, ExpiresAt: openentry.Time(s.ExpiresAt)})
	})
}

func handleSignOut(logger *slog.Logger, staff *shop.Staff) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		if err := staff.SignOut(r.Context(), a); err != nil {
			writeError(w, r, logger, err)
			return
		}
		setSession(w, "", noTime)
		w.WriteHeader(http.StatusNoContent)
	}
}

func handleMe(logger *slog.Logger, staff *shop.Staff) actorHandler {
	type response struct {
		Actor     actorJSON  `json:"actor"`
		Staff     *staffJSON `json:"staff"`
		CSRFToken string     `json:"csrfToken,omitempty"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (response, error) {
		m, err := staff.Me(r.Context(), a)
		if err != nil {
			return response{}, err
		}
		out := response{Actor: toActorJSON(a)}
		if m != nil {
			s := toStaffJSON(*m)
			out.Staff = &s
			if c, err := r.Cookie(SessionCookie); err == nil {
				out.CSRFToken = staff.CSRFToken(c.Value)
			}
		}
		return out, nil
	})
}

func handleListStaff(logger *slog.Logger, staff *shop.Staff) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) ([]staffJSON, error) {
		all, err := staff.List(r.Context(), a)
		if err != nil {
			return nil, err
		}
		out := make([]staffJSON, len(all))
		for i, m := range all {
			out[i] = toStaffJSON(m)
		}
		return out, nil
	})
}

func handleInviteStaff(logger *slog.Logger, staff *shop.Staff) actorHandler {
	type request struct {
		Email    string         `json:"email"`
		Name     string         `json:"name"`
		Role     openentry.Role `json:"role"`
		Password string         `json:"password"`
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (staffJSON, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return staffJSON{}, err
		}
		m, err := staff.Invite(r.Context(), a, shop.NewAccount{Email: in.Email, Name: in.Name, Role: in.Role, Password: in.Password})
		if err != nil {
			return staffJSON{}, err
		}
		return toStaffJSON(*m), nil
	})
}

func handleUpdateStaff(logger *slog.Logger, staff *shop.Staff) actorHandler {
	type request struct {
		Version  int64           `json:"version"`
		Role     *openentry.Role `json:"role"`
		Name     *string         `json:"name"`
		Disabled *bool           `json:"disabled"`
		Password *string         `json:"password"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (staffJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return staffJSON{}, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return staffJSON{}, err
		}
		m, err := staff.Update(r.Context(), a, id, shop.AccountChange{Version: in.Version, Role: in.Role, Name: in.Name,
			Disabled: in.Disabled, Password: in.Password})
		if err != nil {
			return staffJSON{}, err
		}
		return toStaffJSON(*m), nil
	})
}

func handleListKeys(logger *slog.Logger, staff *shop.Staff) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) ([]apiKeyJSON, error) {
		keys, err := staff.Keys(r.Context(), a)
		if err != nil {
			return nil, err
		}
		out := make([]apiKeyJSON, len(keys))
		for i, k := range keys {
			out[i] = toAPIKeyJSON(k)
		}
		return out, nil
	})
}

func handleCreateKey(logger *slog.Logger, staff *shop.Staff) actorHandler {
	type request struct {
		Name string         `json:"name"`
		Role openentry.Role `json:"role"`
	}
	type response struct {
		apiKeyJSON
		Key string `json:"key"`
	}
	return handleActor(logger, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (response, error) {
		in, err := decode[request](w, r)
		if err != nil {
			return response{}, err
		}
		k, err := staff.CreateKey(r.Context(), a, in.Name, in.Role)
		if err != nil {
			return response{}, err
		}
		return response{apiKeyJSON: toAPIKeyJSON(k.APIKey), Key: k.Key}, nil
	})
}

func handleRevokeKey(logger *slog.Logger, staff *shop.Staff) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		id, err := idOf(r, "id")
		if err == nil {
			err = staff.RevokeKey(r.Context(), a, id)
		}
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func handleJournal(logger *slog.Logger, staff *shop.Staff) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[auditJSON], error) {
		f, err := journalFilter(r)
		if err != nil {
			return list[auditJSON]{}, err
		}
		entries, total, err := staff.Journal(r.Context(), a, f)
		if err != nil {
			return list[auditJSON]{}, err
		}
		out := list[auditJSON]{Items: make([]auditJSON, len(entries)), Total: total}
		for i, e := range entries {
			out.Items[i] = toAuditJSON(e)
		}
		return out, nil
	})
}

func journalFilter(r *http.Request) (openentry.JournalFilter, error) {
	q := r.URL.Query()
	f := openentry.JournalFilter{ActorKind: q.Get("actorKind"), Action: q.Get("action"), ObjectKind: q.Get("objectKind"), ObjectID: q.Get("objectId")}
	var err error
	if f.Page, err = pageOf(r); err != nil {
		return f, err
	}
	if f.From, err = timeOf(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = timeOf(r, "to"); err != nil {
		return f, err
	}
	if s := q.Get("actorId"); s != "" {
		r2 := r.Clone(r.Context())
		r2.SetPathValue("actorId", s)
		if f.ActorID, err = idOf(r2, "actorId"); err != nil {
			return f, err
		}
	}
	switch f.ActorKind {
	case "", openentry.ActorStaff, openentry.ActorAPIKey, openentry.ActorSystem:
	default:
		return f, openentry.Invalid("actorKind must be staff, api_key or system")
	}
	return f, nil
}

// endPrevious closes the session of the cookie a sign-in came with.
func endPrevious(r *http.Request, staff *shop.Staff) error {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return staff.EndSession(r.Context(), c.Value)
	}
	return nil
}
