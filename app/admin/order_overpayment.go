package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

var refundOverpaymentAction = orderAction{
	name: "refund-overpayment", title: "Refund overpayment", submit: "Refund it…",
	applies: func(o engine.Order) bool { return o.Status == engine.OrderPaid },
	confirm: func(o engine.Order, _ string) string {
		return "Refund what order " + o.OrderID + " was paid beyond its price to the address that paid it? It leaves that customer's credit now and is listed under Refunds until you send it."
	},
	run: func(ctx context.Context, e orderActions, o engine.Order, _, reason string) error {
		_, err := e.RefundOverpayment(ctx, o.OrderID, reason)
		return err
	},
	done: "A refund of the overpayment is due: see Refunds.",
}

// orderRefundOverpayment records a refund due of a Paid order's
// overpayment (docs/refunds.md, "Overpayments").
func (h *Handler) orderRefundOverpayment(c *fiber.Ctx) error {
	return h.orderAct(c, refundOverpaymentAction)
}

// overpaymentFact says what a Paid order was paid beyond its price, and
// where it stands; ok is false when it was not overpaid.
func overpaymentFact(ov engine.Overpayment) (f view.Fact, ok bool) {
	if ov.Amount <= 0 {
		return view.Fact{}, false
	}
	v := xtr.Format(ov.Amount) + " beyond its price, held as credit of " + ov.Payer
	if r := ov.Refund; r != nil {
		v = xtr.Format(ov.Amount) + " beyond its price; refund of " + xtr.Format(r.Amount) + " to " + r.Address + ": " + string(r.Status)
	}
	return view.Fact{Label: "Overpaid", Value: v}, true
}
