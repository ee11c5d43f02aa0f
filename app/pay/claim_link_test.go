package pay

import (
	"net/http"
	"strings"
	"testing"

	"taripay/engine"
)

func TestEmailLink(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "5714720719169", engine.OrderUnclaimed)}}
	app, _ := testHandler(t, f)
	secret := []byte("link-secret")

	resp, _ := get(t, app, "/pay/order/5714720719169/"+LinkMAC(secret, "5714720719169"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/pay/"+tokenA {
		t.Errorf("valid link: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{
		"/pay/order/5714720719169/" + LinkMAC([]byte("other"), "5714720719169"),
		"/pay/order/5714720719168/" + LinkMAC(secret, "5714720719169"),
		"/pay/order/5714720719169/x",
	} {
		if resp, _ := get(t, app, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
	// The email can beat the orders/create webhook: wait for the order.
	resp, body := get(t, app, "/pay/order/42/"+LinkMAC(secret, "42"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `http-equiv="refresh"`) {
		t.Errorf("order not yet known: status %d:\n%s", resp.StatusCode, body)
	}
}

// LinkMAC must match Liquid's hmac_sha256 (lowercase hex HMAC-SHA256).
func TestLinkMACVector(t *testing.T) {
	// The example of shopify.dev/docs/api/liquid/filters/hmac_sha256.
	if got := LinkMAC([]byte("Polina"), "Polyjuice"); got != "8e0d5d65cff1242a4af66c8f4a32854fd5fb80edcc8aabe9b302b29c7c71dc20" {
		t.Errorf("LinkMAC = %s", got)
	}
}

func TestEmailSnippet(t *testing.T) {
	tests := []struct {
		method, compare string
	}{
		{"Tari", `taripay_gateway == "tari"`},
		{" Tari Payment Server ", `taripay_gateway == "tari payment server"`},
	}
	for _, tt := range tests {
		s := EmailSnippet("https://pay.example.com/", []byte("abc123"), tt.method)
		for _, want := range []string{
			`hmac_sha256: "abc123"`,
			`href="https://pay.example.com/pay/order/{{ taripay_order_id }}/{{ taripay_mac }}"`,
			`{{ order_name }}`,
			// Only orders paid with taripay's payment method get the link
			// (shopify.dev/docs/api/liquid/objects/transaction: gateway).
			`{%- for transaction in transactions -%}`,
			`{%- assign taripay_gateway = transaction.gateway | strip | downcase -%}`,
			tt.compare,
		} {
			if !strings.Contains(s, want) {
				t.Errorf("snippet lacks %q:\n%s", want, s)
			}
		}
		// The link, and the MAC it needs, sit inside the gateway check.
		open, link, end := strings.Index(s, `{%- if taripay_order -%}`), strings.Index(s, `hmac_sha256`), strings.LastIndex(s, `{%- endif -%}`)
		if open < 0 || !(open < link && link < strings.Index(s, "<a href") && strings.Index(s, "</p>") < end) || strings.TrimSpace(s[end:]) != `{%- endif -%}` {
			t.Errorf("the link is not guarded by the gateway check:\n%s", s)
		}
		for _, pair := range [][2]string{{"{%- for ", "{%- endfor -%}"}, {"{%- if ", "{%- endif -%}"}} {
			if strings.Count(s, pair[0]) != strings.Count(s, pair[1]) {
				t.Errorf("unbalanced %s … %s:\n%s", pair[0], pair[1], s)
			}
		}
	}
}

func TestEmailSnippetWithoutSecret(t *testing.T) {
	s := EmailSnippet("https://pay.example.com", nil, "Tari")
	if strings.Contains(s, "href") || !strings.Contains(s, "TPG_CLAIM_LINK_SECRET") {
		t.Errorf("snippet without a secret: %s", s)
	}
}
