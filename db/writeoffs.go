package db

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// Write-offs (engine/writeoff.go), through writeOffRow (rows.go).

func (s *store) InsertWriteOff(ctx context.Context, w *engine.WriteOff) error {
	w.CreatedAt = utc(w.CreatedAt)
	row := fromWriteOff(*w)
	if _, err := s.idb.NewInsert().Model(&row).ExcludeColumn("id").Returning("id").Exec(ctx, &w.ID); err != nil {
		return fmt.Errorf("insert write-off for %s: %w", w.OrderID, err)
	}
	return nil
}

func (s *store) WriteOffsByOrders(ctx context.Context, orderIDs []string) ([]engine.WriteOff, error) {
	if len(orderIDs) == 0 {
		return []engine.WriteOff{}, nil
	}
	var rows []writeOffRow
	if err := s.idb.NewSelect().Model(&rows).Where("order_id IN (?)", bun.In(orderIDs)).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("write-offs of orders: %w", err)
	}
	return toEngine(rows), nil
}
