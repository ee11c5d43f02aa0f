package admin

import (
	"regexp"

	"github.com/gofiber/fiber/v2"

	view "taripay/views/admin"
)

var revokeFormID = regexp.MustCompile(`^revoke-[0-9]{1,6}$`)

// walletRevoke stops accepting notifications from a hot wallet.
func (h *Handler) walletRevoke(c *fiber.Ctx) error {
	address, msg := checkAddress(param(c, "address"))
	if msg != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such wallet")
	}
	f := revokeForm(0, address)
	if id := c.Get("HX-Target"); revokeFormID.MatchString(id) {
		f.ID = id // the row's form, so the swap lands in place
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(f))
	default:
		f.Confirm = "Revoke " + address + "? Its notifications will be refused."
		return render(c, view.FormView(f))
	}
	if err := h.deps.Engine.RevokeWallet(actorCtx(c), address); err != nil {
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: wallet revoked", "address", address, "actor", staffOf(c).Actor())
	return h.walletsDone(c, "Wallet "+address+" is revoked.")
}
