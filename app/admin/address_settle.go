package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

// addressSettle pays the open orders of the address's customers from its
// confirmed balance.
func (h *Handler) addressSettle(c *fiber.Ctx) error {
	address, msg := checkAddress(param(c, "address"))
	if msg != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such address")
	}
	return h.settle(c, settleForm("settle-address", addressHref(address)),
		"Pay the open orders of "+address+"'s customers from its balance, oldest first?",
		func(ctx context.Context) (engine.MultiAccountPayment, error) {
			return h.deps.Engine.SettleAddress(ctx, address)
		},
		"address", address,
		func(message string) error {
			d, err := h.addressDetail(c, address, &view.Flash{Text: message, Tone: "success"})
			if err != nil {
				return err
			}
			return formDone(c, "#address-detail", h.addressPage(c, d), view.AddressDetailView(d))
		})
}
