package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/internal/server"
)

// seedHistory bulk-inserts n orders (nine in ten Paid, with their
// settlement and confirmed payment) over 1,000 linked customers, in a few
// INSERT … SELECT statements, so a million rows take seconds.
func seedHistory(ctx context.Context, d *db.DB, n int) error {
	now := time.Now().UTC()
	seq := `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?) `
	if d.Dialect() == db.Postgres {
		seq = `WITH seq(i) AS (SELECT generate_series(1, ?::bigint)) `
	}
	stmts := []string{
		`INSERT INTO orders (order_id, customer_id, total_price, currency, created_at, updated_at, status, recorded_at, claim_token, exchange_rate) ` +
			seq + `SELECT 'seed-' || i, 'seedcust-' || (i % 1000), 1000000, 'XTR', ?, ?, ` +
			`CASE WHEN i % 10 = 0 THEN 'New' ELSE 'Paid' END, ?, 'seedtok-' || i, 0 FROM seq`,
		`INSERT INTO payments (tx_id, created_at, updated_at, sender, amount, payment_type, status, order_id) ` +
			seq + `SELECT 'seedtx-' || i, ?, ?, 'seedaddr-' || (i % 1000), 1000000, 'OnChain', 'Confirmed', 'seed-' || i FROM seq`,
		`INSERT INTO settlements (created_at, order_id, payment_address, settlement_type, amount) ` +
			seq + `SELECT ?, 'seed-' || i, 'seedaddr-' || (i % 1000), 'Single', 1000000 FROM seq WHERE i % 10 <> 0`,
		`INSERT INTO address_customer_links (address, customer_id, created_at) ` +
			seq + `SELECT 'seedaddr-' || i, 'seedcust-' || i, ? FROM seq`,
	}
	args := [][]any{{n, now, now, now}, {n, now, now}, {n, now}, {min(n, 1000) - 1, now}}
	return d.InTx(ctx, func(tx bun.Tx) error {
		for i, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, args[i]...); err != nil {
				return fmt.Errorf("seed: %w", err)
			}
		}
		return nil
	})
}

// matchFixture is an engine over a database holding a history of orders,
// and a hot wallet to notify it.
type matchFixture struct {
	e      *engine.Engine
	d      *db.DB
	wallet *wallet
	b      *builder
}

func newMatchFixture(tb testing.TB, backend string, orders int) *matchFixture {
	tb.Helper()
	ctx := context.Background()
	var url string
	if backend == "postgres" {
		url = dbtest.NewPostgresSchema(tb)
	} else {
		url = "sqlite://" + filepath.Join(tb.TempDir(), "taripay.db")
	}
	d, err := db.Open(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	if err := seedHistory(ctx, d, orders); err != nil {
		tb.Fatal(err)
	}
	if d.Dialect() == db.Postgres {
		// Fresh statistics and a flushed WAL, so the bulk load's checkpoint
		// and autovacuum do not land inside the timed loop.
		if _, err := d.Bun().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			tb.Fatal(err)
		}
		if _, err := d.Bun().ExecContext(ctx, "CHECKPOINT"); err != nil {
			tb.Logf("CHECKPOINT: %v", err)
		}
	}
	e := engine.New(engine.Config{StrictMode: true, UnclaimedOrderTimeout: 48 * time.Hour, UnpaidOrderTimeout: 48 * time.Hour}, d, engine.SystemClock{})
	s := &Server{Server: &server.Server{Engine: e, DB: d}}
	ws, err := s.registerWallets(ctx, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return &matchFixture{e: e, d: d, wallet: ws[0], b: &builder{s: s}}
}

// match stores a new order and a received payment naming it, then confirms
// the payment, which pays the order; only the confirmation is timed.
func (f *matchFixture) match(tb testing.TB, timer interface {
	StartTimer()
	StopTimer()
}) {
	ctx := context.Background()
	timer.StopTimer()
	txid, err := f.b.seedReceived(ctx, f.wallet)
	if err != nil {
		tb.Fatal(err)
	}
	timer.StartTimer()
	r, err := f.e.ConfirmPayment(ctx, f.wallet.call(), txid)
	if err != nil || len(r.Paid) != 1 {
		tb.Fatalf("confirm %s: paid %d orders, err %v", txid, len(r.Paid), err)
	}
}

// BenchmarkMatchPayment confirms a payment that pays an order with 10,
// 10^4 and 10^6 orders already stored (nine in ten Paid): with every hot
// query on an index, the cost per match stays flat. The peak-RSS metric is
// the benchmark process's high-water mark (VmHWM), which holds the engine
// and the database pool.
//
//	go test -run '^$' -bench MatchPayment -benchtime 300x ./bench
func BenchmarkMatchPayment(b *testing.B) {
	for _, backend := range dbtest.Backends(b) {
		for _, n := range []int{10, 10_000, 1_000_000} {
			// Seeded once, outside the sub-benchmark, which runs again for
			// each b.N; it lives until the whole benchmark ends.
			var once sync.Once
			var f *matchFixture
			outer := b
			b.Run(fmt.Sprintf("%s/orders=%d", backend, n), func(b *testing.B) {
				once.Do(func() { f = newMatchFixture(outer, backend, n) })
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					f.match(b, b)
				}
				if kb := peakRSSKiB(); kb > 0 {
					b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
				}
			})
		}
	}
}

