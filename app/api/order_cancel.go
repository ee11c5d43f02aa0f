package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type orderCanceler interface {
	Cancel(ctx context.Context, orderRef, reason string) (engine.Order, error)
}

// CancelOrder answers POST /api/cancel.
func CancelOrder(e orderCanceler, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req modifyOrderParams
		if err := decodeBody(c, &req, "order_id", "reason"); err != nil {
			return err
		}
		if err := req.validate(); err != nil {
			return err
		}
		o, err := e.Cancel(actor(c), req.OrderID, req.Reason)
		if err != nil {
			return FromEngine(err, req.OrderID)
		}
		log.Info("order cancelled", "order_id", o.OrderID, "by", Caller(c).Address.Base58())
		return render(c, newOrder(o))
	}
}
