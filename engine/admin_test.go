package engine_test

import (
	"slices"
	"testing"
	"time"

	"taripay/engine"
	"taripay/engine/tari"
)

// seed is the reference's "database with some accounts": five orders,
// each claimed by its customer's address, so all are New.
func seed(t *testing.T, en *env) (alice, bob user) {
	alice, bob = newUser(t), newUser(t)
	en.order("1", "alice", xtr(100), alice.memo(t, "1"))
	en.order("2", "bob", xtr(200), bob.memo(t, "2"))
	en.order("3", "alice", xtr(65), alice.memo(t, "3"))
	en.order("4", "bob", xtr(350), bob.memo(t, "4"))
	en.events.take()
	return alice, bob
}

func TestCreditNote(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		seed(t, en)
		bobCredit := tari.DummyAddress("bob").Base58()

		// Credit to an unknown customer, then that customer's order is paid from it.
		res, err := en.e.CreditNote(en.ctx, "1024", xtr(1000), "")
		if err != nil || len(res.OrdersPaid) != 0 || res.Settlements == nil {
			t.Fatalf("credit = %+v, %v", res, err)
		}
		evs := en.wantTypes(engine.EventPaymentReceived, engine.EventConfirmation)
		if p := evs[0].(engine.PaymentReceivedEvent).Payment; p.PaymentType != engine.PaymentManual || p.Status != engine.PaymentConfirmed || *p.Memo != "Credit note: No reason given" {
			t.Fatalf("credit note payment = %+v", p)
		}
		if o := en.order("c1", "1024", xtr(250), nil); o.Status != engine.OrderPaid {
			t.Fatalf("order after credit = %s", o.Status)
		}
		en.wantTypes(engine.EventNewOrder, engine.EventOrderPaid)
		cb, err := en.e.CustomerBalance(en.ctx, "1024")
		if err != nil || cb.CurrentBalance != xtr(750) {
			t.Fatalf("customer balance = %+v, %v", cb, err)
		}

		// Credit bob 200: order 2 is paid, order 4 (350) is not.
		res, err = en.e.CreditNote(en.ctx, "bob", xtr(200), "goodwill")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.OrdersPaid) != 1 || res.OrdersPaid[0].OrderID != "2" || len(res.Settlements) != 1 {
			t.Fatalf("credit bob = %+v", res)
		}
		s := res.Settlements[0]
		if s.PaymentAddress != bobCredit || s.SettlementType != engine.SettlementSingle || s.Amount != xtr(200) || s.OrderID != "2" {
			t.Fatalf("settlement = %+v", s)
		}
		en.wantTypes(engine.EventPaymentReceived, engine.EventOrderPaid, engine.EventConfirmation)
		en.wantBalance(bobCredit, 0)
		en.wantStatus("4", engine.OrderNew)

		// Identical notes in the same second no longer collide (docs/engine.md, "Credit notes").
		for range 2 {
			if _, err := en.e.CreditNote(en.ctx, "carol", xtr(1000), "same"); err != nil {
				t.Fatal(err)
			}
		}
		carol := tari.DummyAddress("carol").Base58()
		en.wantBalance(carol, xtr(2000))
		// Negative notes go down to zero, never below (the schema forbids it).
		if _, err := en.e.CreditNote(en.ctx, "carol", -xtr(1900), "refund"); err != nil {
			t.Fatal(err)
		}
		en.wantBalance(carol, xtr(100))
		_, err = en.e.CreditNote(en.ctx, "carol", -xtr(500), "too much")
		wantErr(t, err, engine.ErrInsufficientFunds)
		en.wantBalance(carol, xtr(100))
		if _, err := en.e.CreditNote(en.ctx, "carol", -xtr(100), "all"); err != nil {
			t.Fatal(err)
		}
		en.wantBalance(carol, 0)
	})
}

