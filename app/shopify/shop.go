package shopify

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

// checkShop refuses a delivery from a shop this server does not serve; one
// that names no shop is ours, as in the reference.
func (h *Handler) checkShop(ctx context.Context, shop string) *fiber.Error {
	if shop == "" {
		return nil
	}
	err := h.engine.CheckShop(ctx, shop)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, engine.ErrOtherShop):
		return fiber.NewError(fiber.StatusForbidden, err.Error())
	case errors.Is(err, engine.ErrUnavailable):
		return fiber.NewError(fiber.StatusServiceUnavailable, "could not check the shop; retry later")
	}
	return fiber.NewError(fiber.StatusInternalServerError, "could not check the shop")
}
