package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type creditIssuer interface {
	CreditNote(ctx context.Context, customerID string, amount engine.MicroTari, reason string) (engine.MultiAccountPayment, error)
}

type creditNote struct {
	CustomerID string  `json:"customer_id"`
	Amount     int64   `json:"amount"`
	Reason     *string `json:"reason"`
}

// IssueCredit answers POST /api/credit: a credit note, then whatever it pays.
func IssueCredit(e creditIssuer, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req creditNote
		if err := decodeBody(c, &req, "customer_id", "amount"); err != nil {
			return err
		}
		if err := validID("customer_id", req.CustomerID); err != nil {
			return err
		}
		reason := deref(req.Reason)
		if err := checkText(maxTextLen, "reason", reason); err != nil {
			return err
		}
		m, err := e.CreditNote(actor(c), req.CustomerID, engine.MicroTari(req.Amount), reason)
		if err != nil {
			return FromEngine(err, "")
		}
		log.Info("credit note issued", "customer_id", req.CustomerID, "amount", req.Amount, "orders_paid", len(m.OrdersPaid),
			"by", Caller(c).Address.Base58())
		return render(c, newMultiAccountPayment(m))
	}
}

// validID requires a non-empty identifier of at most maxIDLen bytes.
func validID(field, v string) error {
	if v == "" {
		return errJSON("field `" + field + "` is empty")
	}
	return checkText(maxIDLen, field, v)
}
