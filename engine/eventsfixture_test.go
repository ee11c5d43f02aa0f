package engine_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"taripay/engine"
)

// TestMakeEventsFixture writes db/testdata/events_0302.{sqlite,postgres}.sql:
// the rows of a database holding events of every type, as this commit
// writes them, for the test of the migration that rewrites them. It runs
// only when TPG_MAKE_EVENTS_FIXTURE names the output directory.
func TestMakeEventsFixture(t *testing.T) {
	out := os.Getenv("TPG_MAKE_EVENTS_FIXTURE")
	if out == "" {
		t.Skip("set TPG_MAKE_EVENTS_FIXTURE to the output directory")
	}
	backends(t, func(t *testing.T, backend string) {
		cfg := defaultConfig
		cfg.UnderpaymentTolerance = 10_000 // 1 %
		en := newEnv(t, backend, cfg)
		payer := newUser(t).String()
		note := func(s string) *string { return &s }

		// alice's orders carry notes that the redaction must forget.
		en.order("o1", "alice", engine.MaxOrderTotal-7, note("Ring +1 555 0100, leave it with Alice"))
		en.setRate("USD", 10_000_000)
		o2 := fiat("o2", "alice", "10.00", "USD", note("Alice: gift wrap, 555 0101"))
		o2.CreatedAt = en.clock.Now()
		en.receiveOrder(o2, false)
		if _, err := en.e.Claim(en.ctx, "o2", payer); err != nil {
			t.Fatal(err)
		}
		// 99.5 XTR of 100: the 1 % tolerance writes off 0.5 XTR.
		en.receive("tx1", payer, xtr(99)+500_000, note("Alice pays o2, 555 0102"), note("o2"))
		en.confirm("tx1")
		if _, err := en.e.ChangeMemo(en.ctx, "o1", "Alice changed: 555 0103", "customer asked"); err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.Claim(en.ctx, "o1", newUser(t).String()); err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.ChangePrice(en.ctx, "o1", engine.MaxOrderTotal-9, "discount"); err != nil {
			t.Fatal(err)
		}
		r, _, err := en.e.RecordRefund(en.ctx, engine.NewRefund{RefundID: "rf1", OrderID: "o2", Amounts: []string{"2.00"}, Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.MarkRefundSent(en.ctx, r.ID, "tx-back", "sent"); err != nil {
			t.Fatal(err)
		}
		// bob's notes stay; his o4 moves to alice and so loses its note.
		en.order("o3", "bob", xtr(30), note("Bob's note"))
		en.order("o4", "bob", xtr(40), note("Moved to Alice, 555 0104"))
		if _, err := en.e.Reassign(en.ctx, "o4", "alice", "merged accounts"); err != nil {
			t.Fatal(err)
		}
		if _, err := en.e.Cancel(en.ctx, "o3", "out of stock"); err != nil {
			t.Fatal(err)
		}
		en.order("o5", "alice", xtr(50), note("Alice's cancelled order, 555 0105"))
		if _, err := en.e.AnnulFromStorefront(en.ctx, "o5", "cancelled in the shop"); err != nil {
			t.Fatal(err)
		}
		en.receive("tx2", payer, xtr(5), note("A payment for no order"), nil)
		en.confirm("tx2")

		var tables []string
		var dump *exec.Cmd
		switch backend {
		case "sqlite":
			path := strings.TrimPrefix(en.url, "sqlite://")
			dump = exec.Command("sqlite3", path, ".dump --data-only")
		case "postgres":
			var schema string
			if err := en.db.Bun().NewRaw("SELECT current_schema()").Scan(en.ctx, &schema); err != nil {
				t.Fatal(err)
			}
			dump = exec.Command("pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--data-only", "--column-inserts",
				"--schema="+schema, "--exclude-table="+schema+".schema_migrations", "test")
			tables = append(tables, schema)
		}
		b, err := dump.Output()
		if err != nil {
			t.Fatalf("%s: %v", dump, err)
		}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			// pg_dump sets each identity's sequence past the rows it wrote.
			if !strings.HasPrefix(l, "INSERT INTO ") && !strings.HasPrefix(l, "SELECT pg_catalog.setval(") || strings.Contains(l, "schema_migrations") {
				continue
			}
			if len(tables) > 0 {
				l = strings.ReplaceAll(l, tables[0]+".", "")
			}
			lines = append(lines, l)
		}
		file := filepath.Join(out, "events_0302."+backend+".sql")
		if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
}
