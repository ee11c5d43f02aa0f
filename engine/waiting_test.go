package engine_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"taripay/engine"
)

// fiat is a storefront order priced in currency, as the Shopify
// integration hands it to ReceiveOrder.
func fiat(id, customer, price, currency string, memo *string) engine.NewOrder {
	name := "#" + id
	return engine.NewOrder{OrderID: id, AltID: &name, CustomerID: customer, Memo: memo,
		OriginalPrice: &price, Currency: currency, CreatedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// receiveOrder hands n to ReceiveOrder and checks whether it waits.
func (en *env) receiveOrder(n engine.NewOrder, wantWaiting bool) engine.Order {
	en.t.Helper()
	o, waiting, err := en.e.ReceiveOrder(en.ctx, n)
	if err != nil {
		en.t.Fatalf("ReceiveOrder %s: %v", n.OrderID, err)
	}
	if waiting != wantWaiting {
		en.t.Fatalf("ReceiveOrder %s: waiting = %v, want %v", n.OrderID, waiting, wantWaiting)
	}
	return o
}

func (en *env) setRate(currency string, rate engine.MicroTari) {
	en.t.Helper()
	if _, err := en.e.SetExchangeRate(en.ctx, currency, rate); err != nil {
		en.t.Fatalf("SetExchangeRate %s: %v", currency, err)
	}
}

func (en *env) waiting() []engine.WaitingCount {
	en.t.Helper()
	d, err := en.e.Dashboard(en.ctx, 7)
	if err != nil {
		en.t.Fatal(err)
	}
	return d.Waiting
}

// An order whose currency has no rate is kept, waits with its clocks
// stopped, and is priced by the first rate set for its currency; it then
// takes the normal path, its unclaimed clock starting at pricing.
func TestOrderWaitsForItsRate(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.receiveOrder(fiat("1001", "c1", "23.90", "usd", nil), true)
		en.receiveOrder(fiat("1002", "c2", "1500", "JPY", nil), true)
		en.wantTypes() // no order yet, so no NewOrder

		if _, err := en.e.Order(en.ctx, "1001", false); !errors.Is(err, engine.ErrOrderNotFound) {
			t.Fatalf("a waiting order is an order: %v", err)
		}
		w, err := en.e.WaitingOrder(en.ctx, "1001")
		if err != nil {
			t.Fatal(err)
		}
		if w.Price != "23.90" || w.Currency != "USD" || w.ClaimToken == "" || !w.ReceivedAt.Equal(en.clock.Now()) {
			t.Fatalf("waiting order = %+v", w)
		}
		if byToken, err := en.e.WaitingOrderByClaimToken(en.ctx, w.ClaimToken); err != nil || byToken.OrderID != "1001" {
			t.Fatalf("by claim token: %+v, %v", byToken, err)
		}
		if got := fmt.Sprint(en.waiting()); got != "[{JPY 1} {USD 1}]" {
			t.Fatalf("waiting counts = %s", got)
		}
		en.receiveOrder(fiat("other", "c1", "1", "XTR", nil), false) // XTR never waits

		// The clocks do not run while it waits.
		en.clock.Add(100 * time.Hour)
		if expired, err := en.e.ExpireOrders(en.ctx); err != nil || len(expired) != 1 || expired[0].OrderID != "other" {
			t.Fatalf("expired %+v, %v; want only the XTR order", expired, err)
		}
		en.events.take()

		en.setRate("USD", 10_000_000)
		priced := en.clock.Now()
		o, err := en.e.Order(en.ctx, "1001", false)
		if err != nil {
			t.Fatalf("not priced: %v", err)
		}
		if o.TotalPrice != 239_000_000 || o.ExchangeRate != 10_000_000 || *o.OriginalPrice != "23.90" || o.Currency != "USD" ||
			o.Status != engine.OrderUnclaimed || !o.RecordedAt.Equal(priced) || o.ClaimToken != w.ClaimToken ||
			*o.AltID != "#1001" || !o.CreatedAt.Equal(w.CreatedAt) {
			t.Fatalf("priced order = %+v", o)
		}
		en.wantTypes(engine.EventNewOrder)
		if got := fmt.Sprint(en.waiting()); got != "[{JPY 1}]" {
			t.Fatalf("waiting counts after the USD rate = %s", got)
		}
		if _, err := en.e.WaitingOrder(en.ctx, "1001"); !errors.Is(err, engine.ErrOrderNotFound) {
			t.Fatalf("still waiting: %v", err)
		}
		audit, err := en.e.Audit(en.ctx, "order", "1001")
		if err != nil || len(audit) != 3 || audit[0].Field != "exchange_rate" || audit[1].NewValue == nil || *audit[1].NewValue != "Unclaimed" ||
			audit[2].NewValue == nil || *audit[2].NewValue != "10000000" {
			t.Fatalf("audit = %+v, %v", audit, err)
		}

		// The unclaimed clock runs from the pricing.
		en.clock.Add(2 * time.Hour)
		if expired := en.expire(); len(expired) != 0 {
			t.Fatalf("expired %d orders before the unclaimed timeout from pricing", len(expired))
		}
		en.clock.Add(time.Second)
		if expired := en.expire(); len(expired) != 1 || expired[0].OrderID != "1001" {
			t.Fatalf("expired %+v, want 1001", expired)
		}

		// A later rate prices nothing twice.
		en.events.take()
		en.setRate("USD", 20_000_000)
		en.wantTypes()
	})
}

