package db

import (
	"context"
	"fmt"
	"time"

	"taripay/engine"
)

// The admin dashboard's reads (engine/reports.go). Confirmed payments are
// dated by updated_at, the moment they were confirmed.

func (s *store) ConfirmedTotal(ctx context.Context, since time.Time) (engine.MicroTari, error) {
	var total int64
	q := s.idb.NewSelect().Model((*paymentRow)(nil)).ColumnExpr("COALESCE(SUM(amount), 0)").
		Where("status = ?", engine.PaymentConfirmed)
	if !since.IsZero() {
		q = q.Where("updated_at >= ?", utc(since))
	}
	if err := q.Scan(ctx, &total); err != nil {
		return 0, fmt.Errorf("sum confirmed payments: %w", err)
	}
	return engine.MicroTari(total), nil
}

func (s *store) ConfirmedSince(ctx context.Context, since time.Time) ([]engine.Payment, error) {
	var rows []paymentRow
	err := s.idb.NewSelect().Model(&rows).
		Where("status = ?", engine.PaymentConfirmed).Where("updated_at >= ?", utc(since)).
		Order("updated_at").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("confirmed payments since %s: %w", since, err)
	}
	return toEngine(rows), nil
}

func (s *store) OrderStatusCounts(ctx context.Context) ([]engine.StatusCount, error) {
	var rows []struct {
		Status string `bun:"status"`
		Count  int    `bun:"count"`
		Total  int64  `bun:"total"`
	}
	err := s.idb.NewSelect().Model((*orderRow)(nil)).
		ColumnExpr("status, COUNT(*) AS count, COALESCE(SUM(total_price), 0) AS total").
		Group("status").Order("status").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count orders by status: %w", err)
	}
	out := make([]engine.StatusCount, len(rows))
	for i, r := range rows {
		out[i] = engine.StatusCount{Status: engine.OrderStatus(r.Status), Count: r.Count, Total: engine.MicroTari(r.Total)}
	}
	return out, nil
}

func (s *store) LatestPayments(ctx context.Context, limit int) ([]engine.Payment, error) {
	var rows []paymentRow
	if err := s.idb.NewSelect().Model(&rows).OrderExpr("created_at DESC, tx_id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("latest payments: %w", err)
	}
	return toEngine(rows), nil
}

func (s *store) FailedSideEffects(ctx context.Context, limit int) ([]engine.SideEffect, error) {
	var rows []sideEffectRow
	err := s.idb.NewSelect().Model(&rows).Where("state = ?", engine.SideEffectFailed).
		OrderExpr("updated_at DESC, id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed side effects: %w", err)
	}
	return toEngine(rows), nil
}

func (s *store) LatestExchangeRates(ctx context.Context) ([]engine.ExchangeRate, error) {
	var rows []exchangeRateRow
	latest := s.idb.NewSelect().Model((*exchangeRateRow)(nil)).ColumnExpr("MAX(id)").Group("currency")
	if err := s.idb.NewSelect().Model(&rows).Where("id IN (?)", latest).Order("currency").Scan(ctx); err != nil {
		return nil, fmt.Errorf("latest exchange rates: %w", err)
	}
	return toEngine(rows), nil
}
