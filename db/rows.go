package db

import (
	"time"

	"github.com/uptrace/bun"

	"taripay/engine"
)

// The stored form of the engine's types. Each row struct names its table
// and every column explicitly, so renaming a field of an engine type cannot
// change the database: the mappers below stop compiling instead, and
// TestRowsRoundTrip fails when a new field is not mapped. The engine's
// types carry no storage tags and are never handed to bun.
//
// Rows hold plain Go types; the mappers convert to the engine's named
// types (money, statuses) at this one boundary.

type orderRow struct {
	bun.BaseModel `bun:"table:orders,alias:order"`

	ID                int64      `bun:"id,pk"`
	OrderID           string     `bun:"order_id"`
	AltID             *string    `bun:"alt_id"`
	CustomerID        string     `bun:"customer_id"`
	Memo              *string    `bun:"memo"`
	TotalPrice        int64      `bun:"total_price"`
	OriginalPrice     *string    `bun:"original_price"`
	Currency          string     `bun:"currency"`
	CreatedAt         time.Time  `bun:"created_at"`
	UpdatedAt         time.Time  `bun:"updated_at"`
	Status            string     `bun:"status"`
	AmountOutstanding *string    `bun:"amount_outstanding"`
	ExchangeRate      int64      `bun:"exchange_rate"`
	RecordedAt        time.Time  `bun:"recorded_at"`
	ClaimedAt         *time.Time `bun:"claimed_at"`
	ClaimToken        string     `bun:"claim_token"`
	CheckoutToken     string     `bun:"checkout_token"`
}

func fromOrder(o engine.Order) orderRow {
	return orderRow{ID: o.ID, OrderID: o.OrderID, AltID: o.AltID, CustomerID: o.CustomerID, Memo: o.Memo,
		TotalPrice: int64(o.TotalPrice), OriginalPrice: o.OriginalPrice, Currency: o.Currency,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Status: string(o.Status), AmountOutstanding: o.AmountOutstanding,
		ExchangeRate: int64(o.ExchangeRate), RecordedAt: o.RecordedAt, ClaimedAt: o.ClaimedAt,
		ClaimToken: o.ClaimToken, CheckoutToken: o.CheckoutToken}
}

func (r orderRow) toEngine() engine.Order {
	return engine.Order{ID: r.ID, OrderID: r.OrderID, AltID: r.AltID, CustomerID: r.CustomerID, Memo: r.Memo,
		TotalPrice: engine.MicroTari(r.TotalPrice), OriginalPrice: r.OriginalPrice, Currency: r.Currency,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Status: engine.OrderStatus(r.Status), AmountOutstanding: r.AmountOutstanding,
		ExchangeRate: engine.MicroTari(r.ExchangeRate), RecordedAt: r.RecordedAt, ClaimedAt: r.ClaimedAt,
		ClaimToken: r.ClaimToken, CheckoutToken: r.CheckoutToken}
}

type waitingOrderRow struct {
	bun.BaseModel `bun:"table:waiting_orders,alias:waiting_order"`

	ID                int64     `bun:"id,pk"`
	OrderID           string    `bun:"order_id"`
	AltID             *string   `bun:"alt_id"`
	CustomerID        string    `bun:"customer_id"`
	Memo              *string   `bun:"memo"`
	Price             string    `bun:"price"`
	Currency          string    `bun:"currency"`
	CreatedAt         time.Time `bun:"created_at"`
	AmountOutstanding *string   `bun:"amount_outstanding"`
	ReceivedAt        time.Time `bun:"received_at"`
	ClaimToken        string    `bun:"claim_token"`
	CheckoutToken     string    `bun:"checkout_token"`
}

func fromWaitingOrder(w engine.WaitingOrder) waitingOrderRow {
	return waitingOrderRow{ID: w.ID, OrderID: w.OrderID, AltID: w.AltID, CustomerID: w.CustomerID, Memo: w.Memo,
		Price: w.Price, Currency: w.Currency, CreatedAt: w.CreatedAt, AmountOutstanding: w.AmountOutstanding,
		ReceivedAt: w.ReceivedAt, ClaimToken: w.ClaimToken, CheckoutToken: w.CheckoutToken}
}

func (r waitingOrderRow) toEngine() engine.WaitingOrder {
	return engine.WaitingOrder{ID: r.ID, OrderID: r.OrderID, AltID: r.AltID, CustomerID: r.CustomerID, Memo: r.Memo,
		Price: r.Price, Currency: r.Currency, CreatedAt: r.CreatedAt, AmountOutstanding: r.AmountOutstanding,
		ReceivedAt: r.ReceivedAt, ClaimToken: r.ClaimToken, CheckoutToken: r.CheckoutToken}
}

type paymentRow struct {
	bun.BaseModel `bun:"table:payments,alias:payment"`

	TxID        string    `bun:"tx_id,pk"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`
	Sender      string    `bun:"sender"`
	Amount      int64     `bun:"amount"`
	Memo        *string   `bun:"memo"`
	PaymentType string    `bun:"payment_type"`
	Status      string    `bun:"status"`
	OrderID     *string   `bun:"order_id"`
}

