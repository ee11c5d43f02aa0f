package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

var fulfillAction = orderAction{
	name: "fulfill", title: "Mark paid", submit: "Mark paid…",
	applies: openOrder,
	confirm: func(o engine.Order, _ string) string {
		return "Mark order " + o.OrderID + " as paid without a payment, and tell Shopify it is paid?"
	},
	run: func(ctx context.Context, e orderActions, o engine.Order, _, reason string) error {
		_, err := e.Fulfill(ctx, o.OrderID, reason)
		return err
	},
	done: "The order is marked paid.",
}

// orderFulfill marks an open order paid by hand (an override).
func (h *Handler) orderFulfill(c *fiber.Ctx) error { return h.orderAct(c, fulfillAction) }
