package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify"
	view "taripay/views/admin"
)

func webhooksForm() view.Form {
	return view.Form{
		ID:     "webhooks",
		Action: "/admin/setup/webhooks",
		Title:  "Register webhooks",
		Submit: "Register webhooks…",
	}
}

// webhooksEnsure subscribes the shop to taripay's webhook topics at this
// server, creating missing subscriptions and repointing moved ones.
func (h *Handler) webhooksEnsure(c *fiber.Ctx) error {
	if h.deps.Shopify == nil {
		return fiber.ErrNotFound
	}
	base := c.BaseURL()
	f := webhooksForm()
	switch c.FormValue("confirm") {
	case "yes":
	case "back":
		return render(c, view.FormView(f))
	default:
		f.Confirm = "Subscribe the shop to taripay's webhooks at " + base + "/shopify/webhook/…?"
		return render(c, view.FormView(f))
	}
	results, err := h.deps.Shopify.EnsureWebhooks(c.UserContext(), base)
	if errors.Is(err, shopify.ErrNotConfigured) {
		f.Error = "Shopify is not configured: set TPG_SHOPIFY_SHOP and open the app from Shopify admin, or set TPG_SHOPIFY_ADMIN_ACCESS_TOKEN."
		return formFail(c, statusUnconfigured, view.FormView(f))
	}
	if err != nil {
		f.Error = h.userMessage(c, err)
		return formFail(c, errorStatus(err), view.FormView(f))
	}
	var done []string
	for _, r := range results {
		if r.Action != "present" {
			done = append(done, r.Topic+" "+r.Action)
		}
	}
	h.deps.Log.Info("admin: webhooks ensured", "shop", staffOf(c).Shop, "changes", len(done), "actor", staffOf(c).Actor())
	msg := "Every webhook was already registered."
	if len(done) > 0 {
		msg = "Webhooks: " + strings.Join(done, ", ") + "."
	}
	return render(c, view.FlashView(view.Flash{Text: msg, Tone: "success"}))
}
