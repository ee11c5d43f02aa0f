package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type orderCanceler interface {
	Cancel(ctx context.Context, orderRef, reason string) (engine.Order, error)
}

// CancelOrder answers POST /api/cancel.
func CancelOrder(e orderCanceler, log *slog.Logger) fiber.Handler {
	return modifyOrder(e.Cancel, log, "order cancelled")
}