// Priced, a waiting order goes the normal way: a memo signature claims it,
// a payment that named it claims it for its sender, and the customer's
// credit pays it, all in the rate change.
func TestWaitingOrderTakesTheNormalPath(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, bob, carol := newUser(t), newUser(t), newUser(t)

		// carol's credit (a confirmed payment linked to her customer) pays her order.
		en.receive("tx-carol", carol.String(), xtr(300), nil, ptr("old"))
		en.confirm("tx-carol")
		en.order("old", "c-carol", xtr(50), nil)
		en.wantBalance(carol.String(), xtr(250))
		// bob paid before his order arrived, naming it; not confirmed yet.
		en.receive("tx-bob", bob.String(), xtr(100), nil, ptr("2002"))

		en.receiveOrder(fiat("2001", "c-alice", "10.00", "EUR", alice.memo(t, "2001")), true)
		en.receiveOrder(fiat("2002", "c-bob", "10.00", "EUR", nil), true)
		en.receiveOrder(fiat("2003", "c-carol", "10.00", "EUR", nil), true)
		en.receiveOrder(fiat("2004", "c-dave", "10.00", "EUR", nil), true)
		en.events.take()

		en.setRate("eur", 10_000_000) // 100 XTR an order
		pricedAt := en.clock.Now()
		want := map[string]engine.OrderStatus{"2001": engine.OrderNew, "2002": engine.OrderNew, "2003": engine.OrderPaid, "2004": engine.OrderUnclaimed}
		for id, status := range want {
			o, err := en.e.Order(en.ctx, id, false)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != status || o.TotalPrice != xtr(100) {
				t.Errorf("order %s = %s at %d µT, want %s at 100 XTR", id, o.Status, o.TotalPrice, status)
			}
			if status == engine.OrderNew && (o.ClaimedAt == nil || !o.ClaimedAt.Equal(pricedAt)) {
				t.Errorf("order %s claimed at %v, want the pricing", id, o.ClaimedAt)
			}
		}
		en.wantTypes(engine.EventNewOrder, engine.EventNewOrder, engine.EventNewOrder, engine.EventOrderPaid, engine.EventNewOrder)
		en.wantBalance(carol.String(), xtr(150))
		jobs, err := en.e.SideEffects(en.ctx, "2003")
		if err != nil || len(jobs) != 2 || jobs[0].Kind != engine.SideEffectPayLink || jobs[1].Kind != engine.SideEffectMarkPaid {
			t.Fatalf("outbox of the order paid from credit: %+v, %v; want its pay link, then mark paid", jobs, err)
		}
		if paid := en.confirm("tx-bob"); len(paid) != 1 || paid[0].OrderID != "2002" {
			t.Fatalf("bob's confirmation paid %+v", paid)
		}
		// The unpaid clock of the claimed orders starts at the pricing.
		en.clock.Add(48 * time.Hour)
		if expired := en.expire(); len(expired) != 1 || expired[0].OrderID != "2004" {
			t.Fatalf("expired %+v, want only the unclaimed 2004", expired)
		}
		en.clock.Add(time.Second)
		if expired := en.expire(); len(expired) != 1 || expired[0].OrderID != "2001" {
			t.Fatalf("expired %+v, want 2001", expired)
		}
	})
}

