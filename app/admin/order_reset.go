package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

var resetAction = orderAction{
	name: "reset", title: "Reset order", submit: "Reset…",
	applies: func(o engine.Order) bool {
		return o.Status == engine.OrderExpired || o.Status == engine.OrderCancelled
	},
	confirm: func(o engine.Order, _ string) string {
		return "Reopen order " + o.OrderID + " as Unclaimed, so it can be claimed and paid again?"
	},
	run: func(ctx context.Context, e orderActions, o engine.Order, _, reason string) error {
		_, err := e.Reset(ctx, o.OrderID, reason)
		return err
	},
	done: "The order is reopened.",
}

// orderReset restores an expired or cancelled order to Unclaimed.
func (h *Handler) orderReset(c *fiber.Ctx) error { return h.orderAct(c, resetAction) }
