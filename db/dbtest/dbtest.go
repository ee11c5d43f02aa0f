// Package dbtest gives tests fresh, migrated, isolated databases: a SQLite
// file in t.TempDir, and a PostgreSQL schema of its own (dropped in
// t.Cleanup) on TPG_TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test.
package dbtest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"taripay/db"
)

// PostgresURL is the server the PostgreSQL subtests use.
func PostgresURL() string {
	if u := os.Getenv("TPG_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

var (
	pgOnce sync.Once
	pgErr  error
)

func postgresReachable() error {
	pgOnce.Do(func() {
		conn, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			pgErr = err
			return
		}
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		pgErr = conn.PingContext(ctx)
	})
	return pgErr
}

// Backends lists the databases to run store tests on: "sqlite" always, and
// "postgres". Open skips the PostgreSQL subtest when the server is
// unreachable, unless TPG_TEST_REQUIRE_POSTGRES is set, which makes it fail.
func Backends(t testing.TB) []string {
	return []string{"sqlite", "postgres"}
}

// Reachable reports whether Open can give a database of backend here:
// SQLite always, PostgreSQL when its server answers or when
// TPG_TEST_REQUIRE_POSTGRES is set (Open then fails instead of skipping).
// It is for a test that cannot skip one backend alone, such as a fuzz
// target serving every backend at once.
func Reachable(backend string) bool {
	return backend != "postgres" || postgresReachable() == nil || os.Getenv("TPG_TEST_REQUIRE_POSTGRES") != ""
}

// Open returns a fresh, migrated database of the given backend, closed and
// dropped when the test ends.
func Open(t testing.TB, backend string) *db.DB {
	t.Helper()
	d, _ := OpenURL(t, backend)
	return d
}

// OpenURL is Open that also returns the database URL, for tests that open
// a second pool or process on the same database.
func OpenURL(t testing.TB, backend string) (*db.DB, string) {
	t.Helper()
	ctx := context.Background()
	var u string
	switch backend {
	case "sqlite":
		u = "sqlite://" + filepath.Join(t.TempDir(), "taripay.db")
	case "postgres":
		u = NewPostgresSchema(t)
	default:
		t.Fatalf("dbtest: unknown backend %q", backend)
	}
	d, err := db.Open(ctx, u)
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", backend, err)
	}
	t.Cleanup(func() { d.Close() })
	return d, u
}

// NewPostgresSchema creates an empty schema for this test and returns a URL
// whose connections use it; it is dropped in t.Cleanup. Unreachable
// PostgreSQL skips the test, or fails it under TPG_TEST_REQUIRE_POSTGRES.
func NewPostgresSchema(t testing.TB) string {
	t.Helper()
	if err := postgresReachable(); err != nil {
		if os.Getenv("TPG_TEST_REQUIRE_POSTGRES") != "" {
			t.Fatalf("dbtest: PostgreSQL is required but unreachable: %v", err)
		}
		t.Skipf("dbtest: PostgreSQL unreachable (%v); set TPG_TEST_REQUIRE_POSTGRES to fail instead", err)
	}
	u, drop, err := db.NewPostgresSchema(context.Background(), PostgresURL(), "t_")
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(drop)
	return u
}