func TestSettle(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, _ := seed(t, en)
		// A direct deposit linked to no order: 65 covers order 3, not order 1.
		en.receive("direct", alice.String(), xtr(65), nil, nil)
		if paid := en.confirm("direct"); len(paid) != 0 {
			// Algorithm A stops at order 1 (100 > 65): oldest first, no skipping.
			t.Fatalf("confirmation paid %+v", paid)
		}
		en.events.take()
		res, err := en.e.SettleAddress(en.ctx, alice.String())
		if err != nil {
			t.Fatal(err)
		}
		if len(res.OrdersPaid) != 1 || res.OrdersPaid[0].OrderID != "3" || len(res.Settlements) != 1 || res.Settlements[0].Amount != xtr(65) {
			t.Fatalf("settle = %+v", res)
		}
		en.wantTypes(engine.EventOrderPaid)
		en.wantBalance(alice.String(), 0)
		res, err = en.e.SettleCustomer(en.ctx, "alice")
		if err != nil || len(res.OrdersPaid) != 0 {
			t.Fatalf("second settle = %+v, %v", res, err)
		}
	})
}

// docs/design.md, "No payment counts twice": an address that both named the
// order and is linked to the customer counts once. The reference paid a
// 2100 order from a 1050 balance and left the address at −1050.
func TestSettleCountsEachAddressOnce(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t)
		en.order("o1", "c1", xtr(2100), nil)
		en.receive("tx1", alice.String(), xtr(1050), alice.memo(t, "o1"), nil)
		en.wantStatus("o1", engine.OrderNew)
		en.confirm("tx1")
		res, err := en.e.SettleAddress(en.ctx, alice.String())
		if err != nil || len(res.OrdersPaid) != 0 {
			t.Fatalf("settle = %+v, %v", res, err)
		}
		en.wantStatus("o1", engine.OrderNew)
		en.wantBalance(alice.String(), xtr(1050))
	})
}

// Multiple addresses together pay one order with Multiple settlements.
func TestSettleAcrossAddresses(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		a, b := newUser(t), newUser(t)
		en.order("o1", "c1", xtr(100), a.memo(t, "o1"))
		if _, err := en.e.Claim(en.ctx, "o1", b.String()); err != nil {
			t.Fatal(err)
		}
		en.receive("ta", a.String(), xtr(60), nil, nil)
		en.receive("tb", b.String(), xtr(70), nil, nil)
		en.confirm("ta")
		en.confirm("tb")
		en.wantStatus("o1", engine.OrderNew)
		res, err := en.e.SettleCustomer(en.ctx, "c1")
		if err != nil || len(res.Settlements) != 2 {
			t.Fatalf("settle = %+v, %v", res, err)
		}
		if s := res.Settlements; s[0].PaymentAddress != b.String() || s[0].Amount != xtr(70) || s[1].Amount != xtr(30) || s[0].SettlementType != engine.SettlementMultiple {
			t.Fatalf("settlements = %+v", s)
		}
		en.wantBalance(a.String(), xtr(30))
		en.wantBalance(b.String(), 0)
	})
}

func TestChangePrice(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, _ := seed(t, en)
		credit := tari.DummyAddress("alice").Base58()
		if _, err := en.e.CreditNote(en.ctx, "alice", xtr(45), ""); err != nil {
			t.Fatal(err)
		}
		en.events.take()
		o, err := en.e.ChangePrice(en.ctx, "1", xtr(50), "discount")
		if err != nil || o.Status != engine.OrderNew || o.TotalPrice != xtr(50) {
			t.Fatalf("price 50 = %+v, %v", o, err)
		}
		evs := en.wantTypes(engine.EventOrderModified)
		if m := evs[0].(engine.OrderModifiedEvent); m.Field != "total_price" || m.Old.TotalPrice != xtr(100) || m.New.TotalPrice != xtr(50) {
			t.Fatalf("OrderModified = %+v", m)
		}
		o, err = en.e.ChangePrice(en.ctx, "1", xtr(25), "more")
		if err != nil || o.Status != engine.OrderPaid {
			t.Fatalf("price 25 = %+v, %v", o, err)
		}
		// OrderPaid exactly once (the reference emitted it twice), then OrderModified.
		evs = en.wantTypes(engine.EventOrderPaid, engine.EventOrderModified)
		if m := evs[1].(engine.OrderModifiedEvent); m.New.Status != engine.OrderPaid {
			t.Fatalf("OrderModified new = %+v", m.New)
		}
		en.wantBalance(credit, xtr(20))
		o, err = en.e.ChangePrice(en.ctx, "3", 0, "free")
		if err != nil || o.Status != engine.OrderPaid {
			t.Fatalf("price 0 = %+v, %v", o, err)
		}
		en.wantBalance(credit, xtr(20))
		ses, _ := en.e.SideEffects(en.ctx, "1")
		if len(ses) != 1 {
			t.Fatalf("side effects of order 1 = %+v", ses)
		}

		_, err = en.e.ChangePrice(en.ctx, "2", -1, "")
		wantErr(t, err, engine.ErrOrderForbidden)
		_, err = en.e.ChangePrice(en.ctx, "2", xtr(200), "")
		wantErr(t, err, engine.ErrOrderNoOp)
		_, err = en.e.ChangePrice(en.ctx, "1", xtr(1), "")
		wantErr(t, err, engine.ErrOrderForbidden)
		en.order("u1", "alice", xtr(5), nil)
		_, err = en.e.ChangePrice(en.ctx, "u1", xtr(1), "")
		wantErr(t, err, engine.ErrOrderForbidden)
		_ = alice
	})
}

