package wallethook

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// maxAmountLen bounds an amount before any work. The longest the wallet
// prints is u64::MAX µT, "18446744073709.551615 T" (23 bytes).
const maxAmountLen = 32

// Units of MicroMinotari's Display: " T" after a decimal with six places,
// or " µT" after an integer below one Tari. Tari writes the micro sign
// U+00B5; U+03BC (Greek mu) is accepted too, since Unicode compatibility
// normalisation (NFKC) turns the one into the other.
const (
	unitTari       = " T"
	unitMicro      = " \u00b5T"
	unitMicroGreek = " \u03bcT"
)

// ParseAmount reads an amount as the console wallet prints it, returning
// microTari: "12.500000 T" (a decimal number of Tari, up to six places),
// "500 µT", or a plain integer number of microTari. It is exact decimal
// arithmetic; negatives, overflow, more than six decimals and anything else
// are errors.
func ParseAmount(s string) (int64, error) {
	if len(s) > maxAmountLen {
		return 0, fmt.Errorf("amount of %d bytes: too long", len(s))
	}
	n, err := parseAmount(s)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", s, err)
	}
	return n, nil
}

var (
	errAmountSyntax   = errors.New(`not "<Tari> T", "<microTari> µT" or an integer of microTari`)
	errAmountDecimals = errors.New("more than 6 decimals")
	errAmountOverflow = errors.New("too large")
)

func parseAmount(s string) (int64, error) {
	if micro, ok := cutAnySuffix(s, unitMicro, unitMicroGreek); ok {
		return parseDigits(micro)
	}
	tari, ok := strings.CutSuffix(s, unitTari)
	if !ok {
		return parseDigits(s)
	}
	whole, frac, hasFrac := strings.Cut(tari, ".")
	if hasFrac && frac == "" {
		return 0, errAmountSyntax
	}
	if len(frac) > 6 {
		return 0, errAmountDecimals
	}
	w, err := parseDigits(whole)
	if err != nil {
		return 0, err
	}
	f := int64(0)
	if hasFrac {
		if f, err = parseDigits(frac + strings.Repeat("0", 6-len(frac))); err != nil {
			return 0, err
		}
	}
	if w > (math.MaxInt64-f)/1_000_000 {
		return 0, errAmountOverflow
	}
	return w*1_000_000 + f, nil
}

// parseDigits reads a non-empty run of ASCII digits as an int64; unlike
// strconv it refuses signs.
func parseDigits(s string) (int64, error) {
	if s == "" {
		return 0, errAmountSyntax
	}
	var n int64
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, errAmountSyntax
		}
		if n > (math.MaxInt64-int64(d))/10 {
			return 0, errAmountOverflow
		}
		n = n*10 + int64(d)
	}
	return n, nil
}

func cutAnySuffix(s string, suffixes ...string) (string, bool) {
	for _, suffix := range suffixes {
		if before, ok := strings.CutSuffix(s, suffix); ok {
			return before, true
		}
	}
	return s, false
}
