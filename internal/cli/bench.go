package cli

import (
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"taripay/app/config"
	"taripay/bench"
)

func newBenchCmd() *cobra.Command {
	var (
		o       bench.Options
		backend string
		out     string
		attack  bool
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure throughput and latency against the machine's ceiling",
		Long: "Start a real taripay server on loopback over a fresh database, drive it with concurrent signed\n" +
			"traffic (Shopify order webhooks, claims, wallet payments, confirmations that pay orders, and a\n" +
			"flash-sale mix), and print one line per workload with the ceiling measured in the same run:\n" +
			"Schnorr verifications per second on all cores and write transactions per second on the database.\n" +
			"PostgreSQL runs on TPG_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) in a\n" +
			"schema of its own that is dropped afterwards.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			log := slog.New(slog.NewTextHandler(os.Stderr, nil))
			switch backend {
			case "all":
				o.Backends = []string{"sqlite"}
				if err := bench.PostgresReachable(ctx); err != nil {
					log.Warn("PostgreSQL unreachable; measuring SQLite only", "err", err)
				} else {
					o.Backends = append(o.Backends, "postgres")
				}
			case "sqlite", "postgres":
				o.Backends = []string{backend}
			default:
				return fmt.Errorf("--backend %q: want sqlite, postgres or all", backend)
			}
			if o.Concurrency < 1 || o.Duration <= 0 || o.MaxOps < o.Concurrency {
				return fmt.Errorf("--concurrency and --duration must be positive and --max-ops at least --concurrency")
			}
			if o.Concurrency > config.DefaultMaxConnsPerIP {
				return fmt.Errorf("--concurrency is at most %d: the workers share one address, and the server holds each address to TPG_MAX_CONNS_PER_IP's default", config.DefaultMaxConnsPerIP)
			}
			o.Log = log
			if attack {
				_, err := bench.Attack(ctx, o, cmd.OutOrStdout())
				return err
			}
			results, ceilings, err := bench.Run(ctx, o, cmd.OutOrStdout())
			if out != "" && len(results) > 0 {
				f, ferr := os.Create(out)
				if ferr != nil {
					return ferr
				}
				defer f.Close()
				if ferr := bench.Markdown(f, o, results, ceilings); ferr != nil {
					return ferr
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.DurationVar(&o.Duration, "duration", 5*time.Second, "timed window per workload")
	f.IntVar(&o.Concurrency, "concurrency", 4*runtime.GOMAXPROCS(0), "concurrent workers, each with its own hot wallet")
	f.StringVar(&backend, "backend", "all", "sqlite, postgres, or all (every reachable database)")
	f.StringVar(&out, "out", "", "write the results as a markdown table to this file")
	f.BoolVar(&attack, "attack", false, "instead of the workloads: honest traffic (pay page, login, wallet payments) quiet, then under\n"+
		"attack (long addresses, big signed order notes, gzip bodies, a huge page count, slow readers), p99 side by side")
	f.IntVar(&o.MaxOps, "max-ops", 10000, "most requests prepared per workload")
	f.StringVar(&o.ProfileDir, "cpuprofile-dir", "", "write a CPU profile of each timed window into this directory")
	var workloads string
	f.StringVar(&workloads, "workloads", strings.Join(bench.Workloads, ","), "comma-separated workloads to run")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		o.Workloads = strings.Split(workloads, ",")
		for _, w := range o.Workloads {
			if !slices.Contains(bench.Workloads, w) {
				return fmt.Errorf("--workloads: unknown workload %q (want some of %s)", w, strings.Join(bench.Workloads, ","))
			}
		}
		return nil
	}
	return cmd
}
