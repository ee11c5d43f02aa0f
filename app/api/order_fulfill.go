package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type orderFulfiller interface {
	Fulfill(ctx context.Context, orderRef, reason string) (engine.Order, error)
}

type modifyOrderParams struct {
	OrderID string `json:"order_id"`
	Reason  string `json:"reason"`
}

func (p modifyOrderParams) validate() error {
	if err := validID("order_id", p.OrderID); err != nil {
		return err
	}
	return checkText(maxTextLen, "reason", p.Reason)
}

// FulfillOrder answers POST /api/fulfill: an admin marks an order paid.
func FulfillOrder(e orderFulfiller, log *slog.Logger) fiber.Handler {
	return modifyOrder(e.Fulfill, log, "order fulfilled by admin")
}

// modifyOrder answers a POST of {"order_id","reason"} that changes one order
// with change, logging what was done; /api/fulfill and /api/cancel share it.
func modifyOrder(change func(ctx context.Context, orderRef, reason string) (engine.Order, error), log *slog.Logger, done string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req modifyOrderParams
		if err := decodeBody(c, &req, "order_id", "reason"); err != nil {
			return err
		}
		if err := req.validate(); err != nil {
			return err
		}
		o, err := change(actor(c), req.OrderID, req.Reason)
		if err != nil {
			return FromEngine(err, req.OrderID)
		}
		log.Info(done, "order_id", o.OrderID, "by", Caller(c).Address.Base58())
		return render(c, newOrder(o))
	}
}
