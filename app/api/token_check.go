package api

import "github.com/gofiber/fiber/v2"

// CheckToken answers GET /api/check_token once the token passed.
func CheckToken(c *fiber.Ctx) error {
	return c.SendString("Token is valid.")
}
