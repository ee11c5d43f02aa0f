package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type orderResetter interface {
	Order(ctx context.Context, ref string, allowAlt bool) (engine.Order, error)
	Reset(ctx context.Context, orderRef, reason string) (engine.Order, error)
}

type resetParams struct {
	Reason *string `json:"reason"`
}

// ResetOrder answers PATCH /api/reset_order/{order_id}: an Expired or
// Cancelled order becomes Unclaimed again. The reference only has a 501
// stub; we answer with the OrderChanged shape taritools expects. The body,
// {"reason": …}, is optional.
func ResetOrder(e orderResetter, strict bool, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ref, err := param(c, "order_id")
		if err != nil {
			return err
		}
		var req resetParams
		if len(c.Body()) > 0 {
			if err := decodeBody(c, &req); err != nil {
				return err
			}
		}
		if err := checkText(maxTextLen, "reason", deref(req.Reason)); err != nil {
			return err
		}
		ctx := actor(c)
		old, err := e.Order(ctx, ref, !strict)
		if err != nil {
			return FromEngine(err, ref)
		}
		o, err := e.Reset(ctx, ref, reasonOr(req.Reason, "Reset by "+Caller(c).Address.Base58()))
		if err != nil {
			return FromEngine(err, ref)
		}
		log.Info("order reset", "order_id", o.OrderID, "from", old.Status, "by", Caller(c).Address.Base58())
		return render(c, OrderChanged{OldOrder: newOrder(old), NewOrder: newOrder(o)})
	}
}
