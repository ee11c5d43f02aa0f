package admin

import (
	"github.com/gofiber/fiber/v2"

	view "taripay/views/admin"
)

func settleAddressForm(address string) view.Form {
	return view.Form{
		ID:     "settle-address",
		Action: addressHref(address) + "/settle",
		Title:  "Settle",
		Submit: "Settle…",
	}
}

// addressSettle pays the open orders of the address's customers from its
// confirmed balance.
func (h *Handler) addressSettle(c *fiber.Ctx) error {
	address, msg := checkAddress(param(c, "address"))
	if msg != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such address")
	}
	f := settleAddressForm(address)
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(f))
	default:
		f.Confirm = "Pay the open orders of " + address + "'s customers from its balance, oldest first?"
		return render(c, view.FormView(f))
	}
	paid, err := h.deps.Engine.SettleAddress(actorCtx(c), address)
	if err != nil {
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: settle", "address", address, "orders_paid", len(paid.OrdersPaid), "actor", staffOf(c).Actor())
	d, err := h.addressDetail(c, address, &view.Flash{Text: "Settled; " + plural(len(paid.OrdersPaid), "order") + " paid.", Tone: "success"})
	if err != nil {
		return err
	}
	return formDone(c, "#address-detail", h.addressPage(c, d), view.AddressDetailView(d))
}
