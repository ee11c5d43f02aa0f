package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type paymentConfirmer interface {
	ConfirmPayment(ctx context.Context, by engine.WalletCall, txid string) (engine.Confirmation, error)
}

// ConfirmTransaction answers POST /wallet/tx_confirmation: the payment
// becomes spendable and pays what it can (docs/api.md, "Hot-wallet notifications"). A storage fault
// is a 503, which the notifier retries, not a final success:false.
func ConfirmTransaction(e paymentConfirmer, g WalletGuard) fiber.Handler {
	return func(c *fiber.Ctx) error {
		n, err := parseConfirmation(c)
		if err != nil {
			return err
		}
		by, err := g.check(c, n.Auth, n.Verify())
		if err != nil {
			return err
		}
		log := g.Log.With("txid", n.TxID, "wallet", by.Address)
		r, err := e.ConfirmPayment(engine.WithActor(c.UserContext(), "wallet:"+by.Address), by, n.TxID)
		if err != nil {
			return refusedNotification(c, log, err, "Could not confirm payment.")
		}
		if r.Repeat {
			return render(c, JSONResponse{Success: true, Message: "Payment already confirmed."})
		}
		for _, o := range r.Paid {
			log.Info("order paid", "order_id", o.OrderID)
		}
		log.Info("payment confirmed", "orders_paid", len(r.Paid))
		return render(c, JSONResponse{Success: true, Message: "Payment " + n.TxID + " confirmed successfully."})
	}
}