func TestReassign(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		seed(t, en)
		moved, err := en.e.Reassign(en.ctx, "1", "bob", "wrong customer")
		if err != nil {
			t.Fatal(err)
		}
		if moved.Orders.Old.CustomerID != "alice" || moved.Orders.New.CustomerID != "bob" || moved.Orders.New.Status != engine.OrderNew || len(moved.Settlements) != 0 {
			t.Fatalf("moved = %+v", moved)
		}
		en.wantTypes(engine.EventOrderModified)
		_, err = en.e.Reassign(en.ctx, "1", "bob", "again")
		wantErr(t, err, engine.ErrOrderNoOp)

		if _, err := en.e.CreditNote(en.ctx, "bob", xtr(105), ""); err != nil {
			t.Fatal(err)
		}
		// The credit paid order 2 (200)? No: 105 covers none of bob's orders
		// (200, 350, and order 1 of 100 comes first by age: it is paid).
		en.wantStatus("1", engine.OrderPaid)
		en.events.take()

		// Move order 3 (65, alice) to bob, whose credit has 5 left: not paid.
		moved, err = en.e.Reassign(en.ctx, "3", "bob", "")
		if err != nil || moved.Orders.New.Status != engine.OrderNew {
			t.Fatalf("moved = %+v, %v", moved, err)
		}
		if _, err := en.e.CreditNote(en.ctx, "dave", xtr(65), ""); err != nil {
			t.Fatal(err)
		}
		en.events.take()
		moved, err = en.e.Reassign(en.ctx, "3", "dave", "")
		if err != nil || moved.Orders.New.Status != engine.OrderPaid || len(moved.Settlements) != 1 || moved.Settlements[0].Amount != xtr(65) {
			t.Fatalf("moved to dave = %+v, %v", moved, err)
		}
		en.wantTypes(engine.EventOrderModified, engine.EventOrderPaid)
		_, err = en.e.Reassign(en.ctx, "3", "erin", "")
		wantErr(t, err, engine.ErrOrderForbidden)
	})
}

