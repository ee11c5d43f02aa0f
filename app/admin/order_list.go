package admin

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

type orderReader interface {
	Order(ctx context.Context, ref string, allowAlt bool) (engine.Order, error)
	SearchOrders(ctx context.Context, q engine.OrderQuery) ([]engine.Order, error)
	PaymentsForOrder(ctx context.Context, orderID string, p engine.Page) ([]engine.Payment, error)
	ReceiptsForOrder(ctx context.Context, o engine.Order) (engine.OrderReceipts, error)
	Audit(ctx context.Context, entity, entityID string) ([]engine.AuditEntry, error)
	SideEffects(ctx context.Context, orderID string) ([]engine.SideEffect, error)
	OrderWriteOffs(ctx context.Context, orderID string) ([]engine.WriteOff, error)
	Overpayment(ctx context.Context, orderRef string) (engine.Overpayment, error)
}

var orderStatuses = []string{
	string(engine.OrderUnclaimed), string(engine.OrderNew), string(engine.OrderPaid),
	string(engine.OrderCancelled), string(engine.OrderExpired),
}

// maxPage keeps offsets, and so query cost, bounded.
const maxPage = 10_000

// orderList searches orders by id or #name, memo, customer, status and
// creation date, one page at a time, newest first.
func (h *Handler) orderList(c *fiber.Ctx) error {
	f := view.OrderFilter{
		ID:       clip(c.Query("id")),
		Memo:     clip(c.Query("memo")),
		Customer: clip(c.Query("customer")),
		Status:   clip(c.Query("status")),
		Since:    clip(c.Query("since")),
		Until:    clip(c.Query("until")),
		Statuses: orderStatuses,
	}
	q, errs := orderQuery(f)
	pageNo, err := strconv.Atoi(c.Query("page", "1"))
	if err != nil || pageNo < 1 || pageNo > maxPage {
		pageNo = 1
	}
	p := view.OrderListPage{Layout: h.layout(c, "Orders", "orders"), Filter: f, Page: pageNo}
	if len(errs) > 0 {
		p.Filter.Errors = errs
		c.Status(statusInvalid)
		return page(c, view.OrderListView(p), view.OrderResults(p))
	}
	q.Offset = (pageNo - 1) * h.cfg.PageSize
	q.NewestFirst = true
	q.Limit = h.cfg.PageSize + 1 // one more tells whether a next page exists
	orders, err := h.deps.Engine.SearchOrders(c.UserContext(), q)
	if err != nil {
		return err
	}
	if len(orders) > h.cfg.PageSize {
		orders = orders[:h.cfg.PageSize]
		p.NextHref = orderListHref(f, pageNo+1)
	}
	if pageNo > 1 {
		p.PrevHref = orderListHref(f, pageNo-1)
	}
	p.Rows = make([]view.OrderRow, len(orders))
	for i, o := range orders {
		p.Rows[i] = orderRow(o)
	}
	return page(c, view.OrderListView(p), view.OrderResults(p))
}

// orderQuery validates the search form into an engine query.
func orderQuery(f view.OrderFilter) (engine.OrderQuery, map[string]string) {
	var q engine.OrderQuery
	errs := map[string]string{}
	if f.ID != "" {
		id, msg := checkID(f.ID)
		if msg != "" {
			errs["id"] = msg
		} else if name, ok := strings.CutPrefix(id, "#"); ok && name != "" {
			q.AltID = id
		} else {
			q.OrderID = id
		}
	}
	if f.Memo != "" {
		memo, msg := checkText(f.Memo, maxText)
		if msg != "" {
			errs["memo"] = msg
		}
		q.Memo = memo
	}
	if f.Customer != "" {
		id, msg := checkID(f.Customer)
		if msg != "" {
			errs["customer"] = msg
		}
		q.CustomerID = id
	}
	if f.Status != "" {
		if !contains(orderStatuses, f.Status) {
			errs["status"] = "Choose a status from the list."
		} else {
			q.Statuses = []engine.OrderStatus{engine.OrderStatus(f.Status)}
		}
	}
	since, ok := parseDate(f.Since)
	if !ok {
		errs["since"] = "Enter a date as YYYY-MM-DD."
	} else if since != nil {
		q.Since = since
	}
	until, ok := parseDate(f.Until)
	if !ok {
		errs["until"] = "Enter a date as YYYY-MM-DD."
	} else if until != nil {
		end := until.Add(24*time.Hour - time.Nanosecond) // the whole day is included
		q.Until = &end
	}
	if q.Since != nil && q.Until != nil && q.Until.Before(*q.Since) {
		errs["until"] = "The end date is before the start date."
	}
	return q, errs
}

func parseDate(s string) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return nil, false
	}
	return &t, true
}

func orderListHref(f view.OrderFilter, pageNo int) string {
	v := url.Values{}
	for k, s := range map[string]string{"id": f.ID, "memo": f.Memo, "customer": f.Customer, "status": f.Status, "since": f.Since, "until": f.Until} {
		if s != "" {
			v.Set(k, s)
		}
	}
	v.Set("page", strconv.Itoa(pageNo))
	return "/admin/orders?" + v.Encode()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// clip bounds how much of a hostile value is ever echoed back.
func clip(s string) string {
	const max = 2 * maxText
	if len(s) > max {
		return strings.ToValidUTF8(s[:max], "")
	}
	return s
}
