package shopify

import (
	"context"
	"github.com/gofiber/fiber/v2"

	"taripay/app/httperr"
)

// checkShop refuses a delivery from a shop this server does not serve; one
// that names no shop is ours, as in the reference.
func (h *Handler) checkShop(ctx context.Context, shop string) *fiber.Error {
	if shop == "" {
		return nil
	}
	err := h.engine.CheckShop(ctx, shop)
	switch status := httperr.Status(err); {
	case err == nil:
		return nil
	case httperr.Retry(err):
		return fiber.NewError(status, "could not check the shop; retry later")
	case httperr.Internal(err):
		return fiber.NewError(status, "could not check the shop")
	default: // another shop's (engine.ErrOtherShop): 403
		return fiber.NewError(status, err.Error())
	}
}
