package admin

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify"
	"taripay/app/shopify/adminapi"
	"taripay/app/xtr"
	"taripay/engine"
	"taripay/engine/tari"
	view "taripay/views/admin"
)

type setupService interface {
	PaymentAddress(ctx context.Context) (tari.Address, error)
	PaymentAddressConfigured() bool
}

// setupShow is the setup checklist: the Shopify connection and its scopes,
// webhooks, a hot wallet, the address customers pay, an exchange rate, and
// the order-email snippet to copy. Each row says what it checked: a live
// Admin API call, the database, or nothing ("Not checked").
func (h *Handler) setupShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	checks := append(h.shopifyChecks(c), h.payLinkCheck())

	wallets, err := h.deps.Engine.Wallets(ctx)
	if err != nil {
		return err
	}
	wallet := view.Check{Label: "A hot wallet is authorised", Detail: "Authorise one under Hot wallets."}
	if len(wallets) > 0 {
		wallet.OK = true
		wallet.Detail = plural(len(wallets), "wallet") + "; last seen " + whenPtr(wallets[0].LastSeen)
	}
	checks = append(checks, wallet, h.notifiedCheck(wallets))

	payTo := view.Check{Label: "Customers have an address to pay"}
	a, err := h.deps.Engine.PaymentAddress(ctx)
	switch {
	case errors.Is(err, engine.ErrNoPaymentAddress): // pay pages and claims refuse until fixed
		payTo.Blocking, payTo.Detail = true, err.Error()
	case err != nil:
		return err
	default:
		payTo.OK, payTo.Detail = true, a.Base58()+" (from "+paymentAddressSource(h.deps.Engine)+")"
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
		var each []string
		for _, r := range rates {
			each = append(each, "1 "+r.Currency+" = "+xtr.Format(r.Rate)+", set "+ago(h.deps.Now().Sub(r.UpdatedAt)))
		}
		rate.OK, rate.Detail = true, strings.Join(each, "; ")
	}
	checks = append(checks, rate)

	p := view.SetupPage{Layout: h.layout(c, "Setup", "setup"), Checks: checks}
	for _, ch := range checks {
		if ch.Register {
			f := webhooksForm()
			p.Register = &f
		}
	}
	if h.deps.Snippet != nil {
		p.Snippet = h.deps.Snippet(c.BaseURL())
	}
	return render(c, view.SetupView(p))
}

