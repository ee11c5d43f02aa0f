package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

var openStatuses = []OrderStatus{OrderNew, OrderUnclaimed}

// AddOrder stores a storefront order priced in µT, claims it from a memo
// signature in its note, matches it to earlier payments that named it (even
// pending ones, unlike the reference) or to the customer's funded
// addresses, and pays it from that address's credit — all in one
// transaction. An order_id already stored returns the stored order and
// ErrOrderExists. ReceiveOrder is the same for an order priced in fiat.
func (e *Engine) AddOrder(ctx context.Context, n NewOrder) (Order, error) {
	if err := checkNewOrder(n); err != nil {
		return Order{}, err
	}
	if err := checkOrderTotal(n.OrderID, n.TotalPrice); err != nil {
		return Order{}, err
	}
	claimant := e.memoClaimant(n.Memo, n.OrderID)
	var out Order
	var exists bool
	err := e.update(ctx, func(t *txn) (err error) {
		out, exists, err = e.addOrder(t, n, claimant, "", "order received")
		return err
	})
	if err != nil {
		return Order{}, err
	}
	if exists {
		return Order{}, Errorf(ECONFLICT, ErrOrderExists, "Order %s already exists", n.OrderID)
	}
	return out, nil
}

func checkNewOrder(n NewOrder) error {
	if n.OrderID == "" || n.CustomerID == "" || n.Currency == "" {
		return Errorf(EINVALID, ErrInvalidAmount, "An order needs an order_id, a customer_id and a currency")
	}
	return nil
}

// addOrder is AddOrder's transaction. memoClaimant is the address of the
// memo signature in n's note, read before the transaction (memoClaimant),
// or "". The order keeps token as its claim token (a waiting order's), or
// gets a new one when token is "". exists reports an order_id already
// stored, which is returned unchanged.
func (e *Engine) addOrder(t *txn, n NewOrder, memoClaimant, token, reason string) (out Order, exists bool, err error) {
	if token == "" {
		token = newClaimToken()
	}
	o := Order{
		OrderID: n.OrderID, AltID: n.AltID, CustomerID: n.CustomerID, Memo: n.Memo,
		TotalPrice: n.TotalPrice, OriginalPrice: n.OriginalPrice, Currency: n.Currency,
		CreatedAt: n.CreatedAt.UTC().Truncate(time.Microsecond), UpdatedAt: t.now, Status: OrderUnclaimed,
		AmountOutstanding: n.AmountOutstanding, ExchangeRate: n.ExchangeRate,
		RecordedAt: t.now, ClaimToken: token, CheckoutToken: n.CheckoutToken,
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = t.now
	}
	ok, err := t.InsertOrder(t.ctx, &o)
	if err != nil {
		return Order{}, false, err
	}
	if !ok {
		stored, found, err := t.OrderByRef(t.ctx, n.OrderID, false)
		if err != nil {
			return Order{}, false, err
		}
		if !found {
			return Order{}, false, Errorf(ECONFLICT, ErrOrderExists, "Another order already has the alt_id of order %s", n.OrderID)
		}
		return stored, true, nil
	}
	t.audit("order", o.OrderID, "status", nil, strPtr(string(o.Status)), reason)
	claimant := memoClaimant
	if claimant != "" {
		if o, err = t.claim(o, claimant, ProofClaim, "memo signature in the order note"); err != nil {
			return Order{}, false, err
		}
	}
	if err := t.emit(NewOrderEvent{Order: o}); err != nil {
		return Order{}, false, err
	}
	if o.TotalPrice == 0 && o.OriginalPrice != nil {
		// A storefront order with nothing left to pay (a gift card or store
		// credit covered it) is paid as it arrives, with no settlement: it
		// costs the customer nothing in Tari and adds nothing to the ledger.
		out, err = t.markPaid(o, nil, 0)
		return out, false, err
	}
	if claimant == "" {
		if claimant, err = e.autoClaimant(t, o); err != nil {
			return Order{}, false, err
		}
		if claimant != "" {
			if o, err = t.claim(o, claimant, "", "auto-claim"); err != nil {
				return Order{}, false, err
			}
		}
	}
	if claimant != "" {
		if _, _, err := e.payFromAddress(t, claimant, []Order{o}); err != nil {
			return Order{}, false, err
		}
	}
	out, err = t.LockOrder(t.ctx, o.ID)
	return out, false, err
}