func TestReceiveOrderRefusals(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.receiveOrder(fiat("3001", "c1", "5.00", "USD", nil), true)
		if _, _, err := en.e.ReceiveOrder(en.ctx, fiat("3001", "c1", "5.00", "USD", nil)); !errors.Is(err, engine.ErrOrderExists) {
			t.Errorf("a second delivery of a waiting order: %v", err)
		}
		other := fiat("3002", "c1", "5.00", "USD", nil)
		other.AltID = ptr("#3001")
		if _, _, err := en.e.ReceiveOrder(en.ctx, other); engine.ErrorCode(err) != engine.ECONFLICT {
			t.Errorf("another order with a waiting order's alt_id: %v", err)
		}
		for _, price := range []string{"1.001", "-1", "", "1e3"} {
			_, _, err := en.e.ReceiveOrder(en.ctx, fiat("3003", "c1", price, "USD", nil))
			if !errors.Is(err, engine.ErrInvalidAmount) || engine.ErrorCode(err) != engine.EINVALID {
				t.Errorf("price %q: %v", price, err)
			}
		}
		if got := fmt.Sprint(en.waiting()); got != "[{USD 1}]" {
			t.Errorf("waiting = %s", got)
		}
		en.setRate("USD", 1_000_000)
		if _, _, err := en.e.ReceiveOrder(en.ctx, fiat("3001", "c1", "5.00", "USD", nil)); !errors.Is(err, engine.ErrOrderExists) {
			t.Errorf("a second delivery of a priced order: %v", err)
		}
	})
}

// An order cancelled in the storefront while it waits is never priced.
func TestWaitingOrderCancelledInTheStorefront(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.receiveOrder(fiat("4001", "c1", "5.00", "USD", nil), true)
		if _, err := en.e.AnnulFromStorefront(en.ctx, "4001", "cancelled in Shopify"); err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.AnnulFromStorefront(en.ctx, "4001", "cancelled in Shopify"); !errors.Is(err, engine.ErrOrderNotFound) {
			t.Fatalf("second cancellation: %v", err)
		}
		en.setRate("USD", 1_000_000)
		if _, err := en.e.Order(en.ctx, "4001", false); !errors.Is(err, engine.ErrOrderNotFound) {
			t.Fatalf("a cancelled order was priced: %v", err)
		}
		if audit, _ := en.e.Audit(en.ctx, "order", "4001"); len(audit) != 2 {
			t.Errorf("audit = %+v", audit)
		}
	})
}

// A rate that cannot price an order (µT would overflow) leaves it waiting
// for a better one; the rate itself is stored.
func TestWaitingOrderThatARateCannotPrice(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.receiveOrder(fiat("5001", "c1", "92233720368547.75", "USD", nil), true)
		en.receiveOrder(fiat("5002", "c1", "1.00", "USD", nil), true)
		en.setRate("USD", 1_000_000_000)
		if got := fmt.Sprint(en.waiting()); got != "[{USD 1}]" {
			t.Fatalf("waiting = %s", got)
		}
		en.wantStatus("5002", engine.OrderUnclaimed)
		en.setRate("USD", 1)
		if o, err := en.e.Order(en.ctx, "5001", false); err != nil || o.TotalPrice != 92_233_720_368_547 {
			t.Fatalf("order = %+v, %v", o, err)
		}
	})
}

