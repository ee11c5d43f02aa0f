package db

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// shopifyShop records a shop's uninstall and redaction.
type shopifyShop struct {
	bun.BaseModel `bun:"table:shopify_shops"`

	Shop          string     `bun:"shop,pk"`
	UninstalledAt *time.Time `bun:"uninstalled_at"`
	RedactedAt    *time.Time `bun:"redacted_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

// SetUninstalled records that the app was removed from a shop.
func (d *DB) SetUninstalled(ctx context.Context, shop string, at time.Time) error {
	at = at.UTC()
	err := d.InTx(ctx, func(tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&shopifyShop{Shop: shop, UninstalledAt: &at, UpdatedAt: at}).
			ExcludeColumn("redacted_at").
			On("CONFLICT (shop) DO UPDATE").Set("uninstalled_at = EXCLUDED.uninstalled_at").Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx)
		if err != nil {
			return err
		}
		// The shop's Admin API token is dead once the app is removed;
		// keeping it would only keep a credential around.
		_, err = tx.NewDelete().Model((*shopToken)(nil)).Where("shop = ?", shop).Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("record uninstall of %s: %w", shop, err)
	}
	return nil
}

// Uninstalled reports whether the app was removed from a shop.
func (d *DB) Uninstalled(ctx context.Context, shop string) (bool, error) {
	n, err := d.bun.NewSelect().Model((*shopifyShop)(nil)).
		Where("shop = ?", shop).Where("uninstalled_at IS NOT NULL").Count(ctx)
	if err != nil {
		return false, fmt.Errorf("load shop %s: %w", shop, unavailable(err))
	}
	return n > 0, nil
}
