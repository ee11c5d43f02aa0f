package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type reassigner interface {
	Reassign(ctx context.Context, orderRef, customerID, reason string) (engine.OrderMoved, error)
}

type moveOrderParams struct {
	OrderID       string `json:"order_id"`
	NewCustomerID string `json:"new_customer_id"`
	Reason        string `json:"reason"`
}

// ReassignOrder answers PATCH /api/reassign_order.
func ReassignOrder(e reassigner, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req moveOrderParams
		if err := decodeBody(c, &req, "order_id", "new_customer_id", "reason"); err != nil {
			return err
		}
		if err := validID("order_id", req.OrderID); err != nil {
			return err
		}
		if err := validID("new_customer_id", req.NewCustomerID); err != nil {
			return err
		}
		if err := checkText(maxTextLen, "reason", req.Reason); err != nil {
			return err
		}
		m, err := e.Reassign(actor(c), req.OrderID, req.NewCustomerID, req.Reason)
		if err != nil {
			return FromEngine(err, req.OrderID)
		}
		log.Info("order reassigned", "order_id", req.OrderID, "customer_id", req.NewCustomerID, "by", Caller(c).Address.Base58())
		return render(c, OrderMovedResult{
			Orders:      OrderChanged{OldOrder: newOrder(m.Orders.Old), NewOrder: newOrder(m.Orders.New)},
			Settlements: newSettlements(m.Settlements),
		})
	}
}
