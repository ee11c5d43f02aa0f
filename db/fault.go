package db

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"taripay/engine"
)

// unavailable marks err as engine.ErrUnavailable when it is a storage fault
// rather than a bug: a full or read-only disk, an I/O error, a lost or
// refused PostgreSQL connection, a server shutting down, or a lock still
// held after every retry. The edge answers those with 503, so a client
// retries, and an operator's fix (free space, remount, restart) needs no
// restart of taripay. Anything else is returned unchanged.
func unavailable(err error) error {
	if err == nil || errors.Is(err, engine.ErrUnavailable) || !isStorageFault(err) {
		return err
	}
	return fmt.Errorf("%w: %w", engine.ErrUnavailable, err)
}

func isStorageFault(err error) bool {
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		switch sqlErr.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB,
			sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_PERM,
			sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:min(2, len(pgErr.Code))] {
		case "08", // connection exception
			"53", // insufficient resources: disk full, out of memory, too many connections
			"57", // operator intervention: shutdown, crash, not yet accepting connections
			"58": // system error: I/O
			return true
		}
		// A read-only server (a standby), or conflicts left after every retry.
		return pgErr.Code == "25006" || pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	// pgx reports a query on a connection it already found broken (the
	// server restarted under it) as ErrConnClosed, with no network error.
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		pgconn.Timeout(err)
}
