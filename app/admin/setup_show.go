package admin

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify"
	"taripay/app/xtr"
	"taripay/engine"
	"taripay/engine/tari"
	view "taripay/views/admin"
)

type setupService interface {
	PaymentAddress(ctx context.Context) (tari.Address, error)
}

// setupShow is the setup checklist: the Shopify connection, webhooks, a hot
// wallet, the address customers pay, an exchange rate, and the order-email
// snippet to copy.
func (h *Handler) setupShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	st := staffOf(c)
	var checks []view.Check

	conn := view.Check{Label: "Shopify connection", Detail: "No Admin API token yet: open the app from Shopify admin."}
	if h.deps.Install != nil {
		if status, err := h.deps.Install.Status(ctx, st.Shop); err != nil {
			conn.Detail = h.userMessage(c, err)
		} else if status.Mode != "" {
			conn.OK = true
			conn.Detail = status.Mode + " for " + st.Shop
			if status.Scope != "" {
				conn.Detail += ", scopes " + status.Scope
			}
		}
	}
	checks = append(checks, conn)

	hooks := view.Check{Label: "Webhooks registered", Detail: "Not checked: no Admin API client is configured."}
	canRegister := false
	if h.deps.Shopify != nil {
		subs, err := h.deps.Shopify.Subscriptions(ctx)
		switch missing := missingTopics(subs); {
		case errors.Is(err, shopify.ErrNotConfigured):
		case err != nil:
			hooks.Detail = "Could not ask Shopify: " + h.userMessage(c, err)
		case len(missing) > 0:
			hooks.Detail = "Missing: " + strings.Join(missing, ", ")
			canRegister = true
		default:
			hooks.OK, hooks.Detail = true, plural(len(subs), "subscription")
		}
	}
	checks = append(checks, hooks)

	wallets, err := h.deps.Engine.Wallets(ctx)
	if err != nil {
		return err
	}
	wallet := view.Check{Label: "A hot wallet is authorised", Detail: "Authorise one under Hot wallets."}
	if len(wallets) > 0 {
		wallet.OK = true
		wallet.Detail = plural(len(wallets), "wallet") + "; last seen " + whenPtr(wallets[0].LastSeen)
	}
	checks = append(checks, wallet)

	payTo := view.Check{Label: "Customers have an address to pay"}
	a, err := h.deps.Engine.PaymentAddress(ctx)
	switch {
	case errors.Is(err, engine.ErrNoPaymentAddress): // pay pages and claims refuse until fixed
		payTo.Blocking, payTo.Detail = true, err.Error()
	case err != nil:
		return err
	default:
		payTo.OK, payTo.Detail = true, a.Base58()
	}
	checks = append(checks, payTo)
	if payTo.OK {
		checks = append(checks, orderAddressCheck(a))
	}

	rates, err := h.deps.Engine.ExchangeRates(ctx)
	if err != nil {
		return err
	}
	rate := view.Check{Label: "An exchange rate is set", Detail: "Set one under Exchange rates."}
	if len(rates) > 0 {
		rate.OK = true
		rate.Detail = rates[0].Currency + " " + xtr.Format(rates[0].Rate)
	}
	checks = append(checks, rate)

	p := view.SetupPage{Layout: h.layout(c, "Setup", "setup"), Checks: checks}
	if canRegister {
		f := webhooksForm()
		p.Register = &f
	}
	if h.deps.Snippet != nil {
		p.Snippet = h.deps.Snippet(c.BaseURL())
	}
	return render(c, view.SetupView(p))
}

// missingTopics lists the webhook topics taripay handles that have no
// subscription. Compliance topics come from shopify.app.toml, not the API.
func missingTopics(subs []shopify.Subscription) []string {
	have := map[string]bool{}
	for _, s := range subs {
		have[s.Topic] = true
	}
	var missing []string
	for _, t := range shopify.Topics {
		if strings.HasPrefix(t, "customers/") || t == "shop/redact" {
			continue
		}
		if !have[strings.ToUpper(strings.NewReplacer("/", "_").Replace(t))] {
			missing = append(missing, t)
		}
	}
	return missing
}

// orderAddressCheck says whether each order gets its own address: only a
// dual address can carry an order's note as a payment id
// (engine.OrderAddress).
func orderAddressCheck(a tari.Address) view.Check {
	if a.IsDual() {
		return view.Check{Label: "Each order has its own address", OK: true,
			Detail: "Your dual address carries each order's note as a payment id, so customers type nothing."}
	}
	return view.Check{Label: "Each order has its own address",
		Detail: "This single (spend-key only) address cannot carry a payment id, so customers must type the order's note " +
			"as the message. Set TPG_PAYMENT_WALLET_ADDRESS to the wallet's dual address (view and spend key)."}
}
