package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Both payment algorithms run inside the caller's transaction while holding
// the balance rows they draw on (LockBalances), re-read every order under
// its lock, and pay it only with a conditional status update, so no order
// is paid twice and no balance is spent twice (docs/design.md, "No payment counts twice" and
// "Concurrency is safe on both databases").

// payFromAddress is algorithm A: pay the orders in the given order from
// one address's balance, stopping at the first one it cannot cover (in
// full, or down to the underpayment tolerance).
func (e *Engine) payFromAddress(t *txn, address string, orders []Order) ([]Order, []Settlement, error) {
	bals, err := t.LockBalances(t.ctx, []string{address})
	if err != nil {
		return nil, nil, err
	}
	remaining := bals[address].CurrentBalance
	var paid []Order
	var settlements []Settlement
	for _, o := range orders {
		cur, err := t.LockOrder(t.ctx, o.ID)
		if err != nil {
			return nil, nil, err
		}
		if !cur.Status.Open() {
			continue
		}
		if e.cfg.UnderpaymentTolerance.Due(cur.TotalPrice) > remaining {
			break
		}
		take := min(cur.TotalPrice, remaining)
		s := Settlement{CreatedAt: t.now, OrderID: cur.OrderID, PaymentAddress: address, SettlementType: SettlementSingle, Amount: take}
		next, err := t.markPaid(cur, []Settlement{s}, e.cfg.UnderpaymentTolerance)
		if err != nil {
			return nil, nil, err
		}
		remaining -= take
		paid = append(paid, next)
		settlements = append(settlements, s)
	}
	return paid, settlements, nil
}

