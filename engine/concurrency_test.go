package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"taripay/engine"
	"taripay/engine/tari"
)

// ledger recomputes balances from the journal (payments, settlements and
// write-offs) and checks the invariants (docs/engine.md, "Invariants")
// against it and against the stored balance rows: a Paid order's
// settlements and write-off add up to its total, a write-off stays within
// the tolerance that allowed it, and confirmed payments + write-offs =
// paid order totals + balances (docs/money.md).
func checkLedger(t *testing.T, en *env) (paidOrders map[string]bool) {
	t.Helper()
	ctx := context.Background()
	b := en.db.Bun()
	var confirmed []struct {
		Sender string
		Total  engine.MicroTari
	}
	if err := b.NewRaw("SELECT sender, SUM(amount) AS total FROM payments WHERE status = 'Confirmed' GROUP BY sender").Scan(ctx, &confirmed); err != nil {
		t.Fatal(err)
	}
	var settled []struct {
		PaymentAddress string
		Total          engine.MicroTari
	}
	if err := b.NewRaw("SELECT payment_address, SUM(amount) AS total FROM settlements GROUP BY payment_address").Scan(ctx, &settled); err != nil {
		t.Fatal(err)
	}
	spent := map[string]engine.MicroTari{}
	for _, s := range settled {
		spent[s.PaymentAddress] = s.Total
	}
	var sumConfirmed, sumBalance, sumPaid engine.MicroTari
	for _, c := range confirmed {
		bal := en.balance(c.Sender)
		if c.Total != spent[c.Sender]+bal {
			t.Errorf("address %s: confirmed %d != settled %d + balance %d", c.Sender, c.Total, spent[c.Sender], bal)
		}
		if bal < 0 {
			t.Errorf("address %s: negative balance %d", c.Sender, bal)
		}
		sumConfirmed += c.Total
		sumBalance += bal
	}
	var orders []engine.Order
	var writeOffs []engine.WriteOff
	if err := en.db.View(ctx, func(tx engine.Tx) (err error) {
		if orders, err = tx.SearchOrders(ctx, engine.OrderQuery{}); err != nil {
			return err
		}
		ids := make([]string, len(orders))
		for i, o := range orders {
			ids[i] = o.OrderID
		}
		writeOffs, err = tx.WriteOffsByOrders(ctx, ids)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var perOrder []struct {
		OrderID string
		Total   engine.MicroTari
		N       int
	}
	if err := b.NewRaw("SELECT order_id, SUM(amount) AS total, COUNT(*) AS n FROM settlements GROUP BY order_id").Scan(ctx, &perOrder); err != nil {
		t.Fatal(err)
	}
	settledOrder := map[string]engine.MicroTari{}
	for _, p := range perOrder {
		settledOrder[p.OrderID] = p.Total
	}
	writtenOff := map[string]engine.WriteOff{}
	var sumWrittenOff engine.MicroTari
	for _, w := range writeOffs {
		if _, twice := writtenOff[w.OrderID]; twice {
			t.Errorf("order %s has two write-offs", w.OrderID)
		}
		writtenOff[w.OrderID] = w
		sumWrittenOff += w.Amount
	}
	paidOrders = map[string]bool{}
	for _, o := range orders {
		s, has := settledOrder[o.OrderID]
		w, short := writtenOff[o.OrderID]
		switch {
		case o.Status == engine.OrderPaid && s+w.Amount != o.TotalPrice: // nothing to pay: no settlement
			t.Errorf("order %s is Paid with settlements %d and write-off %d, price %d", o.OrderID, s, w.Amount, o.TotalPrice)
		case o.Status != engine.OrderPaid && (has || short):
			t.Errorf("order %s is %s but has settlements %d and write-off %d", o.OrderID, o.Status, s, w.Amount)
		case short && (w.Amount <= 0 || w.Amount > w.Tolerance.Forgiven(o.TotalPrice)):
			t.Errorf("order %s: write-off %d beyond the %s %% tolerance of its price %d", o.OrderID, w.Amount, w.Tolerance, o.TotalPrice)
		}
		if o.Status == engine.OrderPaid {
			paidOrders[o.OrderID] = true
			sumPaid += o.TotalPrice
		}
	}
	// Refunds sent stay within the paid orders' totals; credited ones came
	// back as credit notes, among the confirmed payments.
	sent := checkRefunds(t, en, settledOrder)
	if sumConfirmed+sumWrittenOff != sumPaid+sumBalance || sent > sumPaid {
		t.Errorf("conservation: confirmed %d + write-offs %d != paid %d + balances %d, or refunds sent %d beyond the paid", sumConfirmed, sumWrittenOff, sumPaid, sumBalance, sent)
	}
	return paidOrders
}

// checkOrderPaidOnce checks OrderPaid fired exactly once per paid order.
func checkOrderPaidOnce(t *testing.T, envs []engine.Envelope, paid map[string]bool) {
	t.Helper()
	count := map[string]int{}
	for _, env := range envs {
		if ev, ok := env.Event.(engine.OrderPaidEvent); ok {
			count[ev.Order.OrderID]++
		}
	}
	for id := range paid {
		if count[id] != 1 {
			t.Errorf("order %s: OrderPaid fired %d times", id, count[id])
		}
	}
	for id, n := range count {
		if !paid[id] {
			t.Errorf("order %s: OrderPaid fired %d times but it is not Paid", id, n)
		}
	}
}

// 200 concurrent confirmations and claims over 20 accounts and 100 orders
// (issue 2, acceptance 2). Some claims link an account to another
// account's customer, so balances race across customers too.
func TestConcurrentConfirmationsAndClaims(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		rng := rand.New(rand.NewPCG(1, 2))
		const accounts, orders = 20, 100
		addr := func(i int) string { return fmt.Sprintf("addr-%02d", i) }
		for i := range orders {
			en.order(fmt.Sprintf("o%03d", i), fmt.Sprintf("c%02d", i%accounts), xtr(int64(1+rng.IntN(20))), nil)
		}
		type op struct {
			claim   bool
			ref     string
			address string
		}
		var ops []op
		for i := range orders {
			owner := i % accounts
			if rng.IntN(5) == 0 {
				owner = rng.IntN(accounts)
			}
			ops = append(ops, op{claim: true, ref: fmt.Sprintf("o%03d", i), address: addr(owner)})
		}
		for i := range 100 {
			txid := fmt.Sprintf("tx%03d", i)
			en.receive(txid, addr(i%accounts), xtr(int64(5+rng.IntN(40))), nil, nil)
			ops = append(ops, op{ref: txid})
		}
		rng.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
		wallets := make([]string, len(ops))
		for i := range ops {
			wallets[i] = fmt.Sprintf("wallet-%03d", i)
			if err := en.e.AuthorizeWallet(en.ctx, engine.Wallet{Address: wallets[i], IPAddress: "10.0.0.1"}); err != nil {
				t.Fatal(err)
			}
		}
		en.events.take()

		var wg sync.WaitGroup
		errs := make(chan error, len(ops))
		for i, o := range ops {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if o.claim {
					_, err = en.e.Claim(en.ctx, o.ref, o.address)
					if engine.ErrorCode(err) == engine.ECONFLICT {
						err = nil // already paid by a confirmation: refused, as it should be
					}
				} else {
					_, err = en.e.ConfirmPayment(en.ctx, engine.WalletCall{Address: wallets[i], Nonce: 1}, o.ref)
				}
				if err != nil {
					errs <- fmt.Errorf("%+v: %w", o, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		paid := checkLedger(t, en)
		if len(paid) == 0 {
			t.Fatal("no order was paid; the test exercises nothing")
		}
		checkOrderPaidOnce(t, en.events.all(), paid)
		t.Logf("%s: %d of %d orders paid", backend, len(paid), orders)
	})
}

// Every money path at once — confirmations, claims, credit notes, settles,
// price changes, reassigns, fulfils, cancels and expiry — keeps the ledger
// invariants (docs/design.md, "No payment counts twice" and
// "Concurrency is safe on both databases").
// With the most underpayment tolerance, payments fall a little short of
// whole XTR, so orders are paid short and written off along the way.
func TestConcurrentMoneyPaths(t *testing.T) {
	for _, tol := range []engine.Tolerance{0, engine.MaxTolerance} {
		t.Run("tolerance="+tol.String(), func(t *testing.T) { concurrentMoneyPaths(t, tol) })
	}
}

func concurrentMoneyPaths(t *testing.T, tol engine.Tolerance) {
	backends(t, func(t *testing.T, backend string) {
		cfg := defaultConfig
		cfg.UnclaimedOrderTimeout = 20 * time.Second // the older half of the orders is expirable
		cfg.UnderpaymentTolerance = tol
		en := newEnv(t, backend, cfg)
		rng := rand.New(rand.NewPCG(3, 4))
		const accounts, orders = 8, 40
		addr := func(i int) string { return fmt.Sprintf("addr-%d", i) }
		cust := func(i int) string { return fmt.Sprintf("c%d", i) }
		for i := range orders {
			en.order(fmt.Sprintf("o%02d", i), cust(i%accounts), xtr(int64(1+rng.IntN(10))), nil)
		}
		for i := range 40 {
			var short engine.MicroTari
			if tol > 0 {
				short = engine.MicroTari(rng.Int64N(300_000))
			}
			en.receive(fmt.Sprintf("tx%02d", i), addr(i%accounts), xtr(int64(1+rng.IntN(12)))-short, nil, nil)
		}
		// Customer cw's orders are paid by addr-w alone, 9.6 XTR for each 10
		// XTR order: with the tolerance, each confirmation pays one 0.4 XTR
		// short, however the operations interleave.
		var txids []string
		for i := range 40 {
			txids = append(txids, fmt.Sprintf("tx%02d", i))
		}
		for i := range 3 {
			id := fmt.Sprintf("w%d", i)
			en.order(id, "cw", xtr(10), nil)
			en.receive("tx-"+id, "addr-w", xtr(10)-400_000, nil, ptr(id))
			txids = append(txids, "tx-"+id)
		}
		var ops []func(wallet string) error
		order := func() string { return fmt.Sprintf("o%02d", rng.IntN(orders)) }
		for _, txid := range txids {
			ops = append(ops, func(w string) error {
				_, err := en.e.ConfirmPayment(en.ctx, engine.WalletCall{Address: w, Nonce: 1}, txid)
				return err
			})
		}
		for range 40 {
			ref, a := order(), addr(rng.IntN(accounts))
			ops = append(ops, func(string) error { _, err := en.e.Claim(en.ctx, ref, a); return err })
		}
		for range 10 {
			c, amount := cust(rng.IntN(accounts)), xtr(int64(1+rng.IntN(8)))
			ops = append(ops, func(string) error { _, err := en.e.CreditNote(en.ctx, c, amount, ""); return err })
			ops = append(ops, func(string) error { _, err := en.e.SettleCustomer(en.ctx, c); return err })
			a := addr(rng.IntN(accounts))
			ops = append(ops, func(string) error { _, err := en.e.SettleAddress(en.ctx, a); return err })
			ref, price := order(), xtr(int64(rng.IntN(6)))
			ops = append(ops, func(string) error { _, err := en.e.ChangePrice(en.ctx, ref, price, ""); return err })
			ref2, c2 := order(), cust(rng.IntN(accounts))
			ops = append(ops, func(string) error { _, err := en.e.Reassign(en.ctx, ref2, c2, ""); return err })
			ref3 := order()
			ops = append(ops, func(string) error { _, err := en.e.Fulfill(en.ctx, ref3, ""); return err })
			ref4 := order()
			ops = append(ops, func(string) error { _, err := en.e.Cancel(en.ctx, ref4, ""); return err })
			ops = append(ops, func(string) error { _, err := en.e.ExpireOrders(en.ctx); return err })
		}
		rng.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
		var wg sync.WaitGroup
		for i, op := range ops {
			w := fmt.Sprintf("wallet-%03d", i)
			if err := en.e.AuthorizeWallet(en.ctx, engine.Wallet{Address: w, IPAddress: "10.0.0.1"}); err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Refusals (closed order, no-op, forbidden) are expected; anything else is a bug.
				if err := op(w); err != nil && engine.ErrorCode(err) != engine.EINVALID && engine.ErrorCode(err) != engine.ECONFLICT {
					t.Errorf("op %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		paid := checkLedger(t, en)
		checkOrderPaidOnce(t, en.events.all(), paid)
		if len(paid) == 0 {
			t.Fatal("no order was paid")
		}
		if n, err := en.db.Bun().NewSelect().Table("write_offs").Count(en.ctx); err != nil || (tol > 0) != (n > 0) {
			t.Errorf("%d write-offs (%v) with a tolerance of %s %%", n, err, tol)
		}
	})
}

// racingStore hands every write transaction a Tx whose read of payment
// txid goes through seen: the test decides what each confirmation sees.
type racingStore struct {
	engine.Store
	txid string
	seen func(ctx context.Context, p engine.Payment) engine.Payment
}

func (s racingStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.Update(ctx, func(tx engine.Tx) error { return fn(racingTx{tx, s}) })
}

type racingTx struct {
	engine.Tx
	s racingStore
}

func (t racingTx) Payment(ctx context.Context, txid string) (engine.Payment, bool, error) {
	p, ok, err := t.Tx.Payment(ctx, txid)
	if err != nil || !ok || txid != t.s.txid {
		return p, ok, err
	}
	return t.s.seen(ctx, p), true, nil
}

// bothRead makes the first two reads of the payment wait for each other:
// on PostgreSQL the two transactions then truly run together, each having
// read the payment as Received before either updates it. SQLite runs one
// write transaction at a time, so there the second is shown the payment as
// the first read it: the interleaving a store without that lock allows.
func bothRead(backend string) func(context.Context, engine.Payment) engine.Payment {
	var mu sync.Mutex
	var first *engine.Payment
	arrived, both := 0, make(chan struct{})
	return func(ctx context.Context, p engine.Payment) engine.Payment {
		mu.Lock()
		arrived++
		if arrived == 2 {
			close(both)
		}
		if first == nil {
			first = &p
		}
		stale := *first
		mu.Unlock()
		if backend == "sqlite" {
			return stale
		}
		select {
		case <-both:
		case <-ctx.Done():
		}
		return p
	}
}

// Two confirmations of one payment that both read it as Received race to
// move its money: the conditional update in ConfirmPayment lets exactly one
// through, and the other is "already confirmed". One credit, one
// settlement, one event each, and the ledger balances.
func TestConcurrentConfirmationsOfOnePayment(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t)
		en.order("o1", "c1", xtr(30), alice.memo(t, "o1"))
		en.receive("tx1", alice.String(), xtr(100), nil, nil)
		// Two wallets, so that the nonce rows do not serialise the two
		// transactions before they read the payment.
		wallets := []string{"wallet-a", "wallet-b"}
		for _, w := range wallets {
			if err := en.e.AuthorizeWallet(en.ctx, engine.Wallet{Address: w, IPAddress: "10.0.0.1"}); err != nil {
				t.Fatal(err)
			}
		}
		racing := engine.New(defaultConfig, racingStore{Store: en.db, txid: "tx1", seen: bothRead(backend)}, en.clock)
		racing.SetLogger(slog.New(slog.DiscardHandler))
		racing.Subscribe(en.events.record)
		en.events.take()

		ctx, cancel := context.WithTimeout(en.ctx, time.Minute) // a lost race fails rather than hangs
		defer cancel()
		results := make([]engine.Confirmation, len(wallets))
		errs := make([]error, len(wallets))
		var wg sync.WaitGroup
		for i, w := range wallets {
			wg.Go(func() {
				results[i], errs[i] = racing.ConfirmPayment(ctx, engine.WalletCall{Address: w, Nonce: 1}, "tx1")
			})
		}
		wg.Wait()
		var won, lost int
		for i, err := range errs {
			switch {
			case err != nil:
				t.Fatalf("confirmation: %v", err)
			case results[i].Repeat:
				lost++
			default:
				won++
			}
		}
		if won != 1 || lost != 1 {
			t.Errorf("%d confirmations moved the money and %d were refused as already confirmed; want 1 and 1", won, lost)
		}
		b, err := en.e.AddressBalance(en.ctx, alice.String())
		if err != nil {
			t.Fatal(err)
		}
		if b.TotalConfirmed != xtr(100) || b.CurrentBalance != xtr(70) {
			t.Errorf("confirmed %d, balance %d; want one credit: %d confirmed, %d left after the order", b.TotalConfirmed, b.CurrentBalance, xtr(100), xtr(70))
		}
		en.wantStatus("o1", engine.OrderPaid)
		if paid := checkLedger(t, en); len(paid) != 1 {
			t.Errorf("paid orders %v, want o1 alone", paid)
		}
		count := map[engine.EventType]int{}
		for _, ev := range en.events.take() {
			count[ev.Type()]++
		}
		if count[engine.EventConfirmation] != 1 || count[engine.EventOrderPaid] != 1 {
			t.Errorf("events %v, want one confirmation and one OrderPaid", count)
		}
	})
}

// staleOrderStore hands every write transaction a Tx whose lookup of an
// order by reference returns it with customer was: the read a transaction
// made just before a concurrent Reassign committed.
type staleOrderStore struct {
	engine.Store
	was string
}

func (s staleOrderStore) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return s.Store.Update(ctx, func(tx engine.Tx) error { return fn(staleOrderTx{tx, s.was}) })
}

type staleOrderTx struct {
	engine.Tx
	was string
}

func (t staleOrderTx) OrderByRef(ctx context.Context, ref string, byAlt bool) (engine.Order, bool, error) {
	o, ok, err := t.Tx.OrderByRef(ctx, ref, byAlt)
	if ok {
		o.CustomerID = t.was
	}
	return o, ok, err
}

// A Reassign that commits between Fulfill's lookup of the order and its
// lock: the credit note, the claim and the payment all follow the order's
// customer under the lock, so the order is paid from the new customer's
// credit note and the old customer's credit is left alone.
func TestFulfillAfterAConcurrentReassign(t *testing.T) {
	tests := []struct {
		name      string
		oldCredit engine.MicroTari
	}{
		{"the old customer has no credit", 0},
		{"the old customer's credit would cover the order", xtr(50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backends(t, func(t *testing.T, backend string) {
				en := newEnv(t, backend, defaultConfig)
				en.order("o1", "c1", xtr(30), nil)
				if _, err := en.e.Reassign(en.ctx, "o1", "c2", ""); err != nil {
					t.Fatal(err)
				}
				if tt.oldCredit > 0 {
					if _, err := en.e.CreditNote(en.ctx, "c1", tt.oldCredit, ""); err != nil {
						t.Fatal(err)
					}
				}
				stale := engine.New(defaultConfig, staleOrderStore{Store: en.db, was: "c1"}, en.clock)
				stale.SetLogger(slog.New(slog.DiscardHandler))

				o, err := stale.Fulfill(en.ctx, "o1", "paid by card")
				if err != nil || o.Status != engine.OrderPaid || o.CustomerID != "c2" {
					t.Fatalf("fulfil = %+v, %v", o, err)
				}
				en.wantBalance(tari.DummyAddress("c1").Base58(), tt.oldCredit)
				en.wantBalance(tari.DummyAddress("c2").Base58(), 0)
				checkLedger(t, en)
			})
		})
	}
}
