package bench

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"taripay/db/dbtest"
)

func TestResultLine(t *testing.T) {
	tests := []struct {
		r    Result
		want string
	}{
		{Result{Workload: Confirmations, Backend: "sqlite", Ops: 1000, Elapsed: 2 * time.Second,
			P50: 1500 * time.Microsecond, P99: 12 * time.Millisecond, Ceiling: 4000},
			"workload=confirmations backend=sqlite ops/s=500 p50_ms=1.50 p99_ms=12.00 ceiling_ops/s=4000 ratio=0.12"},
		{Result{Workload: Webhooks, Backend: "postgres", Ops: 3, Elapsed: time.Second, Ceiling: 3},
			"workload=webhooks backend=postgres ops/s=3 p50_ms=0.00 p99_ms=0.00 ceiling_ops/s=3 ratio=1.00"},
	}
	for _, tt := range tests {
		if got := tt.r.Line(); got != tt.want {
			t.Errorf("Line() = %q\nwant     %q", got, tt.want)
		}
	}
}

func TestCeilingFor(t *testing.T) {
	c := Ceiling{VerifyPerSec: 100, WriteTxPerSec: 500}
	tests := []struct {
		workload string
		want     float64
	}{
		{Webhooks, 500}, // HMAC only: the write rate
		{Claims, 100},   // signature and write: the lower
		{Payments, 100},
		{Confirmations, 100},
		{FlashSale, 100},
	}
	for _, tt := range tests {
		if got := c.For(tt.workload); got != tt.want {
			t.Errorf("For(%s) = %v, want %v", tt.workload, got, tt.want)
		}
	}
}

// TestRunEveryWorkload drives a real server briefly on each database: every
// pre-signed request of every workload must be accepted (Run fails on any
// refused reply), and each prints its line.
func TestRunEveryWorkload(t *testing.T) {
	line := regexp.MustCompile(`^workload=(\w+) backend=(\w+) ops/s=\d+ p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d ceiling_ops/s=\d+ ratio=\d+\.\d\d$`)
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			if backend == "postgres" {
				dbtest.NewPostgresSchema(t) // skips, or fails under TPG_TEST_REQUIRE_POSTGRES, when unreachable
			}
			var out bytes.Buffer
			o := Options{Duration: 300 * time.Millisecond, Concurrency: 2, Backends: []string{backend}, MaxOps: 20}
			results, ceilings, err := Run(context.Background(), o, &out)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(results) != len(Workloads) || len(lines) != len(Workloads) || len(ceilings) != 1 {
				t.Fatalf("%d results, %d lines, %d ceilings:\n%s", len(results), len(lines), len(ceilings), out.String())
			}
			for i, l := range lines {
				m := line.FindStringSubmatch(l)
				if m == nil || m[1] != Workloads[i] || m[2] != backend {
					t.Errorf("line %d = %q", i, l)
				}
				if results[i].Ops == 0 || results[i].StatementsPerOp == 0 {
					t.Errorf("%s: %d ops, %.1f statements/op", results[i].Workload, results[i].Ops, results[i].StatementsPerOp)
				}
			}
			var md bytes.Buffer
			if err := Markdown(&md, o, results, ceilings); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(md.String(), "| confirmations | "+backend+" |") {
				t.Errorf("markdown lacks the confirmations row:\n%s", md.String())
			}
		})
	}
}
