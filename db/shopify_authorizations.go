package db

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// shopifyAuthorization is a card authorisation of a Tari order, kept so
// that capture mode captures it once (app/shopify/outbox_worker.go).
type shopifyAuthorization struct {
	bun.BaseModel `bun:"table:shopify_authorizations"`

	ID         string     `bun:"id,pk"`
	OrderID    string     `bun:"order_id"`
	Amount     string     `bun:"amount"`
	Currency   string     `bun:"currency"`
	Test       bool       `bun:"test"`
	CreatedAt  time.Time  `bun:"created_at"`
	CapturedAt *time.Time `bun:"captured_at"`
}

// SaveAuthorization records a successful card authorisation; a repeat is a no-op.
func (d *DB) SaveAuthorization(ctx context.Context, txID, orderID, amount, currency string, test bool, at time.Time) error {
	a := &shopifyAuthorization{ID: txID, OrderID: orderID, Amount: amount, Currency: currency, Test: test, CreatedAt: at.UTC()}
	err := d.InTx(ctx, func(tx bun.Tx) error {
		_, err := tx.NewInsert().Model(a).On("CONFLICT (id) DO NOTHING").Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("save authorisation %s of order %s: %w", txID, orderID, err)
	}
	return nil
}

// MarkCaptured records that an authorisation was captured (once: the first
// time is kept). An authorisation never stored is recorded by its id alone.
func (d *DB) MarkCaptured(ctx context.Context, txID string, at time.Time) error {
	err := d.InTx(ctx, func(tx bun.Tx) error {
		_, err := tx.NewUpdate().Model((*shopifyAuthorization)(nil)).
			Set("captured_at = ?", at.UTC()).Where("id = ?", txID).Where("captured_at IS NULL").Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark authorisation %s captured: %w", txID, err)
	}
	return nil
}

// Authorizations lists an order's stored authorisations as transaction id →
// captured, for display.
func (d *DB) Authorizations(ctx context.Context, orderID string) (map[string]bool, error) {
	var rows []shopifyAuthorization
	if err := d.bun.NewSelect().Model(&rows).Where("order_id = ?", orderID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list authorisations of order %s: %w", orderID, unavailable(err))
	}
	out := make(map[string]bool, len(rows))
	for _, r := range rows {
		out[r.ID] = r.CapturedAt != nil
	}
	return out, nil
}
