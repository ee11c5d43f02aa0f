package admin

import (
	"github.com/gofiber/fiber/v2"

	view "taripay/views/admin"
)

func settleForm(customerID string) view.Form {
	return view.Form{
		ID:     "settle",
		Action: customerHref(customerID) + "/settle",
		Title:  "Settle",
		Submit: "Settle…",
	}
}

// customerSettle pays the customer's open orders from their confirmed balance.
func (h *Handler) customerSettle(c *fiber.Ctx) error {
	id, msg := checkID(param(c, "id"))
	if msg != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such customer")
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(settleForm(id)))
	default:
		f := settleForm(id)
		f.Confirm = "Pay customer " + id + "'s open orders from their balance, oldest first?"
		return render(c, view.FormView(f))
	}
	paid, err := h.deps.Engine.SettleCustomer(actorCtx(c), id)
	if err != nil {
		f := settleForm(id)
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: settle", "customer_id", id, "orders_paid", len(paid.OrdersPaid), "actor", staffOf(c).Actor())
	return h.customerDone(c, id, "Settled; "+plural(len(paid.OrdersPaid), "order")+" paid.")
}
