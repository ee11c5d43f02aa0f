package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	view "taripay/views/admin"
)

var memoAction = orderAction{
	name: "memo", title: "Edit memo", submit: "Save memo…",
	applies: anyOrder,
	field:   &view.Field{Name: "memo", Label: "Memo", Type: "textarea"},
	check: func(v string) string {
		_, msg := checkText(v, maxText)
		return msg
	},
	confirm: func(o engine.Order, v string) string {
		return "Replace the memo of order " + o.OrderID + " with “" + v + "”?"
	},
	run: func(ctx context.Context, e orderActions, o engine.Order, v, reason string) error {
		memo, _ := checkText(v, maxText)
		_, err := e.ChangeMemo(ctx, o.OrderID, memo, reason)
		return err
	},
	done: "The memo is saved.",
}

// orderMemo replaces an order's memo.
func (h *Handler) orderMemo(c *fiber.Ctx) error { return h.orderAct(c, memoAction) }
