package engine

import (
	"context"
	"strings"

	"taripay/engine/tari"
)

// Claim links an order to the claimant address and pays it from that
// address's credit, in one transaction.
//
// Unclaimed becomes New (starting the unpaid clock); a claim of a New order,
// even by another address, only adds the link (as the reference does, so a
// second wallet of the same customer can claim); a Paid, Cancelled or
// Expired order is refused with ErrOrderClosed and nothing changes
// (DESIGN.md difference 1).
func (e *Engine) Claim(ctx context.Context, orderRef, address string) (ClaimResult, error) {
	if address == "" {
		return ClaimResult{}, Errorf(EINVALID, ErrOrderForbidden, "A claim needs an address")
	}
	var out ClaimResult
	err := e.update(ctx, func(t *txn) error {
		// Balance before order: the lock order of every money path.
		if _, err := t.LockBalances(t.ctx, []string{address}); err != nil {
			return err
		}
		cur, err := t.lockOrder(orderRef, !e.cfg.StrictMode)
		if err != nil {
			return err
		}
		if !cur.Status.Open() {
			return Errorf(ECONFLICT, ErrOrderClosed, "Order %s is %s and can no longer be claimed", cur.OrderID, cur.Status)
		}
		o, err := t.claim(cur, address, "claimed with a memo signature")
		if err != nil {
			return err
		}
		if err := t.emit(OrderClaimedEvent{Order: o, Address: address}); err != nil {
			return err
		}
		if _, _, err := e.payFromAddress(t, address, []Order{o}); err != nil {
			return err
		}
		out.Order, err = t.LockOrder(t.ctx, o.ID)
		return err
	})
	return out, err
}

// claim links address to the order's customer and moves an Unclaimed
// order to New. Callers have checked that the order is open.
func (t *txn) claim(o Order, address, reason string) (Order, error) {
	if err := t.Link(t.ctx, address, o.CustomerID, t.now); err != nil {
		return o, err
	}
	if o.Status != OrderUnclaimed {
		return o, nil
	}
	next := o
	now := t.now
	next.Status, next.UpdatedAt, next.ClaimedAt = OrderNew, now, &now
	ok, err := t.saveOrder(o, next, reason+" by "+address)
	if err != nil || !ok {
		return o, err
	}
	return next, nil
}

// memoClaimant returns the address of a valid memo signature in an order's
// note, signed for exactly this order_id.
func memoClaimant(o Order) (string, bool) {
	if o.Memo == nil || !strings.HasPrefix(strings.TrimSpace(*o.Memo), "{") {
		return "", false
	}
	sig, err := tari.ParseMemoSignature([]byte(*o.Memo))
	if err != nil || sig.OrderID != o.OrderID || !sig.Verify() {
		return "", false
	}
	return sig.Address.Base58(), true
}
