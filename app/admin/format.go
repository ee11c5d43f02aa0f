package admin

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"taripay/engine"
	"taripay/engine/tari"
	view "taripay/views/admin"
)

const (
	dateLayout = "2006-01-02"
	timeLayout = "2006-01-02 15:04"
	// maxText bounds every free-text input (reasons, memos, ids).
	maxText = 500
	// maxID bounds identifiers: customer ids, order ids, addresses.
	maxID = 128
)

// xtr formats µT as XTR with six decimals, never through a float.
func xtr(v engine.MicroTari) string {
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-v)
	}
	return fmt.Sprintf("%s%s.%06d XTR", sign, groupThousands(u/1_000_000), u%1_000_000)
}

func groupThousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var errAmount = errors.New("enter an amount in XTR, such as 12.5, with at most 6 decimals")

// parseXTR parses a positive XTR decimal into µT exactly.
func parseXTR(s string) (engine.MicroTari, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "XTR"))
	if s == "" || len(s) > 24 {
		return 0, errAmount
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || len(frac) > 6 || !digits(whole) || !digits(frac) {
		return 0, errAmount
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<63-1)/1_000_000-1 {
		return 0, errAmount
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	v := w*1_000_000 + f
	if v <= 0 {
		return 0, errors.New("the amount must be more than zero")
	}
	return v, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkText validates free text: required, bounded, printable.
func checkText(s string, max int) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return s, "Required."
	case !utf8.ValidString(s):
		return s, "Must be valid text."
	case utf8.RuneCountInString(s) > max:
		return s, fmt.Sprintf("At most %d characters.", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return s, "Must not contain control characters."
		}
	}
	// Markup has no business in staff-entered text, and rejecting it keeps
	// it out of Shopify notes and logs as well as pages.
	if strings.ContainsAny(s, "<>") {
		return s, "Must not contain < or >."
	}
	return s, ""
}

// checkID validates an identifier: required, bounded, no spaces or markup.
func checkID(s string) (string, string) {
	s, msg := checkText(s, maxID)
	if msg != "" {
		return s, msg
	}
	if strings.ContainsAny(s, " \t\r\n\"'`") {
		return s, "Must not contain spaces or quotes."
	}
	return s, ""
}

func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func whenPtr(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return when(*t)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func orderBadge(s engine.OrderStatus) view.Badge {
	switch s {
	case engine.OrderPaid:
		return view.Badge{Text: string(s), Tone: "success"}
	case engine.OrderNew:
		return view.Badge{Text: string(s), Tone: "info"}
	case engine.OrderUnclaimed:
		return view.Badge{Text: string(s), Tone: "attention"}
	case engine.OrderCancelled, engine.OrderExpired:
		return view.Badge{Text: string(s), Tone: "critical"}
	}
	return view.Badge{Text: string(s)}
}

func paymentBadge(s engine.PaymentStatus) view.Badge {
	switch s {
	case engine.PaymentConfirmed:
		return view.Badge{Text: string(s), Tone: "success"}
	case engine.PaymentReceived:
		return view.Badge{Text: string(s), Tone: "attention"}
	case engine.PaymentCancelled:
		return view.Badge{Text: string(s), Tone: "critical"}
	}
	return view.Badge{Text: string(s)}
}

func syncBadge(s engine.SideEffectState) view.Badge {
	switch s {
	case engine.SideEffectDone:
		return view.Badge{Text: "Done", Tone: "success"}
	case engine.SideEffectPending:
		return view.Badge{Text: "Pending", Tone: "attention"}
	case engine.SideEffectFailed:
		return view.Badge{Text: "Failed", Tone: "critical"}
	}
	return view.Badge{Text: string(s)}
}

func orderHref(orderID string) string { return "/admin/orders/" + url.PathEscape(orderID) }

func orderRow(o engine.Order) view.OrderRow {
	name := o.OrderID
	if o.AltID != nil && *o.AltID != "" {
		name = *o.AltID
	}
	fiat := deref(o.OriginalPrice)
	if fiat != "" {
		fiat += " " + o.Currency
	}
	return view.OrderRow{
		OrderID:  o.OrderID,
		Name:     name,
		Href:     orderHref(o.OrderID),
		Created:  when(o.CreatedAt),
		Customer: o.CustomerID,
		Fiat:     fiat,
		Total:    xtr(o.TotalPrice),
		Status:   orderBadge(o.Status),
		Memo:     deref(o.Memo),
	}
}

func paymentRow(p engine.Payment) view.PaymentRow {
	return view.PaymentRow{
		TxID:    p.TxID,
		Created: when(p.CreatedAt),
		Sender:  p.Sender,
		Amount:  xtr(p.Amount),
		Type:    string(p.PaymentType),
		Status:  paymentBadge(p.Status),
		OrderID: deref(p.OrderID),
	}
}

func syncRow(s engine.SideEffect) view.SyncRow {
	next := ""
	if s.State == engine.SideEffectPending {
		next = when(s.NextAttemptAt)
	}
	return view.SyncRow{
		OrderID:  s.OrderID,
		Href:     orderHref(s.OrderID),
		Kind:     strings.ReplaceAll(string(s.Kind), "_", " "),
		State:    syncBadge(s.State),
		Attempts: strconv.Itoa(s.Attempts),
		Next:     next,
		Error:    s.LastError,
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// checkAddress validates a Tari wallet address typed by staff (base58,
// emoji or hex) and returns its base58 form.
func checkAddress(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return s, "Required."
	}
	if len(s) > 512 {
		return s, "Enter a Tari wallet address."
	}
	a, err := tari.ParseAddress(s)
	if err != nil {
		return s, "Enter a Tari wallet address."
	}
	return a.Base58(), ""
}
