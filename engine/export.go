package engine

import (
	"context"
	"time"
)

// Exports hand the ledger to an accountant one row at a time: the store
// reads each row from the database cursor and calls fn with it before it
// reads the next, so memory stays flat however many rows there are
// (docs/money.md). A zero since or until does not bound the window; both
// bounds are inclusive. fn's error stops the export and is returned.

// OrderRow is one order of the orders export.
type OrderRow struct {
	Order Order
	// PaidBy lists the addresses whose funds paid the order, sorted and
	// separated by spaces; empty when it is not paid.
	PaidBy string
	// Settled is what those addresses paid; WrittenOff the shortfall
	// forgiven under the underpayment tolerance (writeoff.go).
	Settled    MicroTari
	WrittenOff MicroTari
}

// PaymentRow is one payment of the payments export, with the order it
// names when that order is stored.
type PaymentRow struct {
	Payment Payment
	Order   *Order
	// CustomerID is the order's customer, or the customer a credit note
	// credited; empty when neither is known.
	CustomerID string
}

// LedgerKind names the kind of a ledger entry.
type LedgerKind string

const (
	// LedgerPayment is a confirmed on-chain payment credited to its sender.
	LedgerPayment LedgerKind = "payment"
	// LedgerCreditNote is a confirmed credit (or debit) note of the merchant.
	LedgerCreditNote LedgerKind = "credit_note"
	// LedgerSettlement is an address's funds applied to an order.
	LedgerSettlement LedgerKind = "settlement"
	// LedgerWriteOff is the shortfall of an order paid within the
	// underpayment tolerance.
	LedgerWriteOff LedgerKind = "write_off"
)

// LedgerEntry is one row of the ledger export: a movement of µT.
type LedgerEntry struct {
	Kind LedgerKind
	// Ref is the payment's txid, or the settlement's or write-off's id.
	Ref     string
	At      time.Time
	Address string // the credited or debited address; empty for a write-off
	Amount  MicroTari
	// Order is the order the entry concerns, when there is one.
	Order *Order
	// CustomerID is as in PaymentRow.
	CustomerID string
}

// ExportTx is what the exports read (db/export.go); Tx embeds it. Each
// method streams its rows oldest first.
type ExportTx interface {
	// ExportOrders streams the orders created (by the storefront's
	// created_at) within the window.
	ExportOrders(ctx context.Context, since, until time.Time, fn func(OrderRow) error) error
	// ExportPayments streams the payments received within the window.
	ExportPayments(ctx context.Context, since, until time.Time, fn func(PaymentRow) error) error
	// ExportLedger streams the ledger entries made within the window:
	// payments and credit notes when confirmed, settlements and write-offs
	// when made.
	ExportLedger(ctx context.Context, since, until time.Time, fn func(LedgerEntry) error) error
}

// ExportOrders streams the orders created within [since, until] to fn.
func (e *Engine) ExportOrders(ctx context.Context, since, until time.Time, fn func(OrderRow) error) error {
	return e.view(ctx, func(t *txn) error { return t.ExportOrders(ctx, since, until, fn) })
}

// ExportPayments streams the payments received within [since, until] to fn.
func (e *Engine) ExportPayments(ctx context.Context, since, until time.Time, fn func(PaymentRow) error) error {
	return e.view(ctx, func(t *txn) error { return t.ExportPayments(ctx, since, until, fn) })
}

// ExportLedger streams the ledger entries made within [since, until] to fn.
func (e *Engine) ExportLedger(ctx context.Context, since, until time.Time, fn func(LedgerEntry) error) error {
	return e.view(ctx, func(t *txn) error { return t.ExportLedger(ctx, since, until, fn) })
}
