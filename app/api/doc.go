// Package api serves taripay's REST API, wire-compatible with the Tari
// Payment Server reference v1.10 (docs/api.md): /auth, /order/claim,
// the hot wallet's /wallet/* and the /api/* routes. There is one file per
// user action; each handler parses, authorises, calls the engine through a
// small interface it declares, and renders the reference's JSON shapes
// (wire.go). Every failure is an *Error from the one table in errors.go.
package api
