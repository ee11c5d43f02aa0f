package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	"taripay/engine"
	view "taripay/views/admin"
)

type rateService interface {
	ExchangeRates(ctx context.Context) ([]engine.ExchangeRate, error)
	ExchangeRateHistory(ctx context.Context, currency string, limit int) ([]engine.ExchangeRate, error)
	RateSetter
}

// RateSetter records a new exchange rate.
type RateSetter interface {
	SetExchangeRate(ctx context.Context, currency string, rate engine.MicroTari) (engine.ExchangeRate, error)
}

const rateHistoryLength = 20

// rateList shows the current rate per currency, the history, and the set-rate form.
func (h *Handler) rateList(c *fiber.Ctx) error {
	s, err := h.ratesSection(c, nil, rateForm(nil, nil))
	if err != nil {
		return err
	}
	return render(c, view.RatesView(view.RatesPage{Layout: h.layout(c, "Exchange rates", "rates"), Section: s}))
}

func (h *Handler) ratesSection(c *fiber.Ctx, flash *view.Flash, set view.Form) (view.RatesSection, error) {
	ctx := c.UserContext()
	current, err := h.deps.Engine.ExchangeRates(ctx)
	if err != nil {
		return view.RatesSection{}, err
	}
	s := view.RatesSection{Flash: flash, Set: set}
	for _, r := range current {
		s.Current = append(s.Current, rateRow(r))
		hist, err := h.deps.Engine.ExchangeRateHistory(ctx, r.Currency, rateHistoryLength)
		if err != nil {
			return view.RatesSection{}, err
		}
		for _, r := range hist {
			s.History = append(s.History, rateRow(r))
		}
	}
	return s, nil
}

func rateRow(r engine.ExchangeRate) view.RateRow {
	return view.RateRow{Currency: r.Currency, Rate: xtr.Format(r.Rate), Updated: when(r.UpdatedAt)}
}
