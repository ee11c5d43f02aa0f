package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type settler interface {
	SettleAddress(ctx context.Context, address string) (engine.MultiAccountPayment, error)
	SettleOwn(ctx context.Context, address string) (engine.MultiAccountPayment, error)
	SettleCustomer(ctx context.Context, customerID string) (engine.MultiAccountPayment, error)
}

// SettleAddress answers POST /api/settle (the caller's address, over the
// orders it may see) and POST /api/settle/address/{address}: null when
// nothing was paid.
func SettleAddress(e settler, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		address, own, err := account(c)
		if err != nil {
			return err
		}
		settle := e.SettleAddress
		if own {
			settle = e.SettleOwn
		}
		m, err := settle(actor(c), address)
		if err != nil {
			return FromEngine(err, "")
		}
		log.Info("settled address", "address", address, "orders_paid", len(m.OrdersPaid))
		return renderSettlement(c, m)
	}
}

// SettleCustomer answers POST /api/settle/customer/{customer_id}.
func SettleCustomer(e settler, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := param(c, "customer_id")
		if err != nil {
			return err
		}
		m, err := e.SettleCustomer(actor(c), id)
		if err != nil {
			return FromEngine(err, "")
		}
		log.Info("settled customer", "customer_id", id, "orders_paid", len(m.OrdersPaid))
		return renderSettlement(c, m)
	}
}

func renderSettlement(c *fiber.Ctx, m engine.MultiAccountPayment) error {
	if len(m.OrdersPaid) == 0 && len(m.Settlements) == 0 {
		return render(c, nil)
	}
	return render(c, newMultiAccountPayment(m))
}