// autoClaimant picks the address a new order is claimed for: the sender
// of the oldest payment that names it (pending or confirmed; every such
// sender is linked to the customer and sees the order), else the
// customer's linked address with confirmed funds that moved most recently.
func (e *Engine) autoClaimant(t *txn, o Order) (string, error) {
	payments, err := t.PaymentsForOrderRefs(t.ctx, e.orderRefs(o), 0, 0)
	if err != nil {
		return "", err
	}
	first := ""
	for _, p := range payments {
		if p.Status == PaymentCancelled {
			continue
		}
		if first == "" {
			first = p.Sender
		}
		if err := t.Link(t.ctx, p.Sender, o.CustomerID, false, t.now); err != nil {
			return "", err
		}
		if err := t.see(p.Sender, o, ProofPayment); err != nil {
			return "", err
		}
	}
	if first != "" {
		return first, nil
	}
	linked, err := t.AddressesOf(t.ctx, o.CustomerID)
	if err != nil {
		return "", err
	}
	bals, err := t.Balances(t.ctx, linked)
	if err != nil {
		return "", err
	}
	best := ""
	for _, a := range linked {
		b, ok := bals[a]
		if ok && (best == "" || b.LastUpdate.After(bals[best].LastUpdate)) {
			best = a
		}
	}
	return best, nil
}

