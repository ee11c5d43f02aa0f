package admin

import (
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/app/xtr"
	view "taripay/views/admin"
)

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

func rateForm(vals, errs map[string]string) view.Form {
	return view.Form{
		ID:     "set-rate",
		Action: "/admin/rates",
		Title:  "Set a rate",
		Submit: "Set rate…",
		Fields: []view.Field{
			{Name: "currency", Label: "Currency", Value: vals["currency"], Error: errs["currency"], Hint: "An ISO 4217 code, such as USD."},
			{Name: "rate", Label: "XTR per unit", Value: vals["rate"], Error: errs["rate"], Hint: "How many XTR one unit of the currency buys."},
		},
	}
}

// rateSet records a new exchange rate; new orders in that currency use it.
func (h *Handler) rateSet(c *fiber.Ctx) error {
	vals := map[string]string{"currency": clip(c.FormValue("currency")), "rate": clip(c.FormValue("rate"))}
	errs := map[string]string{}
	currency := strings.ToUpper(strings.TrimSpace(vals["currency"]))
	if !currencyCode.MatchString(currency) {
		errs["currency"] = "Enter a three-letter currency code, such as USD."
	}
	rate, err := xtr.Parse(vals["rate"])
	if err != nil {
		errs["rate"] = err.Error()
	}
	if len(errs) > 0 {
		return formFail(c, statusInvalid, view.FormView(rateForm(vals, errs)))
	}
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(rateForm(vals, nil)))
	default:
		f := rateForm(vals, nil)
		f.Confirm = "Price new " + currency + " orders at " + xtr.Format(rate) + " per " + currency + "?"
		return render(c, view.FormView(f))
	}
	if _, err := h.deps.Rates.SetExchangeRate(actorCtx(c), currency, rate); err != nil {
		f := rateForm(vals, nil)
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	h.deps.Log.Info("admin: exchange rate set", "currency", currency, "rate", rate, "actor", staffOf(c).Actor())
	s, err := h.ratesSection(c, &view.Flash{Text: "The " + currency + " rate is set.", Tone: "success"}, rateForm(nil, nil))
	if err != nil {
		return err
	}
	full := view.RatesView(view.RatesPage{Layout: h.layout(c, "Exchange rates", "rates"), Section: s})
	return formDone(c, "#rates", full, view.RatesSectionView(s))
}
