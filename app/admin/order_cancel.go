package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

var cancelAction = orderAction{
	name: "cancel", title: "Cancel order", submit: "Cancel order…", danger: true,
	applies: openOrder,
	confirm: func(o engine.Order, _ string) string {
		return "Cancel order " + o.OrderID + ", and cancel it in Shopify too?"
	},
	run: func(ctx context.Context, e orderActions, o engine.Order, _, reason string) error {
		_, err := e.Cancel(ctx, o.OrderID, reason)
		return err
	},
	done: "The order is cancelled.",
}

// orderCancel cancels an open order.
func (h *Handler) orderCancel(c *fiber.Ctx) error { return h.orderAct(c, cancelAction) }
