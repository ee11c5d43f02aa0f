package db

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// openGroupTest opens a fresh SQLite database with a table g of keys and
// a table g_child whose foreign key is checked only at COMMIT.
func openGroupTest(t *testing.T) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	url := "sqlite://" + filepath.Join(t.TempDir(), "group.db")
	d, err := Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	for _, stmt := range []string{
		"CREATE TABLE g (k INTEGER PRIMARY KEY)",
		"CREATE TABLE g_child (k INTEGER PRIMARY KEY REFERENCES g (k) DEFERRABLE INITIALLY DEFERRED)",
		"CREATE TABLE g_big (x INTEGER)",
	} {
		if _, err := d.bun.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	return d, url
}

// inGroup runs the operations through InTx concurrently, queued while the
// test holds the writer, so that they commit as one group, and returns
// each one's error (or its re-raised panic).
func inGroup(t *testing.T, d *DB, ctxs []context.Context, fns []func(bun.Tx) error, whileQueued func()) (errs []error, panics []any) {
	t.Helper()
	d.writer <- struct{}{}
	errs, panics = make([]error, len(fns)), make([]any, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			errs[i] = d.InTx(ctxs[i], fn)
		})
	}
	for len(d.queued) < len(fns) {
		time.Sleep(time.Millisecond)
	}
	whileQueued()
	<-d.writer
	wg.Wait()
	return errs, panics
}

