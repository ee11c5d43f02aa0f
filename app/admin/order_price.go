package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

var priceAction = orderAction{
	name: "price", title: "Change price", submit: "Change price…",
	applies: openOrder,
	field:   &view.Field{Name: "price", Label: "New price (XTR)"},
	check: func(v string) string {
		if _, err := xtr.Parse(v); err != nil {
			return err.Error()
		}
		return ""
	},
	confirm: func(o engine.Order, v string) string {
		p, _ := xtr.Parse(v)
		return "Change the price of order " + o.OrderID + " from " + xtr.Format(o.TotalPrice) + " to " + xtr.Format(p) + "?"
	},
	run: func(ctx context.Context, e orderActions, o engine.Order, v, reason string) error {
		p, err := xtr.Parse(v)
		if err != nil {
			return err
		}
		_, err = e.ChangePrice(ctx, o.OrderID, p, reason)
		return err
	},
	done: "The price is changed.",
}

// orderPrice changes an open order's price in XTR.
func (h *Handler) orderPrice(c *fiber.Ctx) error { return h.orderAct(c, priceAction) }
