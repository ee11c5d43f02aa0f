package db

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// Write-offs (engine/writeoff.go): WriteOff maps to write_offs.

func (s *store) InsertWriteOff(ctx context.Context, w *engine.WriteOff) error {
	w.CreatedAt = utc(w.CreatedAt)
	if _, err := s.idb.NewInsert().Model(w).ExcludeColumn("id").Returning("id").Exec(ctx, &w.ID); err != nil {
		return fmt.Errorf("insert write-off for %s: %w", w.OrderID, err)
	}
	return nil
}

func (s *store) WriteOffsByOrders(ctx context.Context, orderIDs []string) ([]engine.WriteOff, error) {
	ws := []engine.WriteOff{}
	if len(orderIDs) == 0 {
		return ws, nil
	}
	if err := s.idb.NewSelect().Model(&ws).Where("order_id IN (?)", bun.In(orderIDs)).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("write-offs of orders: %w", err)
	}
	return ws, nil
}
