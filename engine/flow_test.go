package engine_test

import (
	"strconv"
	"testing"

	"taripay/engine"
)

// Order, then claim, then payment, then confirmation (the reference's
// order_payment_matching scenario 4).
func TestOrderClaimPayConfirm(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t)
		o := en.order("alice001", "1", xtr(2400), nil)
		if o.Status != engine.OrderUnclaimed || o.ClaimToken == "" || o.ID == 0 {
			t.Fatalf("new order = %+v", o)
		}
		en.wantTypes(engine.EventNewOrder)

		res, err := en.e.Claim(en.ctx, "alice001", alice.String())
		if err != nil {
			t.Fatal(err)
		}
		if res.Order.Status != engine.OrderNew || res.Order.ClaimedAt == nil {
			t.Fatalf("claimed order = %+v", res.Order)
		}
		evs := en.wantTypes(engine.EventOrderClaimed)
		if c := evs[0].(engine.OrderClaimedEvent); c.Address != alice.String() || c.Order.Status != engine.OrderNew {
			t.Fatalf("OrderClaimed = %+v", c)
		}

		en.receive("tx1", alice.String(), xtr(2500), nil, nil)
		en.wantStatus("alice001", engine.OrderNew)
		en.wantBalance(alice.String(), 0)
		evs = en.wantTypes(engine.EventPaymentReceived)
		if p := evs[0].(engine.PaymentReceivedEvent).Payment; p.Status != engine.PaymentReceived || p.Amount != xtr(2500) {
			t.Fatalf("PaymentReceived = %+v", p)
		}

		paid := en.confirm("tx1")
		if len(paid) != 1 || paid[0].OrderID != "alice001" || paid[0].Status != engine.OrderPaid {
			t.Fatalf("paid = %+v", paid)
		}
		en.wantStatus("alice001", engine.OrderPaid)
		en.wantBalance(alice.String(), xtr(100))
		evs = en.wantTypes(engine.EventOrderPaid, engine.EventConfirmation)
		if o := evs[0].(engine.OrderPaidEvent).Order; o.OrderID != "alice001" || o.Status != engine.OrderPaid || o.TotalPrice != xtr(2400) {
			t.Fatalf("OrderPaid = %+v", o)
		}
		if p := evs[1].(engine.ConfirmationEvent).Payment; p.Status != engine.PaymentConfirmed {
			t.Fatalf("Confirmation = %+v", p)
		}
		ses, err := en.e.SideEffects(en.ctx, "alice001")
		if err != nil || len(ses) != 1 || ses[0].Kind != engine.SideEffectMarkPaid {
			t.Fatalf("side effects = %+v, %v", ses, err)
		}
		hist, err := en.e.AddressHistory(en.ctx, alice.String(), engine.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hist.Settlements) != 1 || hist.Settlements[0].Amount != xtr(2400) || hist.Settlements[0].SettlementType != engine.SettlementSingle {
			t.Fatalf("settlements = %+v", hist.Settlements)
		}
		audit, err := en.e.Audit(en.ctx, "order", "alice001")
		if err != nil || len(audit) != 3 {
			t.Fatalf("audit = %+v, %v", audit, err)
		}

		// Replays are no-ops.
		if r, err := en.e.ReceivePayment(en.ctx, en.call(), engine.NewPayment{Sender: alice.String(), Amount: 1, TxID: "tx1"}); err != nil || !r.Duplicate {
			t.Fatalf("replayed payment = %+v, %v", r, err)
		}
		if c, err := en.e.ConfirmPayment(en.ctx, en.call(), "tx1"); err != nil || !c.Repeat || len(c.Paid) != 0 {
			t.Fatalf("replayed confirmation = %+v, %v", c, err)
		}
		en.wantTypes()
		en.wantBalance(alice.String(), xtr(100))
	})
}

// A payment names an order that does not exist yet (the reference's
// order_payment_matching scenario 8; a pending one: docs/design.md, "Late orders still match").
func TestPaymentFirstOrderLater(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, bob := newUser(t), newUser(t)

		// Confirmed before the order arrives: the order is claimed and paid at once.
		en.receive("tx1", alice.String(), xtr(2500), nil, ptr("alice001"))
		en.confirm("tx1")
		en.wantBalance(alice.String(), xtr(2500))
		en.events.take()
		o := en.order("alice001", "1", xtr(2400), nil)
		if o.Status != engine.OrderPaid {
			t.Fatalf("late order = %s, want Paid", o.Status)
		}
		en.wantTypes(engine.EventNewOrder, engine.EventOrderPaid)
		en.wantBalance(alice.String(), xtr(100))

		// Still pending when the order arrives: the reference left the order
		// Unclaimed and unlinked, so the confirmation paid nothing.
		en.receive("tx2", bob.String(), xtr(700), ptr("for bob700"), ptr("bob700"))
		o = en.order("bob700", "2", xtr(700), nil)
		if o.Status != engine.OrderNew {
			t.Fatalf("late order with a pending payment = %s, want New", o.Status)
		}
		en.wantBalance(bob.String(), 0)
		paid := en.confirm("tx2")
		if len(paid) != 1 || paid[0].OrderID != "bob700" {
			t.Fatalf("confirmation paid %+v, want bob700", paid)
		}
		en.wantStatus("bob700", engine.OrderPaid)
		en.wantBalance(bob.String(), 0)
	})
}

