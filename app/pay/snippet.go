package pay

import (
	"strings"
)

// EmailSnippet is the Liquid to paste into Shopify's order confirmation
// email (Settings → Notifications → Order confirmation). It links to
// EmailLink on baseURL (the server's public https URL), and only on orders
// paid with paymentMethod, taripay's manual payment method: one of the
// order's transactions has it as gateway, compared as the server does
// (trimmed, ignoring case). The admin setup checklist shows it with the
// shop's values filled in. Without a link secret the links cannot work, so
// the snippet says what to set instead.
func EmailSnippet(baseURL string, linkSecret []byte, paymentMethod string) string {
	if len(linkSecret) == 0 {
		return "{% comment %} taripay: set TPG_CLAIM_LINK_SECRET on the server first; the payment link is signed with it. {% endcomment %}\n"
	}
	r := strings.NewReplacer(
		"{BASE}", strings.TrimSuffix(baseURL, "/"),
		"{SECRET}", liquidString(string(linkSecret)),
		"{METHOD}", liquidString(strings.ToLower(strings.TrimSpace(paymentMethod))),
	)
	return r.Replace(emailSnippet)
}

// Liquid filters cannot be applied inside a condition, hence the assign per
// transaction.
const emailSnippet = `{%- comment -%} taripay: link to the Tari claim-and-pay page, on orders paid with Tari only {%- endcomment -%}
{%- assign taripay_order = false -%}
{%- for transaction in transactions -%}
  {%- assign taripay_gateway = transaction.gateway | strip | downcase -%}
  {%- if taripay_gateway == {METHOD} -%}{%- assign taripay_order = true -%}{%- endif -%}
{%- endfor -%}
{%- if taripay_order -%}
{%- capture taripay_order_id -%}{{ id }}{%- endcapture -%}
{%- assign taripay_mac = taripay_order_id | hmac_sha256: {SECRET} -%}
<p style="margin:16px 0">
  <a href="{BASE}/pay/order/{{ taripay_order_id }}/{{ taripay_mac }}"
     style="display:inline-block;padding:12px 20px;border-radius:8px;background:#303030;color:#ffffff;text-decoration:none">
    Pay for order {{ order_name }} with Tari
  </a>
</p>
<p style="margin:0 0 16px;color:#616161">The page shows the amount in XTR, the shop's Tari address and a QR code, and how to claim your order.</p>
{%- endif -%}
`

// liquidString quotes s for Liquid. Liquid strings have no escapes, so the
// quote that s does not contain is used; link secrets are hex in practice.
func liquidString(s string) string {
	if strings.Contains(s, `"`) {
		return "'" + s + "'"
	}
	return `"` + s + `"`
}
