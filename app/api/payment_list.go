package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type paymentLister interface {
	PaymentsForAddress(ctx context.Context, address string, p engine.Page) (engine.PaymentsResult, error)
	PaymentsForOrder(ctx context.Context, orderID string, p engine.Page) ([]engine.Payment, error)
}

// ListPayments answers GET /api/payments[/{address}]: one page of the
// payments; total_payments sums them all.
func ListPayments(e paymentLister) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := pageQuery(c)
		if err != nil {
			return err
		}
		address, _, err := account(c)
		if err != nil {
			return err
		}
		r, err := e.PaymentsForAddress(c.UserContext(), address, p)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, PaymentsResult{Address: r.Address, TotalPayments: int64(r.TotalPayments), Payments: newPayments(r.Payments)})
	}
}

// ListOrderPayments answers GET /api/payments-for-order/{order_id}: one
// page (offset, count) of the payments that name the order.
func ListOrderPayments(e paymentLister) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := pageQuery(c)
		if err != nil {
			return err
		}
		ref, err := param(c, "order_id")
		if err != nil {
			return err
		}
		ps, err := e.PaymentsForOrder(c.UserContext(), ref, p)
		if err != nil {
			return FromEngine(err, ref)
		}
		return render(c, newPayments(ps))
	}
}
