package engine

import "taripay/engine/tari"

// SetMemoParser replaces the parser of memo signatures in notes, for tests
// that watch when notes are parsed.
func SetMemoParser(e *Engine, parse func([]byte) (tari.MemoSignature, error)) { e.parseMemo = parse }
