package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// Orders waiting for an exchange rate (engine.WaitingOrder → waiting_orders).

func (s *store) InsertWaitingOrder(ctx context.Context, w *engine.WaitingOrder) (bool, error) {
	w.ID = 0
	w.CreatedAt, w.ReceivedAt = utc(w.CreatedAt), utc(w.ReceivedAt)
	_, err := s.idb.NewInsert().Model(w).ExcludeColumn("id").On("CONFLICT DO NOTHING").Returning("id").Exec(ctx, &w.ID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("insert waiting order %s: %w", w.OrderID, err)
	}
	return w.ID != 0, nil
}

func (s *store) WaitingOrderByRef(ctx context.Context, orderID string) (engine.WaitingOrder, bool, error) {
	return s.oneWaitingOrder(ctx, "order_id", orderID)
}

func (s *store) WaitingOrderByClaimToken(ctx context.Context, token string) (engine.WaitingOrder, bool, error) {
	return s.oneWaitingOrder(ctx, "claim_token", token)
}

func (s *store) oneWaitingOrder(ctx context.Context, col, v string) (engine.WaitingOrder, bool, error) {
	var w engine.WaitingOrder
	err := s.idb.NewSelect().Model(&w).Where("? = ?", bun.Ident(col), v).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return w, false, nil
	}
	if err != nil {
		return w, false, fmt.Errorf("select waiting order by %s: %w", col, err)
	}
	return w, true, nil
}

func (s *store) WaitingOrders(ctx context.Context, currency string) ([]engine.WaitingOrder, error) {
	ws := []engine.WaitingOrder{}
	if err := s.idb.NewSelect().Model(&ws).Where("currency = ?", currency).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("orders waiting for a %s rate: %w", currency, err)
	}
	return ws, nil
}

func (s *store) DeleteWaitingOrder(ctx context.Context, id int64) error {
	if _, err := s.idb.NewDelete().Model((*engine.WaitingOrder)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("delete waiting order %d: %w", id, err)
	}
	return nil
}

func (s *store) RedactWaitingOrders(ctx context.Context, customerID string, orderIDs []string) (int, error) {
	q := s.idb.NewUpdate().Model((*engine.WaitingOrder)(nil)).Set("memo = NULL").Where("memo IS NOT NULL").
		WhereGroup(" AND ", func(q *bun.UpdateQuery) *bun.UpdateQuery {
			q = q.Where("customer_id = ?", customerID)
			if len(orderIDs) > 0 {
				q = q.WhereOr("order_id IN (?)", bun.In(orderIDs))
			}
			return q
		})
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("redact waiting orders of %s: %w", customerID, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (s *store) WaitingCounts(ctx context.Context) ([]engine.WaitingCount, error) {
	rows := []engine.WaitingCount{}
	err := s.idb.NewSelect().Model((*engine.WaitingOrder)(nil)).ColumnExpr("currency, COUNT(*) AS count").
		Group("currency").Order("currency").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count waiting orders: %w", err)
	}
	return rows, nil
}
