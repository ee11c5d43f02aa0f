package admin

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"taripay/app/xtr"
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
	// an XTR order has no fiat price: its XTR column says it all
	fiat := ""
	if o.OriginalPrice != nil && *o.OriginalPrice != "" && o.Currency != "XTR" {
		fiat = *o.OriginalPrice + " " + o.Currency
	}
	return view.OrderRow{
		OrderID:  o.OrderID,
		Name:     name,
		Href:     orderHref(o.OrderID),
		Created:  when(o.CreatedAt),
		Customer: o.CustomerID,
		Fiat:     fiat,
		Total:    xtr.Format(o.TotalPrice),
		Status:   orderBadge(o.Status),
		Memo:     deref(o.Memo),
	}
}

func paymentRow(p engine.Payment) view.PaymentRow {
	return view.PaymentRow{
		TxID:    p.TxID,
		Created: when(p.CreatedAt),
		Sender:  p.Sender,
		Amount:  xtr.Format(p.Amount),
		Type:    string(p.PaymentType),
		Status:  paymentBadge(p.Status),
		OrderID: deref(p.OrderID),
		Note:    deref(p.Memo),
	}
}

func syncRow(s engine.SideEffect) view.SyncRow {
	next := ""
	if s.State == engine.SideEffectPending {
		next = when(s.NextAttemptAt)
	}
	kind := strings.ReplaceAll(string(s.Kind), "_", " ")
	if s.TxID != "" { // a part payment: which payment it shows
		kind += " (" + s.TxID + ")"
	}
	return view.SyncRow{
		OrderID:  s.OrderID,
		Href:     orderHref(s.OrderID),
		Kind:     kind,
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
