package engine

import (
	"context"
	"slices"
	"strings"
)

// AddressBalance is an address's ledger balance; an address without
// confirmed funds reads as zeros, updated now.
func (e *Engine) AddressBalance(ctx context.Context, address string) (AddressBalance, error) {
	var out AddressBalance
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.addressBalance(address)
		return err
	})
	return out, err
}

func (t *txn) addressBalance(address string) (AddressBalance, error) {
	bals, err := t.Balances(t.ctx, []string{address})
	if err != nil {
		return AddressBalance{}, err
	}
	if b, ok := bals[address]; ok {
		return b, nil
	}
	return AddressBalance{Address: address, LastUpdate: t.now}, nil
}

// CustomerBalance sums the balances of the customer's linked addresses
// that hold confirmed funds, most recently updated first.
func (e *Engine) CustomerBalance(ctx context.Context, customerID string) (CustomerBalance, error) {
	var out CustomerBalance
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.customerBalance(customerID)
		return err
	})
	return out, err
}

func (t *txn) customerBalance(customerID string) (CustomerBalance, error) {
	out := CustomerBalance{Addresses: []AddressBalance{}}
	addrs, err := t.AddressesOf(t.ctx, customerID)
	if err != nil {
		return out, err
	}
	bals, err := t.Balances(t.ctx, addrs)
	if err != nil {
		return out, err
	}
	for _, b := range bals {
		out.Addresses = append(out.Addresses, b)
		out.TotalConfirmed += b.TotalConfirmed
		out.TotalPaid += b.TotalPaid
		out.CurrentBalance += b.CurrentBalance
	}
	slices.SortFunc(out.Addresses, func(a, b AddressBalance) int {
		if c := b.LastUpdate.Compare(a.LastUpdate); c != 0 {
			return c
		}
		return strings.Compare(a.Address, b.Address)
	})
	return out, nil
}

// AddressHistory is an address's balance and page p of each of its lists:
// the orders of every customer linked to it (the merchant's view), its
// payments and its settlements. OwnHistory is the address's own.
func (e *Engine) AddressHistory(ctx context.Context, address string, p Page) (AddressHistory, error) {
	return e.addressHistory(ctx, address, p, (*txn).linkedOrders)
}

// ordersOf names the orders of an address's account: linkedOrders (the
// merchant's view) or visibleOrders (the address's).
type ordersOf func(t *txn, address string, onlyOpen bool) (OrderSet, error)

// allOrders lists every order of address's account named by of, oldest
// first.
func (t *txn) allOrders(of ordersOf, address string, onlyOpen bool) ([]Order, error) {
	set, err := of(t, address, onlyOpen)
	if err != nil {
		return nil, err
	}
	return t.Orders(t.ctx, set, 0, 0)
}

func (e *Engine) addressHistory(ctx context.Context, address string, p Page, orders ordersOf) (AddressHistory, error) {
	p = p.bounded()
	out := AddressHistory{Address: address}
	err := e.view(ctx, func(t *txn) (err error) {
		if out.Balance, err = t.addressBalance(address); err != nil {
			return err
		}
		set, err := orders(t, address, false)
		if err != nil {
			return err
		}
		if out.Orders, err = t.Orders(t.ctx, set, p.Offset, p.Count); err != nil {
			return err
		}
		if out.Payments, err = t.PaymentsBySender(t.ctx, address, p.Offset, p.Count); err != nil {
			return err
		}
		out.Settlements, err = t.SettlementsByAddress(t.ctx, address, p.Offset, p.Count)
		return err
	})
	return out, err
}

// linkedOrders names the orders of every customer linked to address: the
// orders its money may pay.
func (t *txn) linkedOrders(address string, onlyOpen bool) (OrderSet, error) {
	return OrderSet{LinkedTo: address, Statuses: statusesOf(onlyOpen)}, nil
}

// statusesOf is the statuses of the open orders with onlyOpen, else none
// (every status).
func statusesOf(onlyOpen bool) []OrderStatus {
	if onlyOpen {
		return openStatuses
	}
	return nil
}

