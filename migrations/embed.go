// Package migrations embeds taripay's numbered SQL migrations, one directory
// per dialect (sqlite/, postgres/). See README.md for the numbering rules.
package migrations

import "embed"

// FS holds sqlite/NNNN_name.up.sql and postgres/NNNN_name.up.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
