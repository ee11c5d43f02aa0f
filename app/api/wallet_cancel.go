package api

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type paymentCanceler interface {
	CancelPayment(ctx context.Context, by engine.WalletCall, txid string) (engine.Payment, error)
}

// CancelTransaction answers POST /wallet/tx_cancelled (new in taripay): a
// pending payment the wallet saw cancelled stops counting as pending. A
// confirmed payment is final, so cancelling it is a 409. The body is
// {"cancellation":{"txid"},"auth"}, signed in a domain of its own
// (tari.SignCancellation): a confirmation's signature never cancels.
func CancelTransaction(e paymentCanceler, g WalletGuard) fiber.Handler {
	return func(c *fiber.Ctx) error {
		n, err := parseCancellation(c)
		if err != nil {
			return err
		}
		by, err := g.check(c, n.Auth, n.Verify())
		if err != nil {
			return err
		}
		log := g.Log.With("txid", n.TxID, "wallet", by.Address)
		_, err = e.CancelPayment(engine.WithActor(c.UserContext(), "wallet:"+by.Address), by, n.TxID)
		switch {
		case errors.Is(err, engine.ErrInvalidNonce):
			log.Warn("wallet notification refused: nonce not increasing")
			return ErrWalletNonce
		case errors.Is(err, engine.ErrPaymentConfirmed):
			return errConflict("Payment " + n.TxID + " is already confirmed and cannot be cancelled.")
		case err != nil:
			return fromEngine(err, n.TxID)
		}
		log.Info("payment cancelled")
		return render(c, JSONResponse{Success: true, Message: "Payment " + n.TxID + " cancelled successfully."})
	}
}
