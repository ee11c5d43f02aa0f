package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type orderLister interface {
	OrdersForAddress(ctx context.Context, address string, onlyOpen bool, p engine.Page) (engine.OrderResult, error)
	OwnOrders(ctx context.Context, address string, onlyOpen bool, p engine.Page) (engine.OrderResult, error)
}

// ListOrders answers GET /api/orders[/{address}] (every status) and, with
// onlyOpen, GET /api/unfulfilled_orders[/{address}] (New and Unclaimed):
// one page of the orders; total_orders sums them all.
func ListOrders(e orderLister, onlyOpen bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := pageQuery(c)
		if err != nil {
			return err
		}
		address, own, err := account(c)
		if err != nil {
			return err
		}
		list := e.OrdersForAddress
		if own {
			list = e.OwnOrders
		}
		r, err := list(c.UserContext(), address, onlyOpen, p)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, OrderResult{Address: r.Address, TotalOrders: int64(r.TotalOrders), Orders: newOrders(r.Orders)})
	}
}
