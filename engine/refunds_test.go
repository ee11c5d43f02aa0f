package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"taripay/engine"
)

// paidFiatOrder stores a USD order of 10.00 at 10 XTR per USD and pays it
// from payer: 100 XTR settled.
func paidFiatOrder(en *env, id, customer, payer string) {
	en.t.Helper()
	en.setRate("USD", 10_000_000)
	ref := id
	en.receive("tx-"+id, payer, xtr(120), nil, &ref)
	en.confirm("tx-" + id)
	if o := en.receiveOrder(fiat(id, customer, "10.00", "USD", nil), false); o.Status != engine.OrderPaid {
		en.t.Fatalf("order %s = %s, want Paid", id, o.Status)
	}
}

// A storefront refund of an order paid in Tari is a refund due at the
// order's rate, to the address that paid, capped at what was paid, once
// per refund id; an order not paid in Tari has none.
func TestRecordRefund(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t).String()
		paidFiatOrder(en, "3001", "c1", alice)
		en.receiveOrder(fiat("3002", "c2", "5.00", "USD", nil), false) // unpaid
		en.receiveOrder(fiat("3003", "c1", "0.00", "USD", nil), false) // paid with nothing in Tari
		en.events.take()

		tests := []struct {
			name       string
			refund     engine.NewRefund
			wantAmount engine.MicroTari
			wantExists bool
			wantErr    error
		}{
			{"part", engine.NewRefund{RefundID: "r1", OrderID: "3001", Amounts: []string{"2.50", "0.50"}, Currency: "usd"}, xtr(30), false, nil},
			{"delivered again", engine.NewRefund{RefundID: "r1", OrderID: "3001", Amounts: []string{"2.50", "0.50"}, Currency: "USD"}, xtr(30), true, nil},
			{"more than is left: capped", engine.NewRefund{RefundID: "r2", OrderID: "3001", Amounts: []string{"99.00"}, Currency: "USD"}, xtr(70), false, nil},
			{"all refunded already", engine.NewRefund{RefundID: "r3", OrderID: "3001", Amounts: []string{"1.00"}, Currency: "USD"}, 0, false, engine.ErrNothingToRefund},
			{"unpaid order", engine.NewRefund{RefundID: "r4", OrderID: "3002", Amounts: []string{"1.00"}, Currency: "USD"}, 0, false, engine.ErrNothingToRefund},
			{"nothing paid in Tari", engine.NewRefund{RefundID: "r5", OrderID: "3003", Amounts: []string{"1.00"}, Currency: "USD"}, 0, false, engine.ErrNothingToRefund},
			{"another currency", engine.NewRefund{RefundID: "r6", OrderID: "3001", Amounts: []string{"1.00"}, Currency: "EUR"}, 0, false, engine.ErrInvalidAmount},
			{"bad amount", engine.NewRefund{RefundID: "r7", OrderID: "3001", Amounts: []string{"1.001"}, Currency: "USD"}, 0, false, engine.ErrInvalidAmount},
			{"unknown order", engine.NewRefund{RefundID: "r8", OrderID: "nope", Amounts: []string{"1.00"}, Currency: "USD"}, 0, false, engine.ErrOrderNotFound},
		}
		for _, tt := range tests {
			r, exists, err := en.e.RecordRefund(en.ctx, tt.refund)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("%s: error %v, want %v", tt.name, err, tt.wantErr)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if exists != tt.wantExists || r.Amount != tt.wantAmount || r.Address != alice || r.Status != engine.RefundDue ||
				r.CustomerID != "c1" || r.OrderID != "3001" {
				t.Errorf("%s: %+v, exists %v; want %d µT due to %s, exists %v", tt.name, r, exists, tt.wantAmount, alice, tt.wantExists)
			}
		}
		due, err := en.e.Refunds(en.ctx, []engine.RefundStatus{engine.RefundDue}, 100)
		if err != nil || len(due) != 2 || due[0].RefundID != "r2" {
			t.Fatalf("refunds due = %+v, %v; want r2 and r1, newest first", due, err)
		}
		en.wantTypes(engine.EventRefund, engine.EventRefund)
		en.wantBalance(alice, xtr(20)) // a refund due moves no balance
		checkLedger(t, en)
	})
}

