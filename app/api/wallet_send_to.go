package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type walletLister interface {
	Wallets(ctx context.Context) ([]engine.Wallet, error)
}

// SendTo answers GET /wallet/send_to: the base58 addresses of every
// authorised hot wallet.
func SendTo(e walletLister) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ws, err := e.Wallets(c.UserContext())
		if err != nil {
			return FromEngine(err, "")
		}
		out := make([]string, len(ws))
		for i, w := range ws {
			out[i] = w.Address
		}
		return render(c, out)
	}
}
