package engine_test

import (
	"slices"
	"testing"

	"taripay/engine"
)

func TestParseTolerance(t *testing.T) {
	tests := []struct {
		in   string
		want engine.Tolerance
		ok   bool
	}{
		{"0", 0, true},
		{"1", 10_000, true},
		{"2.5", 25_000, true},
		{"0.0001", 1, true},
		{"5", 50_000, true},
		{"05.000", 50_000, true},
		{"5.0001", 0, false},
		{"6", 0, false},
		{"-1", 0, false},
		{".5", 0, false},
		{"1.", 0, false},
		{"0.00001", 0, false},
		{"1,5", 0, false},
		{"2%", 0, false},
		{"100", 0, false},
	}
	for _, tt := range tests {
		got, err := engine.ParseTolerance(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseTolerance(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok && got.String() != map[string]string{"05.000": "5"}[tt.in] && got.String() != tt.in {
			t.Errorf("%q reads back as %q", tt.in, got.String())
		}
	}
}

// Forgiven rounds down, in the customer's disfavour, with integer math
// that cannot overflow.
func TestToleranceForgiven(t *testing.T) {
	tests := []struct {
		tol   engine.Tolerance
		total engine.MicroTari
		want  engine.MicroTari
	}{
		{0, xtr(100), 0},
		{10_000, xtr(100), xtr(1)},
		{10_000, 99, 0},             // 0.99 µT forgiven rounds down to nothing
		{10_000, 150, 1},            // 1.5 µT → 1
		{25_000, 1_000_001, 25_000}, // 25 000.025 → 25 000
		{50_000, 1<<63 - 1, 461_168_601_842_738_790},
		{50_000, 0, 0},
	}
	for _, tt := range tests {
		if got := tt.tol.Forgiven(tt.total); got != tt.want {
			t.Errorf("%s %% of %d = %d, want %d", tt.tol, tt.total, got, tt.want)
		}
		if due := tt.tol.Due(tt.total); due != tt.total-tt.want {
			t.Errorf("due %d", due)
		}
	}
}

// An order paid within the tolerance is Paid, settled with everything the
// customer had, and its shortfall is a write-off with its event and audit
// row; short of the tolerance it stays open. Balances never go negative.
func TestUnderpaymentTolerance(t *testing.T) {
	tests := []struct {
		name      string
		tol       engine.Tolerance
		paid      engine.MicroTari
		wantPaid  bool
		writeOff  engine.MicroTari
		remaining engine.MicroTari
	}{
		{"no tolerance, short by 1 µT", 0, xtr(100) - 1, false, 0, xtr(100) - 1},
		{"exactly the tolerance", 10_000, xtr(99), true, xtr(1), 0},
		{"within the tolerance", 10_000, xtr(99) + 500_000, true, 500_000, 0},
		{"1 µT beyond the tolerance", 10_000, xtr(99) - 1, false, 0, xtr(99) - 1},
		{"in full", 50_000, xtr(100), true, 0, 0},
		{"more than due", 50_000, xtr(101), true, 0, xtr(1)},
	}
	backends(t, func(t *testing.T, backend string) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cfg := defaultConfig
				cfg.UnderpaymentTolerance = tt.tol
				en := newEnv(t, backend, cfg)
				alice := newUser(t)
				en.order("o1", "c1", xtr(100), alice.memo(t, "o1"))
				en.receive("tx1", alice.String(), tt.paid, nil, nil)
				en.events.take()
				paid := en.confirm("tx1")
				if (len(paid) == 1) != tt.wantPaid {
					t.Fatalf("paid %v, want paid %v", paid, tt.wantPaid)
				}
				en.wantBalance(alice.String(), tt.remaining)
				h, err := en.e.OrderWriteOffs(en.ctx, "o1")
				if err != nil {
					t.Fatal(err)
				}
				var written engine.MicroTari
				for _, w := range h {
					written += w.Amount
				}
				if written != tt.writeOff || len(h) > 1 {
					t.Errorf("write-offs %+v, want %d µT", h, tt.writeOff)
				}
				var events []engine.EventType
				for _, ev := range en.events.take() {
					events = append(events, ev.Type())
					if w, ok := ev.(engine.OrderWrittenOffEvent); ok && (w.WriteOff.Amount != tt.writeOff || w.Order.OrderID != "o1" || w.WriteOff.Tolerance != tt.tol) {
						t.Errorf("OrderWrittenOff %+v", w)
					}
				}
				want := []engine.EventType{engine.EventConfirmation}
				switch {
				case tt.writeOff > 0:
					want = []engine.EventType{engine.EventOrderPaid, engine.EventOrderWrittenOff, engine.EventConfirmation}
				case tt.wantPaid:
					want = []engine.EventType{engine.EventOrderPaid, engine.EventConfirmation}
				}
				if !slices.Equal(events, want) {
					t.Errorf("events %v, want %v", events, want)
				}
				if tt.writeOff > 0 {
					audit, err := en.e.Audit(en.ctx, "order", "o1")
					if err != nil {
						t.Fatal(err)
					}
					found := false
					for _, a := range audit {
						found = found || a.Field == "write_off" && *a.NewValue == tt.writeOff.String()
					}
					if !found {
						t.Errorf("no write_off audit row in %+v", audit)
					}
				}
				checkLedger(t, en)
			})
		}
	})
}

// A settle (algorithm B) over two addresses pays within the tolerance too,
// taking every µT of both.
func TestUnderpaymentToleranceAcrossAddresses(t *testing.T) {
	backends(t, func(t *testing.T, backend string) {
		cfg := defaultConfig
		cfg.UnderpaymentTolerance = 20_000 // 2 %
		en := newEnv(t, backend, cfg)
		alice, bob := newUser(t), newUser(t)
		en.order("o1", "c1", xtr(50), alice.memo(t, "o1"))
		en.receive("tx1", alice.String(), xtr(30), nil, nil)
		en.confirm("tx1")
		en.receive("tx2", bob.String(), xtr(19)+500_000, nil, ptr("o1"))
		en.confirm("tx2")
		en.wantStatus("o1", engine.OrderNew)
		if _, err := en.e.SettleCustomer(en.ctx, "c1"); err != nil {
			t.Fatal(err)
		}
		en.wantStatus("o1", engine.OrderPaid)
		en.wantBalance(alice.String(), 0)
		en.wantBalance(bob.String(), 0)
		ws, err := en.e.OrderWriteOffs(en.ctx, "o1")
		if err != nil || len(ws) != 1 || ws[0].Amount != 500_000 {
			t.Fatalf("write-offs %+v (%v), want 0.5 XTR", ws, err)
		}
		checkLedger(t, en)
	})
}
