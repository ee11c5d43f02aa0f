package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
)

// NewPostgresSchema creates an empty schema, named prefix and random hex,
// on the PostgreSQL server at rawURL, and returns a URL whose connections
// use it, and drop, which removes the schema with all it holds. Tests and
// benchmarks use it to share one server without seeing each other's
// tables.
func NewPostgresSchema(ctx context.Context, rawURL, prefix string) (schemaURL string, drop func(), err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", nil, fmt.Errorf("db: %w", err)
	}
	admin, err := sql.Open("pgx", rawURL)
	if err != nil {
		return "", nil, fmt.Errorf("db: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := prefix + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("db: create schema: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		admin.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}, nil
}
