package engine

import (
	"math/big"
	"strings"
)

// queuePartPayment queues the storefront job that shows a confirmed payment
// on the order it names when the order is still open afterwards: the
// payment brought part of it (docs/part-payments.md). A payment that pays
// the order, or overpays it, queues nothing here: the order's mark-paid job
// records it. One job per order and payment, however often it is asked.
func (e *Engine) queuePartPayment(t *txn, p Payment) error {
	if p.OrderID == nil {
		return nil
	}
	o, err := t.findNamedOrder(*p.OrderID, !e.cfg.StrictMode)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil || !o.Status.Open() {
		return err
	}
	return t.InsertPaymentSideEffect(t.ctx, SideEffectPartPayment, o.OrderID, p.TxID, t.now)
}

// MinorUnits parses a decimal money string of currency into its minor
// units, exactly (ErrInvalidAmount when it has more decimals than the
// currency).
func MinorUnits(amount, currency string) (*big.Int, error) { return minorUnits(amount, currency) }

// FromMicroTari converts µT into minor units of currency at rate (µT per
// whole unit), with integer arithmetic, truncating toward zero: the
// storefront is never told more arrived than did. XTR converts at parity.
func FromMicroTari(amount MicroTari, currency string, rate MicroTari) (*big.Int, error) {
	if strings.EqualFold(currency, "XTR") {
		rate = XTRRate
	}
	if rate <= 0 {
		return nil, invalidAmount("rate %d for %s", rate, currency)
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(Exponent(currency))), nil)
	minor := new(big.Int).Mul(big.NewInt(int64(amount)), scale)
	return minor.Quo(minor, big.NewInt(int64(rate))), nil
}

// FormatMinor writes minor units of currency as a decimal amount with the
// currency's number of decimals: 1234 USD is "12.34", 1234 JPY "1234".
func FormatMinor(minor *big.Int, currency string) string {
	exp := Exponent(currency)
	s := new(big.Int).Abs(minor).String()
	if len(s) <= exp {
		s = strings.Repeat("0", exp+1-len(s)) + s
	}
	if exp > 0 {
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if minor.Sign() < 0 {
		s = "-" + s
	}
	return s
}
