package engine_test

import (
	"math/big"
	"testing"

	"taripay/engine"
)

// partJobs lists an order's part-payment jobs by payment, and counts its
// mark-paid jobs.
func (en *env) partJobs(orderID string) (txids []string, markPaid int) {
	en.t.Helper()
	jobs, err := en.e.SideEffects(en.ctx, orderID)
	if err != nil {
		en.t.Fatal(err)
	}
	for _, j := range jobs {
		switch j.Kind {
		case engine.SideEffectPartPayment:
			txids = append(txids, j.TxID)
		case engine.SideEffectMarkPaid:
			markPaid++
		}
	}
	return txids, markPaid
}

// A confirmed payment that leaves the order it names open queues one
// part-payment job for that order and payment; a repeated confirmation
// queues nothing more, and the payment that completes (or overpays) the
// order queues none: its mark-paid job records the rest.
func TestPartPaymentJobs(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := "alice-addr"
		en.order("1001", "cust-a", xtr(100), nil)

		en.receive("tx-1", alice, xtr(40), nil, ptr("1001"))
		en.confirm("tx-1")
		if c, err := en.e.ConfirmPayment(en.ctx, en.call(), "tx-1"); err != nil || !c.Repeat {
			t.Fatalf("repeated confirmation: %+v, %v", c, err)
		}
		en.receive("tx-pending", alice, xtr(10), nil, ptr("1001")) // received, never confirmed
		en.receive("tx-2", alice, xtr(30), nil, ptr("1001"))
		en.confirm("tx-2")
		txids, markPaid := en.partJobs("1001")
		if len(txids) != 2 || txids[0] != "tx-1" || txids[1] != "tx-2" || markPaid != 0 {
			t.Fatalf("after two part payments: part jobs %v, mark-paid jobs %d", txids, markPaid)
		}

		en.receive("tx-3", alice, xtr(40), nil, ptr("1001")) // 110 of 100: overpays
		en.confirm("tx-3")
		en.wantStatus("1001", engine.OrderPaid)
		if txids, markPaid := en.partJobs("1001"); len(txids) != 2 || markPaid != 1 {
			t.Fatalf("after the overpayment: part jobs %v, mark-paid jobs %d", txids, markPaid)
		}

		// paid in one payment: no part job
		en.order("1002", "cust-b", xtr(50), nil)
		en.receive("tx-4", "bob-addr", xtr(50), nil, ptr("1002"))
		en.confirm("tx-4")
		if txids, markPaid := en.partJobs("1002"); len(txids) != 0 || markPaid != 1 {
			t.Fatalf("paid in full: part jobs %v, mark-paid jobs %d", txids, markPaid)
		}

		// a payment naming no stored order is credit, and reports nowhere
		en.receive("tx-5", "carol-addr", xtr(5), nil, ptr("9999"))
		en.confirm("tx-5")
		if txids, _ := en.partJobs("9999"); len(txids) != 0 {
			t.Fatalf("unknown order: part jobs %v", txids)
		}
	})
}

// FromMicroTari truncates toward zero in the currency's minor units, and
// FormatMinor writes them with the currency's decimals.
func TestFromMicroTari(t *testing.T) {
	tests := []struct {
		amount   engine.MicroTari
		currency string
		rate     engine.MicroTari
		want     string
	}{
		{xtr(1000), "USD", xtr(250), "4.00"}, // 250 XTR per dollar
		{xtr(1001), "USD", xtr(250), "4.00"}, // 4.004 → 4.00
		{xtr(1), "USD", xtr(3), "0.33"},      // a third, truncated
		{xtr(1500), "JPY", xtr(2), "750"},    // no decimals
		{xtr(1), "KWD", xtr(3), "0.333"},     // three decimals
		{1_234_567, "XTR", 0, "1.234567"},    // XTR at parity, whatever the rate
		{0, "EUR", xtr(1), "0.00"},
	}
	for _, tt := range tests {
		minor, err := engine.FromMicroTari(tt.amount, tt.currency, tt.rate)
		if err != nil {
			t.Fatalf("%d %s: %v", tt.amount, tt.currency, err)
		}
		if got := engine.FormatMinor(minor, tt.currency); got != tt.want {
			t.Errorf("%d µT at %d µT/%s = %s, want %s", tt.amount, tt.rate, tt.currency, got, tt.want)
		}
	}
	if _, err := engine.FromMicroTari(xtr(1), "USD", 0); engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("no rate: %v", err)
	}
	if got := engine.FormatMinor(big.NewInt(-5), "USD"); got != "-0.05" {
		t.Errorf("negative: %s", got)
	}
}
