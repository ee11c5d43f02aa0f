package db

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// The exports (engine/export.go) read through a cursor: each row is scanned
// and handed on before the next is read, so nothing is held but one row.

// orderExport is an order with what paid it.
type orderExport struct {
	orderRow   `bun:",extend"`
	Settled    int64  `bun:"settled"`
	PaidBy     string `bun:"paid_by"`
	WrittenOff int64  `bun:"written_off"`
}

// paymentExport is a payment with the order it names, its columns
// prefixed o_ (every one NULL when no order matches).
type paymentExport struct {
	paymentRow `bun:",extend"`
	Order      orderRow `bun:"embed:o_"`
	Customer   string   `bun:"customer"`
}

// ledgerExport is one ledger entry with its order, as paymentExport.
type ledgerExport struct {
	Kind     string    `bun:"kind"`
	Ref      string    `bun:"ref"`
	At       time.Time `bun:"at"`
	Address  string    `bun:"address"`
	Amount   int64     `bun:"amount"`
	Order    orderRow  `bun:"embed:o_"`
	Customer string    `bun:"customer"`
}

func (s *store) ExportOrders(ctx context.Context, since, until time.Time, fn func(engine.OrderRow) error) error {
	// The payers of an order, sorted and de-duplicated, as one text.
	paidBy := `(SELECT string_agg(DISTINCT s.payment_address, ' ' ORDER BY s.payment_address) FROM settlements AS s WHERE s.order_id = "order".order_id)`
	if s.dialect != Postgres {
		paidBy = `(SELECT group_concat(a, ' ') FROM (SELECT DISTINCT s.payment_address AS a FROM settlements AS s WHERE s.order_id = "order".order_id ORDER BY a))`
	}
	q := s.idb.NewSelect().Model((*orderRow)(nil)).ColumnExpr(`"order".*`).
		ColumnExpr(`(SELECT COALESCE(SUM(s.amount), 0) FROM settlements AS s WHERE s.order_id = "order".order_id) AS settled`).
		ColumnExpr(`COALESCE(` + paidBy + `, '') AS paid_by`).
		ColumnExpr(`(SELECT COALESCE(SUM(w.amount), 0) FROM write_offs AS w WHERE w.order_id = "order".order_id) AS written_off`).
		OrderExpr(`"order".created_at, "order".id`)
	q = window(q, `"order".created_at`, since, until)
	return stream(ctx, q, "orders", func(r *orderExport) error {
		return fn(engine.OrderRow{Order: r.toEngine(), PaidBy: r.PaidBy, Settled: engine.MicroTari(r.Settled), WrittenOff: engine.MicroTari(r.WrittenOff)})
	})
}

func (s *store) ExportPayments(ctx context.Context, since, until time.Time, fn func(engine.PaymentRow) error) error {
	q := s.idb.NewSelect().Model((*paymentRow)(nil)).ColumnExpr(`"payment".*`).
		ColumnExpr(s.orderColumns()).Join(namedOrder(`"payment".order_id`)).
		ColumnExpr(customer(`"payment".payment_type = ?`, `"payment".sender`), engine.PaymentManual).
		OrderExpr(`"payment".created_at, "payment".tx_id`)
	q = window(q, `"payment".created_at`, since, until)
	return stream(ctx, q, "payments", func(r *paymentExport) error {
		return fn(engine.PaymentRow{Payment: r.paymentRow.toEngine(), Order: present(r.Order), CustomerID: r.Customer})
	})
}

func (s *store) ExportLedger(ctx context.Context, since, until time.Time, fn func(engine.LedgerEntry) error) error {
	// Every entry as (kind, ref, at, address, amount, order_ref): confirmed
	// payments and credit notes on the day they were confirmed,
	// settlements and write-offs.
	entries := s.idb.NewRaw(`SELECT CASE WHEN payment_type = ? THEN ? ELSE ? END AS kind, tx_id AS ref, updated_at AS at,
			sender AS address, amount, order_id AS order_ref
		FROM payments WHERE status = ?
		UNION ALL
		SELECT ?, CAST(id AS TEXT), created_at, payment_address, amount, order_id FROM settlements
		UNION ALL
		SELECT ?, CAST(id AS TEXT), created_at, '', amount, order_id FROM write_offs`,
		engine.PaymentManual, engine.LedgerCreditNote, engine.LedgerPayment, engine.PaymentConfirmed, engine.LedgerSettlement, engine.LedgerWriteOff)
	q := s.idb.NewSelect().TableExpr("(?) AS e", entries).
		ColumnExpr("e.kind, e.ref, e.at, e.address, e.amount").
		ColumnExpr(s.orderColumns()).Join(namedOrder("e.order_ref")).
		ColumnExpr(customer("e.kind = ?", "e.address"), engine.LedgerCreditNote).
		OrderExpr("e.at, e.kind, e.ref")
	q = window(q, "e.at", since, until)
	return stream(ctx, q, "ledger entries", func(r *ledgerExport) error {
		return fn(engine.LedgerEntry{Kind: engine.LedgerKind(r.Kind), Ref: r.Ref, At: r.At, Address: r.Address, Amount: engine.MicroTari(r.Amount),
			Order: present(r.Order), CustomerID: r.Customer})
	})
}

// namedOrder joins the order a payment's order ref names: by order_id, or
// else by alt_id (the order's name), as the engine finds it with strict
// mode off. At most one order matches.
func namedOrder(ref string) string {
	return `LEFT JOIN orders AS o ON o.id = COALESCE(
		(SELECT x.id FROM orders AS x WHERE x.order_id = ` + ref + `),
		(SELECT x.id FROM orders AS x WHERE x.alt_id = ` + ref + `))`
}

// customer selects, as customer, the joined order's customer or, when the
// row is a credit note (creditNote, a condition with one argument), the
// customer its credit address is linked to: only that customer's, as
// the engine links it.
func customer(creditNote, address string) string {
	return `COALESCE(o.customer_id, CASE WHEN ` + creditNote + ` THEN
		(SELECT MIN(l.customer_id) FROM address_customer_links AS l WHERE l.address = ` + address + `) END, '') AS customer`
}

// orderColumns selects every column of the joined order o as o_<column>.
func (s *store) orderColumns() string {
	table := s.idb.Dialect().Tables().Get(reflect.TypeFor[orderRow]())
	cols := make([]string, len(table.Fields))
	for i, f := range table.Fields {
		cols[i] = fmt.Sprintf("o.%s AS o_%s", f.Name, f.Name)
	}
	return strings.Join(cols, ", ")
}

// present is nil for the zero order a LEFT JOIN scans when nothing matched.
func present(r orderRow) *engine.Order {
	if r.ID == 0 {
		return nil
	}
	o := r.toEngine()
	return &o
}

// window bounds a column to [since, until]; a zero bound does not bound.
func window(q *bun.SelectQuery, col string, since, until time.Time) *bun.SelectQuery {
	if !since.IsZero() {
		q = q.Where(col+" >= ?", utc(since))
	}
	if !until.IsZero() {
		q = q.Where(col+" <= ?", utc(until))
	}
	return q
}

// stream runs q and hands each row, scanned into a fresh T, to fn.
func stream[T any](ctx context.Context, q *bun.SelectQuery, what string, fn func(*T) error) error {
	rows, err := q.Rows(ctx)
	if err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r T
		if err := q.DB().ScanRow(ctx, rows, &r); err != nil {
			return fmt.Errorf("export %s: scan: %w", what, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("export %s: %w", what, err)
	}
	return nil
}
