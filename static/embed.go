// Package static embeds the public assets (CSS, htmx, small scripts) served
// under /static/.
package static

import "embed"

// FS holds the assets, e.g. "taripay.css" and "htmx.min.js" (htmx.org 2.0.11).
//
//go:embed *.css *.js
var FS embed.FS
