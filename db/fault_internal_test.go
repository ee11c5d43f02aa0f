package db

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"taripay/engine"
)

// TestUnavailableConnectionErrors covers the lost-connection errors a
// PostgreSQL restart produces that no live test can provoke on demand;
// chaos.TestPostgresRestartDuringLoad restarts a real server.
func TestUnavailableConnectionErrors(t *testing.T) {
	for _, err := range []error{
		// A query on a connection pgx closed after a failed read.
		fmt.Errorf("insert payment: %w", pgconn.ErrConnClosed),
		&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"},
		&pgconn.PgError{Code: "57P03", Message: "the database system is starting up"},
	} {
		if got := unavailable(err); !errors.Is(got, engine.ErrUnavailable) || !errors.Is(got, err) {
			t.Errorf("unavailable(%v) = %v, want engine.ErrUnavailable wrapping it", err, got)
		}
	}
	if err := errors.New("conn closed by a bug"); errors.Is(unavailable(err), engine.ErrUnavailable) {
		t.Errorf("an unrelated error became ErrUnavailable")
	}
}

func TestPostgresDSNConnectTimeout(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u@h:5432/test?sslmode=disable", "postgres://u@h:5432/test?connect_timeout=5&sslmode=disable"},
		{"postgres://u@h/test?connect_timeout=1", "postgres://u@h/test?connect_timeout=1"},
		{"postgresql://h/test", "postgresql://h/test?connect_timeout=5"},
	}
	for _, tt := range tests {
		if got := postgresDSN(tt.in); got != tt.want {
			t.Errorf("postgresDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