func stored(t *testing.T, d *DB, table string) map[int]bool {
	t.Helper()
	var keys []int
	if err := d.bun.NewSelect().Table(table).Column("k").Scan(context.Background(), &keys); err != nil {
		t.Fatal(err)
	}
	m := map[int]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func insert(ctx context.Context, table string, k int) func(bun.Tx) error {
	return func(tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (k) VALUES (?)", k)
		return err
	}
}

var errDomain = errors.New("domain error")

// TestGroupCommit checks that the operations committed together keep their
// own outcomes: a failing one is rolled back alone and hears its own error,
// the others are committed and hear success, and a failing COMMIT fails
// every member.
func TestGroupCommit(t *testing.T) {
	type op struct {
		write   func(ctx context.Context, k int) func(bun.Tx) error
		ctx     func(t *testing.T) context.Context
		wantErr func(error) bool // nil: success
		panics  bool
		// cancelWhenQueued cancels the op's context once every op is queued.
		cancelWhenQueued bool
	}
	ok := op{write: func(ctx context.Context, k int) func(bun.Tx) error { return insert(ctx, "g", k) }}
	isDomain := func(err error) bool { return errors.Is(err, errDomain) }
	failing := op{
		write: func(ctx context.Context, k int) func(bun.Tx) error {
			return func(tx bun.Tx) error {
				if err := insert(ctx, "g", k)(tx); err != nil {
					return err
				}
				return errDomain
			}
		},
		wantErr: isDomain,
	}
	panicking := op{
		write: func(ctx context.Context, k int) func(bun.Tx) error {
			return func(tx bun.Tx) error {
				if err := insert(ctx, "g", k)(tx); err != nil {
					return err
				}
				panic("boom")
			}
		},
		panics: true,
	}
	cancelledWhileQueued := op{
		write:            func(ctx context.Context, k int) func(bun.Tx) error { return insert(ctx, "g", k) },
		cancelWhenQueued: true,
		wantErr:          func(err error) bool { return errors.Is(err, context.Canceled) },
	}
	// Cancelled in the middle of a long write: SQLite interrupts the
	// statement and rolls back the whole transaction, the others' work too,
	// so they must be run again, not told of a success that was lost.
	cancelledMidWrite := op{
		write: func(ctx context.Context, k int) func(bun.Tx) error {
			return func(tx bun.Tx) error {
				if err := insert(ctx, "g", k)(tx); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO g_big (x) WITH RECURSIVE c(x) AS
					(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000) SELECT x FROM c`)
				return err
			}
		},
		ctx: func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			go func() {
				// Cancel once the long statement has started.
				time.Sleep(100 * time.Millisecond)
				cancel()
			}()
			return ctx
		},
		wantErr: func(err error) bool { return err != nil },
	}
	// Its statements succeed; its row breaks a deferred foreign key, so the
	// group's COMMIT fails.
	breaksCommit := op{write: func(ctx context.Context, k int) func(bun.Tx) error { return insert(ctx, "g_child", 1000+k) }}
	isFK := func(err error) bool {
		var sqlErr *sqlite.Error
		return errors.As(err, &sqlErr) && sqlErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}

	tests := []struct {
		name         string
		ops          []op
		commitFailed bool
	}{
		{"all succeed", []op{ok, ok, ok, ok}, false},
		{"domain errors fail alone", []op{ok, failing, ok, failing, ok, failing}, false},
		{"every one fails", []op{failing, failing, failing}, false},
		{"a panic fails alone", []op{ok, panicking, ok}, false},
		{"a caller cancelled while queued fails alone", []op{ok, cancelledWhileQueued, ok}, false},
		{"a caller cancelled mid-write fails alone", []op{ok, ok, cancelledMidWrite, ok, ok}, false},
		{"a failing commit fails every member", []op{ok, failing, breaksCommit, ok}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := openGroupTest(t)
			ctxs := make([]context.Context, len(tt.ops))
			fns := make([]func(bun.Tx) error, len(tt.ops))
			var cancels []context.CancelFunc
			for i, o := range tt.ops {
				ctxs[i] = context.Background()
				if o.ctx != nil {
					ctxs[i] = o.ctx(t)
				}
				if o.cancelWhenQueued {
					var cancel context.CancelFunc
					ctxs[i], cancel = context.WithCancel(ctxs[i])
					cancels = append(cancels, cancel)
				}
				fns[i] = o.write(ctxs[i], i)
			}
			errs, panics := inGroup(t, d, ctxs, fns, func() {
				for _, cancel := range cancels {
					cancel()
				}
			})
			keys := stored(t, d, "g")
			if children := stored(t, d, "g_child"); len(children) != 0 {
				t.Errorf("g_child rows %v committed, want none", children)
			}
			for i, o := range tt.ops {
				switch {
				case o.panics:
					if panics[i] != "boom" {
						t.Errorf("op %d: panic %v, want boom re-raised in its caller", i, panics[i])
					}
				case tt.commitFailed && o.wantErr == nil:
					if !isFK(errs[i]) {
						t.Errorf("op %d: %v, want the COMMIT's foreign key error", i, errs[i])
					}
				case o.wantErr == nil && errs[i] != nil:
					t.Errorf("op %d: %v, want success", i, errs[i])
				case o.wantErr != nil && !o.wantErr(errs[i]):
					t.Errorf("op %d: %v, want its own error", i, errs[i])
				}
				wantStored := o.wantErr == nil && !o.panics && !tt.commitFailed
				if keys[i] != wantStored {
					t.Errorf("op %d: stored %v, want %v (err %v)", i, keys[i], wantStored, errs[i])
				}
			}
		})
	}
}

// TestGroupCommitAcknowledgesOnlyCommitted checks, from a second pool, that
// the effects of every write InTx has reported as done are committed the
// moment it returns: a member of a group must not hear success before the
// group's COMMIT. Each operation dwells after its write, so a premature
// answer would leave its row invisible for the rest of the group.
func TestGroupCommitAcknowledgesOnlyCommitted(t *testing.T) {
	ctx := context.Background()
	d, url := openGroupTest(t)
	other, err := Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				k := w*each + i
				err := d.InTx(ctx, func(tx bun.Tx) error {
					if err := insert(ctx, "g", k)(tx); err != nil {
						return err
					}
					time.Sleep(2 * time.Millisecond)
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
				var n int
				if err := other.bun.NewRaw("SELECT count(*) FROM g WHERE k = ?", k).Scan(ctx, &n); err != nil {
					errs <- err
					return
				}
				if n != 1 {
					errs <- fmt.Errorf("row %d acknowledged but not committed", k)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
