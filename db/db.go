// Package db implements the engine's stores with bun, on SQLite and PostgreSQL.
package db

import (
	"context"
	"errors"
)

// DB is an open, migrated database (CONTRACT STUB: the engine/db helper
// replaces this file).
type DB struct{}

// Open connects to TPG_DATABASE_URL (sqlite://path or postgres://…) and runs
// the embedded migrations.
func Open(ctx context.Context, url string) (*DB, error) {
	return nil, errors.New("db: not implemented yet")
}

// Close releases the pool.
func (d *DB) Close() error { return nil }
