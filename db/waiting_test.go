package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
)

func TestWaitingOrders(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.Open(t, backend)
			at := time.Date(2026, 11, 23, 10, 0, 0, 123456789, time.UTC)
			memo := "gift wrap"
			insert := func(id, alt, customer, currency, token string) (engine.WaitingOrder, bool) {
				t.Helper()
				w := engine.WaitingOrder{OrderID: id, CustomerID: customer, Memo: &memo, Price: "23.90", Currency: currency,
					CreatedAt: at, ReceivedAt: at.Add(time.Minute), ClaimToken: token}
				if alt != "" {
					w.AltID = &alt
				}
				var ok bool
				if err := d.Update(ctx, func(tx engine.Tx) (err error) {
					ok, err = tx.InsertWaitingOrder(ctx, &w)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return w, ok
			}
			first, ok := insert("1001", "#1001", "c1", "USD", "tok1")
			if !ok || first.ID == 0 {
				t.Fatalf("insert = %v, id %d", ok, first.ID)
			}
			insert("1002", "", "c2", "USD", "tok2")
			insert("1003", "#1003", "c1", "EUR", "tok3")
			for _, dup := range [][4]string{{"1001", "#x", "c9", "tokx"}, {"1009", "#1001", "c9", "toky"}, {"1010", "", "c9", "tok1"}} {
				if w, ok := insert(dup[0], dup[1], dup[2], "USD", dup[3]); ok || w.ID != 0 {
					t.Errorf("duplicate %v stored", dup)
				}
			}

			err := d.View(ctx, func(tx engine.Tx) error {
				w, found, err := tx.WaitingOrderByRef(ctx, "1001")
				if err != nil || !found || w.ID != first.ID || *w.AltID != "#1001" || *w.Memo != memo || w.Price != "23.90" ||
					!w.CreatedAt.Equal(at.Truncate(time.Microsecond)) || !w.ReceivedAt.Equal(at.Add(time.Minute).Truncate(time.Microsecond)) {
					return fmt.Errorf("by ref: %+v %v %v", w, found, err)
				}
				if w, found, err := tx.WaitingOrderByClaimToken(ctx, "tok3"); err != nil || !found || w.OrderID != "1003" {
					return fmt.Errorf("by token: %+v %v %v", w, found, err)
				}
				if _, found, err := tx.WaitingOrderByRef(ctx, "nope"); err != nil || found {
					return fmt.Errorf("missing: %v %v", found, err)
				}
				usd, err := tx.WaitingOrders(ctx, "USD")
				if err != nil || len(usd) != 2 || usd[0].OrderID != "1001" || usd[1].OrderID != "1002" {
					return fmt.Errorf("USD: %+v %v", usd, err)
				}
				counts, err := tx.WaitingCounts(ctx)
				if err != nil || fmt.Sprint(counts) != "[{EUR 1} {USD 2}]" {
					return fmt.Errorf("counts: %v %v", counts, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			err = d.Update(ctx, func(tx engine.Tx) error {
				n, err := tx.RedactWaitingOrders(ctx, "c1", []string{"1002"})
				if err != nil || n != 3 {
					return fmt.Errorf("redacted %d, %v", n, err)
				}
				if n, err := tx.RedactWaitingOrders(ctx, "c1", nil); err != nil || n != 0 {
					return fmt.Errorf("redacted again %d, %v", n, err)
				}
				if err := tx.DeleteWaitingOrder(ctx, first.ID); err != nil {
					return err
				}
				counts, err := tx.WaitingCounts(ctx)
				if err != nil || fmt.Sprint(counts) != "[{EUR 1} {USD 1}]" {
					return fmt.Errorf("counts after delete: %v %v", counts, err)
				}
				w, _, err := tx.WaitingOrderByRef(ctx, "1003")
				if err != nil || w.Memo != nil {
					return fmt.Errorf("memo kept: %+v %v", w, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Once deleted, its order_id may wait again.
			if _, ok := insert("1001", "#1001", "c1", "USD", "tok4"); !ok {
				t.Error("a deleted waiting order still holds its order_id")
			}
		})
	}
}

// Lock holds a named lock until the transaction ends: a second
// transaction asking for it waits that long.
func TestLockWaits(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			d, url := dbtest.OpenURL(t, backend)
			other, err := db.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			locked, release := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- d.Update(ctx, func(tx engine.Tx) error {
					if err := tx.Lock(ctx, "taripay:test"); err != nil {
						return err
					}
					close(locked)
					<-release
					return nil
				})
			}()
			<-locked
			second := make(chan error, 1)
			go func() {
				second <- other.Update(ctx, func(tx engine.Tx) error { return tx.Lock(ctx, "taripay:test") })
			}()
			select {
			case err := <-second:
				t.Fatalf("the second lock did not wait for the first transaction: %v", err)
			case <-time.After(100 * time.Millisecond):
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if err := <-second; err != nil {
				t.Fatal(err)
			}
		})
	}
}
