package admin

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

type reportService interface {
	Dashboard(ctx context.Context, days int) (engine.Dashboard, error)
}

const (
	chartDays        = 14
	latestDeliveries = 20
)

// dashboard shows the orders waiting for a rate, the payments received for
// closed orders, what was received, orders by status and how many Shopify
// orders were paid another way, the latest payments, Shopify sync and
// webhook failures and a chart of payments per day.
func (h *Handler) dashboard(c *fiber.Ctx) error {
	p, err := h.dashboardPage(c)
	if err != nil {
		return err
	}
	return render(c, view.DashboardView(p))
}

func (h *Handler) dashboardPage(c *fiber.Ctx) (view.DashboardPage, error) {
	ctx := c.UserContext()
	d, err := h.deps.Engine.Dashboard(ctx, chartDays)
	if err != nil {
		return view.DashboardPage{}, err
	}
	other := ""
	if h.deps.Shopify != nil {
		n, err := h.deps.Shopify.OtherOrders(ctx)
		if err != nil {
			return view.DashboardPage{}, err
		}
		other = strconv.Itoa(n)
	}
	p := view.DashboardPage{
		Layout:        h.layout(c, "Dashboard", "dashboard"),
		Waiting:       waitingNote(d.Waiting),
		ReceivedToday: xtr.Format(d.ReceivedToday),
		ReceivedWeek:  xtr.Format(d.ReceivedWeek),
		ReceivedTotal: xtr.Format(d.ReceivedTotal),
		OtherOrders:   other,
		Chart:         chart(d.PerDay),
		Exports:       exportLinks(),
	}
	if p.LatePayments, err = h.latePaymentsSection(ctx); err != nil {
		return view.DashboardPage{}, err
	}
	for _, s := range d.ByStatus {
		p.ByStatus = append(p.ByStatus, view.StatusRow{
			Status: orderBadge(s.Status),
			Count:  strconv.Itoa(s.Count),
			Total:  xtr.Format(s.Total),
			Href:   "/admin/orders?status=" + url.QueryEscape(string(s.Status)),
		})
	}
	for _, pay := range d.Latest {
		p.Latest = append(p.Latest, paymentRow(pay))
	}
	for _, f := range d.Failures {
		p.Failures = append(p.Failures, syncRow(f))
	}
	if h.deps.Webhooks != nil {
		failures, err := h.deps.Webhooks.WebhookFailures(ctx, latestDeliveries)
		if err != nil {
			return view.DashboardPage{}, err
		}
		for _, f := range failures {
			p.Deliveries = append(p.Deliveries, deliveryRow(f))
		}
	}
	return p, nil
}

// waitingNote says how many orders wait for an exchange rate, and of which
// currencies; "" when none do.
func waitingNote(counts []engine.WaitingCount) string {
	n, currencies := 0, make([]string, 0, len(counts))
	for _, c := range counts {
		n += c.Count
		currencies = append(currencies, c.Currency)
	}
	if n == 0 {
		return ""
	}
	return plural(n, "order") + " waiting for a rate (" + strings.Join(currencies, ", ") + ")"
}

// chart lays out one bar per day, scaled to the largest day.
func chart(days []engine.DayTotal) view.Chart {
	const width, height, labelSpace = 700, 180, 16
	ch := view.Chart{Width: width, Height: height, Days: chartDays}
	var max engine.MicroTari
	for _, d := range days {
		if d.Amount > max {
			max = d.Amount
		}
	}
	if max == 0 { // nothing to draw: the page says so
		return ch
	}
	ch.Max = xtr.Format(max)
	slot := width / len(days)
	for i, d := range days {
		h := 0
		if max > 0 {
			// integer scaling: µT amounts never pass through a float
			h = int(d.Amount / (max/(height-labelSpace-4) + 1))
		}
		ch.Bars = append(ch.Bars, view.Bar{
			X:     i*slot + slot/8,
			Y:     height - labelSpace - h,
			W:     slot * 3 / 4,
			H:     h,
			Label: d.Day.UTC().Format("02 Jan"),
			Title: d.Day.UTC().Format(dateLayout) + ": " + xtr.Format(d.Amount) + " in " + plural(d.Count, "payment"),
		})
	}
	return ch
}
