package engine

import (
	"math/big"
	"strings"
)

// The conversion of storefront prices to µT. The engine prices every
// storefront order with it (ReceiveOrder, and SetExchangeRate for orders
// that waited for their rate), and the Shopify integration prices product
// variants with it.

// exponents lists the ISO 4217 minor-unit exponents that are not 2.
var exponents = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
	"XTR": 6, // Tari: one minor unit is one µT
}

// Exponent returns the number of minor-unit digits of an ISO 4217 currency.
func Exponent(currency string) int {
	if e, ok := exponents[strings.ToUpper(currency)]; ok {
		return e
	}
	return 2
}

// maxAmountLen bounds a decimal money string before it is parsed: 40
// digits are more than any price in any currency.
const maxAmountLen = 40

// minorUnits parses a decimal money string ("10.5", "1500", "12.345") into
// minor units of currency. Digits beyond the currency's exponent must be
// zeros, so nothing is ever rounded away; signs, exponents and spaces are
// refused (ErrInvalidAmount).
func minorUnits(amount, currency string) (*big.Int, error) {
	if len(amount) > maxAmountLen {
		return nil, invalidAmount("an amount has at most %d characters", maxAmountLen)
	}
	whole, frac, hasDot := strings.Cut(amount, ".")
	if whole == "" && (!hasDot || frac == "") || !digits(whole) || !digits(frac) {
		return nil, invalidAmount("%q is not a decimal amount", amount)
	}
	exp := Exponent(currency)
	if len(frac) > exp {
		if strings.Trim(frac[exp:], "0") != "" {
			return nil, invalidAmount("%q has more than %d decimals for %s", amount, exp, currency)
		}
		frac = frac[:exp]
	}
	frac += strings.Repeat("0", exp-len(frac))
	n, ok := new(big.Int).SetString("0"+whole+frac, 10)
	if !ok {
		return nil, invalidAmount("%q is not a decimal amount", amount)
	}
	return n, nil
}

func invalidAmount(format string, args ...any) *Error {
	return Errorf(EINVALID, ErrInvalidAmount, "Invalid amount: "+format, args...)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MaxOrderTotal is the most one order may cost: 10¹⁴ µT, a hundred million
// XTR. An order priced above it is refused where it comes in
// (ErrInvalidAmount), so sums of orders stay far inside int64: it takes
// 92,233 orders of this size to overflow one (docs/security.md, resource
// limits).
const MaxOrderTotal MicroTari = 100_000_000_000_000

// checkOrderTotal refuses an order price outside 0..MaxOrderTotal.
func checkOrderTotal(orderID string, total MicroTari) error {
	if total < 0 {
		return Errorf(EINVALID, ErrInvalidAmount, "The order price cannot be negative")
	}
	if total > MaxOrderTotal {
		return invalidAmount("order %s costs %d µT, more than the %d µT one order may cost", orderID, total, MaxOrderTotal)
	}
	return nil
}

// ToMicroTari converts a fiat amount at rate (µT per one whole unit of
// currency) with integer arithmetic only, truncating toward zero as the
// reference does. XTR amounts convert at parity whatever rate is given. A
// malformed amount, a rate that is not positive, or a result beyond int64
// is ErrInvalidAmount.
func ToMicroTari(amount, currency string, rate MicroTari) (MicroTari, error) {
	minor, err := minorUnits(amount, currency)
	if err != nil {
		return 0, err
	}
	return convert(minor, amount, currency, rate)
}

// convert is ToMicroTari for an amount already parsed into minor units.
func convert(minor *big.Int, amount, currency string, rate MicroTari) (MicroTari, error) {
	if strings.EqualFold(currency, "XTR") {
		rate = XTRRate
	}
	if rate <= 0 {
		return 0, invalidAmount("rate %d for %s", rate, currency)
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(Exponent(currency))), nil)
	mt := new(big.Int).Mul(minor, big.NewInt(int64(rate)))
	mt.Quo(mt, scale)
	if !mt.IsInt64() {
		return 0, invalidAmount("%s %s overflows µT at %d µT per unit", amount, currency, rate)
	}
	return MicroTari(mt.Int64()), nil
}
