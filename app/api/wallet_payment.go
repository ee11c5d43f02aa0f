package api

import (
	"context"
	"log/slog"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/internal/tariwire"
)

type paymentReceiver interface {
	ReceivePayment(ctx context.Context, by engine.WalletCall, p engine.NewPayment) (engine.Received, error)
}

type paymentShape struct {
	Payment struct {
		Sender  jsontext.Value `json:"sender"`
		Amount  jsontext.Value `json:"amount"`
		TxID    jsontext.Value `json:"txid"`
		Memo    jsontext.Value `json:"memo"`
		OrderID jsontext.Value `json:"order_id"`
	} `json:"payment"`
	Auth walletAuthShape `json:"auth"`
}

// IncomingPayment answers POST /wallet/incoming_payment. Once the wallet is
// authenticated the answer is 200 with a JsonResponse, as the reference's
// notifier expects (docs/api.md, "Hot-wallet notifications"), except for a storage fault: that is a
// 503, which `taripay wallet` retries, where success:false is final.
func IncomingPayment(e paymentReceiver, g WalletGuard) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := decodeBody(c, &paymentShape{}); err != nil {
			return err
		}
		n, err := tariwire.ParsePaymentNotification(c.Body())
		if err != nil {
			return errJSON(err.Error())
		}
		p := n.Payment
		if err := checkText(maxIDLen, "txid", p.TxID); err != nil {
			return err
		}
		if err := checkLength(maxIDLen, "order_id", deref(p.OrderID)); err != nil {
			return err
		}
		if err := checkLength(maxTextLen, "memo", deref(p.Memo)); err != nil {
			return err
		}
		by, err := g.check(c, n.Auth, n.Verify())
		if err != nil {
			return err
		}
		log := g.Log.With("txid", p.TxID, "address", p.Sender.Base58(), "wallet", by.Address)
		// The memo and the order id are what the payer wrote: the payment
		// has happened, so it is stored with that text mended, not refused.
		memo, orderID := mended(log, "memo", p.Memo), mended(log, "order_id", p.OrderID)
		ctx := engine.WithActor(c.UserContext(), "wallet:"+by.Address)
		r, err := e.ReceivePayment(ctx, by, engine.NewPayment{
			Sender: p.Sender.Base58(), Amount: engine.MicroTari(p.Amount), TxID: p.TxID, Memo: memo, OrderID: orderID,
		})
		if err != nil {
			return refusedNotification(c, log, err, "Unexpected error handling payment.")
		}
		if r.Duplicate {
			return render(c, JSONResponse{Success: true, Message: "Payment already exists."})
		}
		stored := r.Payment
		log.Info("payment received", "amount", stored.Amount, "order_id", deref(stored.OrderID))
		msg, err := json.Marshal(newPayment(stored))
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, JSONResponse{Success: true, Message: string(msg)})
	}
}

// mended is s with what is not text replaced (engine.CleanText), logging
// a warning when anything was.
func mended(log *slog.Logger, field string, s *string) *string {
	if s == nil {
		return nil
	}
	clean, changed := engine.CleanText(*s)
	if changed {
		log.Warn("payment text held NUL or invalid UTF-8: stored with U+FFFD in its place", "field", field, "stored", clean)
	}
	return &clean
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
