package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type memoChanger interface {
	ChangeMemo(ctx context.Context, orderRef, memo, reason string) (engine.Order, error)
}

type updateMemoParams struct {
	OrderID string  `json:"order_id"`
	NewMemo string  `json:"new_memo"`
	Reason  *string `json:"reason"`
}

// ChangeOrderMemo answers PATCH /api/order_memo.
func ChangeOrderMemo(e memoChanger, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req updateMemoParams
		if err := decodeBody(c, &req, "order_id", "new_memo"); err != nil {
			return err
		}
		if err := validID("order_id", req.OrderID); err != nil {
			return err
		}
		if err := checkText(maxTextLen, "new_memo", req.NewMemo, "reason", deref(req.Reason)); err != nil {
			return err
		}
		o, err := e.ChangeMemo(actor(c), req.OrderID, req.NewMemo, reasonOr(req.Reason, "No reason provided"))
		if err != nil {
			return FromEngine(err, req.OrderID)
		}
		log.Info("order memo changed", "order_id", o.OrderID, "by", Caller(c).Address.Base58())
		return render(c, newOrder(o))
	}
}

func reasonOr(r *string, def string) string {
	if r == nil || *r == "" {
		return def
	}
	return *r
}
