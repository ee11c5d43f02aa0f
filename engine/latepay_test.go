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

// A Paid order whose own payments brought more than its price shows the
// overpayment, held as its payer's credit; refunding it records one refund
// due, capped at the credit the payer still holds, taken out of it.
func TestRefundOverpayment(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice, bob := newUser(t).String(), newUser(t).String()
		ref := func(s string) *string { return &s }
		en.order("6001", "c1", xtr(50), nil)
		en.order("6002", "c2", xtr(50), nil)
		en.order("6003", "c3", xtr(50), nil)
		en.order("6004", "c3", xtr(20), nil)
		en.order("6005", "c5", xtr(50), nil) // open
		for _, p := range []struct {
			txid, sender, order string
			amount              engine.MicroTari
		}{{"tx-1", alice, "6001", xtr(80)}, {"tx-2", newUser(t).String(), "6002", xtr(50)}, {"tx-3", bob, "6003", xtr(80)}} {
			en.receive(p.txid, p.sender, p.amount, nil, ref(p.order))
			en.confirm(p.txid)
		}
		en.wantStatus("6004", engine.OrderPaid) // bob's 30 XTR over paid c3's other order: 10 left

		for _, tt := range []struct {
			order  string
			amount engine.MicroTari
			payer  string
		}{{"6001", xtr(30), alice}, {"6002", 0, ""}, {"6003", xtr(30), bob}, {"6005", 0, ""}} {
			ov, err := en.e.Overpayment(en.ctx, tt.order)
			if err != nil || ov.Amount != tt.amount || ov.Payer != tt.payer || ov.Refund != nil {
				t.Errorf("overpayment of %s = %+v, %v; want %d µT from %s", tt.order, ov, err, tt.amount, tt.payer)
			}
		}
		ctx := engine.WithActor(en.ctx, "staff:7")
		for _, tt := range []struct {
			order string
			want  engine.MicroTari
			err   error
		}{
			{"6001", xtr(30), nil},
			{"6001", 0, engine.ErrNothingToRefund}, // refunded already
			{"6003", xtr(10), nil},
			{"6002", 0, engine.ErrNothingToRefund},
			{"6005", 0, engine.ErrNothingToRefund},
			{"nope", 0, engine.ErrOrderNotFound},
		} {
			r, err := en.e.RefundOverpayment(ctx, tt.order, "customer paid twice")
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("refund of %s: %v, want %v", tt.order, err, tt.err)
				}
				continue
			}
			if err != nil || r.Amount != tt.want || r.Status != engine.RefundDue || r.RefundID != engine.OverpaymentRefundID(tt.order) {
				t.Errorf("refund of %s = %+v, %v; want %d µT due", tt.order, r, err, tt.want)
			}
		}
		en.wantBalance(alice, 0)
		en.wantBalance(bob, 0)
		if ov, err := en.e.Overpayment(en.ctx, "6001"); err != nil || ov.Refund == nil || ov.Refund.Amount != xtr(30) {
			t.Errorf("overpayment of 6001 after its refund = %+v, %v", ov, err)
		}
		checkLedger(t, en)
		due, err := en.e.Refunds(en.ctx, []engine.RefundStatus{engine.RefundDue}, 10)
		if err != nil || len(due) != 2 {
			t.Fatalf("refunds due = %+v, %v", due, err)
		}
		if _, err := en.e.MarkRefundSent(ctx, due[0].ID, "tx-back", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.CreditRefund(ctx, due[1].ID, ""); err != nil {
			t.Fatal(err)
		}
		checkLedger(t, en)
	})
}
