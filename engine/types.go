package engine

import (
	"strconv"
	"time"
)

// MicroTari is an amount of Tari in µT (1 XTR = 1 000 000 µT). Money is never
// a float anywhere in taripay. It is a type of its own, so that a bare
// int64 passes as money only through an explicit conversion.
type MicroTari int64

// String writes the amount as a whole number of µT, e.g. "2500000", as fmt
// writes an int64; app/xtr writes it as XTR for people.
func (m MicroTari) String() string { return strconv.FormatInt(int64(m), 10) }

// OrderStatus is spelled in PascalCase on the wire and in the database.
type OrderStatus string

const (
	OrderUnclaimed OrderStatus = "Unclaimed"
	OrderNew       OrderStatus = "New"
	OrderPaid      OrderStatus = "Paid"
	OrderCancelled OrderStatus = "Cancelled"
	OrderExpired   OrderStatus = "Expired"
)

// Open reports whether an order can still be claimed or paid.
func (s OrderStatus) Open() bool { return s == OrderNew || s == OrderUnclaimed }

// PaymentStatus: Received is pending, Confirmed is spendable and terminal,
// Cancelled is terminal and never spendable.
type PaymentStatus string

const (
	PaymentReceived  PaymentStatus = "Received"
	PaymentConfirmed PaymentStatus = "Confirmed"
	PaymentCancelled PaymentStatus = "Cancelled"
)

// PaymentType distinguishes on-chain transfers from credit notes.
type PaymentType string

const (
	PaymentOnChain PaymentType = "OnChain"
	PaymentManual  PaymentType = "Manual"
)

// SettlementType is Single when one address covered the whole order.
type SettlementType string

const (
	SettlementSingle   SettlementType = "Single"
	SettlementMultiple SettlementType = "Multiple"
)

// Order is a storefront order priced in µT.
type Order struct {
	ID                int64
	OrderID           string
	AltID             *string
	CustomerID        string
	Memo              *string
	TotalPrice        MicroTari
	OriginalPrice     *string
	Currency          string
	CreatedAt         time.Time // the storefront's created_at
	UpdatedAt         time.Time
	Status            OrderStatus
	AmountOutstanding *string
	// ExchangeRate is the µT-per-unit rate used to price the order (0 when
	// the order was priced in XTR or imported without one).
	ExchangeRate MicroTari
	// RecordedAt is when taripay first stored the order; the unclaimed
	// expiry clock runs from it (docs/design.md, "Expiry clocks stay put").
	RecordedAt time.Time
	// ClaimedAt is when the order was first claimed; the unpaid expiry clock
	// runs from it.
	ClaimedAt *time.Time
	// ClaimToken is the unguessable token of the public /pay/{token} page.
	ClaimToken string
	// CheckoutToken is the storefront's token of the checkout that placed
	// the order ("" when it sent none): the checkout extension proves with
	// it that the buyer asking about the order is the one who placed it.
	CheckoutToken string
}

// NewOrder is what a storefront hands the engine.
type NewOrder struct {
	OrderID    string
	AltID      *string
	CustomerID string
	Memo       *string
	TotalPrice MicroTari
	// OriginalPrice is the storefront's price, a decimal amount of
	// Currency; ReceiveOrder converts it into TotalPrice.
	OriginalPrice     *string
	Currency          string
	CreatedAt         time.Time
	AmountOutstanding *string
	ExchangeRate      MicroTari
	CheckoutToken     string
}

// WaitingOrder is a storefront order whose currency had no exchange rate
// when it arrived. It is not an Order yet: it has no price in µT, cannot be
// claimed or paid, and its expiry clocks have not started. The first rate
// set for its currency prices it and makes it an Order (SetExchangeRate),
// which keeps its claim token, so a /pay/{token} link works throughout.
type WaitingOrder struct {
	ID                int64
	OrderID           string
	AltID             *string
	CustomerID        string
	Memo              *string
	Price             string // the storefront's price, a decimal amount of Currency
	Currency          string
	CreatedAt         time.Time // the storefront's created_at
	AmountOutstanding *string
	ReceivedAt        time.Time
	ClaimToken        string
	CheckoutToken     string
}

