package engine_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"taripay/engine"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// The stored form of each event type is pinned by a golden file, so that
// renaming or retyping a Go field of the engine cannot change what is
// stored (docs/engine.md, "The stored event format"), and the file reads
// back into the same event.
func TestEventFormatGolden(t *testing.T) {
	at := time.Date(2024, 3, 10, 15, 0, 0, 123456789, time.UTC)
	later := at.Add(90 * time.Minute)
	str := func(s string) *string { return &s }
	order := func(status engine.OrderStatus, memo string) engine.Order {
		return engine.Order{
			ID: 7, OrderID: "1001", AltID: str("#1001"), CustomerID: "c-42", Memo: str(memo),
			TotalPrice: engine.MaxOrderTotal - 7, OriginalPrice: str("12.34"), Currency: "USD",
			CreatedAt: at, UpdatedAt: later, Status: status, AmountOutstanding: str("0.50"),
			ExchangeRate: 8_103_727_714_748_784, RecordedAt: at, ClaimedAt: &later,
			ClaimToken: "tok-abc", CheckoutToken: "chk-def",
		}
	}
	payment := func(status engine.PaymentStatus) engine.Payment {
		return engine.Payment{
			TxID: "tx-9", CreatedAt: at, UpdatedAt: later, Sender: "14sender", Amount: 99_999_999_999_999,
			Memo: str("pay note"), PaymentType: engine.PaymentOnChain, Status: status, OrderID: str("1001"),
		}
	}
	for _, ev := range []engine.Event{
		engine.NewOrderEvent{Order: order(engine.OrderUnclaimed, "a note")},
		engine.OrderClaimedEvent{Order: order(engine.OrderNew, "a note"), Address: "14claimant"},
		engine.PaymentReceivedEvent{Payment: payment(engine.PaymentReceived)},
		engine.ConfirmationEvent{Payment: payment(engine.PaymentConfirmed)},
		engine.OrderPaidEvent{Order: order(engine.OrderPaid, "a note")},
		engine.OrderAnnulledEvent{Order: order(engine.OrderCancelled, "a note"), FromStorefront: true},
		engine.OrderModifiedEvent{Field: "memo", Old: order(engine.OrderNew, "old note"), New: order(engine.OrderNew, "new note")},
		engine.OrderWrittenOffEvent{Order: order(engine.OrderPaid, "a note"), WriteOff: engine.WriteOff{
			ID: 3, CreatedAt: later, OrderID: "1001", Amount: 500_000, Tolerance: 10_000}},
		engine.RefundEvent{Refund: engine.Refund{
			ID: 5, RefundID: "rf-1", OrderID: "1001", CustomerID: "c-42", Address: "14payer", Amount: 20_000_001,
			ShopAmount: "2.00", Currency: "USD", Status: engine.RefundSent, TxID: str("tx-back"), CreatedAt: at, ClosedAt: &later}},
	} {
		t.Run(string(ev.Type()), func(t *testing.T) {
			got, err := engine.EncodeEvent(ev)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "events_v1", string(ev.Type())+".json")
			if *updateGolden {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want = want[:len(want)-1]
			if string(got) != string(want) {
				t.Fatalf("stored as\n%s\nwant (%s)\n%s", got, path, want)
			}
			back, err := engine.DecodeEvent(ev.Type(), want)
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := engine.EncodeEvent(back); string(again) != string(want) {
				t.Fatalf("%s reads back as\n%s", path, again)
			}
		})
	}
}

// A payload of another schema version, of an unknown type or with a key
// the format does not know is refused, not read with a field missing.
func TestDecodeEventRefuses(t *testing.T) {
	for _, tc := range []struct {
		typ     engine.EventType
		payload string
	}{
		{engine.EventRefund, `{"refund":{"id":1}}`},
		{engine.EventRefund, `{"v":2,"refund":{"id":1}}`},
		{engine.EventRefund, `{"v":1,"refund":{"id":1,"RefundID":"x"}}`},
		{engine.EventNewOrder, `{"v":1,"Order":{"OrderID":"1"}}`},
		{engine.EventType("Nonesuch"), `{"v":1}`},
	} {
		if ev, err := engine.DecodeEvent(tc.typ, []byte(tc.payload)); err == nil {
			t.Errorf("%s %s decodes to %+v", tc.typ, tc.payload, ev)
		}
	}
}
