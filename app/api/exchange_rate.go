package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"taripay/engine"
)

type exchangeRates interface {
	ExchangeRate(ctx context.Context, currency string) (engine.ExchangeRate, error)
	SetExchangeRate(ctx context.Context, currency string, rate engine.MicroTari) (engine.ExchangeRate, error)
}

// ShowExchangeRate answers GET /api/exchange_rate/{currency}.
func ShowExchangeRate(e exchangeRates) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cur, err := param(c, "currency")
		if err != nil {
			return err
		}
		r, err := e.ExchangeRate(c.UserContext(), cur)
		if err != nil {
			return FromEngine(err, "")
		}
		return render(c, ExchangeRateResult{Currency: r.Currency, Rate: int64(r.Rate), UpdatedAt: OffsetTime(r.UpdatedAt)})
	}
}

type exchangeRateUpdate struct {
	Currency string `json:"currency"`
	Rate     uint64 `json:"rate"`
}

// SetExchangeRate answers POST /api/exchange_rate with an empty 200. The
// currency is stored as sent, as in the reference.
func SetExchangeRate(e exchangeRates, log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req exchangeRateUpdate
		if err := decodeBody(c, &req, "currency", "rate"); err != nil {
			return err
		}
		if req.Currency == "" || len(req.Currency) > 16 {
			return errJSON("field `currency` must be 1 to 16 bytes")
		}
		if req.Rate == 0 || req.Rate > 1<<62 {
			return errJSON("field `rate` must be a positive number of µT per unit")
		}
		if _, err := e.SetExchangeRate(actor(c), req.Currency, engine.MicroTari(req.Rate)); err != nil {
			return FromEngine(err, "")
		}
		log.Info("exchange rate set", "currency", req.Currency, "rate", req.Rate, "by", Caller(c).Address.Base58())
		return empty(c)
	}
}
