// Package chaos holds taripay's fault tests: real `taripay serve` processes
// under concurrent signed load, killed with SIGKILL at random points, run
// side by side on one PostgreSQL database, or left with a full or read-only
// disk, and the money invariants (docs/engine.md, "Invariants") checked on the database
// afterwards. It has no code of its own; run it with `go test ./chaos` or
// `task chaos`.
package chaos
