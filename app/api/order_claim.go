package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/gofiber/fiber/v2"

	"taripay/engine"
	"taripay/engine/tari"
)

type claimer interface {
	PaymentAddress(ctx context.Context) (tari.Address, error)
	Claim(ctx context.Context, orderRef, address string) (engine.ClaimResult, error)
}

// memoSignatureShape lists the members a claim body may have.
type memoSignatureShape struct {
	Address   jsontext.Value `json:"address"`
	OrderID   jsontext.Value `json:"order_id"`
	Signature jsontext.Value `json:"signature"`
}

// ClaimOrder answers POST /order/claim: a memo signature links an order to
// the signer's address, as in the reference. Without a payment address to send
// the customer to, a valid claim is refused with 503 and not stored (the
// reference answers with its developers' address; see engine.PaymentAddress).
func ClaimOrder(e claimer, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := decodeBody(c, &memoSignatureShape{}); err != nil {
			return err
		}
		m, err := tari.ParseMemoSignature(c.Body())
		if err != nil {
			return errJSON(err.Error())
		}
		if err := checkText(maxIDLen, "order_id", m.OrderID); err != nil {
			return err
		}
		if !m.Verify() {
			return ErrBadSignature
		}
		sendTo, err := e.PaymentAddress(c.UserContext())
		if err != nil {
			return fromEngine(err, m.OrderID)
		}
		address := m.Address.Base58()
		res, err := e.Claim(engine.WithActor(c.UserContext(), "claim:"+address), m.OrderID, address)
		if err != nil {
			return fromEngine(err, m.OrderID) // a closed order is a 409 (docs/design.md, "A claim never reopens an order")
		}
		o := res.Order
		log.Info("order claimed", "order_id", o.OrderID, "address", address, "status", o.Status)
		return render(c, ClaimedOrder{
			OrderID:    o.OrderID,
			TotalPrice: o.TotalPrice,
			ExpiresAt:  Time(expiresAt(o)),
			Status:     o.Status,
			SendTo:     sendTo,
		})
	}
}

// expiresAt is the reference's ClaimedOrder.expires_at: fixed 6 h for New
// and 2 h for Unclaimed orders, from updated_at (docs/api.md, "Claims").
func expiresAt(o engine.Order) time.Time {
	switch o.Status {
	case engine.OrderNew:
		return o.UpdatedAt.Add(6 * time.Hour)
	case engine.OrderUnclaimed:
		return o.UpdatedAt.Add(2 * time.Hour)
	}
	return o.UpdatedAt
}
