package api

import "github.com/gofiber/fiber/v2"

// account is the address a read or settle is about: the {address} path
// parameter on the admin routes, otherwise the caller's own address (own).
// An address's own reads show only the orders it may see (engine.OwnOrders);
// the admin routes show every order of its customers.
func account(c *fiber.Ctx) (address string, own bool, err error) {
	if c.Params("address") == "" {
		return Caller(c).Address.Base58(), true, nil
	}
	a, err := addressParam(c, "address")
	if err != nil {
		return "", false, err
	}
	return a.Base58(), false, nil
}