// orderRefs are the references a stored payment may use to name o, the
// reverse of refCandidates: its order_id, and when strict mode is off
// (consistently, unlike the reference's inverted multi-address payer) its
// alt_id with and without '#', and its order_id with one.
func (e *Engine) orderRefs(o Order) []string {
	refs := []string{o.OrderID}
	if e.cfg.StrictMode {
		return refs
	}
	refs = append(refs, "#"+o.OrderID)
	if o.AltID != nil && *o.AltID != "" {
		bare := strings.TrimPrefix(*o.AltID, "#")
		refs = append(refs, *o.AltID, bare, "#"+bare)
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

// findOrder resolves an order reference: order_id first, then alt_id when
// allowed. A miss is ErrOrderNotFound.
func (t *txn) findOrder(ref string, allowAlt bool) (Order, error) {
	o, ok, err := t.OrderByRef(t.ctx, ref, false)
	if err != nil {
		return o, err
	}
	if !ok && allowAlt {
		if o, ok, err = t.OrderByRef(t.ctx, ref, true); err != nil {
			return o, err
		}
	}
	if !ok {
		return o, Errorf(ENOTFOUND, ErrOrderNotFound, "Order %s does not exist", ref)
	}
	return o, nil
}

// lockOrder resolves and locks an order for a change.
func (t *txn) lockOrder(ref string, allowAlt bool) (Order, error) {
	o, err := t.findOrder(ref, allowAlt)
	if err != nil {
		return o, err
	}
	return t.LockOrder(t.ctx, o.ID)
}

// saveOrder writes the fields that differ between old and new, audits each,
// and reports false when the order has left old's status meanwhile.
func (t *txn) saveOrder(old, new Order, reason string) (bool, error) {
	type field struct {
		col      string
		from, to *string
	}
	var changed []field
	diff := func(col string, from, to *string) {
		if (from == nil) != (to == nil) || (from != nil && *from != *to) {
			changed = append(changed, field{col, from, to})
		}
	}
	diff("customer_id", &old.CustomerID, &new.CustomerID)
	diff("memo", old.Memo, new.Memo)
	diff("total_price", strPtr(old.TotalPrice.String()), strPtr(new.TotalPrice.String()))
	diff("status", strPtr(string(old.Status)), strPtr(string(new.Status)))
	cols := []string{"updated_at"}
	for _, f := range changed {
		cols = append(cols, f.col)
	}
	if !old.RecordedAt.Equal(new.RecordedAt) {
		cols = append(cols, "recorded_at")
	}
	if (old.ClaimedAt == nil) != (new.ClaimedAt == nil) {
		cols = append(cols, "claimed_at")
	}
	ok, err := t.UpdateOrder(t.ctx, new, cols, []OrderStatus{old.Status})
	if err != nil || !ok {
		return ok, err
	}
	for _, f := range changed {
		t.audit("order", new.OrderID, f.col, f.from, f.to, reason)
	}
	return true, nil
}

// Order finds an order by order_id, or by alt_id when allowAlt (an order_id
// match wins). A missing order returns ErrOrderNotFound.
func (e *Engine) Order(ctx context.Context, ref string, allowAlt bool) (Order, error) {
	var o Order
	err := e.view(ctx, func(t *txn) (err error) {
		o, err = t.findOrder(ref, allowAlt)
		return err
	})
	return o, err
}

// OrderByClaimToken finds the order behind a /pay/{token} link.
func (e *Engine) OrderByClaimToken(ctx context.Context, token string) (Order, error) {
	var o Order
	err := e.view(ctx, func(t *txn) error {
		var ok bool
		var err error
		if o, ok, err = t.OrderByClaimToken(t.ctx, token); err != nil {
			return err
		}
		if !ok || token == "" {
			return Errorf(ENOTFOUND, ErrOrderNotFound, "No order has this payment link")
		}
		return nil
	})
	return o, err
}

func forbidden() error {
	return Errorf(EINVALID, ErrOrderForbidden, "The requested order change is forbidden")
}

func noOp() error {
	return Errorf(EINVALID, ErrOrderNoOp, "The requested order change would change nothing")
}

// Cancel annuls an open order for the merchant and queues the storefront
// cancellation. As in the reference, the memo becomes the reason (the old
// memo stays in the audit trail).
func (e *Engine) Cancel(ctx context.Context, orderRef, reason string) (Order, error) {
	return e.annul(ctx, orderRef, !e.cfg.StrictMode, reason, false)
}

// AnnulFromStorefront cancels an order that the storefront cancelled; its
// OrderAnnulledEvent is marked as coming from the storefront so no side
// effect is sent back. An order already annulled is returned unchanged. An
// order still waiting for its exchange rate stops waiting, so it is never
// priced, and the zero Order is returned.
func (e *Engine) AnnulFromStorefront(ctx context.Context, orderID, reason string) (Order, error) {
	return e.annul(ctx, orderID, false, reason, true)
}

func (e *Engine) annul(ctx context.Context, ref string, allowAlt bool, reason string, fromStorefront bool) (Order, error) {
	var out Order
	err := e.update(ctx, func(t *txn) error {
		out = Order{}
		cur, err := t.lockOrder(ref, allowAlt)
		if fromStorefront && errors.Is(err, ErrOrderNotFound) {
			return t.dropWaiting(ref, reason, err)
		}
		if err != nil {
			return err
		}
		if fromStorefront && (cur.Status == OrderCancelled || cur.Status == OrderExpired) {
			out = cur
			return nil
		}
		if !cur.Status.Open() {
			return forbidden()
		}
		next := cur
		next.Status, next.UpdatedAt = OrderCancelled, t.now
		if !fromStorefront {
			next.Memo = &reason
		}
		if _, err := t.saveOrder(cur, next, reason); err != nil {
			return err
		}
		if err := t.emit(OrderAnnulledEvent{Order: next, FromStorefront: fromStorefront}); err != nil {
			return err
		}
		if !fromStorefront {
			if err := t.InsertSideEffect(t.ctx, SideEffectCancel, next.OrderID, t.now); err != nil {
				return err
			}
		}
		out = next
		return nil
	})
	return out, err
}

// ChangePrice re-prices a New order and pays it from any of the customer's
// addresses. OrderPaid fires once (the reference fired it twice), then
// OrderModified("total_price").
func (e *Engine) ChangePrice(ctx context.Context, orderRef string, price MicroTari, reason string) (Order, error) {
	if price < 0 {
		return Order{}, forbidden()
	}
	if err := checkOrderTotal(orderRef, price); err != nil {
		return Order{}, err
	}
	var out Order
	err := e.update(ctx, func(t *txn) error {
		cur, err := e.lockOrderToPay(t, orderRef, !e.cfg.StrictMode)
		if err != nil {
			return err
		}
		if cur.Status != OrderNew {
			return forbidden()
		}
		if cur.TotalPrice == price {
			return noOp()
		}
		next := cur
		next.TotalPrice, next.UpdatedAt = price, t.now
		if _, err := t.saveOrder(cur, next, reason); err != nil {
			return err
		}
		if _, _, err := e.payOrder(t, next); err != nil {
			return err
		}
		if out, err = t.LockOrder(t.ctx, cur.ID); err != nil {
			return err
		}
		return t.emit(OrderModifiedEvent{Field: "total_price", Old: cur, New: out})
	})
	return out, err
}

// ChangeMemo replaces an order's memo in any status. The new memo is not
// parsed for signatures and triggers no matching.
func (e *Engine) ChangeMemo(ctx context.Context, orderRef, memo, reason string) (Order, error) {
	var out Order
	err := e.update(ctx, func(t *txn) error {
		cur, err := t.lockOrder(orderRef, !e.cfg.StrictMode)
		if err != nil {
			return err
		}
		next := cur
		next.Memo, next.UpdatedAt = &memo, t.now
		if _, err := t.saveOrder(cur, next, reason); err != nil {
			return err
		}
		out = next
		return t.emit(OrderModifiedEvent{Field: "memo", Old: cur, New: next})
	})
	return out, err
}

// Reassign moves an order to another customer. A Paid order never moves.
// A New order is then paid from the new customer's addresses.
func (e *Engine) Reassign(ctx context.Context, orderRef, customerID, reason string) (OrderMoved, error) {
	if customerID == "" {
		return OrderMoved{}, Errorf(EINVALID, ErrOrderForbidden, "The new customer id is empty")
	}
	var out OrderMoved
	err := e.update(ctx, func(t *txn) error {
		found, err := t.findOrder(orderRef, !e.cfg.StrictMode)
		if err != nil {
			return err
		}
		moved := found
		moved.CustomerID = customerID
		if _, err := e.lockPayers(t, moved); err != nil {
			return err
		}
		cur, err := t.LockOrder(t.ctx, found.ID)
		if err != nil {
			return err
		}
		if cur.Status == OrderPaid {
			return forbidden()
		}
		if cur.CustomerID == customerID {
			return noOp()
		}
		next := cur
		next.CustomerID, next.UpdatedAt = customerID, t.now
		if _, err := t.saveOrder(cur, next, reason); err != nil {
			return err
		}
		if err := t.emit(OrderModifiedEvent{Field: "customer_id", Old: cur, New: next}); err != nil {
			return err
		}
		settlements := []Settlement{}
		if next.Status == OrderNew {
			if _, settlements, err = e.payOrder(t, next); err != nil {
				return err
			}
		}
		latest, err := t.LockOrder(t.ctx, cur.ID)
		if err != nil {
			return err
		}
		out = OrderMoved{Orders: OrderChanged{Old: cur, New: latest}, Settlements: settlements}
		return nil
	})
	return out, err
}

// Reset restores an Expired or Cancelled order to Unclaimed, restarting its
// unclaimed clock, and pays it from any of the customer's addresses.
func (e *Engine) Reset(ctx context.Context, orderRef, reason string) (Order, error) {
	var out Order
	err := e.update(ctx, func(t *txn) error {
		cur, err := e.lockOrderToPay(t, orderRef, false)
		if err != nil {
			return err
		}
		if cur.Status != OrderExpired && cur.Status != OrderCancelled {
			return forbidden()
		}
		next := cur
		next.Status, next.UpdatedAt, next.RecordedAt, next.ClaimedAt = OrderUnclaimed, t.now, t.now, nil
		if _, err := t.saveOrder(cur, next, reason); err != nil {
			return err
		}
		if err := t.emit(OrderModifiedEvent{Field: "status", Old: cur, New: next}); err != nil {
			return err
		}
		if err := t.emit(NewOrderEvent{Order: next}); err != nil {
			return err
		}
		if _, _, err := e.payOrder(t, next); err != nil {
			return err
		}
		out, err = t.LockOrder(t.ctx, cur.ID)
		return err
	})
	return out, err
}

// SearchOrders filters orders, oldest first, one page of at most
// MaxPageSize.
func (e *Engine) SearchOrders(ctx context.Context, q OrderQuery) ([]Order, error) {
	p := Page{Offset: q.Offset, Count: q.Limit}.bounded()
	q.Offset, q.Limit = p.Offset, p.Count
	var out []Order
	err := e.view(ctx, func(t *txn) (err error) {
		q.Statuses = slices.DeleteFunc(slices.Clone(q.Statuses), func(s OrderStatus) bool { return strings.TrimSpace(string(s)) == "" })
		out, err = t.SearchOrders(t.ctx, q)
		return err
	})
	return out, err
}

// lockOrderToPay finds an order and locks, in the engine's lock order, the
// balances that could pay it and then the order itself, for a change that
// may be followed by a payment.
func (e *Engine) lockOrderToPay(t *txn, ref string, allowAlt bool) (Order, error) {
	found, err := t.findOrder(ref, allowAlt)
	if err != nil {
		return Order{}, err
	}
	if _, err := e.lockPayers(t, found); err != nil {
		return Order{}, err
	}
	return t.LockOrder(t.ctx, found.ID)
}