// CustomerHistory is a customer's balances, linked addresses and page p of
// each of its lists: its orders and the settlements of its Paid orders.
func (e *Engine) CustomerHistory(ctx context.Context, customerID string, p Page) (CustomerHistory, error) {
	p = p.bounded()
	out := CustomerHistory{CustomerID: customerID}
	err := e.view(ctx, func(t *txn) (err error) {
		if out.Balance, err = t.customerBalance(customerID); err != nil {
			return err
		}
		if out.Linked, err = t.AddressesOf(t.ctx, customerID); err != nil {
			return err
		}
		if out.OrderBalance, err = t.CustomerOrderBalance(t.ctx, customerID); err != nil {
			return err
		}
		if out.Orders, err = t.Orders(t.ctx, OrderSet{Customers: []string{customerID}}, p.Offset, p.Count); err != nil {
			return err
		}
		out.Settlements, err = t.SettlementsOfPaidOrders(t.ctx, customerID, p.Offset, p.Count)
		return err
	})
	return out, err
}

// OrdersForAddress lists page p of the orders of every customer linked to
// address, oldest first: the merchant's view. OwnOrders is the address's
// own. The total sums every order of the list, not only the page's.
func (e *Engine) OrdersForAddress(ctx context.Context, address string, onlyOpen bool, p Page) (OrderResult, error) {
	return e.orderResult(ctx, address, onlyOpen, p, (*txn).linkedOrders)
}

func (e *Engine) orderResult(ctx context.Context, address string, onlyOpen bool, p Page, orders ordersOf) (OrderResult, error) {
	p = p.bounded()
	out := OrderResult{Address: address}
	err := e.view(ctx, func(t *txn) error {
		set, err := orders(t, address, onlyOpen)
		if err != nil {
			return err
		}
		if out.Orders, err = t.Orders(t.ctx, set, p.Offset, p.Count); err != nil {
			return err
		}
		out.TotalOrders, err = t.OrdersTotal(t.ctx, set)
		return err
	})
	return out, err
}

// PaymentsForAddress lists page p of an address's payments, oldest first;
// the total sums every payment, of every status.
func (e *Engine) PaymentsForAddress(ctx context.Context, address string, p Page) (PaymentsResult, error) {
	p = p.bounded()
	out := PaymentsResult{Address: address}
	err := e.view(ctx, func(t *txn) (err error) {
		if out.Payments, err = t.PaymentsBySender(t.ctx, address, p.Offset, p.Count); err != nil {
			return err
		}
		out.TotalPayments, err = t.PaymentsTotal(t.ctx, address)
		return err
	})
	return out, err
}

// Creditors pages through the customers with unpaid New orders, by
// customer id.
func (e *Engine) Creditors(ctx context.Context, p Page) ([]CustomerOrders, error) {
	p = p.bounded()
	var out []CustomerOrders
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.Creditors(t.ctx, p.Offset, p.Count)
		return err
	})
	return out, err
}

// CustomerIDs pages through the customer ids that have orders, sorted.
func (e *Engine) CustomerIDs(ctx context.Context, p Page) ([]string, error) {
	p = p.bounded()
	var out []string
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.CustomerIDs(t.ctx, p.Offset, p.Count)
		return err
	})
	return out, err
}

// Addresses pages through the addresses linked to any customer, sorted.
func (e *Engine) Addresses(ctx context.Context, p Page) ([]string, error) {
	p = p.bounded()
	var out []string
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.Addresses(t.ctx, p.Offset, p.Count)
		return err
	})
	return out, err
}

// Audit lists the recorded changes to one order ("order", order_id) or
// payment ("payment", txid), oldest first.
func (e *Engine) Audit(ctx context.Context, entity, entityID string) ([]AuditEntry, error) {
	var out []AuditEntry
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.Audit(t.ctx, entity, entityID)
		return err
	})
	return out, err
}
