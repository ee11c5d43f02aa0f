package db

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// shopifyDataRequest is the report of one customers/data_request.
type shopifyDataRequest struct {
	bun.BaseModel `bun:"table:shopify_data_requests"`

	ID         int64     `bun:"id,pk,autoincrement"`
	Shop       string    `bun:"shop"`
	CustomerID string    `bun:"customer_id"`
	Report     string    `bun:"report"`
	CreatedAt  time.Time `bun:"created_at"`
}

// SaveDataReport keeps the report of a customers/data_request for the merchant.
func (d *DB) SaveDataReport(ctx context.Context, shop, customerID string, report []byte, at time.Time) error {
	r := &shopifyDataRequest{Shop: shop, CustomerID: customerID, Report: string(report), CreatedAt: at.UTC()}
	err := d.InTx(ctx, func(tx bun.Tx) error {
		_, err := tx.NewInsert().Model(r).ExcludeColumn("id").Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("save data report for customer %s: %w", customerID, err)
	}
	return nil
}

// DataReports returns the data-request reports about a customer, oldest first.
func (d *DB) DataReports(ctx context.Context, shop, customerID string) ([][]byte, error) {
	var rows []shopifyDataRequest
	if err := d.bun.NewSelect().Model(&rows).Where("shop = ?", shop).Where("customer_id = ?", customerID).
		OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list data reports of customer %s: %w", customerID, unavailable(err))
	}
	out := make([][]byte, len(rows))
	for i, r := range rows {
		out[i] = []byte(r.Report)
	}
	return out, nil
}
