package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// shopifyOtherOrder is an order paid another way than Tari.
type shopifyOtherOrder struct {
	bun.BaseModel `bun:"table:shopify_other_orders"`

	OrderID         string    `bun:"order_id,pk"`
	Shop            string    `bun:"shop"`
	Gateways        string    `bun:"gateways"`
	FinancialStatus string    `bun:"financial_status"`
	SeenAt          time.Time `bun:"seen_at"`
}

// SaveOtherOrder records an order paid another way than Tari; a repeat
// (the same order from another route or a rescan) is a no-op.
func (d *DB) SaveOtherOrder(ctx context.Context, shop, orderID string, gateways []string, financialStatus string, at time.Time) error {
	names, err := json.Marshal(gateways)
	if err != nil {
		return fmt.Errorf("save order %s paid another way: %w", orderID, err)
	}
	o := &shopifyOtherOrder{OrderID: orderID, Shop: shop, Gateways: string(names), FinancialStatus: financialStatus, SeenAt: at.UTC()}
	err = d.InTx(ctx, func(tx bun.Tx) error {
		_, err := tx.NewInsert().Model(o).On("CONFLICT (order_id) DO NOTHING").Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("save order %s paid another way: %w", orderID, err)
	}
	return nil
}

// OtherOrders counts the orders paid another way than Tari.
func (d *DB) OtherOrders(ctx context.Context) (int, error) {
	n, err := d.bun.NewSelect().Model((*shopifyOtherOrder)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count orders paid another way: %w", unavailable(err))
	}
	return int(n), nil
}