// WaitingCount is how many orders wait for a rate of one currency.
type WaitingCount struct {
	Currency string
	Count    int
}

// Payment is one incoming transfer or credit note, keyed by txid.
type Payment struct {
	TxID        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Sender      string // base58 address
	Amount      MicroTari
	Memo        *string
	PaymentType PaymentType
	Status      PaymentStatus
	OrderID     *string
}

// NewPayment is a hot wallet's "payment received" notification.
type NewPayment struct {
	Sender  string // base58 address
	Amount  MicroTari
	TxID    string
	Memo    *string
	OrderID *string
}

// Settlement records an amount of an address's confirmed funds spent on an order.
type Settlement struct {
	ID             int64
	CreatedAt      time.Time
	OrderID        string
	PaymentAddress string
	SettlementType SettlementType
	Amount         MicroTari
}

// AddressBalance is the ledger view of one address.
type AddressBalance struct {
	Address        string
	TotalConfirmed MicroTari
	TotalPaid      MicroTari
	CurrentBalance MicroTari
	LastUpdate     time.Time
}

// CustomerBalance sums the balances of the addresses linked to a customer.
type CustomerBalance struct {
	TotalConfirmed MicroTari
	TotalPaid      MicroTari
	CurrentBalance MicroTari
	Addresses      []AddressBalance
}

// CustomerOrderBalance totals a customer's orders by status group.
type CustomerOrderBalance struct {
	CustomerID     string
	TotalCurrent   MicroTari // New + Unclaimed
	TotalPaid      MicroTari
	TotalExpired   MicroTari
	TotalCancelled MicroTari
}

// CustomerOrders is one row of the creditors report.
type CustomerOrders struct {
	CustomerID  string
	Status      OrderStatus
	TotalOrders MicroTari
}

// AddressHistory is everything the ledger knows about an address.
type AddressHistory struct {
	Address     string
	Balance     AddressBalance
	Orders      []Order
	Payments    []Payment
	Settlements []Settlement
}

// CustomerHistory is everything the ledger knows about a customer.
type CustomerHistory struct {
	CustomerID string
	Balance    CustomerBalance
	// Linked is every address linked to the customer, funded or not:
	// Balance.Addresses holds only those with a balance.
	Linked       []string
	OrderBalance CustomerOrderBalance
	Orders       []Order
	Settlements  []Settlement
}

// OrderSet names the orders of a read (Tx.Orders): those of the customers
// linked to LinkedTo, of the Customers, or that ViewedBy is a viewer of
// (an order in any of the sets that are given), with one of the Statuses
// (none: every status) and, when OrderID is given, that order_id. The
// zero OrderSet holds no order.
type OrderSet struct {
	LinkedTo  string
	Customers []string
	ViewedBy  string
	Statuses  []OrderStatus
	OrderID   string
}

// OrderResult lists an address's orders (OrdersForAddress, OwnOrders).
type OrderResult struct {
	Address     string
	TotalOrders MicroTari
	Orders      []Order
}

// PaymentsResult lists an address's payments; TotalPayments counts every status.
type PaymentsResult struct {
	Address       string
	TotalPayments MicroTari
	Payments      []Payment
}

// MultiAccountPayment is what a settle or credit note paid.
type MultiAccountPayment struct {
	OrdersPaid  []Order
	Settlements []Settlement
}

// OrderChanged pairs an order before and after a change.
type OrderChanged struct {
	Old Order
	New Order
}

// OrderMoved is the result of reassigning an order to another customer.
type OrderMoved struct {
	Orders      OrderChanged
	Settlements []Settlement
}

// Proof is why an address may see an order (visibility.go).
type Proof string

