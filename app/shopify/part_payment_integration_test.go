package shopify_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"taripay/app/shopify"
	"taripay/app/shopify/shopifytest"
	"taripay/db"
	"taripay/engine"
)

// partStack is the integration stack with order #1140 (23.90 USD, 239 XTR
// at 10 XTR per dollar) stored in taripay, as the fake holds it after
// setup, and a hot wallet that reports payments naming it.
type partStack struct {
	*stack
	nonce int64
}

func newPartStack(t *testing.T, d *db.DB, setup func(*shopifytest.Fake, *shopifytest.Order)) *partStack {
	t.Helper()
	s := &partStack{stack: newStack(t, d, false)}
	o := shopifytest.Order{ID: orderID, Name: "#1140", Gateways: []string{"Tari"}, Currency: "USD", TotalPrice: "23.90"}
	setup(s.fake, &o)
	s.fake.AddOrder(o)
	s.createOrder(t)
	if err := s.eng.AuthorizeWallet(context.Background(), engine.Wallet{Address: "wallet", IPAddress: "10.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	return s
}

// pay receives and confirms a payment of amount naming the order, then
// works the outbox.
func (s *partStack) pay(t *testing.T, txid string, amount engine.MicroTari) {
	t.Helper()
	s.confirm(t, txid, amount)
	s.drain(t)
}

// confirm receives and confirms a payment of amount naming the order.
func (s *partStack) confirm(t *testing.T, txid string, amount engine.MicroTari) {
	t.Helper()
	ctx := engine.WithActor(context.Background(), "test")
	call := func() engine.WalletCall { s.nonce++; return engine.WalletCall{Address: "wallet", Nonce: s.nonce} }
	ref := orderID
	if _, err := s.eng.ReceivePayment(ctx, call(), engine.NewPayment{Sender: "payer-address", Amount: amount, TxID: txid, OrderID: &ref}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.eng.ConfirmPayment(ctx, call(), txid); err != nil {
		t.Fatal(err)
	}
}

// replay runs every part-payment job of the order once more, as a
// duplicate delivery or a retry after a reply that never came would.
func (s *partStack) replay(t *testing.T) {
	t.Helper()
	jobs, err := s.eng.SideEffects(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	var again []engine.SideEffect
	for _, j := range jobs {
		if j.Kind == engine.SideEffectPartPayment {
			again = append(again, j)
		}
	}
	if len(again) == 0 {
		t.Fatal("no part-payment jobs to replay")
	}
	w := shopify.NewWorker(shopify.WorkerConfig{BaseBackoff: time.Second}, &replayOutbox{jobs: again}, s.eng, s.admin, s.db, s.clock.Now, quiet)
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// replayOutbox hands out its jobs once, whatever their state.
type replayOutbox struct {
	jobs   []engine.SideEffect
	failed []string
}

func (o *replayOutbox) ClaimSideEffects(context.Context, int, time.Duration) ([]engine.SideEffect, error) {
	jobs := o.jobs
	o.jobs = nil
	return jobs, nil
}

func (o *replayOutbox) CompleteSideEffect(context.Context, int64) error { return nil }

func (o *replayOutbox) RetrySideEffect(_ context.Context, _ int64, _ time.Time, cause string, _ bool) error {
	o.failed = append(o.failed, cause)
	return nil
}

// want checks what Shopify holds of the order: paid through its
// transactions, still outstanding, and its financial status.
func (s *partStack) want(t *testing.T, paid, outstanding, status string) {
	t.Helper()
	o, _ := s.fake.Order(orderID)
	if got := s.fake.Paid(orderID); got != paid {
		t.Errorf("Shopify holds %s USD paid, want %s", got, paid)
	}
	if got := s.fake.Outstanding(orderID); got != outstanding {
		t.Errorf("Shopify has %s USD outstanding, want %s", got, outstanding)
	}
	if o.FinancialStatus != status {
		t.Errorf("financial status %s, want %s", o.FinancialStatus, status)
	}
}

// With a pending Tari transaction on the order, each part payment is a
// partial capture of it, in dollars at the order's rate; replayed jobs
// capture nothing more, and the payment that completes the order marks
// only the remainder paid.
func TestPartPaymentCapture(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newPartStack(t, d, func(_ *shopifytest.Fake, o *shopifytest.Order) {
			o.Transactions = []shopifytest.Transaction{{ID: "700", Kind: "SALE", Status: "PENDING", Gateway: "Tari", Amount: "23.90", Currency: "USD"}}
		})
		s.pay(t, "tx-1", 100_000_000) // 100 XTR: 10.00 USD
		s.want(t, "10.00", "13.90", "PARTIALLY_PAID")
		s.pay(t, "tx-2", 55_500_000) // 55.5 XTR: 5.55 USD
		s.want(t, "15.55", "8.35", "PARTIALLY_PAID")
		s.replay(t)
		s.want(t, "15.55", "8.35", "PARTIALLY_PAID")
		captures := s.fake.Calls("Capture")
		if len(captures) != 2 {
			t.Fatalf("%d captures, want 2", len(captures))
		}
		for i, want := range []string{"10.00", "5.55"} {
			input, _ := captures[i].Variables["input"].(map[string]any)
			if input["amount"] != want || input["currency"] != "USD" || input["parentTransactionId"] != "gid://shopify/OrderTransaction/700" {
				t.Errorf("capture %d: %v", i, input)
			}
		}
		s.pay(t, "tx-3", 83_500_000) // the last 83.5 XTR: the order is paid
		s.want(t, "23.90", "0.00", "PAID")
		if n := s.fake.Succeeded("MarkAsPaid"); n != 1 {
			t.Errorf("%d mark-paid calls, want 1", n)
		}
		if n := len(s.fake.Calls("Capture")); n != 2 {
			t.Errorf("%d captures after the order was paid, want 2", n)
		}
	})
}

// On Shopify Plus, without a pending Tari transaction, each part payment is
// a manual payment with an amount, by the Tari payment method.
func TestPartPaymentManualPaymentOnPlus(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newPartStack(t, d, func(f *shopifytest.Fake, _ *shopifytest.Order) { f.Plus = true })
		s.pay(t, "tx-1", 100_000_000)
		s.want(t, "10.00", "13.90", "PARTIALLY_PAID")
		s.replay(t)
		s.want(t, "10.00", "13.90", "PARTIALLY_PAID")
		calls := s.fake.Calls("CreateManualPayment")
		if len(calls) != 1 {
			t.Fatalf("%d manual payments, want 1", len(calls))
		}
		amount, _ := calls[0].Variables["amount"].(map[string]any)
		if amount["amount"] != "10.00" || amount["currencyCode"] != "USD" || calls[0].Variables["method"] != "Tari" {
			t.Errorf("manual payment %v", calls[0].Variables)
		}
		s.pay(t, "tx-2", 139_000_000)
		s.want(t, "23.90", "0.00", "PAID")
		if n := s.fake.Succeeded("MarkAsPaid"); n != 1 {
			t.Errorf("%d mark-paid calls, want 1", n)
		}
	})
}

// Elsewhere (no pending Tari transaction with more left than the payment,
// not Plus, or a customer paying in another currency) the amount received goes into the order's
// taripay.received metafield and a staff note line per payment; Shopify's
// outstanding amount is untouched until the order is paid.
func TestPartPaymentMetafieldAndNote(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(*shopifytest.Fake, *shopifytest.Order)
	}{
		{"not Plus", func(_ *shopifytest.Fake, o *shopifytest.Order) { o.Note = "Leave at the door" }},
		{"a pending transaction a capture would use up", func(_ *shopifytest.Fake, o *shopifytest.Order) {
			o.Note = "Leave at the door"
			o.Transactions = []shopifytest.Transaction{{ID: "700", Kind: "SALE", Status: "PENDING", Gateway: "Tari", Amount: "10.00", Currency: "USD"}}
		}},
		{"another presentment currency", func(f *shopifytest.Fake, o *shopifytest.Order) {
			f.Plus, o.PresentmentCurrency, o.Note = true, "EUR", "Leave at the door"
			o.Transactions = []shopifytest.Transaction{{ID: "700", Kind: "SALE", Status: "PENDING", Gateway: "Tari", Amount: "22.00", Currency: "EUR"}}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			each(t, func(t *testing.T, d *db.DB) {
				s := newPartStack(t, d, tt.setup)
				s.pay(t, "tx-1", 100_000_000)
				s.pay(t, "tx-2", 55_500_000)
				s.replay(t)
				o, _ := s.fake.Order(orderID)
				if o.Received != `{"amount":"15.55","currency_code":"USD"}` {
					t.Errorf("taripay.received = %s", o.Received)
				}
				want := "Leave at the door\n" +
					"Tari payment tx-1 confirmed: 100 XTR; 10.00 USD received in Tari so far.\n" +
					"Tari payment tx-2 confirmed: 55.5 XTR; 15.55 USD received in Tari so far."
				if o.Note != want {
					t.Errorf("note %q, want %q", o.Note, want)
				}
				if n := len(s.fake.Calls("Capture")) + len(s.fake.Calls("CreateManualPayment")); n != 0 {
					t.Errorf("%d captures or manual payments", n)
				}
				s.want(t, "0.00", "23.90", "PENDING")
				s.pay(t, "tx-3", 83_500_000)
				s.want(t, "23.90", "0.00", "PAID")
				if s.fake.Succeeded("RecordReceived") != 4 {
					t.Errorf("RecordReceived calls %d, want 4 (two jobs, each replayed)", s.fake.Succeeded("RecordReceived"))
				}
			})
		})
	}
}