func fromPayment(p engine.Payment) paymentRow {
	return paymentRow{TxID: p.TxID, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Sender: p.Sender,
		Amount: int64(p.Amount), Memo: p.Memo, PaymentType: string(p.PaymentType), Status: string(p.Status), OrderID: p.OrderID}
}

func (r paymentRow) toEngine() engine.Payment {
	return engine.Payment{TxID: r.TxID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Sender: r.Sender,
		Amount: engine.MicroTari(r.Amount), Memo: r.Memo, PaymentType: engine.PaymentType(r.PaymentType),
		Status: engine.PaymentStatus(r.Status), OrderID: r.OrderID}
}

type settlementRow struct {
	bun.BaseModel `bun:"table:settlements,alias:settlement"`

	ID             int64     `bun:"id,pk"`
	CreatedAt      time.Time `bun:"created_at"`
	OrderID        string    `bun:"order_id"`
	PaymentAddress string    `bun:"payment_address"`
	SettlementType string    `bun:"settlement_type"`
	Amount         int64     `bun:"amount"`
}

func fromSettlement(s engine.Settlement) settlementRow {
	return settlementRow{ID: s.ID, CreatedAt: s.CreatedAt, OrderID: s.OrderID, PaymentAddress: s.PaymentAddress,
		SettlementType: string(s.SettlementType), Amount: int64(s.Amount)}
}

func (r settlementRow) toEngine() engine.Settlement {
	return engine.Settlement{ID: r.ID, CreatedAt: r.CreatedAt, OrderID: r.OrderID, PaymentAddress: r.PaymentAddress,
		SettlementType: engine.SettlementType(r.SettlementType), Amount: engine.MicroTari(r.Amount)}
}

type balanceRow struct {
	bun.BaseModel `bun:"table:address_balances,alias:address_balance"`

	Address        string    `bun:"address,pk"`
	TotalConfirmed int64     `bun:"total_confirmed"`
	TotalPaid      int64     `bun:"total_paid"`
	CurrentBalance int64     `bun:"current_balance"`
	LastUpdate     time.Time `bun:"last_update"`
}

func (r balanceRow) toEngine() engine.AddressBalance {
	return engine.AddressBalance{Address: r.Address, TotalConfirmed: engine.MicroTari(r.TotalConfirmed),
		TotalPaid: engine.MicroTari(r.TotalPaid), CurrentBalance: engine.MicroTari(r.CurrentBalance), LastUpdate: r.LastUpdate}
}

type writeOffRow struct {
	bun.BaseModel `bun:"table:write_offs,alias:write_off"`

	ID        int64     `bun:"id,pk"`
	CreatedAt time.Time `bun:"created_at"`
	OrderID   string    `bun:"order_id"`
	Amount    int64     `bun:"amount"`
	Tolerance int64     `bun:"tolerance"`
}

func fromWriteOff(w engine.WriteOff) writeOffRow {
	return writeOffRow{ID: w.ID, CreatedAt: w.CreatedAt, OrderID: w.OrderID, Amount: int64(w.Amount), Tolerance: int64(w.Tolerance)}
}

func (r writeOffRow) toEngine() engine.WriteOff {
	return engine.WriteOff{ID: r.ID, CreatedAt: r.CreatedAt, OrderID: r.OrderID, Amount: engine.MicroTari(r.Amount),
		Tolerance: engine.Tolerance(r.Tolerance)}
}

type refundRow struct {
	bun.BaseModel `bun:"table:refunds,alias:refund"`

	ID         int64      `bun:"id,pk"`
	RefundID   string     `bun:"refund_id"`
	OrderID    string     `bun:"order_id"`
	CustomerID string     `bun:"customer_id"`
	Address    string     `bun:"address"`
	Amount     int64      `bun:"amount"`
	ShopAmount string     `bun:"shop_amount"`
	Currency   string     `bun:"currency"`
	Status     string     `bun:"status"`
	TxID       *string    `bun:"tx_id"`
	CreatedAt  time.Time  `bun:"created_at"`
	ClosedAt   *time.Time `bun:"closed_at"`
}

func fromRefund(r engine.Refund) refundRow {
	return refundRow{ID: r.ID, RefundID: r.RefundID, OrderID: r.OrderID, CustomerID: r.CustomerID, Address: r.Address,
		Amount: int64(r.Amount), ShopAmount: r.ShopAmount, Currency: r.Currency, Status: string(r.Status), TxID: r.TxID,
		CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt}
}

func (r refundRow) toEngine() engine.Refund {
	return engine.Refund{ID: r.ID, RefundID: r.RefundID, OrderID: r.OrderID, CustomerID: r.CustomerID, Address: r.Address,
		Amount: engine.MicroTari(r.Amount), ShopAmount: r.ShopAmount, Currency: r.Currency, Status: engine.RefundStatus(r.Status),
		TxID: r.TxID, CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt}
}

