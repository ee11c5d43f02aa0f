package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// Orders waiting for an exchange rate (engine.WaitingOrder), through
// waitingOrderRow (rows.go).

func (s *store) InsertWaitingOrder(ctx context.Context, w *engine.WaitingOrder) (bool, error) {
	w.ID = 0
	w.CreatedAt, w.ReceivedAt = utc(w.CreatedAt), utc(w.ReceivedAt)
	row := fromWaitingOrder(*w)
	_, err := s.idb.NewInsert().Model(&row).ExcludeColumn("id").On("CONFLICT DO NOTHING").Returning("id").Exec(ctx, &w.ID)
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
	var row waitingOrderRow
	err := s.idb.NewSelect().Model(&row).Where("? = ?", bun.Ident(col), v).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.WaitingOrder{}, false, nil
	}
	if err != nil {
		return engine.WaitingOrder{}, false, fmt.Errorf("select waiting order by %s: %w", col, err)
	}
	return row.toEngine(), true, nil
}

func (s *store) WaitingOrders(ctx context.Context, currency string) ([]engine.WaitingOrder, error) {
	var rows []waitingOrderRow
	if err := s.idb.NewSelect().Model(&rows).Where("currency = ?", currency).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("orders waiting for a %s rate: %w", currency, err)
	}
	return toEngine(rows), nil
}

func (s *store) DeleteWaitingOrder(ctx context.Context, id int64) error {
	if _, err := s.idb.NewDelete().Model((*waitingOrderRow)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("delete waiting order %d: %w", id, err)
	}
	return nil
}

func (s *store) RedactWaitingOrders(ctx context.Context, customerID string, orderIDs []string) (int, error) {
	q := s.idb.NewUpdate().Model((*waitingOrderRow)(nil)).Set("memo = NULL").Where("memo IS NOT NULL").
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
	var rows []struct {
		Currency string `bun:"currency"`
		Count    int    `bun:"count"`
	}
	err := s.idb.NewSelect().Model((*waitingOrderRow)(nil)).ColumnExpr("currency, COUNT(*) AS count").
		Group("currency").Order("currency").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count waiting orders: %w", err)
	}
	out := make([]engine.WaitingCount, len(rows))
	for i, r := range rows {
		out[i] = engine.WaitingCount{Currency: r.Currency, Count: r.Count}
	}
	return out, nil
}
