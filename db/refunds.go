package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// Refunds due and their closing (engine/refunds.go), migration
// 0301_refunds, through refundRow (rows.go).

func (s *store) InsertRefund(ctx context.Context, r *engine.Refund) (bool, error) {
	r.ID, r.CreatedAt = 0, utc(r.CreatedAt)
	row := fromRefund(*r)
	_, err := s.idb.NewInsert().Model(&row).ExcludeColumn("id").On("CONFLICT (refund_id) DO NOTHING").Returning("id").Exec(ctx, &r.ID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("insert refund %s: %w", r.RefundID, err)
	}
	return r.ID != 0, nil
}

func (s *store) RefundByRefundID(ctx context.Context, refundID string) (engine.Refund, bool, error) {
	return s.oneRefund(ctx, s.idb.NewSelect().Where("refund_id = ?", refundID), refundID)
}

func (s *store) RefundByID(ctx context.Context, id int64, lock bool) (engine.Refund, bool, error) {
	q := s.idb.NewSelect().Where("id = ?", id)
	if lock {
		q = s.forUpdate(q)
	}
	return s.oneRefund(ctx, q, fmt.Sprint(id))
}

func (s *store) oneRefund(ctx context.Context, q *bun.SelectQuery, ref string) (engine.Refund, bool, error) {
	var r refundRow
	err := q.Model(&r).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Refund{}, false, nil
	}
	if err != nil {
		return engine.Refund{}, false, fmt.Errorf("read refund %s: %w", ref, err)
	}
	return r.toEngine(), true, nil
}

func (s *store) CloseRefund(ctx context.Context, r engine.Refund) (bool, error) {
	closed := utc(*r.ClosedAt)
	res, err := s.idb.NewUpdate().Model((*refundRow)(nil)).Set("status = ?", r.Status).Set("tx_id = ?", r.TxID).
		Set("closed_at = ?", closed).Where("id = ?", r.ID).Where("status = ?", engine.RefundDue).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("close refund %s: %w", r.RefundID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) RefundsForOrder(ctx context.Context, orderID string) ([]engine.Refund, error) {
	var rows []refundRow
	if err := s.idb.NewSelect().Model(&rows).Where("order_id = ?", orderID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("refunds of order %s: %w", orderID, err)
	}
	return toEngine(rows), nil
}

func (s *store) Refunds(ctx context.Context, statuses []engine.RefundStatus, limit int) ([]engine.Refund, error) {
	var rows []refundRow
	q := s.idb.NewSelect().Model(&rows).OrderExpr("id DESC").Limit(int64(limit))
	if len(statuses) > 0 {
		q = q.Where("status IN (?)", bun.In(statuses))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list refunds: %w", err)
	}
	return toEngine(rows), nil
}