type viewerRow struct {
	bun.BaseModel `bun:"table:order_viewers,alias:order_viewer"`

	Address   string    `bun:"address,pk"`
	OrderID   string    `bun:"order_id,pk"`
	Proof     string    `bun:"proof"`
	CreatedAt time.Time `bun:"created_at"`
}

func fromViewer(v engine.OrderViewer) viewerRow {
	return viewerRow{Address: v.Address, OrderID: v.OrderID, Proof: string(v.Proof), CreatedAt: v.CreatedAt}
}

func (r viewerRow) toEngine() engine.OrderViewer {
	return engine.OrderViewer{Address: r.Address, OrderID: r.OrderID, Proof: engine.Proof(r.Proof), CreatedAt: r.CreatedAt}
}

type auditRow struct {
	bun.BaseModel `bun:"table:audit_entries,alias:audit_entry"`

	ID       int64     `bun:"id,pk"`
	Entity   string    `bun:"entity"`
	EntityID string    `bun:"entity_id"`
	Field    string    `bun:"field"`
	OldValue *string   `bun:"old_value"`
	NewValue *string   `bun:"new_value"`
	Reason   string    `bun:"reason"`
	Actor    string    `bun:"actor"`
	At       time.Time `bun:"at"`
}

func fromAudit(a engine.AuditEntry) auditRow {
	return auditRow{ID: a.ID, Entity: a.Entity, EntityID: a.EntityID, Field: a.Field, OldValue: a.OldValue,
		NewValue: a.NewValue, Reason: a.Reason, Actor: a.Actor, At: a.At}
}

func (r auditRow) toEngine() engine.AuditEntry {
	return engine.AuditEntry{ID: r.ID, Entity: r.Entity, EntityID: r.EntityID, Field: r.Field, OldValue: r.OldValue,
		NewValue: r.NewValue, Reason: r.Reason, Actor: r.Actor, At: r.At}
}

// sideEffectRow leaves out lease_owner and lease_until: only the store's
// leasing reads and writes them.
type sideEffectRow struct {
	bun.BaseModel `bun:"table:side_effects,alias:side_effect"`

	ID            int64     `bun:"id,pk"`
	Kind          string    `bun:"kind"`
	OrderID       string    `bun:"order_id"`
	TxID          string    `bun:"tx_id"`
	State         string    `bun:"state"`
	Attempts      int       `bun:"attempts"`
	NextAttemptAt time.Time `bun:"next_attempt_at"`
	LastError     string    `bun:"last_error"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

func fromSideEffect(se engine.SideEffect) sideEffectRow {
	return sideEffectRow{ID: se.ID, Kind: string(se.Kind), OrderID: se.OrderID, TxID: se.TxID, State: string(se.State), Attempts: se.Attempts,
		NextAttemptAt: se.NextAttemptAt, LastError: se.LastError, CreatedAt: se.CreatedAt, UpdatedAt: se.UpdatedAt}
}

func (r sideEffectRow) toEngine() engine.SideEffect {
	return engine.SideEffect{ID: r.ID, Kind: engine.SideEffectKind(r.Kind), OrderID: r.OrderID, TxID: r.TxID, State: engine.SideEffectState(r.State),
		Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt, LastError: r.LastError, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type walletRow struct {
	bun.BaseModel `bun:"table:wallets,alias:wallet"`

	Address   string     `bun:"address,pk"`
	IPAddress string     `bun:"ip_address"`
	LastNonce int64      `bun:"last_nonce"`
	LastSeen  *time.Time `bun:"last_seen"`
}

func (r walletRow) toEngine() engine.Wallet {
	return engine.Wallet{Address: r.Address, IPAddress: r.IPAddress, LastNonce: r.LastNonce, LastSeen: r.LastSeen}
}

// exchangeRateRow's id orders the rates of a currency, newest last; the
// engine does not see it.
type exchangeRateRow struct {
	bun.BaseModel `bun:"table:exchange_rates,alias:exchange_rate"`

	ID        int64     `bun:"id,pk"`
	Currency  string    `bun:"currency"`
	Rate      int64     `bun:"rate"`
	UpdatedAt time.Time `bun:"updated_at"`
}

func fromExchangeRate(r engine.ExchangeRate) exchangeRateRow {
	return exchangeRateRow{Currency: r.Currency, Rate: int64(r.Rate), UpdatedAt: r.UpdatedAt}
}

func (r exchangeRateRow) toEngine() engine.ExchangeRate {
	return engine.ExchangeRate{Currency: r.Currency, Rate: engine.MicroTari(r.Rate), UpdatedAt: r.UpdatedAt}
}

// toEngine maps rows read from the database to the engine's type; never
// nil, so an empty result stays an empty list.
func toEngine[E any, R interface{ toEngine() E }](rows []R) []E {
	out := make([]E, len(rows))
	for i, r := range rows {
		out[i] = r.toEngine()
	}
	return out
}
