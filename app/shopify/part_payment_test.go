package shopify

import (
	"context"

	"taripay/engine"
)

// PaymentsForOrder: the in-memory outbox's orders have no payments.
func (o *memOutbox) PaymentsForOrder(context.Context, string, engine.Page) ([]engine.Payment, error) {
	return nil, nil
}
