// Package db implements the engine's stores with bun, on SQLite and PostgreSQL.
//
// Every write runs in one transaction that serialises money movement per
// address: SQLite takes the database write lock at BEGIN (_txlock=immediate),
// PostgreSQL locks the address_balances rows (SELECT … FOR UPDATE, in sorted
// order). Conflicts (SQLITE_BUSY, 40001, 40P01) retry the whole transaction.
// On SQLite, the write transactions that queue up behind one another commit
// together, each in a savepoint of its own (group commit, see DB.runTx).
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
	// queued holds the SQLite write operations waiting for the writer;
	// whoever holds the writer commits the waiting ones together (see
	// groupCommit).
	queued chan *writeOp
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
		d = &DB{bun: bun.NewDB(sqldb, sqlitedialect.New()), dialect: SQLite,
			writer: make(chan struct{}, 1), queued: make(chan *writeOp, maxGroup)}
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		sqldb, err := sql.Open("pgx", postgresDSN(rawURL))
		if err != nil {
			return nil, fmt.Errorf("db: open postgres: %w", err)
		}
		sqldb.SetMaxOpenConns(20)
		d = &DB{bun: bun.NewDB(sqldb, pgdialect.New()), dialect: Postgres}
	default:
		return nil, fmt.Errorf("db: unsupported database URL %q (want sqlite://path or postgres://…)", RedactURL(rawURL))
	}
	if err := d.ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: connect %s: %w", RedactURL(rawURL), err)
	}
	return d, nil
}

// ping opens the first connection. SQLite can refuse it with SQLITE_BUSY,
// without waiting out busy_timeout, while another process opens or
// migrates the same file (switching it to WAL needs a lock the other
// holds), so a busy refusal is tried again as a conflict is.
func (d *DB) ping(ctx context.Context) error {
	return retrying(ctx, func() error { return d.bun.PingContext(ctx) })
}

func sqliteDSN(path, query string) string {
	v, _ := url.ParseQuery(query)
	// busy_timeout first: the pragmas run in order on each new connection,
	// and switching to WAL needs a lock that another process opening the
	// same file may hold; without the timeout set, that is SQLITE_BUSY at once.
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "synchronous(NORMAL)")
	// Keep savepoint sub-journals in memory: a group commit's savepoints
	// otherwise write each page's original to a temporary file before the
	// page is first changed, a syscall per page (docs/benchmarks.md).
	v.Add("_pragma", "temp_store(MEMORY)")
	v.Set("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

// postgresDSN gives a PostgreSQL URL a connect_timeout of 5 s unless it
// sets one: without it, a server whose host stops answering would hold
// each request until the kernel's TCP timeout (minutes), where a refused
// connection fails at once; either way the request should get its 503 fast.
func postgresDSN(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL // pgx reports the malformed URL
	}
	q := u.Query()
	if q.Has("connect_timeout") {
		return rawURL
	}
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	return u.String()
}

// RedactURL hides the password of a database URL, for logs and error
// messages. A URL that does not parse still loses whatever stands between
// the user name and the last "@".
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if _, ok := u.User.Password(); !ok {
			return raw
		}
		return u.Redacted()
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	at := strings.LastIndex(rest, "@")
	if !ok || at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return raw
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// Close releases the pool.
func (d *DB) Close() error { return d.bun.Close() }

// Dialect reports the SQL flavour.
func (d *DB) Dialect() Dialect { return d.dialect }

// Bun exposes the pool for sibling stores (db/shop_tokens.go) and tests.
func (d *DB) Bun() *bun.DB { return d.bun }

// Update runs fn in one write transaction, retrying on conflicts. A storage
// fault comes back as engine.ErrUnavailable.
func (d *DB) Update(ctx context.Context, fn func(engine.Tx) error) error {
	return d.InTx(ctx, func(tx bun.Tx) error {
		s := &store{idb: tx, dialect: d.dialect, credited: map[string]engine.AddressBalance{}}
		if d.dialect != Postgres {
			s.read = map[int64]engine.Order{}
		}
		return fn(s)
	})
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
	err := retrying(ctx, func() error { return d.runTx(ctx, fn) })
	if retryable(err) {
		err = fmt.Errorf("db: transaction kept conflicting: %w", err)
	}
	return unavailable(err)
}

// retrying runs try until it succeeds, fails with an error that is not a
// conflict or a busy lock, or has conflicted 20 times, with a growing,
// jittered pause between attempts.
func retrying(ctx context.Context, try func() error) error {
	const attempts = 20
	var err error
	for i := range attempts {
		if err = try(); err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(1+rand.IntN(5*(i+1))) * time.Millisecond):
		}
	}
	return err
}