// shopifyChecks are the rows that ask Shopify, live: the connection (one
// cheap Admin API call), the scopes it grants, and the webhooks registered
// and pointing at this server, and whether the order pages render app
// extensions. Without an Admin API client they say they
// were not checked.
func (h *Handler) shopifyChecks(c *fiber.Ctx) []view.Check {
	ctx := c.UserContext()
	st := staffOf(c)
	conn := view.Check{Label: "Shopify connection"}
	scopes := view.Check{Label: "Access scopes granted"}
	hooks := view.Check{Label: "Webhooks registered"}
	if h.deps.Shopify == nil {
		notChecked := "Not checked: no Admin API client is configured."
		pages := view.Check{Label: orderPagesLabel}
		arrived := view.Check{Label: "Webhooks arrive"}
		customers := view.Check{Label: "Orders arrive with their customer"}
		for _, ch := range []*view.Check{&conn, &scopes, &hooks, &pages, &arrived, &customers} {
			ch.Unchecked, ch.Detail = true, notChecked
		}
		return []view.Check{conn, scopes, hooks, pages, arrived, customers}
	}
	how := ""
	if h.deps.Install != nil {
		status, err := h.deps.Install.Status(ctx, st.Shop)
		switch {
		case err != nil:
			conn.Detail = h.userMessage(c, err)
		case status.Mode == "":
			conn.Detail = "No Admin API token yet: open the app from Shopify admin."
		default:
			how = " by " + status.Mode
		}
	}
	if conn.Detail == "" {
		live, err := h.deps.Shopify.Connection(ctx)
		switch {
		case errors.Is(err, shopify.ErrNotConfigured):
			conn.Unchecked, conn.Detail = true, "Not checked: no Admin API client is configured."
		case err != nil:
			conn.Blocking, conn.Detail = true, "Shopify did not answer: "+adminapi.Cause(err)
		default:
			conn.OK, conn.Detail = true, "Connected to "+live.Name+" ("+st.Shop+")"+how+"."
			if missing := live.MissingScopes(); len(missing) > 0 {
				scopes.Blocking, scopes.Detail = true, "Not granted: "+strings.Join(missing, ", ")+
					". shopify.app.toml asks for them: deploy it (shopify app deploy), then open the app from Shopify admin to approve them."
			} else {
				scopes.OK, scopes.Detail = true, "All "+plural(len(adminapi.Scopes), "scope")+" that shopify.app.toml asks for."
			}
		}
	}
	if !scopes.OK && !scopes.Blocking {
		scopes.Unchecked, scopes.Detail = true, "Not checked: the connection did not work."
	}

	subs, err := h.deps.Shopify.Subscriptions(ctx)
	switch missing := missingTopics(subs, c.BaseURL()); {
	case errors.Is(err, shopify.ErrNotConfigured):
		hooks.Unchecked, hooks.Detail = true, "Not checked: no Admin API client is configured."
	case err != nil:
		hooks.Detail = "Could not ask Shopify: " + adminapi.Cause(err)
	case len(missing) > 0:
		hooks.Detail = strings.Join(missing, "; ")
		hooks.Register = true
	default:
		hooks.OK, hooks.Detail = true, plural(len(subs), "subscription")+", each pointing at "+c.BaseURL()+"."
	}
	return append([]view.Check{conn, scopes, hooks, h.orderPagesCheck(c)}, h.deliveryChecks(c)...)
}

const orderPagesLabel = "The order pages show the Pay with Tari block"

// orderPagesCheck asks Shopify whether the published checkout profile's
// Thank-you and Order status pages render app extensions, where taripay's
// block shows the customer how to pay, and links to the checkout editor.
func (h *Handler) orderPagesCheck(c *fiber.Ctx) view.Check {
	ch := view.Check{Label: orderPagesLabel}
	ok, err := h.deps.Shopify.OrderPagesExtensible(c.UserContext())
	switch {
	case errors.Is(err, shopify.ErrNotConfigured):
		ch.Unchecked, ch.Detail = true, "Not checked: no Admin API client is configured."
		return ch
	case err != nil:
		ch.Detail = "Could not ask Shopify: " + adminapi.Cause(err)
		return ch
	case ok:
		ch.OK, ch.Detail = true, "The Thank-you and Order status pages render app extensions. "+
			"Check in the checkout editor that the Pay with Tari block is placed on both."
	default:
		ch.Blocking, ch.Detail = true, "The published checkout's Thank-you and Order status pages do not render app extensions, "+
			"so customers do not see how to pay. In the checkout editor, upgrade both pages and place the Pay with Tari block on each, then publish."
	}
	ch.Link = "https://admin.shopify.com/store/" + strings.TrimSuffix(staffOf(c).Shop, ".myshopify.com") + "/settings/checkout/editor"
	ch.LinkText = "Open the checkout editor"
	return ch
}

