package engine_test

import (
	"testing"

	"taripay/engine"
)

// Every published event is the outbox row written in its transaction, with
// the same sequence and a JSON payload that carries the typed event.
func TestEventsAreWrittenToTheOutbox(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		alice := newUser(t)
		en.order("o1", "c1", xtr(10), nil)
		if _, err := en.e.Claim(en.ctx, "o1", alice.String()); err != nil {
			t.Fatal(err)
		}
		en.receive("tx1", alice.String(), xtr(15), nil, nil)
		en.confirm("tx1")
		en.order("o2", "c2", xtr(10), nil)
		if _, err := en.e.Cancel(en.ctx, "o2", "dup"); err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.ChangeMemo(en.ctx, "o1", "m", ""); err != nil {
			t.Fatal(err)
		}
		// A refused change writes nothing.
		if _, err := en.e.Cancel(en.ctx, "o2", "again"); err == nil {
			t.Fatal("second cancel accepted")
		}

		var rows []struct {
			Seq     int64
			Type    string
			Payload string
		}
		if err := en.db.Bun().NewRaw("SELECT seq, type, payload FROM events ORDER BY seq").Scan(en.ctx, &rows); err != nil {
			t.Fatal(err)
		}
		published := en.events.all()
		if len(rows) != len(published) || len(rows) != 8 {
			t.Fatalf("outbox has %d rows, %d published, want 8", len(rows), len(published))
		}
		want := []engine.EventType{
			engine.EventNewOrder, engine.EventOrderClaimed, engine.EventPaymentReceived, engine.EventOrderPaid,
			engine.EventConfirmation, engine.EventNewOrder, engine.EventOrderAnnulled, engine.EventOrderModified,
		}
		for i, r := range rows {
			if r.Seq != published[i].Seq || r.Type != string(published[i].Event.Type()) || r.Type != string(want[i]) {
				t.Errorf("row %d = %d %s, published %d %s, want %s", i, r.Seq, r.Type, published[i].Seq, published[i].Event.Type(), want[i])
			}
		}
		decoded := make([]engine.Event, len(rows))
		for i, r := range rows {
			ev, err := engine.DecodeEvent(engine.EventType(r.Type), []byte(r.Payload))
			if err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
			// Read back and written again, it is the published event's
			// stored form, byte for byte.
			again, err := engine.EncodeEvent(ev)
			if want, _ := engine.EncodeEvent(published[i].Event); err != nil || string(again) != r.Payload || string(want) != r.Payload {
				t.Fatalf("row %d = %s, reads back as %s, published as %s (%v)", i, r.Payload, again, want, err)
			}
			decoded[i] = ev
		}
		if paid := decoded[3].(engine.OrderPaidEvent); paid.Order.OrderID != "o1" || paid.Order.Status != engine.OrderPaid || paid.Order.TotalPrice != xtr(10) {
			t.Fatalf("OrderPaid payload = %s", rows[3].Payload)
		}
		if claimed := decoded[1].(engine.OrderClaimedEvent); claimed.Address != alice.String() || claimed.Order.Status != engine.OrderNew {
			t.Fatalf("OrderClaimed payload = %s", rows[1].Payload)
		}
		if annulled := decoded[6].(engine.OrderAnnulledEvent); annulled.Order.Status != engine.OrderCancelled || annulled.FromStorefront {
			t.Fatalf("OrderAnnulled payload = %s", rows[6].Payload)
		}
		if modified := decoded[7].(engine.OrderModifiedEvent); modified.Field != "memo" || modified.Old.Memo != nil || *modified.New.Memo != "m" {
			t.Fatalf("OrderModified payload = %s", rows[7].Payload)
		}
		if conf := decoded[4].(engine.ConfirmationEvent); conf.Payment.TxID != "tx1" || conf.Payment.Status != engine.PaymentConfirmed {
			t.Fatalf("Confirmation payload = %s", rows[4].Payload)
		}
	})
}
