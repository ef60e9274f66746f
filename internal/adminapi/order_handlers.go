package adminapi

import (
	"encoding/csv"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/shop"
)

// orderFilterParams are the query parameters of the order list and both
// exports; anything else is a 400, so that a typo never widens a filter.
var orderFilterParams = []string{"storage", "status", "paymentStatus", "from", "to", "userId", "currency",
	"totalMin", "totalMax", "q", "sort", "order"}

// checkParams refuses query parameters outside allowed.
func checkParams(r *http.Request, allowed ...string) error {
	for name := range r.URL.Query() {
		if !slices.Contains(allowed, name) {
			return openentry.Invalid(fmt.Sprintf("unknown query parameter %q (known: %s)", name, strings.Join(allowed, ", ")))
		}
	}
	return nil
}

// orderFilter reads the filters, sort and, with paged, offset and limit.
func orderFilter(r *http.Request, paged bool) (openentry.AdminOrderFilter, error) {
	allowed := orderFilterParams
	if paged {
		allowed = append(slices.Clip(allowed), "offset", "limit")
	}
	var f openentry.AdminOrderFilter
	if err := checkParams(r, allowed...); err != nil {
		return f, err
	}
	q := r.URL.Query()
	f.StorageMarker, f.StatusIdentifier, f.PaymentStatus = q.Get("storage"), q.Get("status"), q.Get("paymentStatus")
	f.Currency, f.Query, f.Sort = q.Get("currency"), q.Get("q"), q.Get("sort")
	var err error
	if paged {
		if f.Page, err = pageOf(r); err != nil {
			return f, err
		}
	}
	if f.From, err = timeOf(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = timeOf(r, "to"); err != nil {
		return f, err
	}
	if s := q.Get("userId"); s != "" {
		if f.UserID, err = strconv.ParseInt(s, 10, 64); err != nil || f.UserID <= 0 {
			return f, openentry.Invalid("userId must be a positive whole number")
		}
	}
	for name, dst := range map[string]**openentry.Decimal{"totalMin": &f.TotalMin, "totalMax": &f.TotalMax} {
		if s := q.Get(name); s != "" {
			if *dst, err = openentry.ParseDecimal(s); err != nil {
				return f, openentry.Invalid(name + ": " + err.Error())
			}
		}
	}
	switch q.Get("order") {
	case "", "desc":
		f.Desc = true
	case "asc":
	default:
		return f, openentry.Invalid(fmt.Sprintf("order %q is not asc or desc", q.Get("order")))
	}
	return f, nil
}

func handleListOrders(logger *slog.Logger, orders *shop.AdminOrders) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[adminOrderJSON], error) {
		f, err := orderFilter(r, true)
		if err != nil {
			return list[adminOrderJSON]{}, err
		}
		items, total, err := orders.List(r.Context(), a, f)
		if err != nil {
			return list[adminOrderJSON]{}, err
		}
		out := list[adminOrderJSON]{Items: make([]adminOrderJSON, len(items)), Total: total}
		for i := range items {
			out.Items[i] = toAdminOrderJSON(&items[i])
		}
		return out, nil
	})
}

func handleGetOrder(logger *slog.Logger, orders *shop.AdminOrders) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (orderDetailJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return orderDetailJSON{}, err
		}
		o, err := orders.Order(r.Context(), a, id)
		if err != nil {
			return orderDetailJSON{}, err
		}
		return toOrderDetailJSON(o), nil
	})
}

// handleOrderWrite serves a write to the order {id} with a JSON body In,
// answering the order as it is after.
func handleOrderWrite[In any](logger *slog.Logger, write func(r *http.Request, a openentry.Actor, id int64, in In) (*openentry.AdminOrder, error)) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (adminOrderJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return adminOrderJSON{}, err
		}
		in, err := decode[In](w, r)
		if err != nil {
			return adminOrderJSON{}, err
		}
		o, err := write(r, a, id, in)
		if err != nil {
			return adminOrderJSON{}, err
		}
		return toAdminOrderJSON(o), nil
	})
}

