package pay

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"taripay/app/xtr"
	"taripay/engine"
	"taripay/engine/tari"
)

// PaymentURI is the deep link in the QR code, in the form Tari wallets
// (Aurora, Tari Universe) accept per RFC-0154:
//
//	tari://<network>/transactions/send?tariAddress=<base58>&amount=<µT>&note=<text>
//
// amount is an integer count of microTari. Spaces in the note are %20, since
// not every wallet decodes '+'.
func PaymentURI(to tari.Address, amount engine.MicroTari, note string) string {
	q := "tariAddress=" + url.QueryEscape(to.Base58()) +
		"&amount=" + amount.String()
	if note != "" {
		q += "&note=" + strings.ReplaceAll(url.QueryEscape(note), "+", "%20")
	}
	return "tari://" + to.Network().String() + "/transactions/send?" + q
}

// paymentNote is the message suggested for the payment (engine.PaymentNote,
// which the wallet notifier and the server read back).
func (h *Handler) paymentNote(o engine.Order) string {
	return engine.PaymentNote(o, h.cfg.NoteByName)
}

// orderName is what the customer knows an order as: the shop's name for it
// (e.g. "#1001"), else its id.
func orderName(orderID string, altID *string) string {
	if altID != nil && *altID != "" {
		return *altID
	}
	return orderID
}

// formatLeft says how long is left, in whole minutes rounded down.
func formatLeft(d time.Duration) string {
	m := int64(d / time.Minute)
	switch {
	case m < 1:
		return "less than a minute"
	case m < 60:
		return plural(m, "minute")
	case m%60 == 0:
		return plural(m/60, "hour")
	}
	return plural(m/60, "hour") + " " + plural(m%60, "minute")
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}

// formatRate writes µT per currency unit as "1 USD = 12.5 XTR".
func formatRate(currency string, rate engine.MicroTari) string {
	return "1 " + currency + " = " + xtr.Format(rate)
}
