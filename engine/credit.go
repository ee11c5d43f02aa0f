package engine

import (
	"context"
	"fmt"

	"taripay/engine/tari"
)

// creditAddress is a customer's deterministic credit-note address.
func creditAddress(customerID string) string { return tari.DummyAddress(customerID).Base58() }

// creditNoteTxID adds random entropy to the reference's
// "credit_note_<customer>:<µT>:<unix>" so two identical notes in one second
// no longer collide (docs/engine.md, "Credit notes").
func creditNoteTxID(customerID string, amount MicroTari, t *txn) string {
	return fmt.Sprintf("credit_note_%s:%d:%d:%s", customerID, amount, t.now.Unix(), randomHex(8))
}

// addCreditNote stores a confirmed Manual payment from the customer's
// credit address, links that address and credits its balance. A negative
// note may only bring the balance down to zero (ErrInsufficientFunds
// otherwise): the schema forbids negative balances (docs/design.md, "No payment counts twice"),
// where the reference let them go below zero.
func (e *Engine) addCreditNote(t *txn, customerID string, amount MicroTari, memo string) (Payment, error) {
	addr := creditAddress(customerID)
	if _, err := t.LockBalances(t.ctx, []string{addr}); err != nil {
		return Payment{}, err
	}
	p := Payment{
		TxID: creditNoteTxID(customerID, amount, t), CreatedAt: t.now, UpdatedAt: t.now, Sender: addr,
		Amount: amount, Memo: &memo, PaymentType: PaymentManual, Status: PaymentConfirmed,
	}
	if ok, err := t.InsertPayment(t.ctx, p); err != nil {
		return p, err
	} else if !ok {
		return p, fmt.Errorf("credit note txid %s collided", p.TxID)
	}
	t.audit("payment", p.TxID, "status", nil, strPtr(string(p.Status)), memo)
	if err := t.Link(t.ctx, addr, customerID, false, t.now); err != nil {
		return p, err
	}
	return p, t.AddConfirmed(t.ctx, addr, amount, t.now)
}

// CreditNote credits a customer (negative amounts debit, down to zero) and
// pays the open orders of the customers linked to its credit address, each
// from any of their addresses (algorithm B), in one transaction.
func (e *Engine) CreditNote(ctx context.Context, customerID string, amount MicroTari, reason string) (MultiAccountPayment, error) {
	if customerID == "" {
		return MultiAccountPayment{}, Errorf(EINVALID, ErrInvalidAmount, "A credit note needs a customer id")
	}
	if reason == "" {
		reason = "No reason given"
	}
	var out MultiAccountPayment
	err := e.update(ctx, func(t *txn) error {
		out = MultiAccountPayment{OrdersPaid: []Order{}, Settlements: []Settlement{}}
		_, err := e.creditCustomer(t, customerID, amount, "Credit note: "+reason, &out)
		return err
	})
	return out, err
}

// creditCustomer is CreditNote's transaction: the note, then the open
// orders it pays, recorded in out.
func (e *Engine) creditCustomer(t *txn, customerID string, amount MicroTari, memo string, out *MultiAccountPayment) (Payment, error) {
	p, err := e.addCreditNote(t, customerID, amount, memo)
	if err != nil {
		return p, err
	}
	if err := t.emit(PaymentReceivedEvent{Payment: p}); err != nil {
		return p, err
	}
	orders, err := t.allOrders((*txn).linkedOrders, p.Sender, true)
	if err != nil {
		return p, err
	}
	if err := e.settleOrders(t, orders, out); err != nil {
		return p, err
	}
	return p, t.emit(ConfirmationEvent{Payment: p})
}

// Fulfill marks an open order paid by the merchant: in one transaction, a
// credit note for exactly its price, a claim for the credit address when
// Unclaimed, and payment from that address. Only OrderPaid is emitted.
func (e *Engine) Fulfill(ctx context.Context, orderRef, reason string) (Order, error) {
	var out Order
	err := e.update(ctx, func(t *txn) error {
		found, err := t.findOrder(orderRef, !e.cfg.StrictMode)
		if err != nil {
			return err
		}
		addr := creditAddress(found.CustomerID)
		if _, err := t.LockBalances(t.ctx, []string{addr}); err != nil {
			return err
		}
		cur, err := t.LockOrder(t.ctx, found.ID)
		if err != nil {
			return err
		}
		if !cur.Status.Open() {
			return forbidden()
		}
		if cur.CustomerID != found.CustomerID {
			// A Reassign committed between the lookup and the lock: the
			// note, the claim and the payment are the locked order's
			// customer's. Taking this balance after the order's lock may
			// deadlock, and the store then retries the transaction.
			addr = creditAddress(cur.CustomerID)
			if _, err := t.LockBalances(t.ctx, []string{addr}); err != nil {
				return err
			}
		}
		memo := fmt.Sprintf("Credit note: Admin credit overrode for order %s. Reason: %s", cur.OrderID, reason)
		if _, err := e.addCreditNote(t, cur.CustomerID, cur.TotalPrice, memo); err != nil {
			return err
		}
		if cur, err = t.claim(cur, addr, "", "fulfilled by the merchant"); err != nil {
			return err
		}
		paid, _, err := e.payFromAddress(t, addr, []Order{cur})
		if err != nil {
			return err
		}
		if len(paid) != 1 {
			return fmt.Errorf("fulfil %s: the credit note did not cover the order", cur.OrderID)
		}
		out = paid[0]
		return nil
	})
	return out, err
}
