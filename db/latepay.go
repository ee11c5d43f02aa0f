package db

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// Payments that arrived for closed orders (engine/latepay.go), migration
// 0302_late_payments.

type lateRow struct {
	paymentRow  `bun:"extend"`
	LateOrderID string    `bun:"late_order_id"`
	CustomerID  string    `bun:"late_customer_id"`
	OrderStatus string    `bun:"late_order_status"`
	ClosedAt    time.Time `bun:"late_closed_at"`
	Outcome     *string   `bun:"late_outcome"`
}

// LatePayments joins a confirmed payment to the order it names (by
// order_id, or alt_id: the order's name) when that order closed before
// the payment arrived.
func (s *store) LatePayments(ctx context.Context, q engine.LatePaymentQuery) ([]engine.LatePayment, error) {
	var rows []lateRow
	sel := s.idb.NewSelect().Model(&rows).ModelTableExpr("payments AS p").ColumnExpr("p.*").
		ColumnExpr("o.order_id AS late_order_id, o.customer_id AS late_customer_id, o.status AS late_order_status, o.updated_at AS late_closed_at, l.outcome AS late_outcome").
		Join("JOIN orders AS o ON o.order_id = p.order_id OR o.alt_id = p.order_id").
		Join("LEFT JOIN late_payments AS l ON l.tx_id = p.tx_id").
		Where("p.status = ?", engine.PaymentConfirmed).Where("p.amount > 0").
		Where("o.status IN (?)", bun.In([]engine.OrderStatus{engine.OrderExpired, engine.OrderCancelled})).
		Where("p.created_at > o.updated_at").
		OrderExpr("p.created_at DESC, p.tx_id DESC")
	if q.TxID != "" {
		sel = sel.Where("p.tx_id = ?", q.TxID)
	}
	if q.OrderID != "" {
		sel = sel.Where("o.order_id = ?", q.OrderID)
	}
	if q.Open {
		sel = sel.Where("l.tx_id IS NULL")
	}
	if q.Limit > 0 {
		sel = sel.Limit(int64(q.Limit))
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, fmt.Errorf("payments for closed orders: %w", err)
	}
	out := make([]engine.LatePayment, len(rows))
	for i, r := range rows {
		out[i] = engine.LatePayment{Payment: r.paymentRow.toEngine(), OrderID: r.LateOrderID, CustomerID: r.CustomerID,
			OrderStatus: engine.OrderStatus(r.OrderStatus), ClosedAt: r.ClosedAt}
		if r.Outcome != nil {
			outcome := engine.LateOutcome(*r.Outcome)
			out[i].Outcome = &outcome
		}
	}
	return out, nil
}

func (s *store) SetLateOutcome(ctx context.Context, txid string, outcome engine.LateOutcome, at time.Time) (bool, error) {
	res, err := s.idb.NewRaw("INSERT INTO late_payments (tx_id, outcome, at) VALUES (?, ?, ?) ON CONFLICT (tx_id) DO NOTHING",
		txid, outcome, utc(at)).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("record outcome of payment %s: %w", txid, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
