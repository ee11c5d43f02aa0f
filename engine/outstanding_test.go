package engine_test

import (
	"testing"

	"taripay/engine"
)

// A storefront order with nothing left to pay (a gift card covered it) is
// paid as it arrives, with no settlement, and takes nothing from the Tari
// credit of the customer's address; one with something left is paid from
// that credit as before.
func TestNothingOutstandingIsPaid(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		en.setRate("USD", 10_000_000)
		alice := newUser(t).String()
		tests := []struct {
			id, price   string
			wantTotal   engine.MicroTari
			wantBalance engine.MicroTari // alice's credit after the order
			wantSettled int
		}{
			{"2000", "0.30", xtr(3), xtr(2), 1}, // named by alice's payment: links her to c1
			{"2001", "0.00", 0, xtr(2), 0},
			{"2002", "0", 0, xtr(2), 0},
			{"2003", "0.10", xtr(1), xtr(1), 1}, // paid from c1's credit
		}
		for i, tt := range tests {
			if i == 0 {
				id := tt.id
				en.receive("tx1", alice, xtr(5), nil, &id)
				en.confirm("tx1")
			}
			en.events.take()
			o := en.receiveOrder(fiat(tt.id, "c1", tt.price, "USD", nil), false)
			if o.Status != engine.OrderPaid || o.TotalPrice != tt.wantTotal {
				t.Errorf("order %s (%s USD) = %s, %d µT; want Paid, %d µT", tt.id, tt.price, o.Status, o.TotalPrice, tt.wantTotal)
			}
			en.wantBalance(alice, tt.wantBalance)
			evs := en.events.take()
			if len(evs) == 0 || evs[len(evs)-1].Type() != engine.EventOrderPaid {
				t.Errorf("order %s: events %v, want OrderPaid last", tt.id, evs)
			}
			h, err := en.e.AddressHistory(en.ctx, alice, engine.Page{})
			if err != nil {
				t.Fatal(err)
			}
			settled := 0
			for _, s := range h.Settlements {
				if s.OrderID == tt.id {
					settled++
				}
			}
			if settled != tt.wantSettled {
				t.Errorf("order %s: %d settlements, want %d", tt.id, settled, tt.wantSettled)
			}
		}
	})
}
