package engine

import (
	"context"
	"errors"
	"time"
)

// CONTRACT STUB: the engine helper replaces every body below with the real
// implementation, keeping these exported signatures (the API, Shopify and
// page layers code against them). Nothing here survives to main.

var errTODO = errors.New("engine: not implemented yet")

// Config holds the engine's rules, parsed once from TPG_* by the caller.
type Config struct {
	StrictMode            bool          // TPG_STRICT_MODE
	DisableMemoSignature  bool          // TPG_DISABLE_MEMO_SIGNATURE_CHECK
	OrderIDFieldName      bool          // TPG_SHOPIFY_ORDER_ID_FIELD=name
	UnclaimedOrderTimeout time.Duration // TPG_UNCLAIMED_ORDER_TIMEOUT
	UnpaidOrderTimeout    time.Duration // TPG_UNPAID_ORDER_TIMEOUT
}

// Clock is injected so expiry and timestamps are exact in tests.
type Clock interface{ Now() time.Time }

// Store is the engine's persistence port (CONTRACT STUB: the engine helper
// defines its real methods; package db implements them).
type Store interface{}

// New builds an engine over a store and a clock.
func New(cfg Config, store Store, clock Clock) *Engine { return &Engine{cfg: cfg} }

// Engine is the payment engine. It is safe for concurrent use, and several
// processes may run one each over a shared PostgreSQL database.
type Engine struct {
	cfg Config
}

// Subscribe registers fn to receive every event after its transaction commits.
func (e *Engine) Subscribe(fn func(context.Context, Envelope)) {}

// --- orders ---

// AddOrder stores a storefront order, claims it from a memo signature in its
// note, auto-claims it, and pays it from linked credit (engine.md §2.2).
// An order_id already stored returns the stored order and ErrOrderExists.
func (e *Engine) AddOrder(ctx context.Context, o NewOrder) (Order, error) { return Order{}, errTODO }

// Claim links an order to the claimant address: Unclaimed→New, New stays
// New, and a closed order is refused with ErrOrderClosed. It then pays the
// order from that address's credit.
func (e *Engine) Claim(ctx context.Context, orderRef, address string) (ClaimResult, error) {
	return ClaimResult{}, errTODO
}

// Order finds an order by order_id, or by alt_id when allowAlt (an order_id
// match wins). A missing order returns ErrOrderNotFound.
func (e *Engine) Order(ctx context.Context, ref string, allowAlt bool) (Order, error) {
	return Order{}, errTODO
}

// OrderByClaimToken finds the order behind a /pay/{token} link.
func (e *Engine) OrderByClaimToken(ctx context.Context, token string) (Order, error) {
	return Order{}, errTODO
}

func (e *Engine) Fulfill(ctx context.Context, orderRef, reason string) (Order, error) {
	return Order{}, errTODO
}
func (e *Engine) Cancel(ctx context.Context, orderRef, reason string) (Order, error) {
	return Order{}, errTODO
}

// AnnulFromStorefront cancels an order that the storefront cancelled; its
// OrderAnnulledEvent is marked as coming from the storefront so no side
// effect is sent back.
func (e *Engine) AnnulFromStorefront(ctx context.Context, orderID, reason string) (Order, error) {
	return Order{}, errTODO
}
func (e *Engine) ChangePrice(ctx context.Context, orderRef string, price MicroTari, reason string) (Order, error) {
	return Order{}, errTODO
}
func (e *Engine) ChangeMemo(ctx context.Context, orderRef, memo, reason string) (Order, error) {
	return Order{}, errTODO
}
func (e *Engine) Reassign(ctx context.Context, orderRef, customerID, reason string) (OrderMoved, error) {
	return OrderMoved{}, errTODO
}

// Reset restores an Expired or Cancelled order to Unclaimed.
func (e *Engine) Reset(ctx context.Context, orderRef, reason string) (Order, error) {
	return Order{}, errTODO
}

// ExpireOrders annuls orders past their deadlines; exactly one process
// expires each order.
func (e *Engine) ExpireOrders(ctx context.Context) ([]Order, error) { return nil, errTODO }

// --- payments ---

// ReceivePayment stores a pending payment, consuming the wallet nonce in the
// same transaction. A duplicate txid is ErrPaymentExists and changes nothing
// but the nonce.
func (e *Engine) ReceivePayment(ctx context.Context, by WalletCall, p NewPayment) (Payment, error) {
	return Payment{}, errTODO
}

// ConfirmPayment confirms a pending payment and pays the payable orders of
// the sender's customers, oldest first. ErrPaymentConfirmed for a duplicate.
func (e *Engine) ConfirmPayment(ctx context.Context, by WalletCall, txid string) (Payment, []Order, error) {
	return Payment{}, nil, errTODO
}

// CancelPayment moves a Received payment to Cancelled; a Confirmed one is ErrPaymentConfirmed.
func (e *Engine) CancelPayment(ctx context.Context, by WalletCall, txid string) (Payment, error) {
	return Payment{}, errTODO
}

