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
	Deadline(o engine.Order) (time.Time, bool)
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
			return FromEngine(err, m.OrderID)
		}
		address := m.Address.Base58()
		res, err := e.Claim(engine.WithActor(c.UserContext(), "claim:"+address), m.OrderID, address)
		if err != nil {
			return FromEngine(err, m.OrderID) // a closed order is a 409 (docs/design.md, "A claim never reopens an order")
		}
		o := res.Order
		log.Info("order claimed", "order_id", o.OrderID, "address", address, "status", o.Status)
		return render(c, ClaimedOrder{
			OrderID:    o.OrderID,
			TotalPrice: int64(o.TotalPrice),
			ExpiresAt:  Time(expiresAt(e, o)),
			Status:     o.Status,
			SendTo:     sendTo,
		})
	}
}

// expiresAt is ClaimedOrder.expires_at: when the order expires, as the pay
// page counts it, where the reference gave a fixed 6 h for New and 2 h for
// Unclaimed orders from updated_at whatever the timeouts (docs/api.md,
// "Claims"). A closed order, or one that never expires, gives its
// updated_at, as there.
func expiresAt(e claimer, o engine.Order) time.Time {
	if t, ok := e.Deadline(o); ok {
		return t
	}
	return o.UpdatedAt
}
