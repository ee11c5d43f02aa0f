// Package xtr writes and reads amounts of Tari for people: µT as an exact
// XTR decimal, with integer math only (money is never a float).
package xtr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"taripay/engine"
)

// Format writes an amount of µT as XTR exactly, with integer math only:
// thousands separated by commas, and the fraction without trailing zeros,
// e.g. 2400500000 → "2,400.5 XTR".
func Format(mt engine.MicroTari) string {
	sign := ""
	u := uint64(mt)
	if mt < 0 {
		sign, u = "-", -u // two's complement: correct for MinInt64 too
	}
	return sign + groupThousands(strconv.FormatUint(u/1_000_000, 10)) + fraction(u%1_000_000) + " XTR"
}

func fraction(f uint64) string {
	if f == 0 {
		return ""
	}
	return "." + strings.TrimRight(fmt.Sprintf("%06d", f), "0")
}

func groupThousands(digits string) string {
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// ErrAmount is the message for an amount that is not a valid XTR decimal.
var ErrAmount = errors.New("enter an amount in XTR, such as 12.5, with at most 6 decimals")

// Parse parses a positive XTR decimal into µT exactly.
func Parse(s string) (engine.MicroTari, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "XTR"))
	if s == "" || len(s) > 24 {
		return 0, ErrAmount
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") || len(frac) > 6 || !digits(whole) || !digits(frac) {
		return 0, ErrAmount
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<63-1)/1_000_000-1 {
		return 0, ErrAmount
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	v := w*1_000_000 + f
	if v <= 0 {
		return 0, errors.New("the amount must be more than zero")
	}
	return engine.MicroTari(v), nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