// Overpayment stays as credit and pays the next order (the
// reference's order_payment_matching scenario 3).
func TestOverpaymentIsCredit(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		anon := newUser(t)
		en.receive("tx1", anon.String(), xtr(85), nil, nil)
		if paid := en.confirm("tx1"); len(paid) != 0 {
			t.Fatalf("paid %+v", paid)
		}
		en.wantBalance(anon.String(), xtr(85))
		o := en.order("anon84", "3", xtr(84), anon.memo(t, "anon84"))
		if o.Status != engine.OrderPaid {
			t.Fatalf("memo-signed order = %s, want Paid from credit", o.Status)
		}
		en.wantBalance(anon.String(), xtr(1))
		// Another order of the same customer is paid from the linked credit
		// when credit covers it (auto-claim through the link).
		en.receive("tx2", anon.String(), xtr(10), nil, nil)
		en.confirm("tx2")
		o = en.order("anon10", "3", xtr(10), nil)
		if o.Status != engine.OrderPaid {
			t.Fatalf("second order = %s, want Paid", o.Status)
		}
		en.wantBalance(anon.String(), xtr(1))
	})
}

// Underpayment leaves the order New and the funds as credit; no partial
// settlement (the reference's other_prices scenario 2).
func TestUnderpayment(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t)
		en.order("o1", "1", xtr(2600), alice.memo(t, "o1"))
		en.wantStatus("o1", engine.OrderNew)
		en.receive("tx1", alice.String(), xtr(2500), nil, nil)
		if paid := en.confirm("tx1"); len(paid) != 0 {
			t.Fatalf("paid %+v", paid)
		}
		en.wantStatus("o1", engine.OrderNew)
		en.wantBalance(alice.String(), xtr(2500))
		h, err := en.e.AddressHistory(en.ctx, alice.String(), engine.Page{})
		if err != nil || len(h.Settlements) != 0 {
			t.Fatalf("settlements = %+v, %v", h.Settlements, err)
		}
		// Topping up pays it.
		en.receive("tx2", alice.String(), xtr(100), nil, nil)
		en.confirm("tx2")
		en.wantStatus("o1", engine.OrderPaid)
		en.wantBalance(alice.String(), 0)
	})
}

// Received (pending) and cancelled payments never pay anything.
func TestUnconfirmedNeverPays(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t)
		en.order("o1", "1", xtr(100), alice.memo(t, "o1"))
		en.receive("tx1", alice.String(), xtr(500), nil, ptr("o1"))
		en.receive("tx2", alice.String(), xtr(500), nil, nil)
		en.wantStatus("o1", engine.OrderNew)
		en.wantBalance(alice.String(), 0)
		if res, err := en.e.SettleAddress(en.ctx, alice.String()); err != nil || len(res.OrdersPaid) != 0 {
			t.Fatalf("settle = %+v, %v", res, err)
		}
		if _, err := en.e.Claim(en.ctx, "o1", alice.String()); err != nil {
			t.Fatal(err)
		}
		en.wantStatus("o1", engine.OrderNew)
		c, err := en.e.CancelPayment(en.ctx, en.call(), "tx1")
		if err != nil || c.Repeat || c.Payment.Status != engine.PaymentCancelled {
			t.Fatalf("cancel = %+v, %v", c, err)
		}
		if c, err := en.e.CancelPayment(en.ctx, en.call(), "tx1"); err != nil || !c.Repeat || c.Payment.Status != engine.PaymentCancelled {
			t.Fatalf("cancel again = %+v, %v", c, err)
		}
		_, err = en.e.ConfirmPayment(en.ctx, en.call(), "tx1")
		wantErr(t, err, engine.ErrPaymentStatus)
		en.wantStatus("o1", engine.OrderNew)
		en.wantBalance(alice.String(), 0)
		pr, err := en.e.PaymentsForAddress(en.ctx, alice.String(), engine.Page{})
		if err != nil || pr.TotalPayments != xtr(1000) || len(pr.Payments) != 2 {
			t.Fatalf("payments = %+v, %v", pr, err)
		}
	})
}

