package engine

import (
	"context"
	"strings"

	"taripay/engine/tari"
)

// Claim links an order to the claimant address and pays it from that
// address's credit, in one transaction. A claim by order id proves only
// that the claimant knows the id, so the claimant sees this order and no
// other of the customer's (visibility.go).
//
// Unclaimed becomes New (starting the unpaid clock); a claim of a New order,
// even by another address, only adds the link (as the reference does, so a
// second wallet of the same customer can claim), and a claim the address
// has made before (a replay) writes nothing at all; a Paid, Cancelled or
// Expired order is refused with ErrOrderClosed and nothing changes
// (docs/design.md, "A claim never reopens an order").
func (e *Engine) Claim(ctx context.Context, orderRef, address string) (ClaimResult, error) {
	return e.claimOrder(ctx, address, ProofClaim, func(t *txn) (Order, error) {
		return t.findOrder(orderRef, !e.cfg.StrictMode)
	})
}

// ClaimWithToken is Claim from the order's pay page, found by its claim
// token. The token is in the customer's order email and nowhere else, so
// the claimant is taken to be the customer: it sees every order of the
// customer, as the reference let any claimant see them.
func (e *Engine) ClaimWithToken(ctx context.Context, token, address string) (ClaimResult, error) {
	return e.claimOrder(ctx, address, ProofPayPage, func(t *txn) (Order, error) {
		o, ok, err := t.OrderByClaimToken(t.ctx, token)
		if err == nil && (!ok || token == "") {
			err = Errorf(ENOTFOUND, ErrOrderNotFound, "No order has this payment link")
		}
		return o, err
	})
}

func (e *Engine) claimOrder(ctx context.Context, address string, proof Proof, find func(*txn) (Order, error)) (ClaimResult, error) {
	if address == "" {
		return ClaimResult{}, Errorf(EINVALID, ErrOrderForbidden, "A claim needs an address")
	}
	var out ClaimResult
	err := e.update(ctx, func(t *txn) error {
		// Balance before order: the lock order of every money path.
		if _, err := t.LockBalances(t.ctx, []string{address}); err != nil {
			return err
		}
		found, err := find(t)
		if err != nil {
			return err
		}
		cur, err := t.LockOrder(t.ctx, found.ID)
		if err != nil {
			return err
		}
		if !cur.Status.Open() {
			return Errorf(ECONFLICT, ErrOrderClosed, "Order %s is %s and can no longer be claimed", cur.OrderID, cur.Status)
		}
		if again, err := t.claimedBefore(cur, address, proof); err != nil || again {
			out.Order = cur
			return err
		}
		o, err := t.claim(cur, address, proof, "claimed with a memo signature")
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

// claimedBefore reports whether address has claimed o already with as
// strong a proof: the claim again (a replay) would change nothing, so it
// writes nothing, not even an event.
func (t *txn) claimedBefore(o Order, address string, proof Proof) (bool, error) {
	if o.Status == OrderUnclaimed {
		return false, nil
	}
	viewers, err := t.Viewers(t.ctx, o.OrderID)
	if err != nil {
		return false, err
	}
	for _, v := range viewers {
		if v.Address == address && (proof != ProofPayPage || v.Proof == ProofPayPage) {
			return true, nil
		}
	}
	return false, nil
}

// claim links address to the order's customer, makes it a viewer of the
// order by proof (none for an auto-claim or the merchant's fulfilment:
// the address did nothing to show it is the customer), and moves an
// Unclaimed order to New. Callers have checked that the order is open.
func (t *txn) claim(o Order, address string, proof Proof, reason string) (Order, error) {
	if err := t.Link(t.ctx, address, o.CustomerID, proof == ProofPayPage, t.now); err != nil {
		return o, err
	}
	if proof != "" {
		if err := t.see(address, o, proof); err != nil {
			return o, err
		}
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
// note, signed for exactly orderID, or "". It parses untrusted text and
// verifies a signature, so callers run it before the write transaction and
// pass its result in.
func (e *Engine) memoClaimant(memo *string, orderID string) string {
	if memo == nil {
		return ""
	}
	sig, ok := e.readMemo(*memo)
	if !ok || !sig.Verify() || sig.OrderID != orderID {
		return ""
	}
	return sig.Address.Base58()
}

// readMemo parses a note that holds a memo signature (a JSON object); ok is
// false for any other note. It does not verify the signature.
func (e *Engine) readMemo(memo string) (sig tari.MemoSignature, ok bool) {
	memo = strings.TrimSpace(memo)
	if !strings.HasPrefix(memo, "{") {
		return sig, false
	}
	parse := e.parseMemo
	if parse == nil {
		parse = tari.ParseMemoSignature
	}
	sig, err := parse([]byte(memo))
	return sig, err == nil
}
