package api

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type paymentConfirmer interface {
	ConfirmPayment(ctx context.Context, by engine.WalletCall, txid string) (engine.Payment, []engine.Order, error)
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
		_, paid, err := e.ConfirmPayment(engine.WithActor(c.UserContext(), "wallet:"+by.Address), by, n.TxID)
		switch {
		case errors.Is(err, engine.ErrInvalidNonce):
			log.Warn("wallet notification refused: nonce not increasing")
			return ErrWalletNonce
		case errors.Is(err, engine.ErrPaymentConfirmed):
			return render(c, JSONResponse{Success: true, Message: "Payment already confirmed."})
		case errors.Is(err, engine.ErrUnavailable):
			// 503, so that the notifier retries; success:false ends it.
			return Unavailable(err)
		case err != nil:
			log.Warn("payment not confirmed", "err", err)
			return render(c, JSONResponse{Success: false, Message: "Could not confirm payment."})
		}
		for _, o := range paid {
			log.Info("order paid", "order_id", o.OrderID)
		}
		log.Info("payment confirmed", "orders_paid", len(paid))
		return render(c, JSONResponse{Success: true, Message: "Payment " + n.TxID + " confirmed successfully."})
	}
}
