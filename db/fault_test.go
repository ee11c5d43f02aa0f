package db_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
)

// TestStorageFaultsAreUnavailable opens a second pool on a migrated database
// that refuses writes the way a sick disk or server does, and checks that
// the write comes back as engine.ErrUnavailable (503 at the edge), while a
// domain failure on a healthy pool does not.
func TestStorageFaultsAreUnavailable(t *testing.T) {
	ctx := context.Background()
	// The memo spills onto new pages, so that a capped database must grow.
	memo := strings.Repeat("m", 64<<10)
	write := func(tx engine.Tx) error {
		_, err := tx.InsertOrder(ctx, &engine.Order{OrderID: "fault-1", CustomerID: "c1", Memo: &memo, Currency: "XTR", TotalPrice: 1, Status: engine.OrderUnclaimed, ClaimToken: "tok-fault-1"})
		return err
	}
	tests := []struct {
		name    string
		backend string
		params  url.Values // added to the healthy database's URL
	}{
		{"sqlite read-only", "sqlite", url.Values{"_pragma": {"query_only(1)"}}},
		{"sqlite full", "sqlite", url.Values{"_pragma": {"max_page_count(1)"}}},
		{"postgres read-only", "postgres", url.Values{"default_transaction_read_only": {"on"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			healthy, raw := dbtest.OpenURL(t, tt.backend)
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			for k, vs := range tt.params {
				for _, v := range vs {
					q.Add(k, v)
				}
			}
			if strings.HasPrefix(raw, "sqlite://") {
				raw = raw[:strings.IndexByte(raw+"?", '?')] + "?" + q.Encode()
			} else {
				u.RawQuery = q.Encode()
				raw = u.String()
			}
			sick, err := db.Connect(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			defer sick.Close()

			err = sick.Update(ctx, write)
			if !errors.Is(err, engine.ErrUnavailable) {
				t.Fatalf("write on a refusing database: got %v, want engine.ErrUnavailable", err)
			}
			// The Shopify inbox, written outside the engine, says so too.
			_, _, err = sick.SaveWebhook(ctx, "ev-fault", "", "orders/create", "a.myshopify.com", []byte(memo), time.Now(), time.Minute)
			if !errors.Is(err, engine.ErrUnavailable) {
				t.Fatalf("webhook on a refusing database: got %v, want engine.ErrUnavailable", err)
			}
			err = sick.SaveDataReport(ctx, "a.myshopify.com", "c1", []byte(memo), time.Now())
			if !errors.Is(err, engine.ErrUnavailable) {
				t.Fatalf("data report on a refusing database: got %v, want engine.ErrUnavailable", err)
			}

			// The healthy pool takes the write; a duplicate is a domain
			// answer, not a storage fault.
			if err := healthy.Update(ctx, write); err != nil {
				t.Fatalf("write on the healthy database: %v", err)
			}
			err = healthy.InTx(ctx, func(tx bun.Tx) error {
				_, err := tx.NewRaw("INSERT INTO orders (order_id) VALUES ('fault-1')").Exec(ctx)
				return err
			})
			if err == nil || errors.Is(err, engine.ErrUnavailable) {
				t.Fatalf("duplicate order: got %v, want a constraint error that is not ErrUnavailable", err)
			}
		})
	}
}

// TestSQLiteDropsFaultyConnection checks that a connection which met a
// storage fault is not used again. SQLite opens a connection read-only when
// the file is not writable at that moment (chaos.TestStorageFaults makes it
// immutable), and it stays so after the fault clears; here query_only stands
// in for that, on the pool's only connection.
func TestSQLiteDropsFaultyConnection(t *testing.T) {
	ctx := context.Background()
	d, _ := dbtest.OpenURL(t, "sqlite")
	d.Bun().SetMaxOpenConns(1)
	conn, err := d.Bun().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only(1)"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	write := func(id string) func(engine.Tx) error {
		return func(tx engine.Tx) error {
			_, err := tx.InsertOrder(ctx, &engine.Order{OrderID: id, CustomerID: "c1", Currency: "XTR", TotalPrice: 1, Status: engine.OrderUnclaimed, ClaimToken: "tok-" + id})
			return err
		}
	}
	if err := d.Update(ctx, write("o-1")); !errors.Is(err, engine.ErrUnavailable) {
		t.Fatalf("write on a read-only connection: got %v, want engine.ErrUnavailable", err)
	}
	if err := d.Update(ctx, write("o-2")); err != nil {
		t.Fatalf("the next write still meets the faulty connection: %v", err)
	}
}
