package api

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type orderFinder interface {
	Order(ctx context.Context, ref string, allowAlt bool) (engine.Order, error)
	OwnOrder(ctx context.Context, address, orderID string) (engine.Order, bool, error)
}

// ShowOrder answers GET /api/order/id/{order_id}. Admins find any order by
// order_id or alt_id; others only one they may see (engine.OwnOrder), by
// order_id. Anything not found or not theirs is a 200 null, so orders
// cannot be enumerated.
func ShowOrder(e orderFinder) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ref, err := param(c, "order_id")
		if err != nil {
			return err
		}
		if isAdmin(c) {
			o, err := e.Order(c.UserContext(), ref, true)
			if errors.Is(err, engine.ErrOrderNotFound) {
				return render(c, nil)
			}
			if err != nil {
				return FromEngine(err, ref)
			}
			return render(c, newOrder(o))
		}
		o, found, err := e.OwnOrder(c.UserContext(), Caller(c).Address.Base58(), ref)
		if err != nil {
			return FromEngine(err, ref)
		}
		if !found {
			return render(c, nil)
		}
		return render(c, newOrder(o))
	}
}
