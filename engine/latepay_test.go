package engine_test

import (
	"errors"
	"testing"
	"time"

	"taripay/engine"
)

// A confirmed payment naming an order that closed before it arrived is
// listed until the merchant refunds it (a refund due capped at the
// payer's credit, which the refund takes out of the ledger) or keeps it as
// credit; a payment that arrived while the order was open is not.
func TestLatePayments(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, bob, carol, dave := newUser(t).String(), newUser(t).String(), newUser(t).String(), newUser(t).String()
		ref := func(s string) *string { return &s }

		en.order("5001", "c1", xtr(100), nil)
		en.order("5002", "c2", xtr(100), nil)
		en.receive("tx-early", bob, xtr(10), nil, ref("5002")) // while 5002 is open
		en.confirm("tx-early")
		en.order("5003", "c3", xtr(100), nil)
		en.order("5004", "c4", xtr(20), nil)
		if _, err := en.e.Claim(en.ctx, "5004", dave); err != nil {
			t.Fatal(err)
		}
		en.order("5005", "c5", xtr(100), nil)
		for _, id := range []string{"5001", "5002", "5003", "5005"} {
			if _, err := en.e.Cancel(en.ctx, id, "customer left"); err != nil {
				t.Fatal(err)
			}
		}
		en.clock.Add(time.Minute)
		for _, p := range []struct{ txid, sender, order string }{{"tx-a", alice, "5001"}, {"tx-c", carol, "5003"}, {"tx-d", dave, "5005"}} {
			en.clock.Add(time.Second)
			en.receive(p.txid, p.sender, xtr(30), nil, ref(p.order))
			en.confirm(p.txid)
		}
		en.wantStatus("5004", engine.OrderPaid) // dave's late 30 XTR paid his open 20 XTR order: 10 left
		en.wantBalance(alice, xtr(30))

		open := func() []string {
			t.Helper()
			lps, err := en.e.LatePayments(en.ctx, engine.LatePaymentQuery{Open: true})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, lp := range lps {
				ids = append(ids, lp.Payment.TxID+"→"+lp.OrderID)
			}
			return ids
		}
		if got := open(); len(got) != 3 || got[0] != "tx-d→5005" || got[2] != "tx-a→5001" {
			t.Fatalf("open late payments = %v, want tx-d, tx-c, tx-a", got)
		}
		ofOrder, err := en.e.LatePayments(en.ctx, engine.LatePaymentQuery{OrderID: "5001"})
		if err != nil || len(ofOrder) != 1 || ofOrder[0].Payment.Amount != xtr(30) || ofOrder[0].OrderStatus != engine.OrderCancelled {
			t.Fatalf("late payments of 5001 = %+v, %v", ofOrder, err)
		}

		ctx := engine.WithActor(en.ctx, "staff:7")
		r, err := en.e.RefundLatePayment(ctx, "tx-a", "customer asked")
		if err != nil || r.Amount != xtr(30) || r.Address != alice || r.OrderID != "5001" || r.Status != engine.RefundDue || r.RefundID != engine.LateRefundID("tx-a") {
			t.Fatalf("refund of tx-a = %+v, %v", r, err)
		}
		en.wantBalance(alice, 0) // the refund due is no longer credit to spend
		rd, err := en.e.RefundLatePayment(ctx, "tx-d", "")
		if err != nil || rd.Amount != xtr(10) {
			t.Fatalf("refund of tx-d = %+v, %v; want the 10 XTR left", rd, err)
		}
		if _, err := en.e.KeepLatePayment(ctx, "tx-c", "customer will order again"); err != nil {
			t.Fatal(err)
		}
		en.wantBalance(carol, xtr(30))
		if got := open(); len(got) != 0 {
			t.Fatalf("open late payments after dealing with them = %v", got)
		}
		for _, tt := range []struct {
			name string
			err  error
		}{
			{"refund again", func() error { _, err := en.e.RefundLatePayment(ctx, "tx-a", ""); return err }()},
			{"keep a refunded one", func() error { _, err := en.e.KeepLatePayment(ctx, "tx-a", ""); return err }()},
			{"refund a kept one", func() error { _, err := en.e.RefundLatePayment(ctx, "tx-c", ""); return err }()},
			{"paid while open", func() error { _, err := en.e.RefundLatePayment(ctx, "tx-early", ""); return err }()},
			{"unknown", func() error { _, err := en.e.KeepLatePayment(ctx, "nope", ""); return err }()},
		} {
			if !errors.Is(tt.err, engine.ErrNotLatePayment) {
				t.Errorf("%s: %v, want ErrNotLatePayment", tt.name, tt.err)
			}
		}
		if audit, err := en.e.Audit(en.ctx, "payment", "tx-c"); err != nil || len(audit) == 0 || audit[len(audit)-1].Actor != "staff:7" {
			t.Errorf("audit of tx-c = %+v, %v", audit, err)
		}
		checkLedger(t, en)

		if _, err := en.e.MarkRefundSent(ctx, r.ID, "tx-back", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.CreditRefund(ctx, rd.ID, ""); err != nil {
			t.Fatal(err)
		}
		en.wantBalance(alice, 0)
		checkLedger(t, en)
	})
}
