package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Redacted replaces personal data that taripay must forget.
const Redacted = "[redacted]"

// RedactCustomer forgets the personal data taripay copied from the
// storefront about a customer: the notes (memos) of their orders and of the
// listed orders, in the orders themselves, in the audit trail and in the
// event log. Every financial record stays: prices, statuses, payments and
// settlements. Shopify asks for this with customers/redact. It reports how
// many orders, waiting for a rate or not, had a note.
func (e *Engine) RedactCustomer(ctx context.Context, customerID string, orderIDs []string) (int, error) {
	var n int
	err := e.update(ctx, func(t *txn) error {
		orders, err := t.Orders(t.ctx, OrderSet{Customers: []string{customerID}}, 0, 0)
		if err != nil {
			return err
		}
		for _, id := range orderIDs {
			o, found, err := t.OrderByRef(t.ctx, id, false)
			if err != nil {
				return err
			}
			if found && o.CustomerID != customerID {
				orders = append(orders, o)
			}
		}
		// Orders waiting for a rate carry a note too; nothing else of
		// theirs is in the trail or the event log yet.
		if n, err = t.RedactWaitingOrders(t.ctx, customerID, orderIDs); err != nil {
			return err
		}
		ids := make([]string, 0, len(orders))
		for _, o := range orders {
			ids = append(ids, o.OrderID)
			if o.Memo == nil {
				continue
			}
			// Only the memo changes: the expiry clocks and updated_at stay.
			cur, err := t.LockOrder(t.ctx, o.ID)
			if err != nil {
				return err
			}
			cur.Memo = nil
			if _, err := t.UpdateOrder(t.ctx, cur, []string{"memo"}, []OrderStatus{cur.Status}); err != nil {
				return err
			}
			t.audit("order", cur.OrderID, "memo", strPtr(Redacted), nil, "personal data redacted at the storefront's request")
			n++
		}
		if len(ids) == 0 {
			return nil
		}
		if err := t.RedactAudit(t.ctx, "order", ids, "memo", Redacted); err != nil {
			return err
		}
		return redactEvents(t, ids)
	})
	if err != nil {
		return 0, fmt.Errorf("redact customer %s: %w", customerID, err)
	}
	return n, nil
}

// redactEvents clears the memos of the given orders wherever an event
// payload carries one of those orders.
func redactEvents(t *txn, orderIDs []string) error {
	for _, id := range orderIDs {
		quoted, _ := json.Marshal(id)
		events, err := t.EventsMentioning(t.ctx, `"OrderID":`+string(quoted))
		if err != nil {
			return err
		}
		for _, ev := range events {
			// Numbers stay json.Number, so that amounts in µT are written
			// back digit for digit, not through float64.
			dec := json.NewDecoder(bytes.NewReader(ev.Payload))
			dec.UseNumber()
			var doc any
			if err := dec.Decode(&doc); err != nil {
				return fmt.Errorf("event %d: %w", ev.Seq, err)
			}
			if !clearMemos(doc, orderIDs) {
				continue
			}
			payload, err := json.Marshal(doc)
			if err != nil {
				return err
			}
			if err := t.SetEventPayload(t.ctx, ev.Seq, payload); err != nil {
				return err
			}
		}
	}
	return nil
}

// clearMemos walks a decoded event and nulls the Memo of every order in
// orderIDs, reporting whether it changed anything.
func clearMemos(v any, orderIDs []string) bool {
	changed := false
	switch v := v.(type) {
	case map[string]any:
		if id, ok := v["OrderID"].(string); ok && slices.Contains(orderIDs, id) && v["Memo"] != nil {
			v["Memo"] = nil
			changed = true
		}
		for _, child := range v {
			changed = clearMemos(child, orderIDs) || changed
		}
	case []any:
		for _, child := range v {
			changed = clearMemos(child, orderIDs) || changed
		}
	}
	return changed
}

// StoredEvent is an outbox row as the store keeps it.
type StoredEvent struct {
	Seq     int64
	Payload []byte
}
