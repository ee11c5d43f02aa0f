package api

import "github.com/gofiber/fiber/v2"

// account is the address a read or settle is about: the {address} path
// parameter on the admin routes, otherwise the caller's own address.
func account(c *fiber.Ctx) (string, error) {
	if c.Params("address") == "" {
		return Caller(c).Address.Base58(), nil
	}
	a, err := addressParam(c, "address")
	if err != nil {
		return "", err
	}
	return a.Base58(), nil
}
