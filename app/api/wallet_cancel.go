package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type paymentCanceler interface {
	CancelPayment(ctx context.Context, by engine.WalletCall, txid string) (engine.Cancellation, error)
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
		r, err := e.CancelPayment(engine.WithActor(c.UserContext(), "wallet:"+by.Address), by, n.TxID)
		if err != nil {
			if stale := staleNonce(log, err); stale != nil {
				return stale
			}
			return FromEngine(err, n.TxID)
		}
		switch {
		case r.Repeat && r.Payment.Status == engine.PaymentConfirmed:
			return errConflict("Payment " + n.TxID + " is already confirmed and cannot be cancelled.")
		case r.Repeat:
			return errConflict("Payment " + n.TxID + " is already cancelled.")
		}
		log.Info("payment cancelled")
		return render(c, JSONResponse{Success: true, Message: "Payment " + n.TxID + " cancelled successfully."})
	}
}