func TestCancelAndFulfil(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, _ := seed(t, en)
		o, err := en.e.Cancel(engine.WithActor(en.ctx, "admin:keith"), "1", "customer asked")
		if err != nil || o.Status != engine.OrderCancelled {
			t.Fatalf("cancel = %+v, %v", o, err)
		}
		audit, err := en.e.Audit(en.ctx, "order", "1")
		if err != nil {
			t.Fatal(err)
		}
		if a := audit[len(audit)-1]; a.Actor != "admin:keith" || a.Reason != "customer asked" || a.Field != "status" || *a.OldValue != "New" || *a.NewValue != "Cancelled" || !a.At.Equal(en.clock.Now()) {
			t.Fatalf("audit = %+v", a)
		}
		evs := en.wantTypes(engine.EventOrderAnnulled)
		if a := evs[0].(engine.OrderAnnulledEvent); a.FromStorefront || a.Order.Status != engine.OrderCancelled {
			t.Fatalf("OrderAnnulled = %+v", a)
		}
		if ses, _ := en.e.SideEffects(en.ctx, "1"); len(ses) != 1 || ses[0].Kind != engine.SideEffectCancel {
			t.Fatalf("side effects = %+v", ses)
		}
		_, err = en.e.Cancel(en.ctx, "1", "twice")
		wantErr(t, err, engine.ErrOrderForbidden)
		ob, err := en.e.CustomerHistory(en.ctx, "alice", engine.Page{})
		if err != nil || ob.OrderBalance.TotalCurrent != xtr(65) || ob.OrderBalance.TotalCancelled != xtr(100) {
			t.Fatalf("order balance = %+v, %v", ob.OrderBalance, err)
		}

		o, err = en.e.Fulfill(en.ctx, "3", "paid by card")
		if err != nil || o.Status != engine.OrderPaid {
			t.Fatalf("fulfil = %+v, %v", o, err)
		}
		en.wantTypes(engine.EventOrderPaid)
		en.wantBalance(tari.DummyAddress("alice").Base58(), 0)
		_, err = en.e.Fulfill(en.ctx, "3", "twice")
		wantErr(t, err, engine.ErrOrderForbidden)
		_, err = en.e.Cancel(en.ctx, "3", "after paid")
		wantErr(t, err, engine.ErrOrderForbidden)
		en.wantStatus("3", engine.OrderPaid)

		// The storefront's own cancellation is not sent back to it.
		o, err = en.e.AnnulFromStorefront(en.ctx, "2", "cancelled in Shopify")
		if err != nil || o.Status != engine.OrderCancelled {
			t.Fatalf("storefront cancel = %+v, %v", o, err)
		}
		evs = en.wantTypes(engine.EventOrderAnnulled)
		if !evs[0].(engine.OrderAnnulledEvent).FromStorefront {
			t.Fatal("FromStorefront not set")
		}
		if ses, _ := en.e.SideEffects(en.ctx, "2"); len(ses) != 0 {
			t.Fatalf("side effects = %+v", ses)
		}

		// Reset brings a cancelled order back, unclaimed.
		o, err = en.e.Reset(en.ctx, "1", "mistake")
		if err != nil || o.Status != engine.OrderUnclaimed {
			t.Fatalf("reset = %+v, %v", o, err)
		}
		_, err = en.e.Reset(en.ctx, "1", "again")
		wantErr(t, err, engine.ErrOrderForbidden)

		// Memo edits are allowed in any status.
		o, err = en.e.ChangeMemo(en.ctx, "3", "new memo", "typo")
		if err != nil || *o.Memo != "new memo" {
			t.Fatalf("memo = %+v, %v", o, err)
		}
		audit, _ = en.e.Audit(en.ctx, "order", "3")
		last := audit[len(audit)-1]
		if last.Field != "memo" || *last.NewValue != "new memo" || last.Reason != "typo" {
			t.Fatalf("audit = %+v", last)
		}
		_ = alice
	})
}

// docs/design.md, "A claim never reopens an order": a claim never reopens a closed order. The
// reference set a Paid order back to New and paid it again.
func TestClaimNeverReopens(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, bob := newUser(t), newUser(t)
		en.receive("tx1", alice.String(), xtr(300), nil, nil)
		en.confirm("tx1")
		en.order("paid", "c1", xtr(100), alice.memo(t, "paid"))
		en.wantStatus("paid", engine.OrderPaid)
		en.order("cancelled", "c9", xtr(100), nil)
		if _, err := en.e.Cancel(en.ctx, "cancelled", ""); err != nil {
			t.Fatal(err)
		}
		en.events.take()
		for _, ref := range []string{"paid", "cancelled"} {
			_, err := en.e.Claim(en.ctx, ref, alice.String())
			wantErr(t, err, engine.ErrOrderClosed)
			if engine.ErrorCode(err) != engine.ECONFLICT {
				t.Fatalf("code = %s", engine.ErrorCode(err))
			}
		}
		// A payment naming a paid order leaves it alone; the funds stay credit.
		en.receive("tx2", bob.String(), xtr(100), nil, ptr("paid"))
		en.confirm("tx2")
		en.wantStatus("paid", engine.OrderPaid)
		en.wantStatus("cancelled", engine.OrderCancelled)
		en.wantBalance(alice.String(), xtr(200))
		en.wantBalance(bob.String(), xtr(100))
		en.wantTypes(engine.EventPaymentReceived, engine.EventConfirmation)

		// A New order claimed by a second address only gains a link.
		o := en.order("new", "c2", xtr(150), bob.memo(t, "new"))
		claimedAt := o.ClaimedAt
		en.clock.Add(time.Hour)
		res, err := en.e.Claim(en.ctx, "new", alice.String())
		if err != nil {
			t.Fatal(err)
		}
		// Alice's credit pays it at once.
		if res.Order.Status != engine.OrderPaid || !res.Order.ClaimedAt.Equal(*claimedAt) {
			t.Fatalf("second claim = %+v", res.Order)
		}
		_, err = en.e.Claim(en.ctx, "missing", alice.String())
		wantErr(t, err, engine.ErrOrderNotFound)
	})
}

