package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type historyReader interface {
	AddressHistory(ctx context.Context, address string) (engine.AddressHistory, error)
	OwnHistory(ctx context.Context, address string) (engine.AddressHistory, error)
	CustomerHistory(ctx context.Context, customerID string) (engine.CustomerHistory, error)
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
		h, err := read(c.UserContext(), address)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, AddressHistory{
			Address:     h.Address,
			Balance:     newAddressBalance(h.Balance),
			Orders:      newOrders(engine.PageOf(h.Orders, p)),
			Payments:    newPayments(engine.PageOf(h.Payments, p)),
			Settlements: newSettlements(engine.PageOf(h.Settlements, p)),
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
		h, err := e.CustomerHistory(c.UserContext(), id)
		if err != nil {
			return FromEngine(err, "")
		}
		h.Orders = engine.PageOf(h.Orders, p)
		h.Settlements = engine.PageOf(h.Settlements, p)
		return render(c, newCustomerHistory(h))
	}
}
