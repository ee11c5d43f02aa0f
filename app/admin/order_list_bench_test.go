package admin

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
)

const benchOrders = 100_000

// seedOrders bulk-inserts orders from to n (exclusive) over 1,000
// customers and every status, one a minute, straight into the table: the
// benchmark measures reading.
func seedOrders(b *testing.B, d *db.DB, from, n int) {
	b.Helper()
	statuses := []engine.OrderStatus{engine.OrderUnclaimed, engine.OrderNew, engine.OrderPaid, engine.OrderCancelled, engine.OrderExpired}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 500
	ctx := context.Background()
	for i := from; i < n; i += batch {
		rows := make([]engine.Order, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			at := start.Add(time.Duration(j) * time.Minute)
			memo := fmt.Sprintf("order %d for customer %d", j, j%1000)
			alt := fmt.Sprintf("#%d", 10000+j)
			rows = append(rows, engine.Order{
				OrderID: fmt.Sprint(5_000_000_000 + j), AltID: &alt, CustomerID: fmt.Sprintf("cust-%d", j%1000), Memo: &memo,
				TotalPrice: engine.MicroTari(1_000_000 + j), Currency: "USD", CreatedAt: at, UpdatedAt: at, RecordedAt: at,
				Status: statuses[j%len(statuses)], ClaimToken: fmt.Sprintf("tok-%d", j),
			})
		}
		if err := d.Update(ctx, func(tx engine.Tx) error {
			for i := range rows {
				if _, err := tx.InsertOrder(ctx, &rows[i]); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOrderList renders one page of the order list, through the real
// handler, engine and SQLite, over 100,000 orders. docs/admin.md records the
// results and the query plans this prints.
func BenchmarkOrderList(b *testing.B) {
	d := dbtest.Open(b, "sqlite")
	seedOrders(b, d, 0, benchOrders)
	eng := engine.New(engine.Config{}, d, nil)
	hs := newHarness(b, eng)
	if _, err := eng.Install(context.Background(), testShop, "42"); err != nil { // the harness's session's staff user
		b.Fatal(err)
	}
	hdr := map[string]string{"HX-Request": "true", "HX-Boosted": "true", SessionHeader: hs.session}
	queries := []struct{ name, query, sql string }{
		{"first page", "", `SELECT * FROM orders ORDER BY created_at, id LIMIT 51`},
		{"page 1000", "?page=1000", `SELECT * FROM orders ORDER BY created_at, id LIMIT 51 OFFSET 49950`},
		{"status", "?status=Paid", `SELECT * FROM orders WHERE status IN ('Paid') ORDER BY created_at, id LIMIT 51`},
		{"customer", "?customer=cust-7", `SELECT * FROM orders WHERE customer_id = 'cust-7' ORDER BY created_at, id LIMIT 51`},
		{"order id", "?id=5000012345", `SELECT * FROM orders WHERE order_id = '5000012345' ORDER BY created_at, id LIMIT 51`},
		{"date range", "?since=2026-02-01&until=2026-02-02", `SELECT * FROM orders WHERE created_at >= '2026-02-01' AND created_at <= '2026-02-02 23:59:59' ORDER BY created_at, id LIMIT 51`},
		{"memo", "?memo=customer+7", `SELECT * FROM orders WHERE lower(memo) LIKE '%customer 7%' ORDER BY created_at, id LIMIT 51`},
	}
	for _, q := range queries {
		var plan []string
		rows, err := d.Bun().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q.sql)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				b.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		b.Logf("%s: %s\n\t%s", q.name, q.sql, strings.Join(plan, "\n\t"))

		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				resp, body := hs.do(b, "GET", "/admin/orders"+q.query, nil, hdr)
				if resp.StatusCode != 200 || !strings.Contains(body, `data-testid="order-results"`) {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}
