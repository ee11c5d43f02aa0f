package shopify

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"taripay/app/shopify/adminapi"
)

// DefaultAPIVersion is the Admin API version used for outbound calls and
// declared in shopify.app.toml; keep the two in step.
const DefaultAPIVersion = "2026-10"

// PriceField selects which order total is converted to µT (TPG_SHOPIFY_PRICE_FIELD).
type PriceField string

const (
	// PriceOutstanding, the default, bills what the customer still owes
	// after a gift card or store credit (docs/design.md, "Tari pays what is
	// still owed").
	PriceOutstanding PriceField = "outstanding"
	PriceTotal       PriceField = "total"
	PriceSubtotal    PriceField = "subtotal"
	PriceLineItems   PriceField = "line_items"
)

// Config is the Shopify part of taripay's configuration, parsed once at start.
type Config struct {
	Shop        string // validated myshopify domain, or "" when unset
	APIBaseURL  string // TPG_SHOPIFY_API_BASE_URL: replaces https://{Shop}
	APIVersion  string
	AccessToken string // static X-Shopify-Access-Token (TPG_SHOPIFY_ADMIN_ACCESS_TOKEN)

	HMACSecret string // TPG_SHOPIFY_HMAC_SECRET, else TPG_SHOPIFY_API_SECRET
	HMACChecks bool   // TPG_SHOPIFY_HMAC_CHECKS (docs/api.md, "Shopify webhooks")
	// IPWhitelist is nil when the check is off; an empty, non-nil list
	// refuses every caller (docs/api.md, "Shopify webhooks").
	IPWhitelist []netip.Addr

	PriceField      PriceField
	CapturePayments bool // TPG_SHOPIFY_CAPTURE_PAYMENTS
	Restock         bool // TPG_SHOPIFY_RESTOCK (default true): restock on cancel
	// PaymentMethod is TPG_SHOPIFY_PAYMENT_METHOD (default "Tari"): only
	// orders paid with it become Tari orders.
	PaymentMethod PaymentMethod
}

// reachable reports whether there is a shop to call.
func (c Config) reachable() bool { return c.Shop != "" || c.APIBaseURL != "" }

// AdminAPI is where and how the Admin API client reaches the shop.
func (c Config) AdminAPI() adminapi.Config {
	return adminapi.Config{Shop: c.Shop, APIBaseURL: c.APIBaseURL, APIVersion: c.APIVersion, AccessToken: c.AccessToken}
}

// LoadConfig reads the TPG_SHOPIFY_* variables with the reference's
// semantics, plus TPG_SHOPIFY_API_BASE_URL,
// TPG_SHOPIFY_RESTOCK and TPG_SHOPIFY_PAYMENT_METHOD;
// TPG_SHOPIFY_ORDER_ID_FIELD is an engine rule, read
// by app/config. lookupEnv is os.LookupEnv or a test map: an empty IP
// whitelist differs from an unset one.
func LoadConfig(lookupEnv func(string) (string, bool)) (Config, error) {
	getenv := func(k string) string { v, _ := lookupEnv(k); return v }
	c := Config{
		APIBaseURL:    strings.TrimRight(strings.TrimSpace(getenv("TPG_SHOPIFY_API_BASE_URL")), "/"),
		APIVersion:    strings.TrimSpace(getenv("TPG_SHOPIFY_API_VERSION")),
		AccessToken:   strings.TrimSpace(getenv("TPG_SHOPIFY_ADMIN_ACCESS_TOKEN")),
		HMACSecret:    getenv("TPG_SHOPIFY_HMAC_SECRET"),
		PriceField:    PriceOutstanding,
		Restock:       true,
		PaymentMethod: PaymentMethod(strings.TrimSpace(getenv("TPG_SHOPIFY_PAYMENT_METHOD"))),
	}
	if c.PaymentMethod == "" {
		c.PaymentMethod = DefaultPaymentMethod
	}
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	if c.HMACSecret == "" {
		c.HMACSecret = getenv("TPG_SHOPIFY_API_SECRET")
	}
	if shop := getenv("TPG_SHOPIFY_SHOP"); shop != "" {
		s, err := adminapi.ValidateShop(shop)
		if err != nil {
			return Config{}, fmt.Errorf("TPG_SHOPIFY_SHOP: %w", err)
		}
		c.Shop = s
	}
	// Only unset, "1" or "true" turn HMAC checks on (docs/api.md, "Shopify webhooks").
	switch v, set := lookupEnv("TPG_SHOPIFY_HMAC_CHECKS"); {
	case !set, v == "1", v == "true":
		c.HMACChecks = true
	}
	if v, ok := lookupEnv("TPG_SHOPIFY_IP_WHITELIST"); ok {
		c.IPWhitelist = ParseIPWhitelist(v)
	}
	// Unset (or "outstanding") bills the outstanding amount; any other
	// value the reference did not know is its total.
	switch strings.ToLower(strings.TrimSpace(getenv("TPG_SHOPIFY_PRICE_FIELD"))) {
	case "", "outstanding":
	case "subtotal":
		c.PriceField = PriceSubtotal
	case "line_items", "line":
		c.PriceField = PriceLineItems
	default:
		c.PriceField = PriceTotal
	}
	c.CapturePayments = flag(getenv("TPG_SHOPIFY_CAPTURE_PAYMENTS"), false)
	c.Restock = flag(getenv("TPG_SHOPIFY_RESTOCK"), true)
	if c.HMACChecks && c.HMACSecret == "" {
		return Config{}, errors.New("TPG_SHOPIFY_HMAC_SECRET (or TPG_SHOPIFY_API_SECRET) is empty: anyone could forge webhooks; set it or TPG_SHOPIFY_HMAC_CHECKS=0")
	}
	return c, nil
}

// ParseIPWhitelist parses TPG_SHOPIFY_IP_WHITELIST: "none", "false" or "0"
// turn the check off (nil); otherwise a comma list of IP literals, untrimmed
// as in the reference, with unparseable entries dropped.
func ParseIPWhitelist(v string) []netip.Addr {
	switch strings.ToLower(v) {
	case "none", "false", "0":
		return nil
	}
	ips := []netip.Addr{}
	for _, s := range strings.Split(v, ",") {
		if ip, err := netip.ParseAddr(s); err == nil {
			ips = append(ips, ip.Unmap())
		}
	}
	return ips
}

// flag parses the boolean syntax of docs/api.md, "Configuration".
func flag(v string, def bool) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return def
}
