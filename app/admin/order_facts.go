package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

// orderFactsShow answers the Details card of an order alone, which an open
// order's page polls, so that "Received X of Y, Z still due" and the status
// follow payments as they arrive, as the customer's pay page does.
func (h *Handler) orderFactsShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	o, err := h.deps.Engine.Order(ctx, param(c, "id"), false)
	if err != nil {
		return err
	}
	facts, _, err := h.details(ctx, o)
	if err != nil {
		return err
	}
	return render(c, view.OrderFactsView(view.OrderDetail{Order: orderRow(o), Facts: facts, FactsURL: factsURL(o)}))
}

// factsURL is where an open order's Details card re-reads itself; "" once
// the order is closed, when nothing in it changes by itself.
func factsURL(o engine.Order) string {
	if !o.Status.Open() {
		return ""
	}
	return orderHref(o.OrderID) + "/facts"
}

// details are an order's facts, then its write-offs, what its payments
// bring while it is open, and what it was paid beyond its price, which is
// returned too.
func (h *Handler) details(ctx context.Context, o engine.Order) ([]view.Fact, engine.Overpayment, error) {
	writeOffs, err := h.deps.Engine.OrderWriteOffs(ctx, o.OrderID)
	if err != nil {
		return nil, engine.Overpayment{}, err
	}
	over, err := h.deps.Engine.Overpayment(ctx, o.OrderID)
	if err != nil {
		return nil, engine.Overpayment{}, err
	}
	facts := orderFacts(o)
	for _, w := range writeOffs {
		facts = append(facts, view.Fact{
			Label: "Written off",
			Value: xtr.Format(w.Amount) + " short, within the underpayment tolerance of " + w.Tolerance.String() + " % (" + when(w.CreatedAt) + ")",
		})
	}
	receipts, err := h.deps.Engine.ReceiptsForOrder(ctx, o)
	if err != nil {
		return nil, engine.Overpayment{}, err
	}
	if f, ok := receivedFact(o, receipts); ok {
		facts = append(facts, f)
	}
	if f, ok := overpaymentFact(over); ok {
		facts = append(facts, f)
	}
	return facts, over, nil
}
