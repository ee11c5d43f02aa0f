package engine

import (
	"context"
	"encoding/json"
	"fmt"
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

// redactEvents clears the personal data of the given orders in every
// event that carries one of them: each stored payload declares its personal
// fields (payload.forget in engine/eventformat.go). The search for the
// order id only narrows the rows to decode; the typed payload decides.
func redactEvents(t *txn, orderIDs []string) error {
	for _, id := range orderIDs {
		quoted, _ := json.Marshal(id)
		events, err := t.EventsMentioning(t.ctx, `"order_id":`+string(quoted))
		if err != nil {
			return err
		}
		for _, ev := range events {
			p, err := decodePayload(ev.Type, ev.Payload)
			if err != nil {
				return fmt.Errorf("event %d: %w", ev.Seq, err)
			}
			if !p.forget(orderIDs) {
				continue
			}
			// The amounts are int64 in the payload, so they are written
			// back digit for digit.
			payload, err := json.Marshal(p)
			if err != nil {
				return fmt.Errorf("event %d: %w", ev.Seq, err)
			}
			if err := t.SetEventPayload(t.ctx, ev.Seq, payload); err != nil {
				return err
			}
		}
	}
	return nil
}

// StoredEvent is an outbox row as the store keeps it.
type StoredEvent struct {
	Seq     int64
	Type    EventType
	Payload []byte
}
