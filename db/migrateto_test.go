package db

import "context"

// MigrateTo is Migrate up to and including version last, for tests that
// load rows written before a later migration.
func (d *DB) MigrateTo(ctx context.Context, last int) ([]string, error) { return d.migrate(ctx, last) }