func (e *Engine) CreditNote(ctx context.Context, customerID string, amount MicroTari, reason string) (MultiAccountPayment, error) {
	return MultiAccountPayment{}, errTODO
}
func (e *Engine) SettleAddress(ctx context.Context, address string) (MultiAccountPayment, error) {
	return MultiAccountPayment{}, errTODO
}
func (e *Engine) SettleCustomer(ctx context.Context, customerID string) (MultiAccountPayment, error) {
	return MultiAccountPayment{}, errTODO
}

// --- ledger reads ---

func (e *Engine) AddressBalance(ctx context.Context, address string) (AddressBalance, error) {
	return AddressBalance{}, errTODO
}
func (e *Engine) CustomerBalance(ctx context.Context, customerID string) (CustomerBalance, error) {
	return CustomerBalance{}, errTODO
}
func (e *Engine) AddressHistory(ctx context.Context, address string) (AddressHistory, error) {
	return AddressHistory{}, errTODO
}
func (e *Engine) CustomerHistory(ctx context.Context, customerID string) (CustomerHistory, error) {
	return CustomerHistory{}, errTODO
}
func (e *Engine) OrdersForAddress(ctx context.Context, address string, onlyOpen bool) (OrderResult, error) {
	return OrderResult{}, errTODO
}
func (e *Engine) PaymentsForAddress(ctx context.Context, address string) (PaymentsResult, error) {
	return PaymentsResult{}, errTODO
}
func (e *Engine) PaymentsForOrder(ctx context.Context, orderID string) ([]Payment, error) {
	return nil, errTODO
}
func (e *Engine) SearchOrders(ctx context.Context, q OrderQuery) ([]Order, error) {
	return nil, errTODO
}
func (e *Engine) Creditors(ctx context.Context) ([]CustomerOrders, error) { return nil, errTODO }
func (e *Engine) CustomerIDs(ctx context.Context, offset, count int) ([]string, error) {
	return nil, errTODO
}
func (e *Engine) Addresses(ctx context.Context, offset, count int) ([]string, error) {
	return nil, errTODO
}
func (e *Engine) Audit(ctx context.Context, entity, entityID string) ([]AuditEntry, error) {
	return nil, errTODO
}

// --- exchange rates ---

func (e *Engine) SetExchangeRate(ctx context.Context, currency string, rate MicroTari) (ExchangeRate, error) {
	return ExchangeRate{}, errTODO
}
func (e *Engine) ExchangeRate(ctx context.Context, currency string) (ExchangeRate, error) {
	return ExchangeRate{}, errTODO
}
func (e *Engine) ExchangeRateHistory(ctx context.Context, currency string, limit int) ([]ExchangeRate, error) {
	return nil, errTODO
}

// --- access: logins, roles, wallets ---

// Login consumes a login nonce (strictly increasing per address; an unseen
// address is created) and checks that every requested role is held.
func (e *Engine) Login(ctx context.Context, address string, nonce int64, roles []Role) error {
	return errTODO
}
func (e *Engine) Roles(ctx context.Context, address string) ([]Role, error) { return nil, errTODO }
func (e *Engine) UpdateRoles(ctx context.Context, address string, grant, revoke []Role) error {
	return errTODO
}
func (e *Engine) AuthorizeWallet(ctx context.Context, w Wallet) error { return errTODO }
func (e *Engine) RevokeWallet(ctx context.Context, address string) error {
	return errTODO
}
func (e *Engine) Wallets(ctx context.Context) ([]Wallet, error) { return nil, errTODO }

// Wallet returns an authorised wallet, or ErrWalletNotFound.
func (e *Engine) Wallet(ctx context.Context, address string) (Wallet, error) {
	return Wallet{}, errTODO
}

// actor context: who made a change, for the audit trail.
type actorKey struct{}

// WithActor records who is acting (e.g. "api:<address>", "admin:<staff>",
// "shopify", "wallet:<address>", "expiry") for the audit trail.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor recorded by WithActor, or "system".
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}

// --- outbox of storefront side effects ---

// ClaimSideEffects leases up to limit due pending jobs to this process for
// lease, so two processes never run one job at the same time.
func (e *Engine) ClaimSideEffects(ctx context.Context, limit int, lease time.Duration) ([]SideEffect, error) {
	return nil, errTODO
}

// CompleteSideEffect marks a job done.
func (e *Engine) CompleteSideEffect(ctx context.Context, id int64) error { return errTODO }

// RetrySideEffect records a failed attempt; the job runs again at retryAt,
// or is left failed when final.
func (e *Engine) RetrySideEffect(ctx context.Context, id int64, retryAt time.Time, cause string, final bool) error {
	return errTODO
}

// SideEffects lists an order's outbox jobs, for the admin's sync state.
func (e *Engine) SideEffects(ctx context.Context, orderID string) ([]SideEffect, error) {
	return nil, errTODO
}
