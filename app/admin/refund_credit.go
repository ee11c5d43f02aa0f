package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	view "taripay/views/admin"
)

func refundIDText(id int64) string { return strconv.FormatInt(id, 10) }

func creditRefundForm(id int64) view.Form {
	return view.Form{
		ID:     "credit-refund-" + refundIDText(id),
		Action: refundHref(id) + "/credit",
		Submit: "Give as store credit…",
	}
}

// refundCredit closes a refund due as the customer's store credit, which
// pays their open orders at once.
func (h *Handler) refundCredit(c *fiber.Ctx) error {
	id, err := refundID(c)
	if err != nil {
		return err
	}
	f := creditRefundForm(id)
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(f))
	default:
		f.Confirm = "Give this refund to the customer as store credit instead of sending it? The credit pays their open orders at once."
		return render(c, view.FormView(f))
	}
	r, err := h.deps.Engine.CreditRefund(actorCtx(c), id, "given as store credit")
	if err != nil {
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: refund given as store credit", "refund_id", r.RefundID, "order_id", r.OrderID, "amount", r.Amount,
		"customer_id", r.CustomerID, "actor", staffOf(c).Actor())
	return h.refundsDone(c, "Refund of "+xtr.Format(r.Amount)+" for order "+r.OrderID+" given to customer "+r.CustomerID+" as store credit.")
}
