package engine

import (
	"context"
	"strings"
)

// XTRRate is the parity rate: µT per XTR.
const XTRRate MicroTari = 1_000_000

// SetExchangeRate appends a rate (µT per one whole unit of currency) to the
// currency's history.
func (e *Engine) SetExchangeRate(ctx context.Context, currency string, rate MicroTari) (ExchangeRate, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if currency == "" {
		return ExchangeRate{}, Errorf(EINVALID, ErrUnsupportedCurrency, "An exchange rate needs a currency")
	}
	if rate <= 0 {
		return ExchangeRate{}, Errorf(EINVALID, ErrInvalidAmount, "An exchange rate must be positive")
	}
	var out ExchangeRate
	err := e.update(ctx, func(t *txn) error {
		out = ExchangeRate{Currency: currency, Rate: rate, UpdatedAt: t.now}
		return t.InsertExchangeRate(t.ctx, out)
	})
	return out, err
}

// ExchangeRate is the currency's latest rate; XTR is always at parity. An
// unknown currency is ErrUnsupportedCurrency.
func (e *Engine) ExchangeRate(ctx context.Context, currency string) (ExchangeRate, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	var out ExchangeRate
	err := e.view(ctx, func(t *txn) error {
		if currency == "XTR" {
			out = ExchangeRate{Currency: currency, Rate: XTRRate, UpdatedAt: t.now}
			return nil
		}
		rs, err := t.ExchangeRates(t.ctx, currency, 1)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return Errorf(ENOTFOUND, ErrUnsupportedCurrency, "Unsupported currency: %s", currency)
		}
		out = rs[0]
		return nil
	})
	return out, err
}

// ExchangeRateHistory lists a currency's rates, newest first (limit 0: all).
func (e *Engine) ExchangeRateHistory(ctx context.Context, currency string, limit int) ([]ExchangeRate, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	var out []ExchangeRate
	err := e.view(ctx, func(t *txn) (err error) {
		out, err = t.ExchangeRates(t.ctx, currency, limit)
		return err
	})
	return out, err
}
