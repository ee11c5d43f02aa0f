package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type historyReader interface {
	AddressHistory(ctx context.Context, address string, p engine.Page) (engine.AddressHistory, error)
	OwnHistory(ctx context.Context, address string, p engine.Page) (engine.AddressHistory, error)
	CustomerHistory(ctx context.Context, customerID string, p engine.Page) (engine.CustomerHistory, error)
}

// ShowAddressHistory answers GET /api/history and /api/history/address/{address}:
// one page (offset, count) of each of its orders, payments and settlements.
func ShowAddressHistory(e historyReader) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := pageQuery(c)
		if err != nil {
			return err
		}
		address, own, err := account(c)
		if err != nil {
			return err
		}
		read := e.AddressHistory
		if own {
			read = e.OwnHistory
		}
		h, err := read(c.UserContext(), address, p)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, AddressHistory{
			Address:     h.Address,
			Balance:     newAddressBalance(h.Balance),
			Orders:      newOrders(h.Orders),
			Payments:    newPayments(h.Payments),
			Settlements: newSettlements(h.Settlements),
		})
	}
}

// ShowCustomerHistory answers GET /api/history/customer/{id}: one page
// (offset, count) of each of its orders and settlements.
func ShowCustomerHistory(e historyReader) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := pageQuery(c)
		if err != nil {
			return err
		}
		id, err := param(c, "id")
		if err != nil {
			return err
		}
		h, err := e.CustomerHistory(c.UserContext(), id, p)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, newCustomerHistory(h))
	}
}
