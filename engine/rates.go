package engine

import (
	"context"
	"strings"
)

// XTRRate is the parity rate: µT per XTR.
const XTRRate MicroTari = 1_000_000

// SetExchangeRate appends a rate (µT per one whole unit of currency) to the
// currency's history and, in the same transaction, prices every order
// waiting for a rate of that currency (ReceiveOrder): each then takes
// AddOrder's path (memo claim, auto-claim, payment from credit, NewOrder
// event), and its expiry clocks start now. Their notes and prices are read
// before that transaction; an order that began waiting meanwhile is priced
// in a second one right after. An order this rate cannot price stays
// waiting, and is logged.
func (e *Engine) SetExchangeRate(ctx context.Context, currency string, rate MicroTari) (ExchangeRate, error) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if currency == "" {
		return ExchangeRate{}, Errorf(EINVALID, ErrUnsupportedCurrency, "An exchange rate needs a currency")
	}
	if rate <= 0 {
		return ExchangeRate{}, Errorf(EINVALID, ErrInvalidAmount, "An exchange rate must be positive")
	}
	var out ExchangeRate
	unpriced := map[string]error{}
	// The waiting orders' notes and prices are read before each
	// transaction, never while it holds the write lock. Once the rate is
	// stored no order starts waiting for it, so a second pass prices those
	// that began waiting during the first; a third is for safety.
	for pass := range maxPricingPasses {
		read, err := e.readWaiting(ctx, currency)
		if err != nil {
			return ExchangeRate{}, err
		}
		unread := 0
		err = e.update(ctx, func(t *txn) (err error) {
			if err := t.Lock(t.ctx, rateLock(currency)); err != nil {
				return err
			}
			r := out
			if pass == 0 {
				out = ExchangeRate{Currency: currency, Rate: rate, UpdatedAt: t.now}
				if err := t.InsertExchangeRate(t.ctx, out); err != nil {
					return err
				}
				r = out
			} else if r.Rate, _, err = t.rate(currency); err != nil {
				return err
			}
			unread, err = e.priceWaiting(t, r, read, unpriced)
			return err
		})
		if err != nil {
			return ExchangeRate{}, err
		}
		if unread == 0 {
			break
		}
		if pass == maxPricingPasses-1 {
			e.log.Warn("waiting orders changed while the rate was set: left waiting for the next rate", "currency", currency, "orders", unread)
		}
	}
	for id, cause := range unpriced {
		e.log.Warn("waiting order not priced at the new rate", "order_id", id, "currency", currency, "rate", rate, "err", cause)
	}
	return out, nil
}

// maxPricingPasses bounds SetExchangeRate's passes over the waiting orders.
const maxPricingPasses = 3

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
