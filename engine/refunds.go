package engine

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// RefundStatus is where a refund due stands: Due until the merchant sends
// it (Sent) or gives it as store credit (Credited).
type RefundStatus string

const (
	RefundDue      RefundStatus = "Due"
	RefundSent     RefundStatus = "Sent"
	RefundCredited RefundStatus = "Credited"
)

// Refund is Tari owed back to the address that paid an order, recorded
// when the storefront refunds the order (docs/refunds.md). Amount is at the
// order's own rate and never more than the order's settlements less its
// earlier refunds. A Sent refund is the ledger entry of Tari that left the
// shop; a Credited one became a credit note, whose txid it keeps.
type Refund struct {
	ID         int64
	RefundID   string // the storefront's refund id: one refund per id
	OrderID    string
	CustomerID string
	Address    string // the address that paid the order
	Amount     MicroTari
	ShopAmount string // what the storefront refunded, in Currency
	Currency   string
	Status     RefundStatus
	TxID       *string // Sent: the wallet's transaction; Credited: the credit note
	CreatedAt  time.Time
	ClosedAt   *time.Time
}

// NewRefund is a storefront refund of an order: the amounts of its
// transactions paid back through Tari, decimal amounts of Currency.
type NewRefund struct {
	RefundID string
	OrderID  string
	Amounts  []string
	Currency string
}

// RefundTx is what refunds need of a transaction (db/refunds.go); Tx embeds
// it.
type RefundTx interface {
	// InsertRefund stores r and sets r.ID; false, changing nothing, when
	// r.RefundID is stored.
	InsertRefund(ctx context.Context, r *Refund) (bool, error)
	RefundByRefundID(ctx context.Context, refundID string) (Refund, bool, error)
	// RefundByID returns a refund by id; lock locks it for the rest of
	// the (write) transaction.
	RefundByID(ctx context.Context, id int64, lock bool) (Refund, bool, error)
	// CloseRefund writes r's status, txid and closed_at when the stored
	// row is still Due.
	CloseRefund(ctx context.Context, r Refund) (bool, error)
	RefundsForOrder(ctx context.Context, orderID string) ([]Refund, error)
	// Refunds lists refunds of the statuses (every status when none),
	// newest first.
	Refunds(ctx context.Context, statuses []RefundStatus, limit int) ([]Refund, error)
}

var (
	ErrRefundNotFound = errors.New("refund not found")
	// ErrNothingToRefund is a refund of an order that was not paid in
	// Tari, or whose Tari payment is refunded already.
	ErrNothingToRefund = errors.New("nothing paid in Tari to refund")
)

// RefundEvent fires when a refund is recorded and when it is closed.
type RefundEvent struct{ Refund Refund }

func (RefundEvent) Type() EventType { return EventRefund }

// EventRefund tags RefundEvent.
const EventRefund EventType = "Refund"

// RecordRefund records a refund due for a storefront refund of a Paid
// order: its amounts converted at the order's rate, capped at what the
// order's settlements hold less its earlier refunds, addressed to the
// address that paid most of it. A refund id already recorded returns the
// stored refund and exists. An order with nothing paid in Tari left to
// refund is ErrNothingToRefund.
func (e *Engine) RecordRefund(ctx context.Context, n NewRefund) (r Refund, exists bool, err error) {
	if n.RefundID == "" || !ValidText(n.RefundID) || n.OrderID == "" || len(n.Amounts) == 0 {
		return Refund{}, false, Errorf(EINVALID, ErrInvalidAmount, "A refund needs an id, an order and an amount")
	}
	n.Currency = strings.ToUpper(strings.TrimSpace(n.Currency))
	shop, err := sumAmounts(n.Amounts, n.Currency)
	if err != nil {
		return Refund{}, false, fmt.Errorf("refund %s: %w", n.RefundID, err)
	}
	err = e.update(ctx, func(t *txn) error {
		r, exists = Refund{}, false
		o, err := t.lockOrder(n.OrderID, false)
		if err != nil {
			return err
		}
		if stored, found, err := t.RefundByRefundID(t.ctx, n.RefundID); err != nil || found {
			r, exists = stored, found
			return err
		}
		if o.Status != OrderPaid {
			return Errorf(EINVALID, ErrNothingToRefund, "Order %s is %s, not paid in Tari: no refund due", o.OrderID, o.Status)
		}
		if !strings.EqualFold(o.Currency, n.Currency) {
			return Errorf(EINVALID, ErrInvalidAmount, "Refund %s is in %s; order %s is priced in %s", n.RefundID, n.Currency, o.OrderID, o.Currency)
		}
		asked, err := ToMicroTari(shop, o.Currency, o.ExchangeRate)
		if err != nil {
			return fmt.Errorf("refund %s: %w", n.RefundID, err)
		}
		payer, left, err := t.refundable(o)
		if err != nil {
			return err
		}
		if left <= 0 || asked <= 0 {
			return Errorf(EINVALID, ErrNothingToRefund, "Order %s has nothing paid in Tari left to refund", o.OrderID)
		}
		r = Refund{RefundID: n.RefundID, OrderID: o.OrderID, CustomerID: o.CustomerID, Address: payer,
			Amount: min(asked, left), ShopAmount: shop, Currency: o.Currency, Status: RefundDue, CreatedAt: t.now}
		if ok, err := t.InsertRefund(t.ctx, &r); err != nil || !ok {
			if err == nil {
				err = fmt.Errorf("refund %s was stored meanwhile", n.RefundID)
			}
			return err
		}
		t.audit("refund", n.RefundID, "status", nil, strPtr(string(RefundDue)),
			fmt.Sprintf("refunded in the storefront: %s %s for order %s, %d µT due to %s", shop, o.Currency, o.OrderID, r.Amount, payer))
		return t.emit(RefundEvent{Refund: r})
	})
	if err != nil {
		return Refund{}, false, err
	}
	return r, exists, nil
}

