package admin

import (
	"encoding/base64"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"taripay/app/qr"
	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

// orderShow shows one order with its payments, audit trail, Shopify sync
// state and the actions staff can take.
func (h *Handler) orderShow(c *fiber.Ctx) error {
	d, err := h.orderDetail(c, param(c, "id"), nil)
	if err != nil {
		return err
	}
	return render(c, view.OrderShowView(view.OrderShowPage{Layout: h.layout(c, "Order "+d.Order.Name, "orders"), Detail: d}))
}

func (h *Handler) orderDetail(c *fiber.Ctx, id string, flash *view.Flash) (view.OrderDetail, error) {
	ctx := c.UserContext()
	o, err := h.deps.Engine.Order(ctx, id, false)
	if err != nil {
		return view.OrderDetail{}, err
	}
	pageNo, page := historyPage(c)
	payments, err := h.deps.Engine.PaymentsForOrder(ctx, o.OrderID, page)
	if err != nil {
		return view.OrderDetail{}, err
	}
	payments, more := shown(payments)
	audit, err := h.deps.Engine.Audit(ctx, "order", o.OrderID)
	if err != nil {
		return view.OrderDetail{}, err
	}
	effects, err := h.deps.Engine.SideEffects(ctx, o.OrderID)
	if err != nil {
		return view.OrderDetail{}, err
	}
	facts, over, err := h.details(ctx, o)
	if err != nil {
		return view.OrderDetail{}, err
	}
	d := view.OrderDetail{Flash: flash, Order: orderRow(o), Facts: facts, FactsURL: factsURL(o), Pager: historyPager(orderHref(o.OrderID), pageNo, more)}
	if d.PayLink, d.PayQR, err = h.payLink(c, o); err != nil {
		return view.OrderDetail{}, err
	}
	for _, p := range payments {
		d.Payments = append(d.Payments, paymentRow(p))
	}
	for _, a := range audit {
		d.Audit = append(d.Audit, view.AuditRow{
			At: when(a.At), Field: a.Field, Old: deref(a.OldValue), New: deref(a.NewValue), Reason: a.Reason, Actor: a.Actor,
		})
	}
	for _, s := range effects {
		row := syncRow(s)
		row.Href = ""
		if s.State == engine.SideEffectFailed {
			f := retryForm(o.OrderID, s.ID)
			row.Retry = &f
		}
		d.Sync = append(d.Sync, row)
	}
	for _, a := range orderActionsFor(o) {
		d.Actions = append(d.Actions, a.form(o, nil, nil))
	}
	if over.Amount > 0 && over.Refund == nil {
		d.Actions = append(d.Actions, refundOverpaymentAction.form(o, nil, nil))
	}
	return d, nil
}

func orderFacts(o engine.Order) []view.Fact {
	rate := "none"
	if o.ExchangeRate > 0 {
		rate = xtr.Format(o.ExchangeRate) + " per " + o.Currency
	}
	facts := []view.Fact{
		{Label: "Order id", Value: o.OrderID},
		{Label: "Name", Value: deref(o.AltID)},
		{Label: "Customer", Value: o.CustomerID},
		{Label: "Total", Value: xtr.Format(o.TotalPrice)},
		{Label: "Exchange rate", Value: rate},
		{Label: "Memo", Value: deref(o.Memo)},
		{Label: "Created", Value: when(o.CreatedAt)},
		{Label: "Recorded", Value: when(o.RecordedAt)},
		{Label: "Claimed", Value: whenPtr(o.ClaimedAt)},
		{Label: "Updated", Value: when(o.UpdatedAt)},
	}
	if o.OriginalPrice != nil {
		facts = append(facts, view.Fact{Label: "Storefront price", Value: *o.OriginalPrice + " " + o.Currency})
	}
	if o.AmountOutstanding != nil {
		facts = append(facts, view.Fact{Label: "Outstanding", Value: *o.AmountOutstanding})
	}
	return facts
}

// receivedFact says what the payments that name an open order bring (r),
// pending and confirmed apart, and what is still due, as its pay page
// does; ok is false for a closed order or one without such payments.
func receivedFact(o engine.Order, r engine.OrderReceipts) (f view.Fact, ok bool) {
	if !o.Status.Open() || r.Total() <= 0 {
		return view.Fact{}, false
	}
	due := "nothing"
	if d := r.Due(o.TotalPrice); d > 0 {
		due = xtr.Format(d)
	}
	return view.Fact{
		Label: "Received",
		Value: xtr.Format(r.Total()) + " of " + xtr.Format(o.TotalPrice) + ", " + due + " still due (" +
			xtr.Format(r.Pending) + " pending, " + xtr.Format(r.Confirmed) + " confirmed)",
	}, true
}

// payLink is the customer's pay link for the order, as in the order email,
// and its QR code as a PNG data URI, for the merchant to share again.
func (h *Handler) payLink(c *fiber.Ctx, o engine.Order) (link, qrImage string, err error) {
	if h.deps.PayLink != nil {
		link = h.deps.PayLink(c.BaseURL(), o.OrderID)
	}
	if link == "" && o.ClaimToken != "" {
		link = c.BaseURL() + "/pay/" + o.ClaimToken
	}
	if link == "" {
		return "", "", nil
	}
	png, err := qr.PNG(link, 200)
	if err != nil {
		return "", "", fmt.Errorf("QR code of the pay link of order %s: %w", o.OrderID, err)
	}
	return link, "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), nil
}
