package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"taripay/db"
	"taripay/db/dbtest"
	"taripay/engine"
)

func TestMigrationsAndGuards(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			d, url := dbtest.OpenURL(t, backend)
			// Opening again applies nothing.
			again, err := db.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if applied, err := again.Migrate(ctx); err != nil || len(applied) != 0 {
				t.Fatalf("re-migrate applied %v, %v", applied, err)
			}
			again.Close()

			b := d.Bun()
			now := time.Now()
			for _, stmt := range []string{
				"INSERT INTO audit_entries (entity, entity_id, field, reason, actor, at) VALUES ('order', 'x', 'f', 'r', 'a', ?)",
				"INSERT INTO orders (order_id, customer_id, total_price, currency, created_at, updated_at, status, recorded_at, claim_token) VALUES ('x', 'c', 1, 'XTR', ?0, ?0, 'New', ?0, 'tok')",
				"INSERT INTO payments (tx_id, created_at, updated_at, sender, amount, payment_type, status) VALUES ('t', ?0, ?0, 's', 1, 'OnChain', 'Received')",
			} {
				if _, err := b.ExecContext(ctx, stmt, now); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			// Orders, payments and the audit trail are never deleted, and no
			// balance goes negative.
			for _, stmt := range []string{
				"DELETE FROM orders",
				"DELETE FROM payments",
				"DELETE FROM audit_entries",
				"UPDATE audit_entries SET reason = 'rewritten'",
				"INSERT INTO address_balances (address, total_confirmed, total_paid, current_balance, last_update) VALUES ('a', 1, 2, -1, ?)",
			} {
				_, err := b.ExecContext(ctx, stmt, now)
				if err == nil || !guarded(err) {
					t.Errorf("%s: %v", stmt, err)
				}
			}

			// A schema migrated by a newer binary is refused.
			if _, err := b.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 'x')"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Open(ctx, url); err == nil || !strings.Contains(err.Error(), "newer schema") {
				t.Fatalf("open of a newer schema: %v", err)
			}
		})
	}
}

// Several processes starting at once on one database migrate it once.
func TestConcurrentOpen(t *testing.T) {
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			var url string
			if backend == "postgres" {
				url = dbtest.NewPostgresSchema(t)
			} else {
				url = "sqlite://" + filepath.Join(t.TempDir(), "x.db")
			}
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, err := db.Open(context.Background(), url)
					if err == nil {
						d.Close()
					}
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	if _, err := db.Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("mysql URL accepted")
	}
}

// guarded reports a refusal by a trigger or a CHECK constraint.
func guarded(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "never") || strings.Contains(msg, "append-only") || strings.Contains(msg, "check")
}

// Two taripay schemas in one PostgreSQL database (as the tests run) each get
// their own locks: one holding a lock never stops the other taking it,
// whether it tries (the expiry pass) or waits (a currency's rate).
func TestLocksArePerSchema(t *testing.T) {
	for _, tc := range []struct {
		name string
		take func(ctx context.Context, tx engine.Tx) error
	}{
		{"TryLock", func(ctx context.Context, tx engine.Tx) error {
			ok, err := tx.TryLock(ctx, "taripay:expiry")
			if err == nil && !ok {
				err = errors.New("the lock is taken")
			}
			return err
		}},
		{"Lock", func(ctx context.Context, tx engine.Tx) error { return tx.Lock(ctx, "taripay:rate:USD") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			a, b := dbtest.Open(t, "postgres"), dbtest.Open(t, "postgres")
			held := make(chan struct{})
			release := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- a.Update(ctx, func(tx engine.Tx) error {
					err := tc.take(ctx, tx)
					close(held)
					<-release
					return err
				})
			}()
			<-held
			// Schema A holds its lock until B is done: B waiting on it
			// would never end, so a deadline turns that into a failure.
			bctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			err := b.Update(bctx, func(tx engine.Tx) error { return tc.take(bctx, tx) })
			close(release)
			if err != nil {
				t.Fatalf("schema B, while schema A holds the same lock: %v", err)
			}
			if err := <-done; err != nil {
				t.Fatalf("schema A: %v", err)
			}
		})
	}
}