// deliveryChecks read the stored deliveries: when the last webhook arrived,
// and whether the latest orders came with their customer, which Shopify
// withholds from apps without protected customer data access.
func (h *Handler) deliveryChecks(c *fiber.Ctx) []view.Check {
	arrived := view.Check{Label: "Webhooks arrive"}
	customers := view.Check{Label: "Orders arrive with their customer"}
	a, err := h.deps.Shopify.WebhookActivity(c.UserContext(), staffOf(c).Shop)
	if err != nil {
		msg := "Could not read the deliveries: " + h.userMessage(c, err)
		arrived.Detail, customers.Detail = msg, msg
		return []view.Check{arrived, customers}
	}
	if a.LastAt == nil {
		arrived.Detail = "No webhook has arrived yet: place a test order in the shop."
	} else {
		arrived.OK, arrived.Detail = true, "The last one arrived "+when(*a.LastAt)+" ("+ago(h.deps.Now().Sub(*a.LastAt))+")."
	}
	switch {
	case a.RecentOrders == 0:
		customers.Unchecked, customers.Detail = true, "Not checked: no order has arrived yet."
	case a.WithoutCustomer > 0:
		customers.Blocking = true
		customers.Detail = strconv.Itoa(a.WithoutCustomer) + " of the last " + plural(a.RecentOrders, "order") +
			" arrived without a customer, so taripay cannot link them to the customer's account. Request protected customer data " +
			"access (customer name and email) in the Partner Dashboard: Apps → taripay → API access → Protected customer data access."
	default:
		customers.OK, customers.Detail = true, "Each of the last "+plural(a.RecentOrders, "order")+" named its customer."
	}
	return []view.Check{arrived, customers}
}

// payLinkCheck says whether the outbox writes each order's pay link into its
// taripay.pay_url metafield: it needs TPG_PUBLIC_URL, and skips it without.
func (h *Handler) payLinkCheck() view.Check {
	if h.cfg.PublicURL == "" {
		return view.Check{Label: "Pay link on orders",
			Detail: "Set TPG_PUBLIC_URL to write each order's pay link into its taripay.pay_url metafield, for notifications, Flow and order printers."}
	}
	return view.Check{Label: "Pay link on orders", OK: true,
		Detail: "Each new order's pay link, " + strings.TrimSuffix(h.cfg.PublicURL, "/") + "/pay/…, is written into its taripay.pay_url metafield."}
}

// notifiedCheck says when a hot wallet last notified taripay.
func (h *Handler) notifiedCheck(wallets []engine.Wallet) view.Check {
	ch := view.Check{Label: "Wallet notifications arrive", Detail: "No hot wallet has notified taripay yet."}
	var last *time.Time
	for _, w := range wallets {
		if w.LastSeen != nil && (last == nil || w.LastSeen.After(*last)) {
			last = w.LastSeen
		}
	}
	if last != nil {
		ch.OK, ch.Detail = true, "The last one arrived "+when(*last)+" ("+ago(h.deps.Now().Sub(*last))+")."
	}
	return ch
}

// paymentAddressSource says where the address customers pay comes from.
func paymentAddressSource(e setupService) string {
	if e.PaymentAddressConfigured() {
		return "the configuration: TPG_PAYMENT_WALLET_ADDRESS"
	}
	return "the one authorised hot wallet, as TPG_PAYMENT_WALLET_ADDRESS is not set"
}

// ago is a duration in words, for the age of a rate: "just now", "5 minutes
// ago", "3 hours ago", "2 days ago".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return plural(int(d/(24*time.Hour)), "day") + " ago"
}

// missingTopics lists the webhook topics taripay handles that have no
// subscription, or one that points elsewhere than this server at base.
// Compliance topics come from shopify.app.toml, not the API.
func missingTopics(subs []adminapi.Subscription, base string) []string {
	have := map[string]string{}
	for _, s := range subs {
		have[s.Topic] = s.CallbackURL
	}
	var missing, elsewhere []string
	for _, t := range shopify.Topics {
		if strings.HasPrefix(t, "customers/") || t == "shop/redact" {
			continue
		}
		switch url, ok := have[shopify.TopicEnum(t)]; {
		case !ok:
			missing = append(missing, t)
		case url != strings.TrimRight(base, "/")+"/shopify/webhook/"+t:
			elsewhere = append(elsewhere, t+" to "+url)
		}
	}
	var out []string
	if len(missing) > 0 {
		out = append(out, "Missing: "+strings.Join(missing, ", "))
	}
	if len(elsewhere) > 0 {
		out = append(out, "Pointing elsewhere: "+strings.Join(elsewhere, ", "))
	}
	return out
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