// refundable returns the address that paid most of o (the first, on a
// tie) and what o's settlements hold less its refunds so far.
func (t *txn) refundable(o Order) (payer string, left MicroTari, err error) {
	ss, err := t.SettlementsByOrders(t.ctx, []string{o.OrderID})
	if err != nil {
		return "", 0, err
	}
	var best MicroTari
	for _, s := range ss {
		left += s.Amount
		if s.Amount > best {
			payer, best = s.PaymentAddress, s.Amount
		}
	}
	refunds, err := t.RefundsForOrder(t.ctx, o.OrderID)
	if err != nil {
		return "", 0, err
	}
	for _, r := range refunds {
		left -= r.Amount
	}
	return payer, left, nil
}

// MarkRefundSent closes a refund due as sent by the merchant's wallet in
// transaction txid.
func (e *Engine) MarkRefundSent(ctx context.Context, id int64, txid, reason string) (Refund, error) {
	txid = strings.TrimSpace(txid)
	if txid == "" || !ValidText(txid) {
		return Refund{}, Errorf(EINVALID, ErrInvalidAmount, "A sent refund needs the txid of its transaction")
	}
	return e.closeRefund(ctx, id, RefundSent, reason, func(t *txn, r Refund) (string, error) { return txid, nil })
}

// CreditRefund closes a refund due as store credit: a credit note of its
// amount for the order's customer, which pays the customer's open orders
// at once, as CreditNote does.
func (e *Engine) CreditRefund(ctx context.Context, id int64, reason string) (Refund, error) {
	return e.closeRefund(ctx, id, RefundCredited, reason, func(t *txn, r Refund) (string, error) {
		p, err := e.creditCustomer(t, r.CustomerID, r.Amount, fmt.Sprintf("Refund %s of order %s as store credit", r.RefundID, r.OrderID), &MultiAccountPayment{})
		return p.TxID, err
	})
}

// closeRefund moves a Due refund to status, with the txid close returns,
// in one transaction.
func (e *Engine) closeRefund(ctx context.Context, id int64, status RefundStatus, reason string, close func(*txn, Refund) (string, error)) (Refund, error) {
	if reason == "" {
		reason = "No reason given"
	}
	var out Refund
	err := e.update(ctx, func(t *txn) error {
		r, found, err := t.RefundByID(t.ctx, id, true)
		if err != nil {
			return err
		}
		if !found {
			return Errorf(ENOTFOUND, ErrRefundNotFound, "Refund %d does not exist", id)
		}
		if r.Status != RefundDue {
			return Errorf(ECONFLICT, ErrOrderNoOp, "Refund %s is already %s", r.RefundID, r.Status)
		}
		txid, err := close(t, r)
		if err != nil {
			return err
		}
		out = r
		out.Status, out.TxID, out.ClosedAt = status, &txid, &t.now
		if ok, err := t.CloseRefund(t.ctx, out); err != nil || !ok {
			if err == nil {
				err = Errorf(ECONFLICT, ErrOrderNoOp, "Refund %s changed meanwhile", r.RefundID)
			}
			return err
		}
		t.audit("refund", r.RefundID, "status", strPtr(string(RefundDue)), strPtr(string(status)), reason+" (txid "+txid+")")
		return t.emit(RefundEvent{Refund: out})
	})
	return out, err
}

// Refund returns one refund.
func (e *Engine) Refund(ctx context.Context, id int64) (Refund, error) {
	var out Refund
	err := e.view(ctx, func(t *txn) error {
		r, found, err := t.RefundByID(t.ctx, id, false)
		if err == nil && !found {
			err = Errorf(ENOTFOUND, ErrRefundNotFound, "Refund %d does not exist", id)
		}
		out = r
		return err
	})
	return out, err
}

// Refunds lists refunds of the statuses (all when none), newest first.
func (e *Engine) Refunds(ctx context.Context, statuses []RefundStatus, limit int) ([]Refund, error) {
	var out []Refund
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.Refunds(t.ctx, statuses, limit)
		return err
	})
	return out, err
}

// sumAmounts adds decimal amounts of currency exactly, in minor units.
func sumAmounts(amounts []string, currency string) (string, error) {
	sum := new(big.Int)
	for _, a := range amounts {
		n, err := minorUnits(strings.TrimSpace(a), currency)
		if err != nil {
			return "", err
		}
		sum.Add(sum, n)
	}
	return FormatMinor(sum, currency), nil
}
