package engine

import (
	"context"
	"time"
)

// Store is the engine's persistence port; package db implements it for
// SQLite and PostgreSQL.
type Store interface {
	// Update runs fn in one write transaction. The store retries the whole
	// transaction on a serialisation failure or deadlock, so fn must not
	// keep state between attempts.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn for reads only.
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is what one transaction can read and write. Status changes are
// conditional: Update* methods report whether a row matched.
type Tx interface {
	ReportTx
	ExportTx
	StaffTx
	RefundTx
	LatePaymentTx

	// InsertOrder stores o and sets o.ID. It reports false, changing
	// nothing, when o.OrderID or o.AltID is already stored.
	InsertOrder(ctx context.Context, o *Order) (bool, error)
	// OrderByID finds an order by order_id (byAlt=false) or alt_id.
	OrderByRef(ctx context.Context, ref string, byAlt bool) (Order, bool, error)
	OrderByClaimToken(ctx context.Context, token string) (Order, bool, error)
	// LockOrder returns an order's current row by id, locked for the rest
	// of the transaction. A store whose transaction already holds every
	// row it has read may return that read instead of reading again.
	LockOrder(ctx context.Context, id int64) (Order, error)
	// UpdateOrder writes the named columns of o when the stored row still
	// has one of the expected statuses.
	UpdateOrder(ctx context.Context, o Order, columns []string, statuses []OrderStatus) (bool, error)
	// Orders lists the orders of set, oldest (created_at, id) first: count
	// after the first offset, or every one after it when count is 0.
	Orders(ctx context.Context, set OrderSet, offset, count int) ([]Order, error)
	// OrdersTotal sums the total prices of the orders of set.
	OrdersTotal(ctx context.Context, set OrderSet) (MicroTari, error)
	SearchOrders(ctx context.Context, q OrderQuery) ([]Order, error)
	// ExpirableOrders lists open orders whose clocks have run out: Unclaimed
	// recorded before unclaimedBefore, New claimed before unpaidBefore.
	ExpirableOrders(ctx context.Context, unclaimedBefore, unpaidBefore time.Time) ([]Order, error)
	CustomerOrderBalance(ctx context.Context, customerID string) (CustomerOrderBalance, error)

	// InsertWaitingOrder stores w and sets w.ID. It reports false, changing
	// nothing, when w.OrderID or w.AltID already waits.
	InsertWaitingOrder(ctx context.Context, w *WaitingOrder) (bool, error)
	WaitingOrderByRef(ctx context.Context, orderID string) (WaitingOrder, bool, error)
	WaitingOrderByClaimToken(ctx context.Context, token string) (WaitingOrder, bool, error)
	// WaitingOrders lists the orders waiting for a rate of currency,
	// oldest first.
	WaitingOrders(ctx context.Context, currency string) ([]WaitingOrder, error)
	DeleteWaitingOrder(ctx context.Context, id int64) error
	// RedactWaitingOrders clears the memos of the waiting orders of the
	// customer or with one of the order ids, and reports how many it cleared.
	RedactWaitingOrders(ctx context.Context, customerID string, orderIDs []string) (int, error)
	// Creditors lists count creditors after the first offset, by customer id.
	Creditors(ctx context.Context, offset, count int) ([]CustomerOrders, error)
	// CustomerIDs and Addresses list count ids after the first offset.
	CustomerIDs(ctx context.Context, offset, count int) ([]string, error)

	// Link records address ↔ customer, idempotently. proven marks the
	// link as the customer's own (a claim through the pay page); a proven
	// link stays proven.
	Link(ctx context.Context, address, customerID string, proven bool, at time.Time) error
	// ProvenCustomers lists the customers whose link to address is proven.
	ProvenCustomers(ctx context.Context, address string) ([]string, error)
	AddressesOf(ctx context.Context, customerID string) ([]string, error)
	Addresses(ctx context.Context, offset, count int) ([]string, error)

	// AddViewer records v, idempotently: a stored viewer keeps its proof
	// and time, unless v's proof is ProofPayPage, which replaces the proof.
	AddViewer(ctx context.Context, v OrderViewer) error
	// Viewers lists the viewers of an order, oldest first.
	Viewers(ctx context.Context, orderID string) ([]OrderViewer, error)

	// InsertPayment stores p; false when the txid exists.
	InsertPayment(ctx context.Context, p Payment) (bool, error)
	Payment(ctx context.Context, txid string) (Payment, bool, error)
	// SetPaymentStatus moves a payment from one status to another.
	SetPaymentStatus(ctx context.Context, txid string, from, to PaymentStatus, at time.Time) (bool, error)
	// PaymentsBySender lists an address's payments, oldest (created_at,
	// tx_id) first: count after the first offset, or every one after it
	// when count is 0.
	PaymentsBySender(ctx context.Context, address string, offset, count int) ([]Payment, error)
	// PaymentsTotal sums the amounts of an address's payments, every status.
	PaymentsTotal(ctx context.Context, address string) (MicroTari, error)
	// PaymentsForOrderRefs lists payments whose order_id is one of refs,
	// oldest (created_at, tx_id) first: count after the first offset, or
	// every one after it when count is 0.
	PaymentsForOrderRefs(ctx context.Context, refs []string, offset, count int) ([]Payment, error)
	// OrderReceipts sums the payments whose order_id is one of refs, by
	// status, as Receipts does, in the query.
	OrderReceipts(ctx context.Context, refs []string) (OrderReceipts, error)

	// LockBalances returns the stored balance rows of the addresses,
	// locked for the rest of the transaction (taken in sorted order).
	// Addresses without a row (no confirmed funds) are absent.
	LockBalances(ctx context.Context, addresses []string) (map[string]AddressBalance, error)
	Balances(ctx context.Context, addresses []string) (map[string]AddressBalance, error)
	// AddConfirmed adds a confirmed amount (negative for a debit note) to
	// an address's balance row, creating it. The schema refuses a
	// negative balance.
	AddConfirmed(ctx context.Context, address string, amount MicroTari, at time.Time) error
	// InsertSettlement journals a settlement and debits its address.
	InsertSettlement(ctx context.Context, s *Settlement) error
	// SettlementsByAddress lists the settlements drawn on an address, and
	// SettlementsOfPaidOrders those of a customer's Paid orders, by id:
	// count after the first offset, or every one after it when count is 0.
	SettlementsByAddress(ctx context.Context, address string, offset, count int) ([]Settlement, error)
	SettlementsOfPaidOrders(ctx context.Context, customerID string, offset, count int) ([]Settlement, error)
	SettlementsByOrders(ctx context.Context, orderIDs []string) ([]Settlement, error)
	// InsertWriteOff journals the shortfall of an order paid within the
	// underpayment tolerance and sets w.ID.
	InsertWriteOff(ctx context.Context, w *WriteOff) error
	WriteOffsByOrders(ctx context.Context, orderIDs []string) ([]WriteOff, error)

	// InsertAudits appends the entries to the trail, in order.
	InsertAudits(ctx context.Context, entries []AuditEntry) error
	// RedactAudit rewrites the old and new values of one field of the
	// entities to redacted: the one change the append-only trail allows.
	RedactAudit(ctx context.Context, entity string, ids []string, field, redacted string) error
	Audit(ctx context.Context, entity, entityID string) ([]AuditEntry, error)
	// TryLock takes a transaction-scoped lock named key without waiting,
	// reporting false when another transaction holds it.
	TryLock(ctx context.Context, key string) (bool, error)
	// Lock takes a transaction-scoped lock named key, waiting for it.
	Lock(ctx context.Context, key string) error
	// InsertEvents appends the events to the outbox, in order, and returns
	// their sequence numbers, ascending.
	InsertEvents(ctx context.Context, events []NewEvent) ([]int64, error)
	// EventsMentioning lists the events whose payload contains needle.
	EventsMentioning(ctx context.Context, needle string) ([]StoredEvent, error)
	SetEventPayload(ctx context.Context, seq int64, payload []byte) error

	// InsertSideEffect queues a storefront job; a second job of the same
	// kind for the same order is ignored.
	InsertSideEffect(ctx context.Context, kind SideEffectKind, orderID string, at time.Time) error
	// InsertPaymentSideEffect queues a job about one payment of an order; a
	// second job of the same kind for the same order and payment is ignored.
	InsertPaymentSideEffect(ctx context.Context, kind SideEffectKind, orderID, txid string, at time.Time) error
	LeaseSideEffects(ctx context.Context, owner string, now time.Time, limit int, until time.Time) ([]SideEffect, error)
	UpdateSideEffect(ctx context.Context, se SideEffect) error
	SideEffect(ctx context.Context, id int64) (SideEffect, bool, error)
	SideEffectsForOrder(ctx context.Context, orderID string) ([]SideEffect, error)

	// LoginNonce returns the last login nonce of an address.
	LoginNonce(ctx context.Context, address string) (int64, bool, error)
	// SetLoginNonce stores nonce if it is greater than the stored one (or
	// none is stored); false otherwise.
	SetLoginNonce(ctx context.Context, address string, nonce int64, at time.Time) (bool, error)
	// PruneLoginNonces deletes the login nonces that are Unix times (seconds
	// from 10⁹ to 10¹⁰, milliseconds from 10¹² to 10¹³) before cutoff, and
	// reports how many.
	PruneLoginNonces(ctx context.Context, cutoff time.Time) (int, error)
	Roles(ctx context.Context, address string) ([]Role, error)
	GrantRoles(ctx context.Context, address string, roles []Role) error
	RevokeRoles(ctx context.Context, address string, roles []Role) error

	UpsertWallet(ctx context.Context, w Wallet) error
	DeleteWallet(ctx context.Context, address string) (bool, error)
	Wallets(ctx context.Context) ([]Wallet, error)
	Wallet(ctx context.Context, address string) (Wallet, bool, error)
	// SetWalletNonce records a strictly greater nonce and the time seen.
	SetWalletNonce(ctx context.Context, address string, nonce int64, at time.Time) (bool, error)

	InsertExchangeRate(ctx context.Context, r ExchangeRate) error
	ExchangeRates(ctx context.Context, currency string, limit int) ([]ExchangeRate, error)
}

// NewEvent is an outbox row before the store numbers it.
type NewEvent struct {
	Type    EventType
	Payload []byte
	At      time.Time
}
