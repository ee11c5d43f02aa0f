// Package docs embeds taripay's documentation, which the server's home page
// links to at /docs/{name}.md.
package docs

import "embed"

// FS holds docs/*.md.
//
//go:embed *.md
var FS embed.FS
