package engine

import (
	"context"
	"fmt"
)

// Overpayment is what the confirmed payments naming a Paid order brought
// beyond its price (docs/refunds.md, "Overpayments"). It stays as credit
// of Payer, the address that sent most of them, until refunded.
type Overpayment struct {
	Amount MicroTari // 0: none
	Payer  string
	Refund *Refund // its refund, once recorded
}

// OverpaymentRefundID is the refund id of an order's overpayment: one
// refund per order.
func OverpaymentRefundID(orderID string) string { return "overpaid:" + orderID }

// Overpayment returns what a Paid order's own payments brought beyond its
// price; Amount is 0 for any other order.
func (e *Engine) Overpayment(ctx context.Context, orderRef string) (Overpayment, error) {
	var out Overpayment
	err := e.view(ctx, func(t *txn) error {
		o, err := t.findOrder(orderRef, false)
		if err != nil {
			return err
		}
		out, err = e.overpayment(t, o)
		return err
	})
	return out, err
}

func (e *Engine) overpayment(t *txn, o Order) (Overpayment, error) {
	if o.Status != OrderPaid {
		return Overpayment{}, nil
	}
	ps, err := t.PaymentsForOrderRefs(t.ctx, e.orderRefs(o), 0, 0)
	if err != nil {
		return Overpayment{}, err
	}
	var out Overpayment
	var total, best MicroTari
	for _, p := range ps {
		if p.Status != PaymentConfirmed || p.Amount <= 0 {
			continue
		}
		total += p.Amount
		if p.Amount > best {
			out.Payer, best = p.Sender, p.Amount
		}
	}
	if total <= o.TotalPrice {
		return Overpayment{}, nil
	}
	out.Amount = total - o.TotalPrice
	r, found, err := t.RefundByRefundID(t.ctx, OverpaymentRefundID(o.OrderID))
	if found {
		out.Refund = &r
	}
	return out, err
}

// RefundOverpayment records a refund due of a Paid order's overpayment to
// its payer, capped at the credit the payer still holds, which it leaves
// at once (refundFromCredit). An order without one is ErrNothingToRefund.
func (e *Engine) RefundOverpayment(ctx context.Context, orderRef, reason string) (Refund, error) {
	if reason == "" {
		reason = "No reason given"
	}
	var out Refund
	err := e.update(ctx, func(t *txn) error {
		o, err := t.lockOrder(orderRef, false)
		if err != nil {
			return err
		}
		ov, err := e.overpayment(t, o)
		if err != nil {
			return err
		}
		if ov.Amount <= 0 || ov.Refund != nil {
			return Errorf(EINVALID, ErrNothingToRefund, "Order %s has no overpayment left to refund", o.OrderID)
		}
		out, err = t.refundFromCredit(OverpaymentRefundID(o.OrderID), o.OrderID, o.CustomerID, ov.Payer, ov.Amount,
			fmt.Sprintf("order %s was paid %d µT beyond its price. %s", o.OrderID, ov.Amount, reason))
		return err
	})
	return out, err
}
