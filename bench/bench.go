// Package bench measures taripay against the machine's ceiling: it starts a
// real server on loopback, drives it over HTTP with concurrent, pre-signed
// traffic (Shopify webhooks, claims, wallet notifications), and compares
// each workload's rate with the signature-verification and write-transaction
// rates measured in the same run.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"taripay/engine"
)

// Options configure a run.
type Options struct {
	Duration    time.Duration // timed window per workload
	Concurrency int           // workers, each with its own hot wallet and connection
	Backends    []string      // "sqlite", "postgres"
	Workloads   []string      // default: all
	// MaxOps caps the requests prepared per workload; preparing (storing
	// orders and payments, signing) is not timed but takes a while.
	MaxOps int
	// ProfileDir, when set, receives a CPU profile of each timed window,
	// <backend>-<workload>.pprof.
	ProfileDir string
	Log        *slog.Logger // progress; nil discards
}

// Result is one workload's measurement.
type Result struct {
	Workload, Backend string
	Ops               int
	Errors            int
	Elapsed           time.Duration
	P50, P99          time.Duration
	Ceiling           float64 // ops/s
	StatementsPerOp   float64 // SQL statements per operation, BEGIN and COMMIT included
}

// OpsPerSec is the achieved rate.
func (r Result) OpsPerSec() float64 { return float64(r.Ops) / r.Elapsed.Seconds() }

// Ratio is the achieved rate over the ceiling.
func (r Result) Ratio() float64 { return r.OpsPerSec() / r.Ceiling }

// Line is the result as the one-line report format.
func (r Result) Line() string {
	return fmt.Sprintf("workload=%s backend=%s ops/s=%.0f p50_ms=%.2f p99_ms=%.2f ceiling_ops/s=%.0f ratio=%.2f",
		r.Workload, r.Backend, r.OpsPerSec(), ms(r.P50), ms(r.P99), r.Ceiling, r.Ratio())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Run measures each backend in turn, printing a line per workload to out as
// it completes.
func Run(ctx context.Context, o Options, out io.Writer) ([]Result, []Ceiling, error) {
	if o.Log == nil {
		o.Log = discardLog()
	}
	if len(o.Workloads) == 0 {
		o.Workloads = Workloads
	}
	verify, err := VerifyCeiling(min(o.Duration, 2*time.Second))
	if err != nil {
		return nil, nil, err
	}
	var results []Result
	var ceilings []Ceiling
	for _, backend := range o.Backends {
		rs, c, err := runBackend(ctx, o, backend, verify, out)
		results, ceilings = append(results, rs...), append(ceilings, c)
		if err != nil {
			return results, ceilings, fmt.Errorf("%s: %w", backend, err)
		}
	}
	return results, ceilings, nil
}

func runBackend(ctx context.Context, o Options, backend string, verify float64, out io.Writer) ([]Result, Ceiling, error) {
	s, err := StartServer(ctx, backend, discardLog())
	if err != nil {
		return nil, Ceiling{}, err
	}
	defer s.Close()
	c := Ceiling{VerifyPerSec: verify}
	if c.WriteTxPerSec, err = WriteCeiling(ctx, s.DB, o.Concurrency, min(o.Duration, 2*time.Second)); err != nil {
		return nil, c, err
	}
	o.Log.Info("ceiling", "backend", backend, "verify/s", int(c.VerifyPerSec), "write_tx/s", int(c.WriteTxPerSec))

	setup := engine.WithActor(ctx, "bench")
	if _, err := s.Engine.SetExchangeRate(setup, "USD", usdRate); err != nil {
		return nil, c, err
	}
	wallets, err := s.registerWallets(setup, o.Concurrency)
	if err != nil {
		return nil, c, err
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: o.Concurrency, MaxConnsPerHost: o.Concurrency,
	}}
	defer client.CloseIdleConnections()
	b := &builder{s: s}
	rng := rand.New(rand.NewPCG(1, 2))

	var results []Result
	for _, wl := range o.Workloads {
		ceiling := c.For(wl)
		total := min(o.MaxOps, max(o.Concurrency, int(ceiling*o.Duration.Seconds())))
		o.Log.Info("preparing", "backend", backend, "workload", wl, "requests", total)
		reqs, err := b.prepare(setup, plan(wl, o.Concurrency, total/o.Concurrency, rng), wallets)
		if err != nil {
			return results, c, fmt.Errorf("%s: %w", wl, err)
		}
		runtime.GC()
		stop, err := startProfile(o.ProfileDir, backend, wl)
		if err != nil {
			return results, c, err
		}
		before := s.statements.Load()
		m := drive(ctx, client, s.URL, reqs, o.Duration)
		stop()
		r := Result{Workload: wl, Backend: backend, Ops: m.ops, Errors: m.errors, Elapsed: m.elapsed,
			P50: m.p50, P99: m.p99, Ceiling: ceiling}
		if m.ops > 0 {
			r.StatementsPerOp = float64(s.statements.Load()-before) / float64(m.ops)
		}
		results = append(results, r)
		fmt.Fprintln(out, r.Line())
		if m.errors > 0 {
			return results, c, fmt.Errorf("%s: %d of %d requests failed; first: %w", wl, m.errors, m.ops, m.firstErr)
		}
		if prepared := countRequests(reqs); m.ops == prepared {
			o.Log.Warn("workload ran out of prepared requests before the window ended; raise --max-ops", "workload", wl, "requests", prepared)
		}
	}
	return results, c, nil
}

func countRequests(reqs [][]request) int {
	n := 0
	for _, r := range reqs {
		n += len(r)
	}
	return n
}

func startProfile(dir, backend, workload string) (func(), error) {
	if dir == "" {
		return func() {}, nil
	}
	f, err := os.Create(filepath.Join(dir, backend+"-"+workload+".pprof"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// Markdown writes the results as a table, headed by the machine's details.
func Markdown(w io.Writer, o Options, results []Result, ceilings []Ceiling) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Machine: %s; %d logical CPUs (GOMAXPROCS %d); %s/%s; %s; %s.\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(),
		time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(bw, "Run: %s per workload, %d concurrent workers.\n\n", o.Duration, o.Concurrency)
	for i, c := range ceilings {
		if i < len(o.Backends) {
			fmt.Fprintf(bw, "- Ceiling on %s: %.0f signature verifications/s, %.0f write transactions/s.\n",
				o.Backends[i], c.VerifyPerSec, c.WriteTxPerSec)
		}
	}
	fmt.Fprintln(bw, "\n| workload | backend | ops/s | p50 ms | p99 ms | ceiling ops/s | ratio | SQL statements/op |")
	fmt.Fprintln(bw, "|---|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(bw, "| %s | %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.1f |\n",
			r.Workload, r.Backend, r.OpsPerSec(), ms(r.P50), ms(r.P99), r.Ceiling, r.Ratio(), r.StatementsPerOp)
	}
	return bw.Flush()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