// A capture that Shopify made but whose reply never came is not made
// again: the retry finds it on the order.
func TestPartPaymentLostReply(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		s := newPartStack(t, d, func(_ *shopifytest.Fake, o *shopifytest.Order) {
			o.Transactions = []shopifytest.Transaction{{ID: "700", Kind: "SALE", Status: "PENDING", Gateway: "Tari", Amount: "23.90", Currency: "USD"}}
		})
		release := s.fake.HoldNext("Capture")
		defer release()
		s.confirm(t, "tx-1", 100_000_000)
		// a short lease: the held call is given up after half of it
		w := shopify.NewWorker(shopify.WorkerConfig{BaseBackoff: time.Second, Lease: 400 * time.Millisecond}, s.eng, s.eng, s.admin, s.db, s.clock.Now, quiet)
		if _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		release()
		jobs, err := s.eng.SideEffects(context.Background(), orderID)
		if err != nil {
			t.Fatal(err)
		}
		if i := slices.IndexFunc(jobs, func(j engine.SideEffect) bool { return j.Kind == engine.SideEffectPartPayment }); i < 0 ||
			jobs[i].State != engine.SideEffectPending || jobs[i].LastError == "" {
			t.Fatalf("after the lost reply: %+v", jobs)
		}
		s.drain(t)
		s.want(t, "10.00", "13.90", "PARTIALLY_PAID")
		if n := len(s.fake.Calls("Capture")); n != 1 {
			t.Errorf("%d captures, want 1", n)
		}
	})
}
