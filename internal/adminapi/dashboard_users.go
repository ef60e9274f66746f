package adminapi

import (
	"fmt"
	"net/http"

	"github.com/openentry/openentry"
)

func (d *dashboard) users(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	rq := formQuery(r)
	f, err := userFilterOf(rq)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	list, total, err := d.cfg.Users.List(r.Context(), a, f)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "users", view{Title: "Users", Actor: a, CSRF: d.csrf(r), Data: struct {
		Users  []openentry.UserAccount
		States []string
		Pager  pager
		CSV    string
	}{list, openentry.UserStates, newPager(r, total, f.Page), csvQuery(rq)}})
}

func (d *dashboard) user(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	id, err := idOf(r, "id")
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	u, err := d.cfg.Users.Get(r.Context(), a, id)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "user", view{Title: u.Account.Identifier, Actor: a, CSRF: d.csrf(r), Data: u})
}

func (d *dashboard) archiveUser(r *http.Request, a openentry.Actor, id, version int64) (string, error) {
	if _, err := d.cfg.Users.Archive(r.Context(), a, id, version); err != nil {
		return "", err
	}
	return "User archived; their sessions are closed", nil
}

func (d *dashboard) restoreUser(r *http.Request, a openentry.Actor, id, version int64) (string, error) {
	if _, err := d.cfg.Users.Restore(r.Context(), a, id, version); err != nil {
		return "", err
	}
	return "User restored", nil
}

func (d *dashboard) logoutUser(r *http.Request, a openentry.Actor, id, _ int64) (string, error) {
	n, err := d.cfg.Users.LogoutAll(r.Context(), a, id)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d sessions closed", n), nil
}
