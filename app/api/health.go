package api

import "github.com/gofiber/fiber/v2"

// Health answers GET /health with the reference's thumbs-up.
func Health(c *fiber.Ctx) error {
	return c.SendString("👍️\n")
}
