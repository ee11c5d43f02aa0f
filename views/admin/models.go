// Package admin holds the templ components of the embedded admin. Each page
// takes a view model that mirrors the screen; components never call services.
package admin

// Layout is what every admin page shares.
type Layout struct {
	Title        string
	Nav          string // the active tab: dashboard, orders, customers, refunds, wallets, rates, roles, setup
	Shop         string
	User         string   // the staff user (the session token's sub)
	Roles        []string // the taripay roles they hold
	ClientID     string
	AppBridgeURL string // empty omits App Bridge
	HtmxURL      string
	// Session is the server-minted app session, sent by htmx on every request.
	Session string
}

// BounceModel is the page that lets App Bridge reload with a fresh session token.
type BounceModel struct {
	ClientID     string
	AppBridgeURL string
}

// Field is one form input, with its value kept and its error shown inline.
type Field struct {
	Name    string
	Label   string
	Type    string // text (default), textarea, select, hidden
	Value   string
	Error   string
	Hint    string
	Options []string // for select
}

// Form is one server-validated form. Once its values validate, a form that
// needs confirming comes back with Confirm set, and only the confirmed post acts.
type Form struct {
	ID     string
	Action string
	Title  string
	// Fold, instead of a title, names a form that sits folded in a
	// <details> until chosen; the page writes it as the summary.
	Fold    string
	Submit  string
	Danger  bool
	Fields  []Field
	Error   string // an error not tied to one field
	Confirm string // what the action will do, shown before it runs
	Target  string // the element an htmx success re-renders; empty: the form itself
}

// Badge is a status pill: tone is success, attention, critical, info or empty.
type Badge struct {
	Text string
	Tone string
}

// Flash is a banner shown after an action.
type Flash struct {
	Text string
	Tone string // success or critical
}

// OrderRow is one line of an order table.
type OrderRow struct {
	OrderID  string
	Name     string
	Href     string
	Created  string
	Customer string
	Fiat     string
	Total    string
	Status   Badge
	Memo     string
}

// PaymentRow is one payment.
type PaymentRow struct {
	TxID    string
	Created string
	Sender  string
	Amount  string
	Type    string
	Status  Badge
	OrderID string // the order it names, found or not
	Note    string // the message it carried
}

// DashboardPage is the landing page.
type DashboardPage struct {
	Layout
	// Waiting says how many orders wait for an exchange rate, e.g. "2
	// orders waiting for a rate (EUR, USD)"; empty when none do.
	Waiting       string
	ReceivedToday string
	ReceivedWeek  string
	ReceivedTotal string
	ByStatus      []StatusRow
	// OtherOrders counts the Shopify orders paid another way than Tari,
	// which taripay left alone; empty without Shopify.
	OtherOrders string
	Latest      []PaymentRow
	Failures    []SyncRow
	Deliveries  []DeliveryRow
	Chart       Chart
	// Exports are the CSV downloads for the accountant.
	Exports []ExportLink
	// LatePayments are the payments received for closed orders.
	LatePayments LatePaymentsSection
}

// DeliveryRow is one Shopify webhook delivery whose processing failed.
type DeliveryRow struct {
	Received string
	Topic    string
	OrderID  string
	State    Badge
	Attempts string
	Error    string
	Retry    *Form // for a delivery that failed for good
}

// StatusRow counts the orders in one status.
type StatusRow struct {
	Status Badge
	Count  string
	Total  string
	Href   string
}

// Chart is a bar chart of received XTR per day, drawn as SVG.
type Chart struct {
	Days   int // how many days it covers
	Width  int
	Height int
	Bars   []Bar
	Max    string
}

// Bar is one day of the chart, already laid out.
type Bar struct {
	X, Y, W, H int
	Label      string
	Title      string
}

// OrderFilter is the order search form.
type OrderFilter struct {
	ID       string // an order id, or a #name
	Memo     string
	Customer string
	Status   string
	Since    string
	Until    string
	Errors   map[string]string
	Statuses []string
}

// OrderListPage is the searchable, paged order list.
type OrderListPage struct {
	Layout
	Filter   OrderFilter
	Rows     []OrderRow
	Page     int
	PrevHref string
	NextHref string
}

// OrderShowPage is one order with its payments, audit trail, sync state and actions.
type OrderShowPage struct {
	Layout
	Detail OrderDetail
}

// OrderDetail is the part of the order page that actions re-render.
type OrderDetail struct {
	Flash    *Flash
	Order    OrderRow
	Facts    []Fact
	Payments []PaymentRow
	// Pager pages through the payments.
	Pager   Pager
	Audit   []AuditRow
	Sync    []SyncRow
	Actions []Form
	// PayLink is the customer's pay link, as in the order email, and PayQR
	// its QR code as a data: URI; empty without one.
	PayLink string
	PayQR   string
	// FactsURL is where the Details card re-reads itself every few
	// seconds while the order is open; "" for a closed order.
	FactsURL string
}

