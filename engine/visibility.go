package engine

import (
	"cmp"
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

// visibleOrders lists the orders address may see, oldest (created_at, id)
// first: every order of the customers it proved to be, and the orders it
// is a viewer of.
func (t *txn) visibleOrders(address string, onlyOpen bool) ([]Order, error) {
	var statuses []OrderStatus
	if onlyOpen {
		statuses = openStatuses
	}
	out := []Order{}
	customers, err := t.ProvenCustomers(t.ctx, address)
	if err != nil {
		return nil, err
	}
	if len(customers) > 0 {
		if out, err = t.OrdersOfCustomers(t.ctx, customers, statuses); err != nil {
			return nil, err
		}
	}
	viewed, err := t.ViewedOrders(t.ctx, address, statuses)
	if err != nil || len(viewed) == 0 {
		return out, err
	}
	have := make(map[int64]bool, len(out))
	for _, o := range out {
		have[o.ID] = true
	}
	for _, o := range viewed {
		if !have[o.ID] {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b Order) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// OwnOrders lists the orders address may see: what GET /api/orders shows
// the address itself. OrdersForAddress is the merchant's view.
func (e *Engine) OwnOrders(ctx context.Context, address string, onlyOpen bool) (OrderResult, error) {
	return e.orderResult(ctx, address, onlyOpen, (*txn).visibleOrders)
}

// OwnHistory is AddressHistory with only the orders address may see.
func (e *Engine) OwnHistory(ctx context.Context, address string) (AddressHistory, error) {
	return e.addressHistory(ctx, address, (*txn).visibleOrders)
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
