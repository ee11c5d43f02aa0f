package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

var reassignAction = orderAction{
	name: "reassign", title: "Reassign customer", submit: "Reassign…",
	applies: anyOrder,
	field:   &view.Field{Name: "customer", Label: "New customer id"},
	check: func(v string) string {
		_, msg := checkID(v)
		return msg
	},
	confirm: func(o engine.Order, v string) string {
		return "Move order " + o.OrderID + " from customer " + o.CustomerID + " to customer " + v + "?"
	},
	run: func(ctx context.Context, e orderActions, o engine.Order, v, reason string) error {
		id, _ := checkID(v)
		_, err := e.Reassign(ctx, o.OrderID, id, reason)
		return err
	},
	done: "The order is reassigned.",
}

// orderReassign moves an order to another customer.
func (h *Handler) orderReassign(c *fiber.Ctx) error { return h.orderAct(c, reassignAction) }
