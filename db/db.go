// Package db implements the engine's stores with bun, on SQLite and PostgreSQL.
//
// Every write runs in one transaction that serialises money movement per
// address: SQLite takes the database write lock at BEGIN (_txlock=immediate),
// PostgreSQL locks the address_balances rows (SELECT … FOR UPDATE, in sorted
// order). Conflicts (SQLITE_BUSY, 40001, 40P01) retry the whole transaction.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"taripay/engine"
)

// Dialect names the SQL flavour of a database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open, migrated database. It implements engine.Store.
type DB struct {
	bun     *bun.DB
	dialect Dialect
	// writer admits one SQLite write transaction of this process at a
	// time. SQLite has one write lock; without a queue here, pooled
	// connections race for it at BEGIN IMMEDIATE and the losers sleep in
	// SQLite's busy handler with growing backoff, which made p99 latency
	// hundreds of milliseconds (docs/benchmarks.md). Other processes on the
	// same file still meet busy_timeout. Nil on PostgreSQL, whose row locks
	// queue by themselves.
	writer chan struct{}
}

var _ engine.Store = (*DB)(nil)

// Open connects to TPG_DATABASE_URL (sqlite://path or postgres://…) and runs
// the embedded migrations. It refuses a schema newer than the binary.
func Open(ctx context.Context, url string) (*DB, error) {
	d, err := Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Connect opens the pool without migrating (for `taripay migrate`).
func Connect(ctx context.Context, rawURL string) (*DB, error) {
	var d *DB
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"):
		path := strings.TrimPrefix(rawURL, "sqlite://")
		if path == "" {
			return nil, errors.New("db: sqlite:// URL has no path")
		}
		path, query, _ := strings.Cut(path, "?")
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("db: create %s: %w", dir, err)
			}
		}
		sqldb, err := sql.Open("sqlite", sqliteDSN(path, query))
		if err != nil {
			return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
		}
		sqldb.SetMaxOpenConns(8)
		d = &DB{bun: bun.NewDB(sqldb, sqlitedialect.New()), dialect: SQLite, writer: make(chan struct{}, 1)}
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		sqldb, err := sql.Open("pgx", rawURL)
		if err != nil {
			return nil, fmt.Errorf("db: open postgres: %w", err)
		}
		sqldb.SetMaxOpenConns(20)
		d = &DB{bun: bun.NewDB(sqldb, pgdialect.New()), dialect: Postgres}
	default:
		return nil, fmt.Errorf("db: unsupported database URL %q (want sqlite://path or postgres://…)", redact(rawURL))
	}
	if err := d.bun.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: connect %s: %w", redact(rawURL), err)
	}
	return d, nil
}

func sqliteDSN(path, query string) string {
	v, _ := url.ParseQuery(query)
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "synchronous(NORMAL)")
	v.Set("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

// redact hides a password in a database URL for error messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close releases the pool.
func (d *DB) Close() error { return d.bun.Close() }

// Dialect reports the SQL flavour.
func (d *DB) Dialect() Dialect { return d.dialect }

// Bun exposes the pool for sibling stores (db/shopify.go) and tests.
func (d *DB) Bun() *bun.DB { return d.bun }

// Update runs fn in one write transaction, retrying on conflicts. A storage
// fault comes back as engine.ErrUnavailable.
func (d *DB) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return d.InTx(ctx, func(tx bun.Tx) error { return fn(&store{idb: tx, dialect: d.dialect}) })
}

// View runs fn for reads, outside any write transaction. A storage fault
// comes back as engine.ErrUnavailable.
func (d *DB) View(ctx context.Context, fn func(engine.Tx) error) error {
	return unavailable(fn(&store{idb: d.bun, dialect: d.dialect}))
}

// InTx runs fn in a transaction, retrying the whole of it when the database
// reports a serialisation failure, a deadlock or a busy lock. A storage
// fault, including conflicts that outlast the retries, comes back as
// engine.ErrUnavailable; nothing of fn is then committed.
func (d *DB) InTx(ctx context.Context, fn func(bun.Tx) error) error {
	const attempts = 20
	var err error
	for i := range attempts {
		err = d.runTx(ctx, fn)
		if err == nil || !retryable(err) {
			return unavailable(err)
		}
		backoff := time.Duration(1+rand.IntN(5*(i+1))) * time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return unavailable(fmt.Errorf("db: transaction kept conflicting: %w", err))
}

// runTx runs one attempt, queued behind this process's other SQLite writers.
func (d *DB) runTx(ctx context.Context, fn func(bun.Tx) error) error {
	run := func(ctx context.Context, tx bun.Tx) error { return fn(tx) }
	if d.writer == nil {
		return d.bun.RunInTx(ctx, nil, run)
	}
	select {
	case d.writer <- struct{}{}:
		defer func() { <-d.writer }()
	case <-ctx.Done():
		return ctx.Err()
	}
	conn, err := d.bun.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.RunInTx(ctx, nil, run)
	if isStorageFault(err) && !retryable(err) {
		// SQLite opens a connection read-only when the file is not
		// writable at that moment, and it stays read-only once the fault
		// clears. Drop a connection that met a fault, so the next write
		// gets a fresh one and the server recovers without a restart.
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return err
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		switch sqlErr.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}

// isCheckViolation reports a CHECK constraint failure (a balance going negative).
func isCheckViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23514"
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		return sqlErr.Code() == sqlite3.SQLITE_CONSTRAINT_CHECK
	}
	return false
}