// Strict mode decides whether payments may name an order by its alt_id (docs/engine.md, "Strict mode").
func TestStrictMode(t *testing.T) {
	for _, strict := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[strict], func(t *testing.T) {
			backends(t, func(t *testing.T, backend string) {
				cfg := defaultConfig
				cfg.StrictMode, cfg.DisableMemoSignature, cfg.OrderIDFieldName = strict, true, true
				en := newEnv(t, backend, cfg)
				alice := newUser(t)
				_, err := en.e.AddOrder(en.ctx, engine.NewOrder{OrderID: "id-1000", AltID: ptr("#1000"), CustomerID: "1", TotalPrice: xtr(2400), Currency: "USD"})
				if err != nil {
					t.Fatal(err)
				}
				p := en.receive("tx1", alice.String(), xtr(2500), ptr("order 1000"), nil)
				if p.OrderID == nil || *p.OrderID != "#1000" {
					t.Fatalf("payment order_id = %v, want #1000", p.OrderID)
				}
				en.confirm("tx1")
				want, balance := engine.OrderUnclaimed, xtr(2500)
				if !strict {
					want, balance = engine.OrderPaid, xtr(100)
				}
				en.wantStatus("id-1000", want)
				en.wantBalance(alice.String(), balance)
				_, err = en.e.Order(en.ctx, "#1000", false)
				wantErr(t, err, engine.ErrOrderNotFound)
				if o, err := en.e.Order(en.ctx, "#1000", true); err != nil || o.OrderID != "id-1000" {
					t.Fatalf("Order by alt = %+v, %v", o, err)
				}
				_, err = en.e.Claim(en.ctx, "#1000", alice.String())
				if strict {
					wantErr(t, err, engine.ErrOrderNotFound)
				} else {
					wantErr(t, err, engine.ErrOrderClosed)
				}
			})
		})
	}
}

// A payment's note or payment id names the order in any form the pay page
// writes or a customer types, and its confirmation pays that order before
// the customer's older ones.
func TestPaymentNoteNamesTheOrder(t *testing.T) {
	cfg := defaultConfig
	cfg.StrictMode = false
	backends(t, func(t *testing.T, backend string) {
		for i, c := range []struct {
			name           string
			memo, supplied *string
		}{
			{"the pay page's note", ptr("order 5550002"), nil},
			{"the note by name", ptr("order #1002"), nil},
			{"a typed name", ptr("Order #1002 thanks"), nil},
			{"the name without its hash", ptr("order 1002"), nil},
			{"the bare id", ptr("5550002"), nil},
			{"the payment id's text", nil, ptr("order 5550002")},
		} {
			t.Run(c.name, func(t *testing.T) {
				en := newEnv(t, backend, cfg)
				payer := newUser(t)
				customer := "c" + strconv.Itoa(i)
				older := en.orderNamed("5550001", "#1001", customer, xtr(30))
				named := en.orderNamed("5550002", "#1002", customer, xtr(20))
				en.receive("tx1", payer.String(), xtr(20), c.memo, c.supplied)
				en.wantStatus(named.OrderID, engine.OrderNew)
				paid := en.confirm("tx1")
				if len(paid) != 1 || paid[0].OrderID != named.OrderID {
					t.Fatalf("confirmation paid %+v, want only %s", paid, named.OrderID)
				}
				en.wantStatus(older.OrderID, engine.OrderUnclaimed)
				en.wantBalance(payer.String(), 0)
			})
		}
	})
}

// Due is what is left of the total once pending and confirmed payments
// count; never below 0.
func TestOrderReceiptsDue(t *testing.T) {
	tests := []struct {
		name string
		r    engine.OrderReceipts
		want engine.MicroTari
	}{
		{"nothing received", engine.OrderReceipts{}, 100},
		{"part pending", engine.OrderReceipts{Pending: 30}, 70},
		{"part confirmed and pending", engine.OrderReceipts{Pending: 30, Confirmed: 25}, 45},
		{"exactly", engine.OrderReceipts{Confirmed: 100}, 0},
		{"more", engine.OrderReceipts{Pending: 60, Confirmed: 60}, 0},
	}
	for _, tt := range tests {
		if got := tt.r.Due(100); got != tt.want {
			t.Errorf("%s: Due(100) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// ReceiptsForOrder adds up, by status, only the payments that name the
// order; cancelled ones count for nothing.
func TestReceiptsForOrder(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, bob := newUser(t), newUser(t)
		o := en.order("o1", "1", xtr(100), nil)
		en.order("o2", "2", xtr(100), nil)
		steps := []struct {
			name string
			do   func()
			want engine.OrderReceipts
		}{
			{"none yet", func() {}, engine.OrderReceipts{}},
			{"received", func() { en.receive("tx1", alice.String(), xtr(40), nil, ptr("o1")) }, engine.OrderReceipts{Pending: xtr(40)}},
			{"other order and unnamed", func() {
				en.receive("tx2", bob.String(), xtr(7), nil, ptr("o2"))
				en.receive("tx3", bob.String(), xtr(9), nil, nil)
			}, engine.OrderReceipts{Pending: xtr(40)}},
			{"confirmed", func() { en.confirm("tx1") }, engine.OrderReceipts{Confirmed: xtr(40)}},
			{"second received", func() { en.receive("tx4", bob.String(), xtr(30), nil, ptr("o1")) }, engine.OrderReceipts{Pending: xtr(30), Confirmed: xtr(40)}},
			{"cancelled", func() {
				if _, err := en.e.CancelPayment(en.ctx, en.call(), "tx4"); err != nil {
					t.Fatal(err)
				}
			}, engine.OrderReceipts{Confirmed: xtr(40)}},
		}
		for _, s := range steps {
			s.do()
			got, err := en.e.ReceiptsForOrder(en.ctx, o)
			if err != nil || got != s.want {
				t.Fatalf("%s: receipts = %+v, %v; want %+v", s.name, got, err, s.want)
			}
		}
	})
}