// Mark sent closes a refund due with its txid; store credit closes it with
// a credit note for the customer that pays their open orders. Each is
// audited, and a closed refund cannot be closed again.
func TestCloseRefund(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t).String()
		paidFiatOrder(en, "4001", "c1", alice)
		r1, _, err := en.e.RecordRefund(en.ctx, engine.NewRefund{RefundID: "r1", OrderID: "4001", Amounts: []string{"4.00"}, Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		r2, _, err := en.e.RecordRefund(en.ctx, engine.NewRefund{RefundID: "r2", OrderID: "4001", Amounts: []string{"6.00"}, Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		en.order("4002", "c1", xtr(50), nil) // open: the store credit pays it
		en.events.take()
		ctx := engine.WithActor(en.ctx, "staff:42")

		sent, err := en.e.MarkRefundSent(ctx, r1.ID, " tx-back ", "sent from the shop wallet")
		if err != nil || sent.Status != engine.RefundSent || sent.TxID == nil || *sent.TxID != "tx-back" || sent.ClosedAt == nil {
			t.Fatalf("sent = %+v, %v", sent, err)
		}
		credited, err := en.e.CreditRefund(ctx, r2.ID, "customer asked for credit")
		if err != nil || credited.Status != engine.RefundCredited || credited.TxID == nil {
			t.Fatalf("credited = %+v, %v", credited, err)
		}
		en.wantStatus("4002", engine.OrderPaid) // 60 XTR of credit paid 50
		en.wantBalance(alice, xtr(20))          // the payer's own balance is untouched

		for _, tt := range []struct {
			name string
			err  error
			want error
		}{
			{"send again", func() error { _, err := en.e.MarkRefundSent(ctx, r1.ID, "tx-2", ""); return err }(), engine.ErrOrderNoOp},
			{"credit a sent one", func() error { _, err := en.e.CreditRefund(ctx, r1.ID, ""); return err }(), engine.ErrOrderNoOp},
			{"no txid", func() error { _, err := en.e.MarkRefundSent(ctx, r2.ID, "  ", ""); return err }(), engine.ErrInvalidAmount},
			{"unknown", func() error { _, err := en.e.CreditRefund(ctx, 999, ""); return err }(), engine.ErrRefundNotFound},
		} {
			if !errors.Is(tt.err, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
			}
		}
		for _, r := range []engine.Refund{r1, r2} {
			audit, err := en.e.Audit(en.ctx, "refund", r.RefundID)
			if err != nil || len(audit) != 2 || audit[1].Actor != "staff:42" || *audit[1].OldValue != "Due" {
				t.Errorf("audit of %s = %+v, %v", r.RefundID, audit, err)
			}
		}
		var refundEvents int
		for _, ev := range en.events.take() {
			if ev.Type() == engine.EventRefund {
				refundEvents++
			}
		}
		if refundEvents != 2 {
			t.Errorf("%d Refund events for two closings", refundEvents)
		}
		checkLedger(t, en)
	})
}

// checkRefunds checks the refunds against the ledger (docs/engine.md,
// "Invariants"): each order's refunds add up to no more than its
// settlements and are addressed to one of its payers; a sent refund has
// its txid; a credited one has its confirmed credit note of the same
// amount. It returns the total sent, which left the ledger.
func checkRefunds(t *testing.T, en *env, settledOrder map[string]engine.MicroTari) (sent engine.MicroTari) {
	t.Helper()
	ctx := context.Background()
	var refunds []engine.Refund
	if err := en.db.View(ctx, func(tx engine.Tx) (err error) {
		refunds, err = tx.Refunds(ctx, nil, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	perOrder := map[string]engine.MicroTari{}
	for _, r := range refunds {
		if fromCredit := checkRefundFromCredit(t, en, r); fromCredit {
			continue
		}
		perOrder[r.OrderID] += r.Amount
		var payers int
		if err := en.db.Bun().NewRaw("SELECT COUNT(*) FROM settlements WHERE order_id = ? AND payment_address = ?", r.OrderID, r.Address).Scan(ctx, &payers); err != nil {
			t.Fatal(err)
		}
		if payers == 0 {
			t.Errorf("refund %s is addressed to %s, which did not pay order %s", r.RefundID, r.Address, r.OrderID)
		}
		switch r.Status {
		case engine.RefundSent:
			if r.TxID == nil || *r.TxID == "" {
				t.Errorf("refund %s is Sent without a txid", r.RefundID)
			}
			sent += r.Amount
		case engine.RefundCredited:
			var amount engine.MicroTari
			err := en.db.Bun().NewRaw("SELECT amount FROM payments WHERE tx_id = ? AND status = 'Confirmed'", *r.TxID).Scan(ctx, &amount)
			if err != nil || amount != r.Amount {
				t.Errorf("refund %s credited by %s: credit note of %d µT (%v), want %d", r.RefundID, *r.TxID, amount, err, r.Amount)
			}
		}
	}
	for id, total := range perOrder {
		if total > settledOrder[id] {
			t.Errorf("order %s: refunds %d µT exceed its settlements %d µT", id, total, settledOrder[id])
		}
	}
	return sent
}

// checkRefundFromCredit checks a refund of credit (of a payment that
// arrived for a closed order, or of an overpayment): its amount left the
// payer's credit as a debit note of the same amount, so it is outside the
// orders' settlements and, once sent, outside the ledger already. It
// reports whether r is one.
func checkRefundFromCredit(t *testing.T, en *env, r engine.Refund) bool {
	t.Helper()
	if !strings.HasPrefix(r.RefundID, engine.LateRefundID("")) && !strings.HasPrefix(r.RefundID, engine.OverpaymentRefundID("")) {
		return false
	}
	var debit struct {
		Sender string
		Amount engine.MicroTari
	}
	err := en.db.Bun().NewRaw("SELECT sender, amount FROM payments WHERE tx_id = ? AND status = 'Confirmed'", engine.DebitNoteTxID(r.RefundID)).Scan(context.Background(), &debit)
	if err != nil || debit.Sender != r.Address || debit.Amount != -r.Amount {
		t.Errorf("refund %s: debit note %+v (%v), want %d µT from %s", r.RefundID, debit, err, -r.Amount, r.Address)
	}
	if r.Status == engine.RefundCredited {
		var amount engine.MicroTari
		if err := en.db.Bun().NewRaw("SELECT amount FROM payments WHERE tx_id = ? AND status = 'Confirmed'", *r.TxID).Scan(context.Background(), &amount); err != nil || amount != r.Amount {
			t.Errorf("refund %s credited by %s: credit note of %d µT (%v), want %d", r.RefundID, *r.TxID, amount, err, r.Amount)
		}
	}
	return true
}

// Refunds recorded (each delivered three times, some beyond what was
// paid), sent and credited while payments confirm and credit notes pay
// orders keep the ledger invariants: each refund once, never more than its
// order's settlements, and the money conserved (docs/engine.md,
// "Invariants").
func TestConcurrentRefunds(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		rng := rand.New(rand.NewPCG(5, 6))
		const accounts, orders = 6, 24
		addr := func(i int) string { return fmt.Sprintf("addr-%d", i) }
		cust := func(i int) string { return fmt.Sprintf("c%d", i) }
		for i := range orders {
			id := fmt.Sprintf("o%02d", i)
			ref := id
			en.order(id, cust(i%accounts), xtr(int64(2+rng.IntN(8))), nil)
			en.receive("pay-"+id, addr(i%accounts), xtr(10), nil, &ref)
			en.confirm("pay-" + id)
		}
		for i := range orders {
			en.order(fmt.Sprintf("open%02d", i), cust(i%accounts), xtr(int64(1+rng.IntN(20))), nil)
			en.receive(fmt.Sprintf("tx%02d", i), addr(rng.IntN(accounts)), xtr(int64(1+rng.IntN(6))), nil, nil)
		}
		var ops []func(wallet string) error
		for i := range 3 * orders {
			refund := engine.NewRefund{RefundID: fmt.Sprintf("r%02d", i), OrderID: fmt.Sprintf("o%02d", rng.IntN(orders)),
				Amounts: []string{fmt.Sprintf("%d.%02d", rng.IntN(6), rng.IntN(100))}, Currency: "XTR"}
			for range 3 { // duplicate deliveries
				ops = append(ops, func(string) error { _, _, err := en.e.RecordRefund(en.ctx, refund); return err })
			}
			id := int64(1 + rng.IntN(3*orders))
			if i%2 == 0 {
				ops = append(ops, func(string) error {
					_, err := en.e.MarkRefundSent(en.ctx, id, fmt.Sprintf("back-%d", id), "")
					return err
				})
			} else {
				ops = append(ops, func(string) error { _, err := en.e.CreditRefund(en.ctx, id, ""); return err })
			}
		}
		for i := range orders {
			txid := fmt.Sprintf("tx%02d", i)
			ops = append(ops, func(w string) error {
				_, err := en.e.ConfirmPayment(en.ctx, engine.WalletCall{Address: w, Nonce: 1}, txid)
				return err
			})
			c, amount := cust(rng.IntN(accounts)), xtr(int64(1+rng.IntN(5)))
			ops = append(ops, func(string) error { _, err := en.e.CreditNote(en.ctx, c, amount, ""); return err })
		}
		rng.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
		var wg sync.WaitGroup
		for i, op := range ops {
			w := fmt.Sprintf("wallet-%03d", i)
			if err := en.e.AuthorizeWallet(en.ctx, engine.Wallet{Address: w, IPAddress: "10.0.0.1"}); err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				// Refusals (nothing left to refund, closed already, a refund
				// not recorded yet) are expected; anything else is a bug.
				switch err := op(w); engine.ErrorCode(err) {
				case engine.EINVALID, engine.ECONFLICT, engine.ENOTFOUND:
				default:
					if err != nil {
						t.Errorf("op %d: %v", i, err)
					}
				}
			})
		}
		wg.Wait()
		checkLedger(t, en)
		all, err := en.e.Refunds(en.ctx, nil, 1000)
		if err != nil {
			t.Fatal(err)
		}
		count := map[engine.RefundStatus]int{}
		for _, r := range all {
			count[r.Status]++
		}
		if count[engine.RefundSent] == 0 || count[engine.RefundCredited] == 0 || len(all) > 3*orders {
			t.Errorf("refunds by status %v of %d; want some sent, some credited, each refund id once", count, len(all))
		}
		t.Logf("%s: refunds %v", backend, count)
	})
}
