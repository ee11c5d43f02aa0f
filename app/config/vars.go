package config

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"taripay/app/shopify"
)

// A Var is one TPG_* variable that `taripay serve` reads: its name, the
// value it takes when unset (empty when unset means something that is not a
// value; Doc says what), and what it does.
type Var struct {
	Name    string
	Default string
	Doc     string
}

// Vars lists every variable Load reads, in the order `taripay serve --help`
// and docs/configuration.md show them. A test holds Load, this table and
// both texts in step.
func Vars() []Var {
	return []Var{
		{"TPG_HOST", DefaultHost, "address to listen on"},
		{"TPG_PORT", strconv.Itoa(DefaultPort), "port to listen on"},
		{"TPG_DATABASE_URL", DefaultDatabaseURL, "sqlite://<path> or postgres://…; the SQLite file's directory is the data directory"},
		{"TPG_MAX_CONNECTIONS", strconv.Itoa(DefaultMaxConnections), "PostgreSQL connection pool size"},
		{"TPG_JWT_SIGNING_KEY", "", "64-hex secret key that signs access tokens; unset: one is generated once and kept in <data directory>/jwt-signing-key.json (mode 0600)"},
		{"TPG_JWT_VERIFICATION_KEY", "", "64-hex public key of TPG_JWT_SIGNING_KEY; set both or neither"},
		{"TPG_PAYMENT_WALLET_ADDRESS", "", "address customers pay; unset: the one authorised hot wallet, else customers cannot pay yet"},
		{"TPG_PUBLIC_URL", "", "the server's public https origin; pay links written onto Shopify orders (taripay.pay_url) and given to the checkout extension start with it; unset, the outbox skips writing pay links (one warning at start) and the setup page says so"},
		{"TPG_SUPER_ADMIN", "", "comma-separated addresses granted super_admin at every start"},
		{"TPG_STRICT_MODE", "true", "match payments by order id only, never by the shop's order name"},
		{"TPG_USE_X_FORWARDED_FOR", "false", "take the caller's IP from X-Forwarded-For (behind a proxy of yours)"},
		{"TPG_USE_FORWARDED", "false", "take the caller's IP from Forwarded's for= (behind a proxy of yours)"},
		{"TPG_TRUSTED_PROXY_HOPS", strconv.Itoa(DefaultTrustedProxyHops), "how many proxies of yours append to that header"},
		{"TPG_MAX_CONNS_PER_IP", strconv.Itoa(DefaultMaxConnsPerIP), "connections open at once from one client address, one more is answered 429; 0: no cap; behind a proxy, its pool"},
		{"TPG_DISABLE_WALLET_WHITELIST", "false", "accept hot-wallet notifications from any IP"},
		{"TPG_DISABLE_MEMO_SIGNATURE_CHECK", "false", "accept order claims in payment memos without a signature"},
		{"TPG_UNCLAIMED_ORDER_TIMEOUT", hours(DefaultUnclaimedOrderTimeout.Hours()), "whole hours (or a Go duration) an order may stay unclaimed before it expires"},
		{"TPG_UNPAID_ORDER_TIMEOUT", hours(DefaultUnpaidOrderTimeout.Hours()), "whole hours (or a Go duration) a claimed order may stay unpaid before it expires"},
		{"TPG_EXPIRY_INTERVAL", DefaultExpiryInterval.String(), "how often expired orders are looked for"},
		{"TPG_CLAIM_LINK_SECRET", "", "keys the pay links in order emails (docs/claim-link.md); unset: the email snippet cannot link"},
		{"TPG_UNDERPAYMENT_TOLERANCE", "0", "percentage from 0 to 5 an order may be paid short; the shortfall is written off (docs/money.md)"},
		{"TPG_SHOPIFY_API_KEY", "", "the Shopify app's client id; with TPG_SHOPIFY_API_SECRET turns on the embedded admin at /admin"},
		{"TPG_SHOPIFY_API_SECRET", "", "the Shopify app's client secret; also verifies webhooks when TPG_SHOPIFY_HMAC_SECRET is unset"},
		{"TPG_SHOPIFY_SHOP", "", "the shop's <name>.myshopify.com domain; the only shop served"},
		{"TPG_SHOPIFY_ADMIN_ACCESS_TOKEN", "", "static Admin API token; with TPG_SHOPIFY_SHOP turns on Shopify side effects (mark paid, cancel, prices)"},
		{"TPG_SHOPIFY_API_BASE_URL", "", "replaces https://<shop> for Admin API calls (tests, proxies)"},
		{"TPG_SHOPIFY_API_VERSION", shopify.DefaultAPIVersion, "Admin API version"},
		{"TPG_SHOPIFY_HMAC_SECRET", "", "verifies webhook signatures; unset: TPG_SHOPIFY_API_SECRET"},
		{"TPG_SHOPIFY_HMAC_CHECKS", "true", "verify webhook signatures (only 1 or true turn it on)"},
		{"TPG_SHOPIFY_IP_WHITELIST", "", "comma-separated IPs allowed to call /shopify; unset or none: any IP"},
		{"TPG_SHOPIFY_PRICE_FIELD", string(shopify.PriceOutstanding), "order amount priced in XTR: outstanding (what is still owed), total (the reference's), subtotal or line_items"},
		{"TPG_SHOPIFY_ORDER_ID_FIELD", "id", "which Shopify field is the order id: id or name"},
		{"TPG_SHOPIFY_CAPTURE_PAYMENTS", "false", "capture card authorisations before marking an order paid"},
		{"TPG_SHOPIFY_RESTOCK", "true", "restock items when an order is cancelled"},
		{"TPG_SHOPIFY_PAYMENT_METHOD", shopify.DefaultPaymentMethod, "the manual payment method whose orders are Tari orders"},
	}
}

func hours(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// Markdown is Vars as the table in docs/configuration.md.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| variable | default | what |\n|---|---|---|\n")
	for _, v := range Vars() {
		def := ""
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", v.Name, def, strings.ReplaceAll(v.Doc, "|", `\|`))
	}
	return b.String()
}

// Help is Vars as plain text, for `taripay serve --help`.
func Help() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  VARIABLE\tDEFAULT\tWHAT")
	for _, v := range Vars() {
		fmt.Fprintf(w, "  %s\t%s\t%s\n", v.Name, v.Default, v.Doc)
	}
	_ = w.Flush() // a strings.Builder does not fail
	return b.String()
}
