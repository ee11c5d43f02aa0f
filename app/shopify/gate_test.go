package shopify

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestSignReferenceVector(t *testing.T) {
	// The reference's own vector (its body really contains "...").
	got := Sign([]byte(`{"id":5621189509332,..."source":"shopify"}`), "my_secret")
	if want := "1JKXEbaNTtaw8EyjOKhDEJL/hE/SKH1ZZADWGD36m6k="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerifyWebhook(t *testing.T) {
	body := []byte(`{"id":1}`)
	good := Sign(body, "s3cret")
	tests := []struct {
		name           string
		body           []byte
		header, secret string
		want           bool
	}{
		{"valid", body, good, "s3cret", true},
		{"wrong secret", body, good, "other", false},
		{"flipped byte", []byte(`{"id":2}`), good, "s3cret", false},
		{"missing header", body, "", "s3cret", false},
		{"not base64", body, "!!", "s3cret", false},
		{"empty secret", body, Sign(body, ""), "", false},
	}
	for _, tt := range tests {
		if got := VerifyWebhook(tt.body, tt.header, tt.secret); got != tt.want {
			t.Errorf("%s: VerifyWebhook = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestGate(t *testing.T) {
	body := `{"id":1}`
	localhost := netip.MustParseAddr("127.0.0.1")
	tests := []struct {
		name      string
		cfg       Config
		hmac      string
		forwarded string
		want      int
	}{
		{"valid", Config{HMACChecks: true, HMACSecret: "k"}, Sign([]byte(body), "k"), "", 200},
		{"missing hmac", Config{HMACChecks: true, HMACSecret: "k"}, "", "", 401},
		{"bad hmac", Config{HMACChecks: true, HMACSecret: "k"}, Sign([]byte(body), "x"), "", 401},
		{"checks off", Config{HMACSecret: "k"}, "", "", 200},
		{"whitelisted", Config{HMACChecks: true, HMACSecret: "k", IPWhitelist: []netip.Addr{localhost}}, Sign([]byte(body), "k"), "", 200},
		{"not whitelisted", Config{HMACChecks: true, HMACSecret: "k", IPWhitelist: []netip.Addr{netip.MustParseAddr("10.0.0.1")}}, Sign([]byte(body), "k"), "", 403},
		{"empty whitelist", Config{IPWhitelist: []netip.Addr{}}, "", "", 403},
		{"forwarded ip", Config{IPWhitelist: []netip.Addr{netip.MustParseAddr("10.0.0.1")}}, "", "10.0.0.1", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			remote := func(c *fiber.Ctx) (netip.Addr, bool) {
				if f := c.Get("X-Forwarded-For"); f != "" {
					ip, err := netip.ParseAddr(f)
					return ip, err == nil
				}
				return localhost, true
			}
			reached := false
			app := fiber.New()
			app.Use("/shopify", Gate(tt.cfg, remote, slog.New(slog.DiscardHandler)))
			app.Post("/shopify/webhook/no_op", func(c *fiber.Ctx) error { reached = true; return nil })
			req := httptest.NewRequest(http.MethodPost, "/shopify/webhook/no_op", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if tt.hmac != "" {
				req.Header.Set("X-Shopify-Hmac-Sha256", tt.hmac)
			}
			if tt.forwarded != "" {
				req.Header.Set("X-Forwarded-For", tt.forwarded)
			}
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want {
				t.Fatalf("status = %d (%s), want %d", resp.StatusCode, b, tt.want)
			}
			if reached != (tt.want == 200) {
				t.Errorf("handler reached = %v with status %d", reached, tt.want)
			}
			if tt.want != 200 && !strings.Contains(resp.Header.Get("Content-Type"), "json") {
				t.Errorf("error body is %q, not JSON", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	c, err := LoadConfig(env(map[string]string{
		"TPG_SHOPIFY_SHOP": "Test-Shop.myshopify.com", "TPG_SHOPIFY_API_SECRET": "s",
		"TPG_SHOPIFY_PRICE_FIELD": "LINE", "TPG_SHOPIFY_IP_WHITELIST": "1.2.3.4, 5.6.7.8",
		"TPG_SHOPIFY_CAPTURE_PAYMENTS": "yes", "TPG_SHOPIFY_RESTOCK": "off",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Shop != "test-shop.myshopify.com" || c.HMACSecret != "s" || !c.HMACChecks || c.PriceField != PriceLineItems ||
		len(c.IPWhitelist) != 1 || !c.CapturePayments || c.Restock || c.APIVersion != DefaultAPIVersion || c.PaymentMethod != "Tari" {
		t.Errorf("config = %+v", c)
	}
	for _, tt := range []struct {
		env  string
		want PriceField
	}{
		{"", PriceOutstanding}, {"outstanding", PriceOutstanding}, {"total", PriceTotal}, {"Subtotal", PriceSubtotal},
		{"line_items", PriceLineItems}, {"something else", PriceTotal},
	} {
		c, err := LoadConfig(env(map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "s", "TPG_SHOPIFY_PRICE_FIELD": tt.env}))
		if err != nil || c.PriceField != tt.want {
			t.Errorf("TPG_SHOPIFY_PRICE_FIELD=%q: price field %q, %v; want %q", tt.env, c.PriceField, err, tt.want)
		}
	}
	for _, shop := range []string{"evil.example/?x=myshopify.com", "a.myshopify.com.evil.io", "-a.myshopify.com", "a_b.myshopify.com"} {
		if _, err := LoadConfig(env(map[string]string{"TPG_SHOPIFY_SHOP": shop, "TPG_SHOPIFY_HMAC_SECRET": "s"})); err == nil {
			t.Errorf("accepted shop %q", shop)
		}
	}
	if _, err := LoadConfig(env(map[string]string{})); err == nil {
		t.Error("accepted HMAC checks with an empty secret")
	}
	c, err = LoadConfig(env(map[string]string{"TPG_SHOPIFY_HMAC_CHECKS": "yes", "TPG_SHOPIFY_IP_WHITELIST": ""}))
	if err != nil || c.HMACChecks || c.IPWhitelist == nil || len(c.IPWhitelist) != 0 {
		t.Errorf("HMAC_CHECKS=yes must disable and an empty whitelist block all: %+v, %v", c, err)
	}
}
