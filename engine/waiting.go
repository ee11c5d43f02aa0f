package engine

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// ReceiveOrder stores a storefront order priced in its own currency:
// n.OriginalPrice, a decimal amount of n.Currency, is converted at the
// currency's latest rate (XTR at parity) and the order takes AddOrder's
// path. When the currency has no rate yet, the order waits for one instead
// (waiting is true, and there is no Order yet); SetExchangeRate prices it in
// the transaction that stores the rate. A malformed price is refused at
// once, rate or not. n.TotalPrice and n.ExchangeRate are ignored. An
// order_id already stored, as an order or waiting, is ErrOrderExists. A new
// order queues its SideEffectPayLink job.
func (e *Engine) ReceiveOrder(ctx context.Context, n NewOrder) (o Order, waiting bool, err error) {
	n.Currency = strings.ToUpper(strings.TrimSpace(n.Currency))
	if err := checkNewOrder(n); err != nil {
		return Order{}, false, err
	}
	if n.OriginalPrice == nil {
		return Order{}, false, invalidAmount("order %s has no price", n.OrderID)
	}
	in, err := e.readOrder(n)
	if err != nil {
		return Order{}, false, err
	}
	var exists bool
	err = e.update(ctx, func(t *txn) error {
		o, waiting, exists = Order{}, false, false
		rate, ok, err := t.rate(n.Currency)
		if err != nil {
			return err
		}
		if !ok {
			// SetExchangeRate holds this lock while it stores a rate and
			// prices the waiting orders: either its rate is visible after
			// the lock, or this order waits before it looks for them.
			if err := t.Lock(t.ctx, rateLock(n.Currency)); err != nil {
				return err
			}
			if rate, ok, err = t.rate(n.Currency); err != nil {
				return err
			}
		}
		if !ok {
			exists, err = t.wait(n)
			waiting = !exists
		} else {
			p, perr := in.priced(n, rate)
			if perr != nil {
				return perr
			}
			o, exists, err = e.addOrder(t, p, in.claimant, "", "order received")
		}
		if err != nil || exists {
			return err
		}
		// The pay link exists from now on, priced or waiting: the outbox
		// writes it onto the storefront's order.
		return t.InsertSideEffect(t.ctx, SideEffectPayLink, n.OrderID, t.now)
	})
	switch {
	case err != nil:
		return Order{}, false, err
	case exists:
		return Order{}, false, Errorf(ECONFLICT, ErrOrderExists, "Order %s already exists", n.OrderID)
	}
	return o, waiting, nil
}

// rateLock names the lock that orders rate changes of a currency against
// orders starting to wait for one.
func rateLock(currency string) string { return "taripay:rate:" + currency }

// rate is the currency's latest rate as this transaction sees it; XTR is
// at parity.
func (t *txn) rate(currency string) (MicroTari, bool, error) {
	if currency == "XTR" {
		return XTRRate, true, nil
	}
	rs, err := t.ExchangeRates(t.ctx, currency, 1)
	if err != nil || len(rs) == 0 {
		return 0, false, err
	}
	return rs[0].Rate, true, nil
}

// readOrder reads what a storefront order's untrusted text says, before
// any transaction: its price in minor units and the claimant of a memo
// signature in its note.
func (e *Engine) readOrder(n NewOrder) (orderText, error) {
	minor, err := minorUnits(*n.OriginalPrice, n.Currency)
	if err != nil {
		return orderText{}, fmt.Errorf("order %s: %w", n.OrderID, err)
	}
	return orderText{memo: n.Memo, price: *n.OriginalPrice, minor: minor, claimant: e.memoClaimant(n.Memo, n.OrderID)}, nil
}

// orderText is what readOrder read from an order: the note and price it
// read, the price in minor units and the memo claimant ("" for none), or
// why the price does not parse.
type orderText struct {
	memo     *string
	price    string
	minor    *big.Int
	claimant string
	bad      error
}

// reads reports whether in was read from w's current note and price.
func (in orderText) reads(w WaitingOrder) bool {
	return in.price == w.Price && (in.memo == nil) == (w.Memo == nil) && (in.memo == nil || *in.memo == *w.Memo)
}

// priced is n with its price, read into in, converted at rate.
func (in orderText) priced(n NewOrder, rate MicroTari) (NewOrder, error) {
	total, err := convert(in.minor, *n.OriginalPrice, n.Currency, rate)
	if err == nil {
		err = checkOrderTotal(n.OrderID, total)
	}
	if err != nil {
		return n, fmt.Errorf("order %s: %w", n.OrderID, err)
	}
	n.TotalPrice, n.ExchangeRate = total, rate
	return n, nil
}

// wait stores n as waiting for a rate of its currency. exists reports an
// order_id already stored, as an order or waiting.
func (t *txn) wait(n NewOrder) (exists bool, err error) {
	if _, found, err := t.OrderByRef(t.ctx, n.OrderID, false); err != nil || found {
		return found, err
	}
	w := WaitingOrder{
		OrderID: n.OrderID, AltID: n.AltID, CustomerID: n.CustomerID, Memo: n.Memo,
		Price: *n.OriginalPrice, Currency: n.Currency, CreatedAt: n.CreatedAt.UTC().Truncate(time.Microsecond),
		AmountOutstanding: n.AmountOutstanding, ReceivedAt: t.now, ClaimToken: newClaimToken(),
		CheckoutToken: n.CheckoutToken,
	}
	if w.CreatedAt.IsZero() {
		w.CreatedAt = t.now
	}
	ok, err := t.InsertWaitingOrder(t.ctx, &w)
	if err != nil {
		return false, err
	}
	if !ok {
		if _, found, err := t.WaitingOrderByRef(t.ctx, n.OrderID); err != nil || found {
			return found, err
		}
		return false, Errorf(ECONFLICT, ErrOrderExists, "Another order already has the alt_id of order %s", n.OrderID)
	}
	t.audit("order", w.OrderID, "exchange_rate", nil, nil, "received before any "+w.Currency+" exchange rate: waiting for one")
	return false, nil
}

