package adminapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/openentry/openentry"
)

// formQuery is the request with its query left as the JSON routes read
// it: the dashboard's own notice and the empty fields of a submitted
// filter form dropped.
func formQuery(r *http.Request) *http.Request {
	q := url.Values{}
	for k, vs := range r.URL.Query() {
		if k == "done" {
			continue
		}
		for _, v := range vs {
			if v != "" {
				q.Add(k, v)
			}
		}
	}
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	return r2
}

func (d *dashboard) overview(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	o, err := d.cfg.Orders.Overview(r.Context(), a, 5)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	entries, _, err := d.staff.Journal(r.Context(), a, openentry.JournalFilter{Page: openentry.Page{Limit: 10}})
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "overview", view{Title: "Overview", Actor: a, CSRF: d.csrf(r), Data: struct {
		Overview *openentry.Overview
		Recent   []openentry.AuditEntry
	}{o, entries}})
}

func (d *dashboard) orders(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	rq := formQuery(r)
	f, err := orderFilter(rq, true)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	list, total, err := d.cfg.Orders.List(r.Context(), a, f)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "orders", view{Title: "Orders", Actor: a, CSRF: d.csrf(r), Data: struct {
		Orders []openentry.AdminOrder
		Pager  pager
		CSV    string
	}{list, newPager(r, total, f.Page), csvQuery(rq)}})
}

// csvQuery is the export link of a filtered list: the filters, no paging.
func csvQuery(r *http.Request) string {
	q := r.URL.Query()
	q.Del("offset")
	q.Del("limit")
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (d *dashboard) order(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
	id, err := idOf(r, "id")
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	o, err := d.cfg.Orders.Order(r.Context(), a, id)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	statuses, err := d.cfg.Orders.Statuses(r.Context(), a, o.StorageMarker)
	if err != nil {
		d.fail(w, r, &a, err)
		return
	}
	d.render(w, r, http.StatusOK, "order", view{Title: fmt.Sprintf("Order %d", o.ID), Actor: a, CSRF: d.csrf(r), Data: struct {
		Order    *openentry.AdminOrderDetail
		Statuses []openentry.OrderStatus
	}{o, statuses}})
}

// action runs one write of a page's form (its path names the object,
// the form its version), then sends the browser back to back(r, id).
func (d *dashboard) action(back func(r *http.Request, id int64) string, do func(r *http.Request, a openentry.Actor, id, version int64) (string, error)) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		id, err := idOf(r, "id")
		if err != nil {
			d.fail(w, r, &a, err)
			return
		}
		version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
		notice, err := do(r, a, id, version)
		if err != nil {
			d.fail(w, r, &a, err)
			return
		}
		done(w, r, back(r, id), notice)
	}
}

// toOrder is where an order's actions return: the order, or for a
// session's or refund's action the order its form names.
func toOrder(r *http.Request, id int64) string {
	if o, err := strconv.ParseInt(r.PostFormValue("order"), 10, 64); err == nil && o > 0 {
		id = o
	}
	return fmt.Sprintf("/admin/orders/%d", id)
}

func toUser(_ *http.Request, id int64) string { return fmt.Sprintf("/admin/users/%d", id) }

func (d *dashboard) setOrderStatus(r *http.Request, a openentry.Actor, id, version int64) (string, error) {
	o, err := d.cfg.Orders.SetStatus(r.Context(), a, id, version, r.PostFormValue("status"))
	if err != nil {
		return "", err
	}
	return "Status is now " + o.StatusIdentifier, nil
}

func (d *dashboard) cancelOrder(r *http.Request, a openentry.Actor, id, version int64) (string, error) {
	if _, err := d.cfg.Orders.Cancel(r.Context(), a, id, version); err != nil {
		return "", err
	}
	return "Order canceled; its units are back in stock", nil
}

func (d *dashboard) settleSession(r *http.Request, a openentry.Actor, id, _ int64) (string, error) {
	status := r.PostFormValue("status")
	if err := d.cfg.Payments.SettleSession(r.Context(), a, id, status); err != nil {
		return "", err
	}
	return fmt.Sprintf("Payment session %d is %s", id, status), nil
}

func (d *dashboard) approveRefund(r *http.Request, a openentry.Actor, id, _ int64) (string, error) {
	if _, err := d.cfg.Refunds.ApproveRefund(r.Context(), a, id); err != nil {
		return "", err
	}
	return fmt.Sprintf("Refund %d approved", id), nil
}

func (d *dashboard) rejectRefund(r *http.Request, a openentry.Actor, id, _ int64) (string, error) {
	if _, err := d.cfg.Refunds.RejectRefund(r.Context(), a, id, r.PostFormValue("reason")); err != nil {
		return "", err
	}
	return fmt.Sprintf("Refund %d rejected", id), nil
}
