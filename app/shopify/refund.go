package shopify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"taripay/engine"
)

// recordRefund turns a refund of a Tari order into a refund due
// (engine.RecordRefund, docs/refunds.md): only its successful refund
// transactions through the Tari payment method count, so the part of a
// refund that goes back to a gift card or a card is left to Shopify.
func (h *Handler) recordRefund(ctx context.Context, r Refund) (string, error) {
	var amounts []string
	currency := ""
	for _, t := range r.Transactions {
		if !strings.EqualFold(t.Kind, "refund") || !strings.EqualFold(t.Status, "success") || !h.cfg.PaymentMethod.Is(t.Gateway) {
			continue
		}
		if currency != "" && !strings.EqualFold(t.Currency, currency) {
			return "", permanent(fmt.Errorf("refund %s: its Tari transactions are in %s and %s", r.ID, currency, t.Currency))
		}
		currency = t.Currency
		amounts = append(amounts, t.Amount)
	}
	if len(amounts) == 0 {
		return "No Tari refund: no successful refund transaction through " + string(h.cfg.PaymentMethod) + ".", nil
	}
	due, exists, err := h.engine.RecordRefund(engine.WithActor(ctx, "shopify"), engine.NewRefund{
		RefundID: string(r.ID), OrderID: string(r.OrderID), Amounts: amounts, Currency: currency,
	})
	switch {
	case errors.Is(err, engine.ErrOrderNotFound):
		return "Order not known here.", nil
	case errors.Is(err, engine.ErrNothingToRefund):
		return "No refund due: " + err.Error(), nil
	case engine.ErrorCode(err) == engine.EINVALID:
		return "", permanent(err)
	case err != nil:
		return "", err
	case exists:
		return "Refund already recorded.", nil
	}
	h.log.Info("refund due recorded", "order_id", due.OrderID, "refund_id", due.RefundID, "amount", due.Amount, "address", due.Address)
	return fmt.Sprintf("Refund due recorded: %d µT to %s.", due.Amount, due.Address), nil
}
