package db_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/engine/enginetest"
)

type eventRow struct {
	Seq     int64  `bun:"seq"`
	Type    string `bun:"type"`
	Payload string `bun:"payload"`
}

func eventRows(t *testing.T, d *db.DB) []eventRow {
	t.Helper()
	var rows []eventRow
	if err := d.Bun().NewRaw("SELECT seq, type, payload FROM events ORDER BY seq").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// countKeys counts the object keys of a JSON document, nested ones too.
func countKeys(t *testing.T, payload string) int {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(payload), &doc); err != nil {
		t.Fatal(err)
	}
	var count func(v any) int
	count = func(v any) int {
		n := 0
		if m, ok := v.(map[string]any); ok {
			for _, child := range m {
				n += 1 + count(child)
			}
		}
		return n
	}
	return count(doc)
}

// forgetMemos is what redacting alice's orders must do to one event: clear
// the notes of her orders and of the payments naming them.
func forgetMemos(ev engine.Event, ids map[string]bool) engine.Event {
	order := func(o engine.Order) engine.Order {
		if ids[o.OrderID] {
			o.Memo = nil
		}
		return o
	}
	switch ev := ev.(type) {
	case engine.NewOrderEvent:
		ev.Order = order(ev.Order)
		return ev
	case engine.OrderPaidEvent:
		ev.Order = order(ev.Order)
		return ev
	case engine.OrderClaimedEvent:
		ev.Order = order(ev.Order)
		return ev
	case engine.OrderAnnulledEvent:
		ev.Order = order(ev.Order)
		return ev
	case engine.OrderWrittenOffEvent:
		ev.Order = order(ev.Order)
		return ev
	case engine.OrderModifiedEvent:
		ev.Old, ev.New = order(ev.Old), order(ev.New)
		return ev
	case engine.PaymentReceivedEvent:
		if ev.Payment.OrderID != nil && ids[*ev.Payment.OrderID] {
			ev.Payment.Memo = nil
		}
		return ev
	case engine.ConfirmationEvent:
		if ev.Payment.OrderID != nil && ids[*ev.Payment.OrderID] {
			ev.Payment.Memo = nil
		}
		return ev
	}
	return ev
}

// A database written by taripay before event payloads had a format of
// their own (db/testdata/README.md) is migrated: every event reads back
// typed, with every field it had, and redacting a customer then clears her
// notes and keeps every amount digit for digit.
func TestEventsFixture(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			url := "sqlite://" + filepath.Join(t.TempDir(), "fixture.db")
			if backend == "postgres" {
				url = dbtest.NewPostgresSchema(t)
			}
			d, err := db.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if _, err := d.MigrateTo(ctx, 302); err != nil {
				t.Fatal(err)
			}
			fixture, err := os.ReadFile(filepath.Join("testdata", "events_0302."+backend+".sql"))
			if err != nil {
				t.Fatal(err)
			}
			for _, stmt := range strings.Split(strings.TrimSpace(string(fixture)), "\n") {
				// The database/sql pool, not bun: bun would read a "?" in
				// the data as a placeholder.
				if _, err := d.Bun().DB.ExecContext(ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			old := eventRows(t, d)
			if len(old) != 20 {
				t.Fatalf("the fixture has %d events, want 20", len(old))
			}
			if _, err := engine.DecodeEvent(engine.EventType(old[0].Type), []byte(old[0].Payload)); err == nil {
				t.Fatal("an event of the old format decodes before the migration")
			}

			// The fixture stops at 0302: the event rewrite, and whatever came
			// after it, runs now.
			if applied, err := d.Migrate(ctx); err != nil || len(applied) == 0 || applied[0] != "0303_event_payloads_v1" {
				t.Fatalf("Migrate applied %v, %v", applied, err)
			}
			migrated := eventRows(t, d)
			types := map[engine.EventType]bool{}
			before := make([]engine.Event, len(migrated))
			for i, r := range migrated {
				ev, err := engine.DecodeEvent(engine.EventType(r.Type), []byte(r.Payload))
				if err != nil {
					t.Fatalf("event %d: %v", r.Seq, err)
				}
				if r.Seq != old[i].Seq || ev.Type() != engine.EventType(r.Type) {
					t.Fatalf("event %d is %s after the migration, was %d %s", r.Seq, ev.Type(), old[i].Seq, old[i].Type)
				}
				// The decoder refuses unknown keys, so with as many keys as
				// before, plus "v", none was lost.
				if got, want := countKeys(t, r.Payload), countKeys(t, old[i].Payload)+1; got != want {
					t.Errorf("event %d has %d keys, want %d: %s", r.Seq, got, want, r.Payload)
				}
				if again, _ := engine.EncodeEvent(ev); string(again) != r.Payload {
					t.Errorf("event %d is stored as\n%s\nthe engine writes\n%s", r.Seq, r.Payload, again)
				}
				types[ev.Type()] = true
				before[i] = ev
			}
			if len(types) != 9 {
				t.Errorf("the fixture has events of %d types, want all 9: %v", len(types), types)
			}
			first := before[0].(engine.NewOrderEvent).Order
			if first.OrderID != "o1" || first.TotalPrice != engine.MaxOrderTotal-7 || first.Memo == nil || !strings.Contains(*first.Memo, "555 0100") {
				t.Errorf("the first event's order = %+v", first)
			}
			if w := before[5].(engine.OrderWrittenOffEvent).WriteOff; w.Amount != 500_000 || w.Tolerance != 10_000 || w.OrderID != "o2" {
				t.Errorf("the write-off = %+v", w)
			}

			e := engine.New(engine.Config{StrictMode: true, UnclaimedOrderTimeout: 2 * time.Hour, UnpaidOrderTimeout: 48 * time.Hour},
				d, enginetest.NewClock(time.Date(2024, 3, 11, 9, 0, 0, 0, time.UTC)))
			n, err := e.RedactCustomer(ctx, "alice", nil)
			if err != nil || n != 4 {
				t.Fatalf("RedactCustomer = %d, %v; want alice's 4 orders with notes", n, err)
			}
			alices := map[string]bool{"o1": true, "o2": true, "o4": true, "o5": true}
			after := eventRows(t, d)
			for i, r := range after {
				if strings.Contains(r.Payload, "555 01") {
					t.Errorf("event %d still holds a note of alice: %s", r.Seq, r.Payload)
				}
				ev, err := engine.DecodeEvent(engine.EventType(r.Type), []byte(r.Payload))
				if err != nil {
					t.Fatalf("event %d after redaction: %v", r.Seq, err)
				}
				if want := forgetMemos(before[i], alices); !reflect.DeepEqual(ev, want) {
					t.Errorf("event %d after redaction = %+v, want %+v", r.Seq, ev, want)
				}
			}
			// bob's notes stay, and the amounts keep every digit.
			var all strings.Builder
			for _, r := range after {
				all.WriteString(r.Payload)
			}
			for _, want := range []string{`"memo":"out of stock"`, `"memo":"A payment for no order"`,
				`"total_price":99999999999993`, `"total_price":99999999999991`, `"amount":99500000`} {
				if !strings.Contains(all.String(), want) {
					t.Errorf("no event holds %s after redaction", want)
				}
			}
		})
	}
}
