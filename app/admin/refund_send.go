package admin

import (
	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	view "taripay/views/admin"
)

func sendForm(id int64, vals, errs map[string]string) view.Form {
	return view.Form{
		ID:     "send-" + refundIDText(id),
		Action: refundHref(id) + "/sent",
		Submit: "Mark sent…",
		Fields: []view.Field{
			{Name: "txid", Label: "Transaction id", Value: vals["txid"], Error: errs["txid"],
				Hint: "The id of the transaction the shop's wallet sent the refund in."},
		},
	}
}

// refundSend closes a refund due as sent from the shop's wallet.
func (h *Handler) refundSend(c *fiber.Ctx) error {
	id, err := refundID(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"txid": clip(c.FormValue("txid"))}
	txid, msg := checkText(vals["txid"], maxID)
	if msg != "" {
		return formFail(c, statusInvalid, view.FormView(sendForm(id, vals, map[string]string{"txid": msg})))
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(sendForm(id, vals, nil)))
	default:
		f := sendForm(id, vals, nil)
		f.Confirm = "Mark this refund sent in transaction " + txid + "? It is then closed."
		return render(c, view.FormView(f))
	}
	r, err := h.deps.Engine.MarkRefundSent(actorCtx(c), id, txid, "sent from the shop's wallet")
	if err != nil {
		f := sendForm(id, vals, nil)
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: refund sent", "refund_id", r.RefundID, "order_id", r.OrderID, "amount", r.Amount, "txid", txid, "actor", staffOf(c).Actor())
	return h.refundsDone(c, "Refund of "+xtr.Format(r.Amount)+" for order "+r.OrderID+" marked sent.")
}