// Fact is a label and its value.
type Fact struct {
	Label string
	Value string
}

// AuditRow is one recorded change.
type AuditRow struct {
	At     string
	Field  string
	Old    string
	New    string
	Reason string
	Actor  string
}

// SyncRow is one outbox job: a Shopify call and how it went.
type SyncRow struct {
	OrderID  string
	Href     string
	Kind     string
	State    Badge
	Attempts string
	Next     string
	Error    string
	Retry    *Form // for a failed job on the order's page
}

// CustomerListPage lists customer ids and looks one up.
type CustomerListPage struct {
	Layout
	Query     string
	Error     string
	Customers []CustomerRow
	NextHref  string
	PrevHref  string
}

// CustomerRow is one customer of the list, named as their latest order
// names them (empty when Shopify withheld it).
type CustomerRow struct {
	ID    string
	Href  string
	Name  string
	Email string
}

// CustomerPage is one customer's account.
type CustomerPage struct {
	Layout
	Detail CustomerDetail
}

// CustomerDetail is the part of the customer page that actions re-render.
type CustomerDetail struct {
	Flash      *Flash
	CustomerID string
	// Name and Email are from the customer's latest order.
	Name        string
	Email       string
	Balance     string
	Confirmed   string
	Spent       string
	Pending     string
	Addresses   []AddressRow
	Orders      []OrderRow
	Settlements []SettlementRow
	// Pager pages through the orders and settlements together.
	Pager  Pager
	Credit Form
	Settle Form
}

// AddressPage is one wallet address's account.
type AddressPage struct {
	Layout
	Detail AddressDetail
}

// AddressDetail is the part of the address page that settling re-renders.
type AddressDetail struct {
	Flash       *Flash
	Address     string
	Balance     string
	Confirmed   string
	Spent       string
	Orders      []OrderRow
	Payments    []PaymentRow
	Settlements []SettlementRow
	// Pager pages through the orders, payments and settlements together.
	Pager  Pager
	Settle Form
}

// Pager links the previous and next pages of a history's lists; an empty
// href has no such page.
type Pager struct {
	PrevHref string
	NextHref string
}

// AddressRow is a wallet address linked to a customer.
type AddressRow struct {
	Address string
	Href    string
	Balance string
}

// SettlementRow is an amount of an address's funds spent on an order.
type SettlementRow struct {
	At      string
	OrderID string
	Address string
	Type    string
	Amount  string
}

// WalletsPage lists and authorises hot wallets.
type WalletsPage struct {
	Layout
	Section WalletsSection
}

// WalletsSection is the part of the wallets page that actions re-render.
type WalletsSection struct {
	Flash *Flash
	// PayTo is the address customers pay, and where it comes from; with
	// none, Problem says how to set one.
	PayTo     PayTo
	Wallets   []WalletRow
	Authorize Form
}

// PayTo is the address customers pay.
type PayTo struct {
	Address string
	Source  string
	Problem string
}

// WalletRow is one authorised hot wallet.
type WalletRow struct {
	Address   string
	IP        string
	LastNonce string
	LastSeen  string
	Revoke    Form
}

// RatesPage shows exchange rates and sets one.
type RatesPage struct {
	Layout
	Section RatesSection
}

// RatesSection is the part of the rates page that the set-rate form re-renders.
type RatesSection struct {
	Flash   *Flash
	Current []RateRow
	History []RateRow
	Set     Form
}

// RateRow is one exchange rate.
type RateRow struct {
	Currency string
	Rate     string
	Updated  string
}

// RolesPage shows and changes the staff users' roles and an address's roles.
type RolesPage struct {
	Layout
	Staff   StaffSection
	Section RolesSection
}

// StaffSection lists the staff users who have opened taripay with their
// roles, and changes one's roles; a change re-renders it.
type StaffSection struct {
	Flash   *Flash
	Members []StaffRow
	Change  Form
}

// StaffRow is one staff user.
type StaffRow struct {
	User      string
	Roles     []string
	Installer bool
	You       bool
	FirstSeen string
}

// RolesSection is the part of the roles page that the form re-renders.
type RolesSection struct {
	Flash   *Flash
	Address string
	Roles   []string
	Lookup  Form
	Change  Form
}

// SetupPage is the setup checklist.
type SetupPage struct {
	Layout
	Checks   []Check
	Register *Form // subscribes the shop to taripay's webhooks, when some are missing
	Snippet  string
}

// Check is one line of the setup checklist.
type Check struct {
	Label  string
	OK     bool
	Detail string
	// Blocking marks a check that is not OK and stops customers paying;
	// it shows red, with the fix in Detail.
	Blocking bool
	// Unchecked marks a check that could not be made, e.g. without an
	// Admin API client: it is neither done nor to do.
	Unchecked bool
	// Link, when set, is where the merchant makes the fix, named by
	// LinkText; it opens in the top window, out of the embedded app.
	Link, LinkText string
	// Register offers the form that subscribes the shop to taripay's
	// webhooks.
	Register bool
}