const (
	// ProofClaim: the address signed the order's id (POST /order/claim, or
	// a memo signature in the order's note).
	ProofClaim Proof = "claim"
	// ProofPayment: a payment from the address named the order while it
	// was open.
	ProofPayment Proof = "payment"
	// ProofSettled: the address's funds paid the order.
	ProofSettled Proof = "settled"
	// ProofPayPage: the address claimed the order on its pay page, whose
	// claim token only the customer's order email carries. The address is
	// then the customer's own, and sees all of the customer's orders.
	ProofPayPage Proof = "pay_page"
)

// OrderViewer records that an address may see an order, and why: the
// first proof, except that a pay-page claim replaces any other.
type OrderViewer struct {
	Address   string
	OrderID   string
	Proof     Proof
	CreatedAt time.Time
}

// ClaimResult is the order after a claim (New, or Paid when the claimant's
// credit covered it at once).
type ClaimResult struct {
	Order Order
}

// ExchangeRate is µT per one whole unit of Currency.
type ExchangeRate struct {
	Currency  string
	Rate      MicroTari
	UpdatedAt time.Time
}

// Role is an access role; every address implicitly holds RoleUser.
type Role string

const (
	RoleUser          Role = "user"
	RoleReadAll       Role = "read_all"
	RoleWrite         Role = "write"
	RolePaymentWallet Role = "payment_wallet"
	RoleSuperAdmin    Role = "super_admin"
)

// Wallet is an authorised hot wallet.
type Wallet struct {
	Address   string // base58
	IPAddress string
	LastNonce int64
	LastSeen  *time.Time
}

// WalletCall identifies the hot wallet behind a signed notification. Its
// nonce is consumed in the same transaction as the notification's effect.
type WalletCall struct {
	Address string // base58
	Nonce   int64
}

// OrderQuery filters an order search; zero fields do not filter.
type OrderQuery struct {
	Memo       string // case-insensitive substring
	OrderID    string
	AltID      string
	CustomerID string
	Currency   string
	Since      *time.Time // inclusive, on CreatedAt
	Until      *time.Time // inclusive, on CreatedAt
	Statuses   []OrderStatus
	Offset     int
	Limit      int // 0 means MaxPageSize, as any Limit above it does
	// NewestFirst orders by created_at descending; the API keeps the
	// reference's oldest first, while the admin's list shows recent orders.
	NewestFirst bool
}

// AuditEntry is one recorded change to an order or payment.
type AuditEntry struct {
	ID       int64
	Entity   string // "order" or "payment"
	EntityID string // order_id or txid
	Field    string
	OldValue *string
	NewValue *string
	Reason   string
	Actor    string
	At       time.Time
}

// SideEffectKind names a storefront call the outbox must make exactly once.
type SideEffectKind string

const (
	SideEffectMarkPaid SideEffectKind = "mark_paid"
	SideEffectCancel   SideEffectKind = "cancel"
	// SideEffectPayLink writes the order's pay link onto the storefront's
	// order, once, when the storefront sends the order (ReceiveOrder).
	SideEffectPayLink SideEffectKind = "pay_link"
	// SideEffectPartPayment shows on the storefront's order what its
	// confirmed payments have brought so far, once per payment that left it
	// open (docs/part-payments.md).
	SideEffectPartPayment SideEffectKind = "part_payment"
)

// SideEffectState is where an outbox job stands.
type SideEffectState string

const (
	SideEffectPending SideEffectState = "pending"
	SideEffectDone    SideEffectState = "done"
	SideEffectFailed  SideEffectState = "failed"
)

// SideEffect is one outbox job, written in the same transaction as the
// change that needs it (an order becoming Paid, or annulled by taripay).
type SideEffect struct {
	ID            int64
	Kind          SideEffectKind
	OrderID       string
	TxID          string // the payment a part-payment job reports; "" for the other kinds
	State         SideEffectState
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}
