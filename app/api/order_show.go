package api

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type orderFinder interface {
	Order(ctx context.Context, ref string, allowAlt bool) (engine.Order, error)
	OwnOrders(ctx context.Context, address string, onlyOpen bool) (engine.OrderResult, error)
}

// ShowOrder answers GET /api/order/id/{order_id}. Admins find any order by
// order_id or alt_id; others only one they may see (engine.OwnOrders), by
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
				return fromEngine(err, ref)
			}
			return render(c, newOrder(o))
		}
		r, err := e.OwnOrders(c.UserContext(), Caller(c).Address.Base58(), false)
		if err != nil {
			return fromEngine(err, ref)
		}
		for _, o := range r.Orders {
			if o.OrderID == ref {
				return render(c, newOrder(o))
			}
		}
		return render(c, nil)
	}
}