// payOrder is algorithm B: pay one order from any address that named it in
// a payment or is linked to its customer, when their balances together
// cover it (in full, or down to the underpayment tolerance). Candidates are
// de-duplicated and each draws at most its real balance (fixing the
// reference's double count).
func (e *Engine) payOrder(t *txn, o Order) (bool, []Settlement, error) {
	bals, err := e.lockPayers(t, o)
	if err != nil {
		return false, nil, err
	}
	cur, err := t.LockOrder(t.ctx, o.ID)
	if err != nil || !cur.Status.Open() || len(bals) == 0 {
		return false, []Settlement{}, err
	}
	funded := make([]AddressBalance, 0, len(bals))
	var total MicroTari
	for _, b := range bals {
		funded = append(funded, b)
		total += b.CurrentBalance
	}
	if total < e.cfg.UnderpaymentTolerance.Due(cur.TotalPrice) {
		return false, []Settlement{}, nil
	}
	slices.SortFunc(funded, func(a, b AddressBalance) int {
		if a.CurrentBalance != b.CurrentBalance {
			if a.CurrentBalance > b.CurrentBalance {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Address, b.Address)
	})
	var settlements []Settlement
	remaining := cur.TotalPrice
	for _, b := range funded {
		take := min(b.CurrentBalance, remaining)
		if take == 0 && len(settlements) > 0 {
			break
		}
		settlements = append(settlements, Settlement{CreatedAt: t.now, OrderID: cur.OrderID, PaymentAddress: b.Address, Amount: take})
		remaining -= take
		if remaining == 0 {
			break
		}
	}
	typ := SettlementMultiple
	if len(settlements) == 1 {
		typ = SettlementSingle
	}
	for i := range settlements {
		settlements[i].SettlementType = typ
	}
	if _, err := t.markPaid(cur, settlements, e.cfg.UnderpaymentTolerance); err != nil {
		return false, nil, err
	}
	return true, settlements, nil
}

// lockPayers locks the balances algorithm B may draw on for o: those of the
// addresses that named it in a payment and of its customer's addresses.
// Balances before orders is the lock order of every money path, so callers
// that change an order and then pay it call this before locking the order.
func (e *Engine) lockPayers(t *txn, o Order) (map[string]AddressBalance, error) {
	payments, err := t.PaymentsForOrderRefs(t.ctx, e.orderRefs(o), 0, 0)
	if err != nil {
		return nil, err
	}
	var candidates []string
	for _, p := range payments {
		candidates = append(candidates, p.Sender)
	}
	linked, err := t.AddressesOf(t.ctx, o.CustomerID)
	if err != nil {
		return nil, err
	}
	return t.LockBalances(t.ctx, append(candidates, linked...))
}

// markPaid moves a locked open order to Paid with its settlements, makes
// each paying address a viewer, emits OrderPaid and queues the
// storefront's mark-paid job, all in this transaction. When the
// settlements fall short of the total, within what tol forgives, the
// shortfall is journalled as a write-off and OrderWrittenOff follows. The
// settlements' IDs are filled in.
func (t *txn) markPaid(cur Order, settlements []Settlement, tol Tolerance) (Order, error) {
	var settled MicroTari
	for _, s := range settlements {
		settled += s.Amount
	}
	short := cur.TotalPrice - settled
	if short < 0 || short > tol.Forgiven(cur.TotalPrice) {
		return cur, fmt.Errorf("pay %s: settlements of %d µT for a total of %d µT", cur.OrderID, settled, cur.TotalPrice)
	}
	next := cur
	next.Status, next.UpdatedAt = OrderPaid, t.now
	ok, err := t.saveOrder(cur, next, "paid")
	if err != nil {
		return cur, err
	}
	if !ok {
		return cur, Errorf(ECONFLICT, ErrOrderClosed, "Order %s changed while it was being paid", cur.OrderID)
	}
	for i := range settlements {
		if err := t.InsertSettlement(t.ctx, &settlements[i]); err != nil {
			return cur, err
		}
		if err := t.see(settlements[i].PaymentAddress, next, ProofSettled); err != nil {
			return cur, err
		}
	}
	if err := t.emit(OrderPaidEvent{Order: next}); err != nil {
		return cur, err
	}
	if short > 0 {
		w := WriteOff{CreatedAt: t.now, OrderID: next.OrderID, Amount: short, Tolerance: tol}
		if err := t.InsertWriteOff(t.ctx, &w); err != nil {
			return cur, err
		}
		t.audit("order", next.OrderID, "write_off", nil, strPtr(short.String()),
			"paid "+settled.String()+" µT of "+cur.TotalPrice.String()+
				" µT, within the underpayment tolerance of "+tol.String()+" %")
		if err := t.emit(OrderWrittenOffEvent{Order: next, WriteOff: w}); err != nil {
			return cur, err
		}
	}
	return next, t.InsertSideEffect(t.ctx, SideEffectMarkPaid, next.OrderID, t.now)
}

// settleOrders runs algorithm B over each order, with no early stop.
func (e *Engine) settleOrders(t *txn, orders []Order, into *MultiAccountPayment) error {
	for _, o := range orders {
		paid, settlements, err := e.payOrder(t, o)
		if err != nil {
			return err
		}
		if paid {
			latest, err := t.LockOrder(t.ctx, o.ID)
			if err != nil {
				return err
			}
			into.OrdersPaid = append(into.OrdersPaid, latest)
			into.Settlements = append(into.Settlements, settlements...)
		}
	}
	return nil
}

// SettleAddress pays, from any of their addresses, the open orders of every
// customer linked to address: the merchant's settle. SettleOwn is the
// address's own.
func (e *Engine) SettleAddress(ctx context.Context, address string) (MultiAccountPayment, error) {
	return e.settleAddress(ctx, address, (*txn).linkedOrders)
}

func (e *Engine) settleAddress(ctx context.Context, address string, list ordersOf) (MultiAccountPayment, error) {
	out := MultiAccountPayment{OrdersPaid: []Order{}, Settlements: []Settlement{}}
	err := e.update(ctx, func(t *txn) error {
		out = MultiAccountPayment{OrdersPaid: []Order{}, Settlements: []Settlement{}}
		orders, err := t.allOrders(list, address, true)
		if err != nil {
			return err
		}
		return e.settleOrders(t, orders, &out)
	})
	return out, err
}

// SettleCustomer pays the customer's open orders, oldest first, each from
// any of the customer's addresses.
func (e *Engine) SettleCustomer(ctx context.Context, customerID string) (MultiAccountPayment, error) {
	out := MultiAccountPayment{OrdersPaid: []Order{}, Settlements: []Settlement{}}
	err := e.update(ctx, func(t *txn) error {
		out = MultiAccountPayment{OrdersPaid: []Order{}, Settlements: []Settlement{}}
		orders, err := t.Orders(t.ctx, OrderSet{Customers: []string{customerID}, Statuses: openStatuses}, 0, 0)
		if err != nil {
			return err
		}
		return e.settleOrders(t, orders, &out)
	})
	return out, err
}
