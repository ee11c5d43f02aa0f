package shopify

import "testing"

func TestTariOrder(t *testing.T) {
	tests := []struct {
		name     string
		method   PaymentMethod
		gateways []string
		want     bool
	}{
		{"the default name", DefaultPaymentMethod, []string{"Tari"}, true},
		{"another case", DefaultPaymentMethod, []string{"TARI"}, true},
		{"spaces around", DefaultPaymentMethod, []string{" tari "}, true},
		{"one of several", DefaultPaymentMethod, []string{"gift_card", "Tari"}, true},
		{"a card", DefaultPaymentMethod, []string{"shopify_payments"}, false},
		{"cash on delivery", DefaultPaymentMethod, []string{"Cash on Delivery (COD)"}, false},
		{"several, none Tari", DefaultPaymentMethod, []string{"gift_card", "shopify_payments"}, false},
		{"no gateway", DefaultPaymentMethod, []string{}, false},
		{"no gateway list", DefaultPaymentMethod, nil, false},
		{"an empty name", DefaultPaymentMethod, []string{""}, false},
		{"a longer name", DefaultPaymentMethod, []string{"Tari Payment Server"}, false},
		{"a name holding tari", DefaultPaymentMethod, []string{"Guitarist Bank Transfer"}, false},
		{"the configured name", "Tari Payment Server", []string{"tari payment server"}, true},
		{"the default under another name", "Tari Payment Server", []string{"Tari"}, false},
		{"configured with spaces", " Pay with Tari (XTR) ", []string{"Pay with Tari (XTR)"}, true},
		{"no method configured", "", []string{""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{PaymentMethod: tt.method}
			if got := c.TariOrder(Order{ID: "1", PaymentGatewayNames: tt.gateways}); got != tt.want {
				t.Errorf("TariOrder(%q) with method %q = %v, want %v", tt.gateways, tt.method, got, tt.want)
			}
		})
	}
}

func TestPaymentMethodSetting(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	for set, want := range map[string]PaymentMethod{"": "Tari", "  ": "Tari", " Tari Payment Server ": "Tari Payment Server"} {
		c, err := LoadConfig(env(map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "s", "TPG_SHOPIFY_PAYMENT_METHOD": set}))
		if err != nil || c.PaymentMethod != want {
			t.Errorf("TPG_SHOPIFY_PAYMENT_METHOD=%q: %q, %v; want %q", set, c.PaymentMethod, err, want)
		}
	}
}
