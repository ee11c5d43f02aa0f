package app

import (
	"net/http"
	"testing"

	"taripay/app/shopify"
)

// TestShopifyGate checks that the route table mounts the webhooks behind the
// Shopify package's gate: the HMAC over the raw body, then the IP whitelist.
func TestShopifyGate(t *testing.T) {
	const secret = "my_secret"
	body := `{"id":1}`
	tests := []struct {
		name      string
		whitelist string
		forwarded string // X-Forwarded-For, with TPG_USE_X_FORWARDED_FOR on
		path      string
		hmac      string
		want      int
	}{
		{"signed", "", "", "/shopify/webhook/no_op", shopify.Sign([]byte(body), secret), 200},
		{"no HMAC", "", "", "/shopify/webhook/no_op", "", 401},
		{"bad HMAC", "", "", "/shopify/webhook/no_op", shopify.Sign([]byte(body), "other"), 401},
		{"health needs an HMAC too", "", "", "/shopify/health", "", 401},
		{"forbidden peer", "10.0.0.5", "", "/shopify/webhook/no_op", shopify.Sign([]byte(body), secret), 403},
		{"allowed peer", "127.0.0.1", "", "/shopify/webhook/no_op", shopify.Sign([]byte(body), secret), 200},
		{"allowed peer behind our proxy", "10.0.0.5", "1.2.3.4, 10.0.0.5", "/shopify/webhook/no_op", shopify.Sign([]byte(body), secret), 200},
		{"an allowed IP written by the client", "10.0.0.5", "10.0.0.5, 1.2.3.4", "/shopify/webhook/no_op", shopify.Sign([]byte(body), secret), 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"TPG_SHOPIFY_HMAC_SECRET": secret, "TPG_USE_X_FORWARDED_FOR": "false"}
			if tt.whitelist != "" {
				env["TPG_SHOPIFY_IP_WHITELIST"] = tt.whitelist
			}
			headers := []string{"X-Shopify-Hmac-Sha256", tt.hmac}
			if tt.forwarded != "" {
				env["TPG_USE_X_FORWARDED_FOR"] = "true"
				headers = append(headers, "X-Forwarded-For", tt.forwarded)
			}
			h := newHarness(t, env)
			method, b := http.MethodPost, any(body)
			if tt.path == "/shopify/health" {
				method, b = http.MethodGet, nil
			}
			r := h.do(method, tt.path, b, headers...)
			if r.status != tt.want {
				t.Errorf("%d %s, want %d", r.status, r.body, tt.want)
			}
		})
	}
	// Without Shopify settings the webhooks are not served at all.
	if r := newHarness(t, nil).do(http.MethodPost, "/shopify/webhook/no_op", body); r.status != 404 {
		t.Errorf("no Shopify settings: %d %s", r.status, r.body)
	}
}
