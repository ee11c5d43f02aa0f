package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

// customerSettle pays the customer's open orders from their confirmed balance.
func (h *Handler) customerSettle(c *fiber.Ctx) error {
	id, msg := checkID(param(c, "id"))
	if msg != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such customer")
	}
	return h.settle(c, settleForm("settle", customerHref(id)),
		"Pay customer "+id+"'s open orders from their balance, oldest first?",
		func(ctx context.Context) (engine.MultiAccountPayment, error) {
			return h.deps.Engine.SettleCustomer(ctx, id)
		},
		"customer_id", id,
		func(message string) error { return h.customerDone(c, id, message) })
}
