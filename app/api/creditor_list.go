package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type creditorLister interface {
	Creditors(ctx context.Context, p engine.Page) ([]engine.CustomerOrders, error)
}

// ListCreditors answers GET /api/creditors: one page of the customers
// with New orders.
func ListCreditors(e creditorLister) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := pageQuery(c)
		if err != nil {
			return err
		}
		rows, err := e.Creditors(c.UserContext(), p)
		if err != nil {
			return FromEngine(err, "")
		}
		out := make([]CustomerOrders, len(rows))
		for i, r := range rows {
			out[i] = CustomerOrders{CustomerID: r.CustomerID, Status: r.Status, TotalOrders: int64(r.TotalOrders)}
		}
		return render(c, out)
	}
}
