package db

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// migrateEventPayloadsV1 rewrites the events stored before payloads had a
// format of their own into version 1 (engine/eventformat.go). Those were
// the JSON of the engine's untagged structs: keys were Go field names such
// as "OrderID", and version 1's keys are the same names in snake_case. A
// row is converted, then read back by the engine's strict decoder, which
// refuses any key the conversion left unknown, and encoded afresh, so a
// migrated row is byte for byte what the engine writes today.
func migrateEventPayloadsV1(ctx context.Context, tx bun.Tx) error {
	const batch = 500
	var after int64
	for {
		var rows []struct {
			Seq     int64  `bun:"seq"`
			Type    string `bun:"type"`
			Payload string `bun:"payload"`
		}
		err := tx.NewRaw("SELECT seq, type, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?", after, batch).Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("read events after %d: %w", after, err)
		}
		for _, r := range rows {
			after = r.Seq
			payload, err := eventPayloadV1(engine.EventType(r.Type), []byte(r.Payload))
			if err != nil {
				return fmt.Errorf("event %d: %w", r.Seq, err)
			}
			if _, err := tx.NewRaw("UPDATE events SET payload = ? WHERE seq = ?", string(payload), r.Seq).Exec(ctx); err != nil {
				return fmt.Errorf("rewrite event %d: %w", r.Seq, err)
			}
		}
		if len(rows) < batch {
			return nil
		}
	}
}

// eventPayloadV1 converts one payload of the untagged format into version
// 1.
func eventPayloadV1(typ engine.EventType, old []byte) ([]byte, error) {
	// Numbers stay json.Number, so amounts in µT pass digit for digit.
	dec := json.NewDecoder(bytes.NewReader(old))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	doc = snakeKeys(doc).(map[string]any)
	doc["v"] = 1 // the version this migration writes; the engine must keep reading it
	v1, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	ev, err := engine.DecodeEvent(typ, v1)
	if err != nil {
		return nil, err
	}
	return engine.EncodeEvent(ev)
}

// snakeKeys renames every object key of a decoded JSON document from a Go
// field name to snake_case.
func snakeKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, child := range v {
			out[snakeCase(k)] = snakeKeys(child)
		}
		return out
	case []any:
		for i, child := range v {
			v[i] = snakeKeys(child)
		}
	}
	return v
}

// snakeCase turns a Go field name into snake_case, keeping an initialism
// whole: "OrderID" is "order_id", "TxID" "tx_id", "ID" "id".
func snakeCase(name string) string {
	var b strings.Builder
	var prev rune
	for i, r := range name {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
		prev = r
	}
	return b.String()
}