// readWaiting reads, outside any transaction, the orders waiting for a
// rate of currency, keyed by id.
func (e *Engine) readWaiting(ctx context.Context, currency string) (map[int64]orderText, error) {
	var waiting []WaitingOrder
	err := e.view(ctx, func(t *txn) (err error) {
		waiting, err = t.WaitingOrders(t.ctx, currency)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]orderText, len(waiting))
	for _, w := range waiting {
		in, err := e.readOrder(w.newOrder())
		if err != nil {
			in = orderText{memo: w.Memo, price: w.Price, bad: err}
		}
		out[w.ID] = in
	}
	return out, nil
}

// priceWaiting prices every order waiting for r's currency at r; each then
// takes AddOrder's path, its expiry clocks starting now. read holds what
// readWaiting read of them; an order it has not read as it now is (it
// started waiting, or its note was redacted, since) is left waiting and
// counted in unread, for the caller to read and price in a next
// transaction. It records in unpriced the orders that this rate cannot
// price (their price is malformed or overflows, or their alt_id was taken
// meanwhile), which stay waiting.
func (e *Engine) priceWaiting(t *txn, r ExchangeRate, read map[int64]orderText, unpriced map[string]error) (unread int, err error) {
	waiting, err := t.WaitingOrders(t.ctx, r.Currency)
	if err != nil {
		return 0, err
	}
	for _, w := range waiting {
		in, ok := read[w.ID]
		if !ok || !in.reads(w) {
			unread++
			continue
		}
		if in.bad != nil {
			unpriced[w.OrderID] = in.bad
			continue
		}
		n, err := in.priced(w.newOrder(), r.Rate)
		if err != nil {
			unpriced[w.OrderID] = err
			continue
		}
		_, exists, err := e.addOrder(t, n, in.claimant, w.ClaimToken, "priced once its exchange rate was set")
		switch {
		case errors.Is(err, ErrOrderExists):
			unpriced[w.OrderID] = err
			continue
		case err != nil:
			return 0, err
		}
		// An order_id already stored as an order needs no waiting either.
		if err := t.DeleteWaitingOrder(t.ctx, w.ID); err != nil {
			return 0, err
		}
		if !exists {
			t.audit("order", w.OrderID, "exchange_rate", nil, strPtr(r.Rate.String()), "priced at the new "+r.Currency+" rate")
		}
	}
	return unread, nil
}

// newOrder is what the storefront sent for w.
func (w WaitingOrder) newOrder() NewOrder {
	price := w.Price
	return NewOrder{
		OrderID: w.OrderID, AltID: w.AltID, CustomerID: w.CustomerID, Memo: w.Memo,
		OriginalPrice: &price, Currency: w.Currency, CreatedAt: w.CreatedAt, AmountOutstanding: w.AmountOutstanding,
		CheckoutToken: w.CheckoutToken,
	}
}

// dropWaiting stops the order ref from waiting for a rate, because the
// storefront cancelled it. notFound is returned when no order waits.
func (t *txn) dropWaiting(ref, reason string, notFound error) error {
	w, found, err := t.WaitingOrderByRef(t.ctx, ref)
	if err != nil {
		return err
	}
	if !found {
		return notFound
	}
	if err := t.DeleteWaitingOrder(t.ctx, w.ID); err != nil {
		return err
	}
	t.audit("order", w.OrderID, "exchange_rate", nil, nil, reason+": no longer waiting for a "+w.Currency+" rate")
	return nil
}

// WaitingOrder finds an order waiting for an exchange rate by its
// order_id; a miss is ErrOrderNotFound.
func (e *Engine) WaitingOrder(ctx context.Context, orderID string) (WaitingOrder, error) {
	return e.waitingOrder(ctx, orderID, func(t *txn) (WaitingOrder, bool, error) {
		return t.WaitingOrderByRef(t.ctx, orderID)
	})
}

// WaitingOrderByClaimToken finds the waiting order behind a /pay/{token}
// link; a miss is ErrOrderNotFound.
func (e *Engine) WaitingOrderByClaimToken(ctx context.Context, token string) (WaitingOrder, error) {
	return e.waitingOrder(ctx, token, func(t *txn) (WaitingOrder, bool, error) {
		return t.WaitingOrderByClaimToken(t.ctx, token)
	})
}

func (e *Engine) waitingOrder(ctx context.Context, ref string, find func(*txn) (WaitingOrder, bool, error)) (WaitingOrder, error) {
	var w WaitingOrder
	err := e.view(ctx, func(t *txn) error {
		var ok bool
		var err error
		if w, ok, err = find(t); err != nil {
			return err
		}
		if !ok || ref == "" {
			return Errorf(ENOTFOUND, ErrOrderNotFound, "No order waits for an exchange rate here")
		}
		return nil
	})
	return w, err
}
