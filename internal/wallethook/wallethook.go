// Package wallethook parses the arguments the Tari console wallet passes to
// its notify program (minotari_console_wallet's notifier; docs/wallet.md
// lists every argument with its source). It does no I/O.
package wallethook

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Events the console wallet passes as the first argument.
const (
	Received     = "received"     // an interactive payment was received (not yet mined)
	Confirmation = "confirmation" // mined, short of the wallet's required confirmations; may repeat
	Mined        = "mined"        // mined with the wallet's required confirmations
	Sent         = "sent"         // an outbound payment was sent
	Queued       = "queued"       // an outbound payment was queued for another try
	Cancelled    = "cancelled"    // a payment was cancelled
)

// Event is one call of the notify program.
type Event struct {
	Kind      string // one of the event constants
	Amount    int64  // microTari
	TxID      string // the wallet's transaction id, a decimal u64
	Message   string
	PaymentID PaymentID // zero (Form "") in the 12- and 7-argument shapes, which have none
	// Source and Destination are the addresses as printed: base58 since
	// wallet 1.0, hex before. The 7-argument shape has only the
	// counterparty: Destination when outbound, Source when inbound.
	Source, Destination string
	Status              string // e.g. "Completed", "Mined Unconfirmed", "One-Sided Confirmed"
	// Kernel excess, public nonce and signature (hex); empty before the
	// transaction has a kernel. Absent from the 7-argument shape.
	Excess, PublicNonce, Signature string
	// Confirmations is the count so far for a confirmation event, and the
	// wallet's required count for a mined one; nil when the wallet passes
	// none (every other event).
	Confirmations *int
	Direction     string // "Inbound", "Outbound" or "Unknown"; "inbound"/"outbound" in the 7-argument shape
}

// ErrUnknownEvent is returned for a first argument that is no event this
// package knows, so that callers can ignore events added to future wallets.
var ErrUnknownEvent = errors.New("unknown wallet event")

// Argument counts of the three shapes.
const (
	completeArgs = 13 // with a payment id, wallets 1.6 and later
	legacyArgs   = 12 // before payment ids
	pendingArgs  = 7  // a pending transaction: sent, queued, or cancelled while pending
)

// Parse reads the notify program's arguments (without the program name):
// the 13-argument shape of received, confirmation, mined and cancelled
// events; the older 12-argument shape without the payment id; and the
// 7-argument shape of sent, queued and pending cancelled events.
func Parse(args []string) (Event, error) {
	if len(args) == 0 {
		return Event{}, errors.New("no arguments")
	}
	e := Event{Kind: args[0]}
	var shapes []int
	switch e.Kind {
	case Received, Confirmation, Mined:
		shapes = []int{completeArgs, legacyArgs}
	case Cancelled:
		shapes = []int{completeArgs, legacyArgs, pendingArgs}
	case Sent, Queued:
		shapes = []int{pendingArgs}
	default:
		return Event{}, fmt.Errorf("%w %q", ErrUnknownEvent, e.Kind)
	}
	if !slices.Contains(shapes, len(args)) {
		return Event{}, fmt.Errorf("%s event with %d arguments, want one of %v", e.Kind, len(args), shapes)
	}
	var err error
	if e.Amount, err = ParseAmount(args[1]); err != nil {
		return Event{}, fmt.Errorf("argument 2: %w", err)
	}
	if e.TxID = args[2]; !isUint(e.TxID, 64) {
		return Event{}, fmt.Errorf("argument 3 (tx id) %q: not a decimal u64", e.TxID)
	}
	e.Message = args[3]
	if len(args) == pendingArgs {
		e.Status, e.Direction = args[5], args[6]
		if e.Direction == "inbound" {
			e.Source = args[4]
		} else {
			e.Destination = args[4]
		}
		return e, nil
	}
	rest := args[4:]
	if len(args) == completeArgs {
		if e.PaymentID, err = ParsePaymentID(args[4]); err != nil {
			return Event{}, fmt.Errorf("argument 5: %w", err)
		}
		rest = args[5:]
	}
	e.Source, e.Destination, e.Status = rest[0], rest[1], rest[2]
	e.Excess, e.PublicNonce, e.Signature = rest[3], rest[4], rest[5]
	if c := rest[6]; c != "" {
		if !isUint(c, 31) {
			return Event{}, fmt.Errorf("argument %d (confirmations) %q: not a count", len(args)-1, c)
		}
		n, _ := strconv.Atoi(c)
		e.Confirmations = &n
	}
	e.Direction = rest[7]
	return e, nil
}