// Expiry: the unclaimed clock runs from when taripay recorded the order,
// the unpaid clock from the first claim, and later writes restart neither
// (docs/design.md, "Expiry clocks stay put").
func TestExpiry(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t)
		// Shopify's created_at is a week old; the clock still starts now.
		old := en.clock.Now().Add(-7 * 24 * time.Hour)
		if _, err := en.e.AddOrder(en.ctx, engine.NewOrder{OrderID: "u1", CustomerID: "c1", TotalPrice: 1, Currency: "XTR", CreatedAt: old}); err != nil {
			t.Fatal(err)
		}
		en.order("n1", "c2", xtr(10), alice.memo(t, "n1"))
		en.events.take()
		if got := en.expire(); len(got) != 0 {
			t.Fatalf("expired at once: %+v", got)
		}
		en.clock.Add(119 * time.Minute)
		// A memo edit does not restart the unclaimed clock.
		if _, err := en.e.ChangeMemo(en.ctx, "u1", "note", ""); err != nil {
			t.Fatal(err)
		}
		en.clock.Add(time.Minute - time.Second) // recorded at T, now T+2h
		if got := en.expire(); len(got) != 0 {
			t.Fatalf("expired at exactly the limit: %+v", got)
		}
		en.clock.Add(time.Second)
		got, err := en.e.ExpireOrders(en.ctx)
		if err != nil || len(got) != 1 || got[0].OrderID != "u1" || got[0].Status != engine.OrderExpired {
			t.Fatalf("expired = %+v, %v", got, err)
		}
		evs := en.wantTypes(engine.EventOrderModified, engine.EventOrderAnnulled)
		if a := evs[1].(engine.OrderAnnulledEvent); a.Order.Status != engine.OrderExpired || a.FromStorefront {
			t.Fatalf("OrderAnnulled = %+v", a)
		}
		if ses, _ := en.e.SideEffects(en.ctx, "u1"); len(ses) != 1 || ses[0].Kind != engine.SideEffectCancel {
			t.Fatalf("side effects = %+v", ses)
		}
		if got := en.expire(); len(got) != 0 {
			t.Fatalf("expired twice: %+v", got)
		}
		// n1 was claimed at insert; a later claim and memo edit do not
		// restart its unpaid clock.
		en.clock.Add(40 * time.Hour)
		if _, err := en.e.Claim(en.ctx, "n1", newUser(t).String()); err != nil {
			t.Fatal(err)
		}
		en.clock.Add(6*time.Hour - time.Second) // claimed at T, now T+48h
		if got := en.expire(); len(got) != 0 {
			t.Fatalf("unpaid expired early: %+v", got)
		}
		en.clock.Add(time.Second)
		got, err = en.e.ExpireOrders(en.ctx)
		if err != nil || len(got) != 1 || got[0].OrderID != "n1" {
			t.Fatalf("expired = %+v, %v", got, err)
		}
		// Funds sent for an expired order stay as credit.
		en.receive("late", alice.String(), xtr(10), nil, ptr("n1"))
		en.confirm("late")
		en.wantStatus("n1", engine.OrderExpired)
		en.wantBalance(alice.String(), xtr(10))
	})
}

// TestCustomerHistoryLinksEveryAddress lists an address that claimed an
// order but has paid nothing yet next to one with a balance.
func TestCustomerHistoryLinksEveryAddress(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		funded, unfunded := newUser(t), newUser(t)
		en.order("o1", "c1", xtr(100), funded.memo(t, "o1"))
		if _, err := en.e.Claim(en.ctx, "o1", unfunded.String()); err != nil {
			t.Fatal(err)
		}
		en.receive("ta", funded.String(), xtr(60), nil, nil)
		en.confirm("ta")
		h, err := en.e.CustomerHistory(en.ctx, "c1", engine.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Balance.Addresses) != 1 || h.Balance.Addresses[0].Address != funded.String() {
			t.Errorf("funded addresses = %+v", h.Balance.Addresses)
		}
		if !slices.Contains(h.Linked, funded.String()) || !slices.Contains(h.Linked, unfunded.String()) || len(h.Linked) != 2 {
			t.Errorf("linked = %v, want %s and %s", h.Linked, funded, unfunded)
		}
	})
}
