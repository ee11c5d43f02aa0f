package engine_test

import (
	"testing"

	"taripay/engine"
)

// Order, then claim, then payment, then confirmation (engine.md §9
// order_payment_matching 4).
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
		hist, err := en.e.AddressHistory(en.ctx, alice.String())
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
		_, err = en.e.ReceivePayment(en.ctx, en.call(), engine.NewPayment{Sender: alice.String(), Amount: 1, TxID: "tx1"})
		wantErr(t, err, engine.ErrPaymentExists)
		_, _, err = en.e.ConfirmPayment(en.ctx, en.call(), "tx1")
		wantErr(t, err, engine.ErrPaymentConfirmed)
		en.wantTypes()
		en.wantBalance(alice.String(), xtr(100))
	})
}
