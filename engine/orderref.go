package engine

import (
	"regexp"
	"strings"

	"taripay/engine/tari"
)

// The order reference in a payment note is defined here once: the pay page
// writes it (PaymentNote), the wallet notifier and the server read it
// (ParseOrderRef), and the engine resolves what was read (findNamedOrder).

// PaymentNote is the message a customer sends with a payment for o, and the
// payment id an order's own address carries: "order <order id>", or "order
// <name>" (e.g. "order #1001") when the shop names orders by name.
func PaymentNote(o Order, byName bool) string {
	if byName && o.AltID != nil && *o.AltID != "" {
		return "order " + *o.AltID
	}
	return "order " + o.OrderID
}

// MaxOrderRefLen bounds an order reference; Shopify ids are 13 digits and
// names a few characters more.
const MaxOrderRefLen = 64

// maxNoteLen bounds the text searched for a reference: a wallet message or
// payment id is at most 256 bytes, and a longer note is not ours.
const maxNoteLen = 1024

var (
	// keyedRef finds "order 1001", "Order: 1001", "order id: 1001",
	// "order_id=1001", "Order #1001", "order#: 1007" or "order no. 1001"
	// anywhere in a note. The reference holds a digit, so in "order of 3"
	// there is none.
	keyedRef = regexp.MustCompile(`(?i)\border(?:[ _-]?(?:id|number|no\.?|nr\.?))?\s*(#?)\s*[:=]?\s*(#?)\s*([A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*)`)
	// bareRef is a note that is only an id ("1001") or a name ("#1001").
	bareRef = regexp.MustCompile(`^#?[0-9][A-Za-z0-9_-]*$`)
)

// ParseOrderRef reads the order a payment note or payment id names, in any
// form PaymentNote writes or people type: "order 1001", "order: 1001",
// "order id: 1001", "Order #1001", "#1001", or the bare id. The reference
// keeps a leading '#', which marks a shop's order name. ok is false when the
// text names no order.
func ParseOrderRef(text string) (ref string, ok bool) {
	if len(text) > maxNoteLen {
		return "", false
	}
	text = strings.TrimSpace(text)
	if m := keyedRef.FindStringSubmatch(text); m != nil {
		ref = m[3]
		if m[1] != "" || m[2] != "" {
			ref = "#" + ref
		}
	} else if bareRef.MatchString(text) {
		ref = text
	}
	if ref == "" || ref == "#" || len(ref) > MaxOrderRefLen {
		return "", false
	}
	return ref, true
}

// refCandidates are the (reference, by alt_id) lookups that may resolve a
// parsed reference, most specific first: the order id, then with alt ids
// allowed the name as written, with '#' added or dropped, and the id
// without a '#' the customer typed in front of it.
func refCandidates(ref string, allowAlt bool) []refLookup {
	out := []refLookup{{ref, false}}
	if !allowAlt {
		return out
	}
	bare, hashed := strings.CutPrefix(ref, "#")
	out = append(out, refLookup{ref, true})
	if hashed {
		out = append(out, refLookup{bare, false}, refLookup{bare, true})
	} else {
		out = append(out, refLookup{"#" + ref, true})
	}
	return out
}

type refLookup struct {
	ref string
	alt bool
}

// findNamedOrder resolves a reference read from a payment note, trying
// each of refCandidates in turn. A miss is ErrOrderNotFound.
func (t *txn) findNamedOrder(ref string, allowAlt bool) (Order, error) {
	for _, c := range refCandidates(ref, allowAlt) {
		o, ok, err := t.OrderByRef(t.ctx, c.ref, c.alt)
		if err != nil || ok {
			return o, err
		}
	}
	return Order{}, Errorf(ENOTFOUND, ErrOrderNotFound, "Order %s does not exist", ref)
}

// OrderAddress is where a customer pays o: the merchant's dual address
// carrying the order's payment note as its payment id (RFC-0155), which the
// payer's wallet copies onto the payment with no typing, and the merchant's
// wallet reports to its notify hook. A single address cannot carry one
// (ok is false), and is returned as it is; the note is then the only link.
func OrderAddress(merchant tari.Address, o Order, byName bool) (addr tari.Address, ok bool) {
	if !merchant.IsDual() {
		return merchant, false
	}
	a, err := merchant.WithPaymentID([]byte(PaymentNote(o, byName)))
	if err != nil {
		return merchant, false // a note over 256 bytes: not from PaymentNote's ids
	}
	return a, true
}
