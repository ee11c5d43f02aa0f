package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type balanceReader interface {
	AddressBalance(ctx context.Context, address string) (engine.AddressBalance, error)
}

// ShowBalance answers GET /api/balance and /api/balance/{address}.
func ShowBalance(e balanceReader) fiber.Handler {
	return func(c *fiber.Ctx) error {
		address, _, err := account(c)
		if err != nil {
			return err
		}
		b, err := e.AddressBalance(c.UserContext(), address)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, newAddressBalance(b))
	}
}