func handleOrderStatus(logger *slog.Logger, orders *shop.AdminOrders) actorHandler {
	type request struct {
		StatusIdentifier string `json:"statusIdentifier"`
		Version          int64  `json:"version"`
	}
	return handleOrderWrite(logger, func(r *http.Request, a openentry.Actor, id int64, in request) (*openentry.AdminOrder, error) {
		return orders.SetStatus(r.Context(), a, id, in.Version, in.StatusIdentifier)
	})
}

func handleCancelOrder(logger *slog.Logger, orders *shop.AdminOrders) actorHandler {
	type request struct {
		Version int64 `json:"version"`
	}
	return handleOrderWrite(logger, func(r *http.Request, a openentry.Actor, id int64, in request) (*openentry.AdminOrder, error) {
		return orders.Cancel(r.Context(), a, id, in.Version)
	})
}

func handleSettleSession(logger *slog.Logger, payments *shop.Payments) actorHandler {
	type request struct {
		Status string `json:"status"`
	}
	type response struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (response, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return response{}, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return response{}, err
		}
		if err := payments.SettleSession(r.Context(), a, id, in.Status); err != nil {
			return response{}, err
		}
		return response{ID: id, Status: in.Status}, nil
	})
}

func handleListRefunds(logger *slog.Logger, refunds *shop.Refunds) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (list[refundJSON], error) {
		if err := checkParams(r, "status", "offset", "limit"); err != nil {
			return list[refundJSON]{}, err
		}
		page, err := pageOf(r)
		if err != nil {
			return list[refundJSON]{}, err
		}
		items, total, err := refunds.List(r.Context(), a, openentry.RefundFilter{Status: r.URL.Query().Get("status"), Page: page})
		if err != nil {
			return list[refundJSON]{}, err
		}
		out := list[refundJSON]{Items: make([]refundJSON, len(items)), Total: total}
		for i, rf := range items {
			out.Items[i] = toRefundJSON(rf)
		}
		return out, nil
	})
}

func handleApproveRefund(logger *slog.Logger, refunds *shop.Refunds) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (refundJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return refundJSON{}, err
		}
		rf, err := refunds.ApproveRefund(r.Context(), a, id)
		if err != nil {
			return refundJSON{}, err
		}
		return toRefundJSON(*rf), nil
	})
}

func handleRejectRefund(logger *slog.Logger, refunds *shop.Refunds) actorHandler {
	type request struct {
		Reason string `json:"reason"`
	}
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (refundJSON, error) {
		id, err := idOf(r, "id")
		if err != nil {
			return refundJSON{}, err
		}
		in, err := decode[request](w, r)
		if err != nil {
			return refundJSON{}, err
		}
		rf, err := refunds.RejectRefund(r.Context(), a, id, in.Reason)
		if err != nil {
			return refundJSON{}, err
		}
		return toRefundJSON(*rf), nil
	})
}

func handleOverview(logger *slog.Logger, orders *shop.AdminOrders) actorHandler {
	return handleActor(logger, http.StatusOK, func(w http.ResponseWriter, r *http.Request, a openentry.Actor) (overviewJSON, error) {
		if err := checkParams(r, "lowStock"); err != nil {
			return overviewJSON{}, err
		}
		threshold := int64(shop.DefaultLowStock)
		if s := r.URL.Query().Get("lowStock"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return overviewJSON{}, openentry.Invalid("lowStock must be a whole number ≥ 0")
			}
			threshold = n
		}
		o, err := orders.Overview(r.Context(), a, threshold)
		if err != nil {
			return overviewJSON{}, err
		}
		return toOverviewJSON(o, threshold), nil
	})
}

// csvStream writes a CSV answer row by row as the export produces them.
// The status is sent with the first row, so that an error found before it
// (a bad filter) is still a JSON error; an error after it aborts the
// connection, so that a cut file is never taken for a whole one.
type csvStream struct {
	w       http.ResponseWriter
	name    string
	header  []string
	out     *csv.Writer
	rows    int
	flusher *http.ResponseController
}

// csvFlushEvery is how many rows go out per flush.
const csvFlushEvery = 200

// csvWriteWindow is how long each flush may take to reach the client: an
// export of any size runs as long as it keeps moving, past the server's
// write timeout.
const csvWriteWindow = time.Minute