// runTx runs one attempt: on PostgreSQL in a transaction of its own, on
// SQLite queued behind this process's other writers and committed with
// those waiting alongside it (groupCommit).
func (d *DB) runTx(ctx context.Context, fn func(bun.Tx) error) error {
	if d.writer == nil {
		return d.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(tx) })
	}
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case d.queued <- op:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, op is answered by whoever holds the writer, so wait for
	// that answer even if ctx ends: returning early could report a failure
	// for an operation that is being committed. An op whose ctx ended
	// while it was queued is answered with ctx's error, without running.
	for {
		select {
		case err := <-op.done:
			if op.panicked != nil {
				panic(op.panicked)
			}
			return err
		case d.writer <- struct{}{}:
			d.groupCommit(d.takeQueued())
			<-d.writer
		}
	}
}

// maxGroup caps the operations committed together, so that the first of a
// group does not wait long behind the others for its COMMIT.
const maxGroup = 32

// writeOp is one queued attempt of InTx on SQLite.
type writeOp struct {
	ctx      context.Context
	fn       func(bun.Tx) error
	done     chan error // buffered: the writer never waits for the caller
	panicked any        // fn's panic, re-raised on the caller's goroutine
}

// call runs fn, turning a panic into an error so that one operation's
// panic cannot break the group's transaction for the others.
func (op *writeOp) call(tx bun.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			op.panicked = p
			err = fmt.Errorf("db: write operation panicked: %v", p)
		}
	}()
	return op.fn(tx)
}

// takeQueued takes the operations waiting now, oldest first, up to maxGroup.
func (d *DB) takeQueued() []*writeOp {
	var ops []*writeOp
	for len(ops) < maxGroup {
		select {
		case op := <-d.queued:
			ops = append(ops, op)
		default:
			return ops
		}
	}
	return ops
}

// errGroupAborted is what the members of a group commit hear when another
// member's failure ended the group's transaction (SQLite rolls back the whole
// transaction when, for example, a write statement is interrupted because
// its caller's context ended). Nothing of theirs was committed; InTx runs
// them again.
var errGroupAborted = errors.New("db: another operation ended the group's transaction")

// groupCommit runs ops, the caller holding the writer, and answers each.
//
// A lone operation runs in its own transaction, as on PostgreSQL. Several
// run back to back in one transaction, each inside a SAVEPOINT: an
// operation that fails is rolled back to its savepoint and hears its own
// error, and the others are unaffected. The transaction commits once, and
// only then do the successful operations hear success, so no caller is
// told of a write that a crash could still lose; if COMMIT fails, all of
// them hear its error. One COMMIT, and so one WAL sync point, serves the
// whole group.
//
// The group's transaction is begun with a context of its own, because
// database/sql rolls a transaction back when the context given to BeginTx
// ends, and no caller's cancellation may end the others' transaction.
// Each operation's statements still run under its caller's context.
func (d *DB) groupCommit(ops []*writeOp) {
	if len(ops) == 0 {
		return // another holder of the writer already answered them
	}
	ctx := context.Background()
	conn, err := d.bun.Conn(ctx)
	if err != nil {
		for _, op := range ops {
			op.done <- err
		}
		return
	}
	faulty := false
	seen := func(err error) error {
		faulty = faulty || isStorageFault(err) && !retryable(err)
		return err
	}
	defer func() {
		if faulty {
			// SQLite opens a connection read-only when the file is not
			// writable at that moment, and it stays read-only once the
			// fault clears. Drop a connection that met a fault, so that
			// the next write gets a fresh one and the server recovers
			// without a restart.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}()
	if len(ops) == 1 {
		op := ops[0]
		op.done <- seen(conn.RunInTx(op.ctx, nil, func(_ context.Context, tx bun.Tx) error { return op.call(tx) }))
		return
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		for _, op := range ops {
			op.done <- seen(err)
		}
		return
	}
	var succeeded []*writeOp
	abort := func(cause error, rest []*writeOp) {
		seen(cause)
		_ = tx.Rollback() // the transaction may already be gone; cause says why
		for _, op := range append(succeeded, rest...) {
			op.done <- fmt.Errorf("%w: %w", errGroupAborted, cause)
		}
	}
	for i, op := range ops {
		if err := op.ctx.Err(); err != nil {
			op.done <- err
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
			abort(err, ops[i:])
			return
		}
		opErr := seen(op.call(tx))
		if opErr == nil {
			if _, err := tx.ExecContext(ctx, "RELEASE op"); err != nil {
				abort(err, ops[i:])
				return
			}
			succeeded = append(succeeded, op)
			continue
		}
		// Undo op alone. If its savepoint is gone, SQLite has rolled back
		// the whole transaction, and the others' work with it.
		_, err := tx.ExecContext(ctx, "ROLLBACK TO op")
		if err == nil {
			_, err = tx.ExecContext(ctx, "RELEASE op")
		}
		op.done <- opErr
		if err != nil {
			abort(err, ops[i+1:])
			return
		}
	}
	if len(succeeded) == 0 {
		_ = tx.Rollback() // nothing to keep
		return
	}
	err = seen(tx.Commit())
	for _, op := range succeeded {
		op.done <- err
	}
}

func retryable(err error) bool {
	if errors.Is(err, errGroupAborted) {
		return true
	}
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
