package admin

import (
	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	view "taripay/views/admin"
)

func creditForm(customerID string, vals, errs map[string]string) view.Form {
	return view.Form{
		ID:     "credit",
		Action: customerHref(customerID) + "/credit",
		Title:  "Issue a credit note",
		Submit: "Issue credit…",
		Fields: []view.Field{
			{Name: "amount", Label: "Amount (XTR)", Value: vals["amount"], Error: errs["amount"]},
			{Name: "reason", Label: "Reason", Type: "textarea", Value: vals["reason"], Error: errs["reason"],
				Hint: "The credit pays the customer's open orders at once, oldest first."},
		},
	}
}

// creditIssue credits a customer's account; the credit pays their open
// orders straight away.
func (h *Handler) creditIssue(c *fiber.Ctx) error {
	id, msg := checkID(param(c, "id"))
	if msg != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such customer")
	}
	vals := map[string]string{"amount": clip(c.FormValue("amount")), "reason": clip(c.FormValue("reason"))}
	errs := map[string]string{}
	amount, err := xtr.Parse(vals["amount"])
	if err != nil {
		errs["amount"] = err.Error()
	}
	reason, msg := checkText(vals["reason"], maxText)
	if msg != "" {
		errs["reason"] = msg
	}
	if len(errs) > 0 {
		return formFail(c, statusInvalid, view.FormView(creditForm(id, vals, errs)))
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(creditForm(id, vals, nil)))
	default:
		f := creditForm(id, vals, nil)
		f.Confirm = "Credit " + xtr.Format(amount) + " to customer " + id + "? It pays their open orders at once."
		return render(c, view.FormView(f))
	}
	paid, err := h.deps.Engine.CreditNote(actorCtx(c), id, amount, reason)
	if err != nil {
		f := creditForm(id, vals, nil)
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: credit note", "customer_id", id, "amount", amount, "orders_paid", len(paid.OrdersPaid), "actor", staffOf(c).Actor())
	return h.customerDone(c, id, "Credited "+xtr.Format(amount)+"; "+plural(len(paid.OrdersPaid), "order")+" paid.")
}
