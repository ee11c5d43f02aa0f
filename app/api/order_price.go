package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type priceChanger interface {
	ChangePrice(ctx context.Context, orderRef string, price engine.MicroTari, reason string) (engine.Order, error)
}

type updatePriceParams struct {
	OrderID  string  `json:"order_id"`
	NewPrice int64   `json:"new_price"`
	Reason   *string `json:"reason"`
}

// ChangeOrderPrice answers PATCH /api/order_price.
func ChangeOrderPrice(e priceChanger, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req updatePriceParams
		if err := decodeBody(c, &req, "order_id", "new_price"); err != nil {
			return err
		}
		if err := validID("order_id", req.OrderID); err != nil {
			return err
		}
		if err := checkText(maxTextLen, "reason", deref(req.Reason)); err != nil {
			return err
		}
		if req.NewPrice < 0 {
			return errCannotComplete("The requested order change is forbidden.")
		}
		o, err := e.ChangePrice(actor(c), req.OrderID, engine.MicroTari(req.NewPrice), reasonOr(req.Reason, "No reason provided"))
		if err != nil {
			return FromEngine(err, req.OrderID)
		}
		log.Info("order price changed", "order_id", o.OrderID, "price", o.TotalPrice, "status", o.Status, "by", Caller(c).Address.Base58())
		return render(c, newOrder(o))
	}
}
