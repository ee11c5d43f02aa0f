package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LateOutcome is what the merchant did about a late payment: a refund due
// or keeping it as the customer's credit.
type LateOutcome string

const (
	LateRefunded LateOutcome = "Refund"
	LateKept     LateOutcome = "Credit"
)

// LatePayment is a confirmed payment naming an order that was Expired or
// Cancelled before the payment arrived (docs/refunds.md, "Payments for
// closed orders"). Its funds stay as credit of the paying address until
// the merchant refunds them.
type LatePayment struct {
	Payment     Payment
	OrderID     string
	CustomerID  string
	OrderStatus OrderStatus
	ClosedAt    time.Time    // the order's last change: when it closed
	Outcome     *LateOutcome // nil until the merchant deals with it
}

// LatePaymentQuery selects late payments: of one payment (TxID), of one
// order (OrderID), or only those still to be dealt with (Open); Limit 0
// is no limit.
type LatePaymentQuery struct {
	TxID    string
	OrderID string
	Open    bool
	Limit   int
}

// LatePaymentTx is what late payments need of a transaction
// (db/latepay.go); Tx embeds it.
type LatePaymentTx interface {
	// LatePayments lists the late payments q selects, newest first.
	LatePayments(ctx context.Context, q LatePaymentQuery) ([]LatePayment, error)
	// SetLateOutcome records what was done about payment txid; false,
	// changing nothing, when it was recorded already.
	SetLateOutcome(ctx context.Context, txid string, outcome LateOutcome, at time.Time) (bool, error)
}

// ErrNotLatePayment is an action on a payment that is not a late payment
// still to be dealt with.
var ErrNotLatePayment = errors.New("not a payment for a closed order to deal with")

// LatePayments lists the late payments q selects.
func (e *Engine) LatePayments(ctx context.Context, q LatePaymentQuery) ([]LatePayment, error) {
	var out []LatePayment
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.LatePayments(t.ctx, q)
		return err
	})
	return out, err
}

// RefundLatePayment records a refund due of a late payment to the address
// that sent it: its amount, capped at the credit that address still holds.
// The amount leaves that credit at once, as a debit note from the address,
// so the customer cannot spend what is being refunded; crediting the
// refund later gives it back as a credit note (CreditRefund).
func (e *Engine) RefundLatePayment(ctx context.Context, txid, reason string) (Refund, error) {
	if reason == "" {
		reason = "No reason given"
	}
	var out Refund
	err := e.update(ctx, func(t *txn) error {
		lp, err := t.openLatePayment(txid)
		if err != nil {
			return err
		}
		p := lp.Payment
		out, err = t.refundFromCredit(LateRefundID(txid), lp.OrderID, lp.CustomerID, p.Sender, p.Amount,
			fmt.Sprintf("payment %s arrived after order %s closed. %s", txid, lp.OrderID, reason))
		if err != nil {
			return err
		}
		return t.setLateOutcome(lp, LateRefunded, reason)
	})
	return out, err
}

// KeepLatePayment acknowledges a late payment as the customer's credit,
// where its funds already are.
func (e *Engine) KeepLatePayment(ctx context.Context, txid, reason string) (LatePayment, error) {
	if reason == "" {
		reason = "No reason given"
	}
	var out LatePayment
	err := e.update(ctx, func(t *txn) error {
		lp, err := t.openLatePayment(txid)
		if err != nil {
			return err
		}
		out = lp
		return t.setLateOutcome(lp, LateKept, reason)
	})
	return out, err
}

// refundFromCredit records a refund due to payer of up to amount, capped
// at payer's credit, which it leaves at once as a debit note
// (DebitNoteTxID) so the customer cannot spend what is being refunded.
// Nothing left is ErrNothingToRefund.
func (t *txn) refundFromCredit(refundID, orderID, customerID, payer string, amount MicroTari, why string) (Refund, error) {
	bals, err := t.LockBalances(t.ctx, []string{payer})
	if err != nil {
		return Refund{}, err
	}
	amount = min(amount, bals[payer].CurrentBalance)
	if amount <= 0 {
		return Refund{}, Errorf(EINVALID, ErrNothingToRefund, "Address %s holds no credit to refund: it has paid other orders", payer)
	}
	memo := "Debit note: refund " + refundID + ": " + why
	debit := Payment{TxID: DebitNoteTxID(refundID), CreatedAt: t.now, UpdatedAt: t.now, Sender: payer, Amount: -amount,
		Memo: &memo, PaymentType: PaymentManual, Status: PaymentConfirmed}
	if ok, err := t.InsertPayment(t.ctx, debit); err != nil || !ok {
		if err == nil {
			err = Errorf(ECONFLICT, ErrOrderNoOp, "Refund %s was recorded meanwhile", refundID)
		}
		return Refund{}, err
	}
	t.audit("payment", debit.TxID, "status", nil, strPtr(string(debit.Status)), memo)
	if err := t.AddConfirmed(t.ctx, payer, -amount, t.now); err != nil {
		return Refund{}, err
	}
	r := Refund{RefundID: refundID, OrderID: orderID, CustomerID: customerID, Address: payer, Amount: amount,
		ShopAmount: fmt.Sprintf("%d.%06d", amount/1_000_000, amount%1_000_000), Currency: "XTR", Status: RefundDue, CreatedAt: t.now}
	if ok, err := t.InsertRefund(t.ctx, &r); err != nil || !ok {
		if err == nil {
			err = Errorf(ECONFLICT, ErrOrderNoOp, "Refund %s was recorded meanwhile", refundID)
		}
		return Refund{}, err
	}
	t.audit("refund", refundID, "status", nil, strPtr(string(RefundDue)), fmt.Sprintf("%d µT due to %s: %s", amount, payer, why))
	return r, t.emit(RefundEvent{Refund: r})
}

// DebitNoteTxID is the txid of the debit note that takes a refund of
// credit (refundFromCredit) out of the payer's balance.
func DebitNoteTxID(refundID string) string { return "refund_" + refundID }

// LateRefundID is the refund id of the refund of late payment txid: one
// refund per payment.
func LateRefundID(txid string) string { return "payment:" + txid }

func (t *txn) openLatePayment(txid string) (LatePayment, error) {
	lps, err := t.LatePayments(t.ctx, LatePaymentQuery{TxID: txid, Open: true})
	if err != nil {
		return LatePayment{}, err
	}
	if len(lps) == 0 {
		return LatePayment{}, Errorf(ENOTFOUND, ErrNotLatePayment, "Payment %s is not a payment for a closed order still to deal with", txid)
	}
	return lps[0], nil
}

func (t *txn) setLateOutcome(lp LatePayment, outcome LateOutcome, reason string) error {
	ok, err := t.SetLateOutcome(t.ctx, lp.Payment.TxID, outcome, t.now)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(ECONFLICT, ErrOrderNoOp, "Payment %s was dealt with meanwhile", lp.Payment.TxID)
	}
	t.audit("payment", lp.Payment.TxID, "late_outcome", nil, strPtr(string(outcome)),
		fmt.Sprintf("arrived after order %s closed. %s", lp.OrderID, reason))
	return nil
}
