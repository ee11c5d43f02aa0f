package engine

import (
	"context"
	"slices"
)

// Who sees an order (docs/security.md, "Claims and who sees an order").
//
// A claim links its address to the order's customer, and money follows
// links: a confirmed payment pays the open orders of the customers linked
// to its sender (payFromAddress), a settlement draws on every address
// linked to the order's customer (payOrder). Reads do not follow links,
// because an order id is not a secret and a claim by order id is open to
// anyone who knows one. An address reading its own account sees an order
// only when it
//   - signed that order's id (a claim, or a memo signature in its note),
//   - sent a payment that named it while it was open,
//   - paid it with its funds (a settlement), or
//   - proved to be the customer: it claimed one of the customer's orders on
//     that order's pay page, whose token only the order email carries; it
//     then sees every order of that customer, now and later.
//
// The first three are per order (OrderViewer rows, written by see); the
// last is the link's proven mark. visibleOrders is the one read of the
// rule. The merchant (read_all) still reads everything.

// see makes address a viewer of o by proof.
func (t *txn) see(address string, o Order, proof Proof) error {
	return t.AddViewer(t.ctx, OrderViewer{Address: address, OrderID: o.OrderID, Proof: proof, CreatedAt: t.now})
}

// visibleOrders names the orders address may see: every order of the
// customers it proved to be, and the orders it is a viewer of.
func (t *txn) visibleOrders(address string, onlyOpen bool) (OrderSet, error) {
	customers, err := t.ProvenCustomers(t.ctx, address)
	if err != nil {
		return OrderSet{}, err
	}
	return OrderSet{Customers: customers, ViewedBy: address, Statuses: statusesOf(onlyOpen)}, nil
}

// OwnOrder finds the order of order_id orderID when address may see it.
func (e *Engine) OwnOrder(ctx context.Context, address, orderID string) (Order, bool, error) {
	var out []Order
	err := e.view(ctx, func(t *txn) error {
		set, err := t.visibleOrders(address, false)
		if err != nil {
			return err
		}
		set.OrderID = orderID
		out, err = t.Orders(t.ctx, set, 0, 1)
		return err
	})
	if err != nil || len(out) == 0 {
		return Order{}, false, err
	}
	return out[0], true, nil
}

// OwnOrders lists page p of the orders address may see, oldest first: what
// GET /api/orders shows the address itself. OrdersForAddress is the
// merchant's view.
func (e *Engine) OwnOrders(ctx context.Context, address string, onlyOpen bool, p Page) (OrderResult, error) {
	return e.orderResult(ctx, address, onlyOpen, p, (*txn).visibleOrders)
}

// OwnHistory is AddressHistory with only the orders address may see.
func (e *Engine) OwnHistory(ctx context.Context, address string, p Page) (AddressHistory, error) {
	return e.addressHistory(ctx, address, p, (*txn).visibleOrders)
}

// SettleOwn is SettleAddress for the address itself: it pays the open
// orders address may see, each from any address of its customer, and
// reports only the settlements drawn on address, as its history does.
func (e *Engine) SettleOwn(ctx context.Context, address string) (MultiAccountPayment, error) {
	m, err := e.settleAddress(ctx, address, (*txn).visibleOrders)
	m.Settlements = slices.DeleteFunc(m.Settlements, func(s Settlement) bool { return s.PaymentAddress != address })
	return m, err
}

// OrderViewers lists the addresses that see an order by its id, and why,
// oldest first. The customer-wide sight of proven links is not listed.
func (e *Engine) OrderViewers(ctx context.Context, orderID string) ([]OrderViewer, error) {
	var out []OrderViewer
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.Viewers(t.ctx, orderID)
		return err
	})
	return out, err
}