func (s *csvStream) start() error {
	if s.out != nil {
		return nil
	}
	h := s.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+s.name+`"`)
	s.w.WriteHeader(http.StatusOK)
	s.out, s.flusher = csv.NewWriter(s.w), http.NewResponseController(s.w)
	_ = s.flusher.SetWriteDeadline(time.Now().Add(csvWriteWindow)) // behind a writer that cannot, the server's timeout holds
	return s.out.Write(s.header)
}

func (s *csvStream) row(cells ...string) error {
	if err := s.start(); err != nil {
		return err
	}
	for i, c := range cells {
		cells[i] = cell(c)
	}
	if err := s.out.Write(cells); err != nil {
		return err
	}
	if s.rows++; s.rows%csvFlushEvery == 0 {
		s.out.Flush()
		if err := s.out.Error(); err != nil {
			return err
		}
		_ = s.flusher.Flush() // not every writer flushes; the rows still go out
		_ = s.flusher.SetWriteDeadline(time.Now().Add(csvWriteWindow))
	}
	return nil
}

// finish ends the answer: a JSON error if nothing was sent yet, else the
// last rows, or an aborted connection.
func (s *csvStream) finish(r *http.Request, logger *slog.Logger, err error) {
	if err == nil {
		err = s.start()
	}
	if err != nil && s.out == nil {
		writeError(s.w, r, logger, err)
		return
	}
	if err == nil {
		s.out.Flush()
		err = s.out.Error()
	}
	if err != nil {
		logger.ErrorContext(r.Context(), "admin export failed", "route", r.Pattern, "rows", s.rows, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// cell keeps a spreadsheet from running a customer's text as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func timeCell(t *openentry.Time) string {
	if t == nil {
		return ""
	}
	b, _ := t.MarshalJSON()
	return strings.Trim(string(b), `"`)
}

func handleOrdersCSV(logger *slog.Logger, orders *shop.AdminOrders) actorHandler {
	header := []string{"id", "createdAt", "storage", "status", "paymentStatus", "canceled", "userId", "userLogin",
		"paymentAccount", "currency", "total", "paidAt"}
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		s := &csvStream{w: w, name: "orders.csv", header: header}
		f, err := orderFilter(r, false)
		if err == nil {
			err = orders.ExportOrders(r.Context(), a, f, func(o *openentry.AdminOrder) error {
				j := toAdminOrderJSON(o)
				return s.row(strconv.FormatInt(o.ID, 10), timeCell(&j.CreatedAt), o.StorageMarker, o.StatusIdentifier, o.PaymentStatus,
					strconv.FormatBool(o.IsCanceled), strconv.FormatInt(o.UserID, 10), o.UserLogin, o.PaymentAccountIdentifier,
					o.Total.Currency, o.Total.Fixed(), timeCell(j.PaidAt))
			})
		}
		s.finish(r, logger, err)
	}
}

func handlePaymentsCSV(logger *slog.Logger, orders *shop.AdminOrders) actorHandler {
	header := []string{"id", "orderId", "createdAt", "updatedAt", "status", "type", "paymentAccount", "accountType",
		"storage", "userId", "userLogin", "currency", "amount"}
	return func(w http.ResponseWriter, r *http.Request, a openentry.Actor) {
		s := &csvStream{w: w, name: "payments.csv", header: header}
		f, err := orderFilter(r, false)
		if err == nil {
			err = orders.ExportSessions(r.Context(), a, f, func(ps *openentry.AdminSession) error {
				amount := ps.OrderTotal // a hosted checkout asks for the order's total
				if ps.Amount != nil {
					amount = *ps.Amount
				}
				created, updated := openentry.Time(ps.CreatedAt), openentry.Time(ps.UpdatedAt)
				return s.row(strconv.FormatInt(ps.ID, 10), strconv.FormatInt(ps.OrderID, 10), timeCell(&created), timeCell(&updated),
					ps.Status, ps.Type, ps.AccountIdentifier, ps.AccountType, ps.StorageMarker, strconv.FormatInt(ps.UserID, 10),
					ps.UserLogin, amount.Currency, amount.Fixed())
			})
		}
		s.finish(r, logger, err)
	}
}
