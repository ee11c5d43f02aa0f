package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"taripay/db"
	"taripay/engine/tari"
)

// Ceiling is what the machine can do at best, measured in the same run.
type Ceiling struct {
	VerifyPerSec  float64 // Schnorr verifications per second on all cores
	WriteTxPerSec float64 // smallest write transactions per second on the database
}

// For is the ceiling of a workload: the write rate, and for workloads whose
// every operation checks a signature, the lower of the two.
func (c Ceiling) For(workload string) float64 {
	if needsSignature(workload) {
		return min(c.VerifyPerSec, c.WriteTxPerSec)
	}
	return c.WriteTxPerSec
}

// VerifyCeiling counts memo-signature verifications per second over d with
// one goroutine per core.
func VerifyCeiling(d time.Duration) (float64, error) {
	k, a := newKey()
	sig, err := tari.SignMemo(rand.Reader, k, a, "ceiling")
	if err != nil {
		return 0, err
	}
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < d {
				if !sig.Verify() {
					panic("bench: a valid signature failed to verify")
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

// WriteCeiling counts write transactions per second over d on the server's
// own pool, each updating one row of its worker: the least a committed
// write can cost on this database, with the same locking and retries as
// every engine transaction (db.DB.InTx).
func WriteCeiling(ctx context.Context, d *db.DB, workers int, dur time.Duration) (float64, error) {
	b := d.Bun()
	if _, err := b.ExecContext(ctx, "CREATE TABLE bench_ceiling (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)"); err != nil {
		return 0, fmt.Errorf("ceiling table: %w", err)
	}
	defer b.ExecContext(context.WithoutCancel(ctx), "DROP TABLE bench_ceiling")
	for w := range workers {
		if _, err := b.ExecContext(ctx, "INSERT INTO bench_ceiling (id, n) VALUES (?, 0)", w); err != nil {
			return 0, err
		}
	}
	var n atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < dur && ctx.Err() == nil {
				err := d.InTx(ctx, func(tx bun.Tx) error {
					_, err := tx.ExecContext(ctx, "UPDATE bench_ceiling SET n = n + 1 WHERE id = ?", w)
					return err
				})
				if err != nil {
					errs[w] = err
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}
