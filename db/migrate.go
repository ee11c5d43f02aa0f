package db

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"taripay/migrations"
)

type migration struct {
	version int
	name    string
	sql     string
	// run, when set, is a migration written in Go (goMigrations), for a
	// change SQL cannot make on both dialects, such as rewriting JSON.
	run func(ctx context.Context, tx bun.Tx) error
}

// goMigrations are the migrations written in Go. They run on both
// dialects, in number order with the SQL files (migrations/README.md).
var goMigrations = []migration{
	{version: 303, name: "0303_event_payloads_v1", run: migrateEventPayloadsV1},
}

// migrationsFor reads the embedded migrations of a dialect, with the Go
// ones, in order.
func migrationsFor(d Dialect) ([]migration, error) {
	dir := string(d)
	entries, err := fs.ReadDir(migrations.FS, dir)
	if err != nil {
		return nil, fmt.Errorf("db: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".up.sql")
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("db: migration %s has no number", e.Name())
		}
		body, err := fs.ReadFile(migrations.FS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("db: read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(body)})
	}
	ms = append(ms, goMigrations...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("db: two migrations numbered %d", ms[i].version)
		}
	}
	return ms, nil
}

// Migrate applies the pending embedded migrations, each in its own
// transaction, and returns the names applied. Concurrent processes are
// serialised (an advisory lock on PostgreSQL, the write lock on SQLite).
// A database migrated by a newer binary is refused.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	return d.migrate(ctx, math.MaxInt)
}

// migrate is Migrate up to and including version last; a test uses it to
// load rows written before a later migration.
func (d *DB) migrate(ctx context.Context, last int) ([]string, error) {
	ms, err := migrationsFor(d.dialect)
	if err != nil {
		return nil, err
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.version] = true
	}
	var applied []string
	for _, m := range ms {
		if m.version > last {
			break
		}
		done := false
		err := d.InTx(ctx, func(tx bun.Tx) error {
			if d.dialect == Postgres {
				if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7261707179)"); err != nil {
					return err
				}
			}
			create := `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`
			if _, err := tx.ExecContext(ctx, create); err != nil {
				return fmt.Errorf("db: create schema_migrations: %w", err)
			}
			var versions []int
			if err := tx.NewSelect().Table("schema_migrations").Column("version").Scan(ctx, &versions); err != nil {
				return err
			}
			for _, v := range versions {
				if !known[v] {
					return fmt.Errorf("db: the schema has migration %d, which this binary does not know; refusing to run an older binary on a newer schema", v)
				}
				if v == m.version {
					done = true
				}
			}
			if done {
				return nil
			}
			var err error
			if m.run != nil {
				err = m.run(ctx, tx)
			} else {
				_, err = tx.ExecContext(ctx, m.sql)
			}
			if err != nil {
				return fmt.Errorf("db: migration %s: %w", m.name, err)
			}
			_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m.name)
		}
	}
	return applied, nil
}
