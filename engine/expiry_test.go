package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"taripay/db"
	"taripay/engine"
)

// Two engine instances, each with its own pool on one database and its own
// expiry worker: every expired order is annulled exactly once (issue 2,
// acceptance 3).
func TestTwoProcessesExpireEachOrderOnce(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		const n = 60
		for i := range n {
			en.order(fmt.Sprintf("o%02d", i), fmt.Sprintf("c%d", i%7), xtr(1), nil)
		}
		en.clock.Add(3 * time.Hour)

		second, err := db.Open(en.ctx, en.url)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		other := engine.New(defaultConfig, second, en.clock)
		other.SetLogger(slog.New(slog.DiscardHandler))
		other.Subscribe(en.events.record)
		engines := []*engine.Engine{en.e, other}
		ctx, cancel := context.WithCancel(en.ctx)
		var wg sync.WaitGroup
		for _, e := range engines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.RunExpiry(ctx, time.Millisecond)
			}()
		}
		// Wait (bounded) until every order is expired, then stop both workers.
		for range 2000 {
			orders, err := en.e.SearchOrders(en.ctx, engine.OrderQuery{Statuses: []engine.OrderStatus{engine.OrderExpired}})
			if err != nil {
				t.Fatal(err)
			}
			if len(orders) == n {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond) // let both workers run more passes over the expired orders
		cancel()
		wg.Wait()

		annulled := map[string]int{}
		for _, env := range en.events.all() {
			if ev, ok := env.Event.(engine.OrderAnnulledEvent); ok {
				annulled[ev.Order.OrderID]++
			}
		}
		for i := range n {
			id := fmt.Sprintf("o%02d", i)
			if annulled[id] != 1 {
				t.Errorf("order %s annulled %d times", id, annulled[id])
			}
			ses, err := en.e.SideEffects(en.ctx, id)
			if err != nil || len(ses) != 1 {
				t.Errorf("order %s: side effects %+v, %v", id, ses, err)
			}
			audit, err := en.e.Audit(en.ctx, "order", id)
			if err != nil {
				t.Fatal(err)
			}
			expiries := 0
			for _, a := range audit {
				if a.Field == "status" && a.NewValue != nil && *a.NewValue == string(engine.OrderExpired) {
					expiries++
				}
			}
			if expiries != 1 {
				t.Errorf("order %s: %d expiries in the audit trail", id, expiries)
			}
		}
		var persisted int
		if err := en.db.Bun().NewRaw("SELECT COUNT(*) FROM events WHERE type = 'OrderAnnulled'").Scan(en.ctx, &persisted); err != nil || persisted != n {
			t.Errorf("outbox has %d OrderAnnulled events, want %d (%v)", persisted, n, err)
		}
	})
}