// peakRSSKiB is this process's peak resident set (VmHWM), or 0 off Linux.
func peakRSSKiB() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

// recorder keeps the SQL text of every statement bun runs.
type recorder struct {
	mu      sync.Mutex
	on      bool
	queries []string
}

func (r *recorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (r *recorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on {
		r.queries = append(r.queries, e.Query)
	}
}

// TestHotQueriesUseIndexes records every statement of the hot paths (an
// order arriving, a claim, a payment received and its confirmation paying
// the order) over a stored history, and fails when a plan reads a whole
// table: SQLite's "SCAN t", PostgreSQL's "Seq Scan" with sequential scans
// priced out. Run with -v to see the plans (docs/benchmarks.md).
func TestHotQueriesUseIndexes(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			f := newMatchFixture(t, backend, 2000)
			rec := &recorder{}
			f.d.Bun().AddQueryHook(rec)
			rec.on = true
			if _, err := f.b.seedReceived(ctx, f.wallet); err != nil { // order, claim by payment
				t.Fatal(err)
			}
			orderID, err := f.b.seedOrder(ctx, "plan-customer")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.e.Claim(ctx, orderID, f.wallet.Address.Base58()); err != nil {
				t.Fatal(err)
			}
			f.match(t, nopTimer{})
			rec.mu.Lock()
			rec.on = false
			queries := rec.queries
			rec.mu.Unlock()

			conn, err := f.d.Bun().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			explain := "EXPLAIN QUERY PLAN "
			if f.d.Dialect() == db.Postgres {
				explain = "EXPLAIN "
				if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
					t.Fatal(err)
				}
			}
			seen := map[string]bool{}
			for _, q := range queries {
				if seen[q] || !explainable(q) {
					continue
				}
				seen[q] = true
				plan, err := queryPlan(ctx, conn, explain+q)
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				t.Logf("%s\n    %s", q, strings.Join(plan, "\n    "))
				for _, line := range plan {
					if isFullScan(line) {
						t.Errorf("full table scan: %s\n  in %s", line, q)
					}
				}
			}
			if len(seen) < 5 {
				t.Fatalf("recorded only %d distinct statements", len(seen))
			}
		})
	}
}

// explainable reports whether a statement reads rows: a SELECT, UPDATE or
// DELETE, or an INSERT fed by a query. BEGIN, COMMIT and plain INSERTs
// have no plan worth reading.
func explainable(q string) bool {
	verb, _, _ := strings.Cut(strings.TrimSpace(q), " ")
	switch strings.ToUpper(verb) {
	case "SELECT", "UPDATE", "DELETE", "WITH":
		return true
	case "INSERT":
		return strings.Contains(q, "SELECT")
	}
	return false
}

type nopTimer struct{}

func (nopTimer) StartTimer() {}
func (nopTimer) StopTimer()  {}

func queryPlan(ctx context.Context, conn bun.Conn, q string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		plan = append(plan, fmt.Sprint(vals[len(vals)-1])) // SQLite's detail, or PostgreSQL's one column
	}
	return plan, rows.Err()
}

// isFullScan spots a plan step that reads a whole table. SQLite's
// "SCAN seq" over a CTE and single-row constant scans are not tables.
func isFullScan(step string) bool {
	step = strings.TrimSpace(step)
	if strings.Contains(step, "Seq Scan") {
		return true
	}
	if !strings.HasPrefix(step, "SCAN ") {
		return false
	}
	return !strings.HasPrefix(step, "SCAN CONSTANT ROW")
}
