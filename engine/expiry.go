package engine

import (
	"context"
	"time"
)

// ExpireOrders annuls open orders past their deadlines: Unclaimed orders
// UnclaimedOrderTimeout after taripay recorded them, New orders
// UnpaidOrderTimeout after their first claim (docs/design.md, "Expiry clocks stay put"; later
// writes do not restart the clocks). One process runs a pass at a time (a
// lock that others skip rather than wait for), and each order is expired by
// a conditional update under its row lock, so exactly one process annuls
// it, emits OrderAnnulled and queues the storefront cancellation.
func (e *Engine) ExpireOrders(ctx context.Context) ([]Order, error) {
	ctx = WithActor(ctx, "expiry")
	var out []Order
	err := e.update(ctx, func(t *txn) error {
		out = []Order{}
		if ok, err := t.TryLock(t.ctx, "taripay:expiry"); err != nil || !ok {
			return err
		}
		due, err := t.ExpirableOrders(t.ctx, t.now.Add(-e.cfg.UnclaimedOrderTimeout), t.now.Add(-e.cfg.UnpaidOrderTimeout))
		if err != nil {
			return err
		}
		for _, o := range due {
			cur, err := t.LockOrder(t.ctx, o.ID)
			if err != nil {
				return err
			}
			if cur.Status != o.Status {
				continue
			}
			next := cur
			next.Status, next.UpdatedAt = OrderExpired, t.now
			ok, err := t.saveOrder(cur, next, "expired: "+string(cur.Status)+" for too long")
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if err := t.emit(OrderAnnulledEvent{Order: next}); err != nil {
				return err
			}
			if err := t.InsertSideEffect(t.ctx, SideEffectCancel, next.OrderID, t.now); err != nil {
				return err
			}
			out = append(out, next)
		}
		return nil
	})
	return out, err
}

// Deadline is when an open order expires, as ExpireOrders counts it: an
// Unclaimed order UnclaimedOrderTimeout after taripay recorded it, a New
// order UnpaidOrderTimeout after its first claim. ok is false for a closed
// order, or when its timeout is zero. The pay page's time left and
// /order/claim's expires_at both come from here.
func (c Config) Deadline(o Order) (t time.Time, ok bool) {
	switch o.Status {
	case OrderUnclaimed:
		from := o.RecordedAt
		if from.IsZero() {
			from = o.UpdatedAt
		}
		return from.Add(c.UnclaimedOrderTimeout), c.UnclaimedOrderTimeout > 0
	case OrderNew:
		from := o.UpdatedAt
		if o.ClaimedAt != nil {
			from = *o.ClaimedAt
		}
		return from.Add(c.UnpaidOrderTimeout), c.UnpaidOrderTimeout > 0
	}
	return time.Time{}, false
}

// Deadline is Config.Deadline under the engine's configuration.
func (e *Engine) Deadline(o Order) (time.Time, bool) { return e.cfg.Deadline(o) }

// RunExpiry runs ExpireOrders and PruneLoginNonces now and then every
// interval until ctx ends. Errors are logged and the loop goes on.
func (e *Engine) RunExpiry(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		expired, err := e.ExpireOrders(ctx)
		if err != nil && ctx.Err() == nil {
			e.log.Error("expiry pass failed", "err", err)
		}
		for _, o := range expired {
			e.log.Info("order expired", "order_id", o.OrderID, "customer_id", o.CustomerID)
		}
		if n, err := e.PruneLoginNonces(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("pruning login nonces failed", "err", err)
		} else if n > 0 {
			e.log.Info("expired login nonces pruned", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
