// Package views holds taripay's templ components. Components take view
// models that mirror the screen; they never call services or reshape data.
package views

// PayPage is the public claim-and-pay page of one order.
type PayPage struct {
	Token string
	// Shop is the shop's name, or its domain when the name is unknown; ""
	// shows none.
	Shop      string
	OrderName string
	// Amount is the order total in XTR, formatted exactly ("2,400.5 XTR");
	// AmountMicroTari is the same value in µT for wallets that want it.
	Amount          string
	AmountMicroTari int64
	// Fiat and Rate are empty when the order was priced in XTR.
	Fiat string
	Rate string

	// Payment is nil when the page must not offer payment (closed order, or
	// the shop has no payment address); Closed explains why.
	Payment *PaymentDetails
	Closed  string

	Status StatusView
	Claim  *ClaimForm // nil once the order no longer needs a claim
	Notice string     // a one-off confirmation, e.g. after a claim
	// Elsewhere is set when the order was claimed, but not on this page.
	Elsewhere *ClaimedElsewhere
	// Late is set when payments for the order arrived after it closed.
	Late *LatePayment
}

// LatePayment tells the customer that payments for a closed order
// arrived: held as their credit, or being refunded.
type LatePayment struct {
	Amount    string // their total, in XTR
	Refunding bool   // every one of them is being refunded
	ShopURL   string // where to reach the merchant; "" when unknown
}

// ClaimedElsewhere tells the customer that the order was claimed without
// its payment link, perhaps by a stranger who knew the order id, and that
// they can still pay and claim it.
type ClaimedElsewhere struct {
	Claimant string // base58; "" when no claimant signed or paid
	ShopURL  string // where to reach the merchant; "" when unknown
}

// PaymentDetails tells the customer where and how to pay.
type PaymentDetails struct {
	// Amount is what to send, formatted as PayPage.Amount: the order's
	// total, or what is still due once part of it has arrived.
	Amount  string
	Address string // base58
	// OrderAddress is true when Address is the order's own, carrying its
	// note as the payment id (engine.OrderAddress).
	OrderAddress bool
	Emoji        string
	PaymentURI   string // tari://… deep link, also in the QR code
	QRURL        string
	Note         string // what to put in the payment's message
}

// StatusView is the live status region, polled by htmx while it can change.
type StatusView struct {
	Status   string // Unclaimed, New, Paid, Expired, Cancelled
	Label    string
	Detail   string
	TimeLeft string // empty when no deadline applies
	// Shown names what the page shows (the status, "-closed" when payment is
	// not offered), which a poll compares; PollURL, empty when the status is
	// final, carries it.
	Shown    string
	PollURL  string
	Interval string // htmx trigger, e.g. "every 2s"
}

// Tone is the StatusView's banner colour class.
func (s StatusView) Tone() string {
	switch s.Status {
	case "Paid":
		return "success"
	case "Expired", "Cancelled":
		return "critical"
	case "New":
		return "info"
	}
	return "attention"
}

// ClaimForm is the "claim this order" form and its inline error.
type ClaimForm struct {
	Action    string
	OrderID   string // the id the claim signature must cover
	Address   string
	Signature string
	Error     string
}

// Message is a simple page with a heading and one paragraph: not found,
// still processing, or a generic error.
type Message struct {
	Shop    string // as PayPage.Shop
	Title   string
	Text    string
	Refresh int // seconds until the page reloads itself; 0 for never
}

// Home is the server's home page.
type Home struct {
	Admin bool     // the embedded admin is on
	Docs  []string // the documentation files served at /docs/{name}
}
