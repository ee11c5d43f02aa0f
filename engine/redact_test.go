package engine_test

import (
	"strings"
	"testing"

	"taripay/engine"
)

// customers/redact: the customer's order notes leave the orders, the audit
// trail and the event log; prices, statuses, payments and settlements stay,
// and the audit trail still refuses every other rewrite.
func TestRedactCustomer(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		en := newEnv(t, backend, defaultConfig)
		const secret = "Ring +1 555 0100, leave it with Alice"
		note, other := secret, "Bob's note"
		for _, o := range []engine.NewOrder{
			// Nearly the most one order may cost: the rewritten event keeps
			// every digit.
			{OrderID: "r1", CustomerID: "alice", Memo: &note, TotalPrice: engine.MaxOrderTotal - 7, Currency: "XTR"},
			{OrderID: "r2", CustomerID: "alice", Memo: &note, TotalPrice: xtr(20), Currency: "XTR"},
			{OrderID: "r_3", CustomerID: "bob", Memo: &other, TotalPrice: xtr(30), Currency: "XTR"},
		} {
			if _, err := en.e.AddOrder(en.ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		// A cancel moves the note into the audit trail as the old memo.
		if _, err := en.e.Cancel(en.ctx, "r2", "customer asked"); err != nil {
			t.Fatal(err)
		}

		n, err := en.e.RedactCustomer(en.ctx, "alice", []string{"r2"})
		if err != nil || n != 2 {
			t.Fatalf("RedactCustomer = %d, %v; want 2 orders", n, err)
		}
		for _, id := range []string{"r1", "r2"} {
			o, err := en.e.Order(en.ctx, id, false)
			if err != nil || o.Memo != nil || o.TotalPrice == 0 {
				t.Fatalf("order %s after redaction: memo %v, price %d, %v", id, o.Memo, o.TotalPrice, err)
			}
			audit, err := en.e.Audit(en.ctx, "order", id)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range audit {
				for _, v := range []*string{a.OldValue, a.NewValue} {
					if v != nil && strings.Contains(*v, "555") {
						t.Errorf("order %s audit %s still holds the note: %q", id, a.Field, *v)
					}
				}
			}
		}
		if o, _ := en.e.Order(en.ctx, "r2", false); o.Status != engine.OrderCancelled {
			t.Errorf("r2 status = %s, want it kept Cancelled", o.Status)
		}
		var leaks int
		if err := en.db.Bun().NewRaw("SELECT count(*) FROM events WHERE payload LIKE ?", "%555 0100%").Scan(en.ctx, &leaks); err != nil {
			t.Fatal(err)
		}
		if leaks != 0 {
			t.Errorf("%d events still carry the note", leaks)
		}
		var exact int
		if err := en.db.Bun().NewRaw("SELECT count(*) FROM events WHERE payload LIKE ?", "%99999999999993%").Scan(en.ctx, &exact); err != nil {
			t.Fatal(err)
		}
		if exact == 0 {
			t.Error("the redacted events lost r1's exact price")
		}
		if o, _ := en.e.Order(en.ctx, "r_3", false); o.Memo == nil || *o.Memo != other {
			t.Errorf("bob's order lost its note: %v", o.Memo)
		}

		// Redaction is the only rewrite the audit trail takes.
		_, err = en.db.Bun().NewRaw("UPDATE audit_entries SET reason = 'tampered' WHERE entity_id = 'r1'").Exec(en.ctx)
		if err == nil {
			t.Error("the audit trail accepted a rewrite of its reason")
		}
		_, err = en.db.Bun().NewRaw("UPDATE audit_entries SET new_value = 'tampered' WHERE entity_id = 'r1' AND new_value IS NOT NULL").Exec(en.ctx)
		if err == nil {
			t.Error("the audit trail accepted a rewrite of a value")
		}
	})
}