func TestRedactWaitingOrder(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.receiveOrder(fiat("6001", "c1", "5.00", "USD", ptr("call me on 555")), true)
		en.receiveOrder(fiat("6002", "c2", "5.00", "USD", ptr("keep")), true)
		if n, err := en.e.RedactCustomer(en.ctx, "c1", nil); err != nil || n != 1 {
			t.Fatalf("redacted %d, %v", n, err)
		}
		if w, _ := en.e.WaitingOrder(en.ctx, "6001"); w.Memo != nil {
			t.Errorf("memo kept: %q", *w.Memo)
		}
		if w, _ := en.e.WaitingOrder(en.ctx, "6002"); w.Memo == nil {
			t.Error("another customer's memo was redacted")
		}
	})
}

// Orders arriving while their rate is being set are all priced: none starts
// waiting after the rate change has looked for waiting orders.
func TestOrdersRacingTheirRate(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		const rounds, orders = 5, 8
		for r := range rounds {
			cur := fmt.Sprintf("C%02d", r)
			var wg sync.WaitGroup
			errs := make(chan error, orders+1)
			for i := range orders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, err := en.e.ReceiveOrder(en.ctx, fiat(fmt.Sprintf("%s-%d", cur, i), "c", "1.00", cur, nil))
					errs <- err
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := en.e.SetExchangeRate(en.ctx, cur, 1_000_000)
				errs <- err
			}()
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if w := en.waiting(); len(w) != 0 {
			t.Fatalf("orders left waiting although their rate is set: %v", w)
		}
		priced, err := en.e.SearchOrders(en.ctx, engine.OrderQuery{})
		if err != nil || len(priced) != rounds*orders {
			t.Fatalf("%d orders, %v", len(priced), err)
		}
	})
}

// An order keeps the storefront's checkout token, whether it is priced at
// once or waits for its rate first.
func TestOrderKeepsItsCheckoutToken(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.setRate("USD", 2_000_000)
		now := fiat("1001", "c1", "23.90", "USD", nil)
		now.CheckoutToken = "checkout-1001"
		later := fiat("1002", "c2", "1500", "JPY", nil)
		later.CheckoutToken = "checkout-1002"
		en.receiveOrder(now, false)
		en.receiveOrder(later, true)
		w, err := en.e.WaitingOrder(en.ctx, "1002")
		if err != nil || w.CheckoutToken != "checkout-1002" {
			t.Fatalf("waiting order = %+v, %v", w, err)
		}
		en.setRate("JPY", 10_000)
		for id, want := range map[string]string{"1001": "checkout-1001", "1002": "checkout-1002"} {
			o, err := en.e.Order(en.ctx, id, false)
			if err != nil || o.CheckoutToken != want {
				t.Errorf("order %s: checkout token %q, %v; want %q", id, o.CheckoutToken, err, want)
			}
		}
	})
}

// A received order queues its pay link for the storefront once, whether it
// is priced at once or waits; a repeated delivery queues nothing more.
func TestReceiveOrderQueuesItsPayLinkOnce(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.setRate("USD", 2_000_000)
		en.receiveOrder(fiat("1001", "c1", "23.90", "USD", nil), false)
		en.receiveOrder(fiat("1002", "c2", "1500", "JPY", nil), true)
		if _, _, err := en.e.ReceiveOrder(en.ctx, fiat("1001", "c1", "23.90", "USD", nil)); !errors.Is(err, engine.ErrOrderExists) {
			t.Fatalf("second delivery: %v", err)
		}
		for _, id := range []string{"1001", "1002"} {
			jobs, err := en.e.SideEffects(en.ctx, id)
			if err != nil || len(jobs) != 1 || jobs[0].Kind != engine.SideEffectPayLink || jobs[0].State != engine.SideEffectPending {
				t.Errorf("order %s outbox: %+v, %v", id, jobs, err)
			}
		}
	})
}
