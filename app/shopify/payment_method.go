package shopify

import (
	"slices"
	"strings"
)

// DefaultPaymentMethod is the name of taripay's manual payment method in
// Shopify when TPG_SHOPIFY_PAYMENT_METHOD is unset.
const DefaultPaymentMethod = "Tari"

// PaymentMethod is the name the merchant gave taripay's manual payment
// method in Shopify (Settings → Payments → Manual payment methods). Shopify
// lists it among an order's payment gateway names (payment_gateway_names in
// webhooks, paymentGatewayNames in GraphQL) when the customer chose it.
type PaymentMethod string

// Is reports whether gateway names this payment method: the same name once
// trimmed, ignoring case. Never a substring, so that a gateway whose name
// merely contains "tari" is not taken for it. An empty method matches nothing.
func (m PaymentMethod) Is(gateway string) bool {
	name := strings.TrimSpace(string(m))
	return name != "" && strings.EqualFold(strings.TrimSpace(gateway), name)
}

// In reports whether one of gateways is this payment method.
func (m PaymentMethod) In(gateways []string) bool {
	return slices.ContainsFunc(gateways, m.Is)
}

// TariOrder reports whether a Shopify order is a Tari order: one of its
// payment gateways is taripay's payment method. Every path that turns a
// Shopify order into an engine order asks this; any other order (a card,
// cash on delivery, a bank transfer) is left to Shopify.
func (c Config) TariOrder(o Order) bool { return c.PaymentMethod.In(o.PaymentGatewayNames) }

// gatewayList writes an order's payment gateways for replies, logs and
// refusals.
func gatewayList(gateways []string) string {
	if len(gateways) == 0 {
		return "none"
	}
	return strings.Join(gateways, ", ")
}
