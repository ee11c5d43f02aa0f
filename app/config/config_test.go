package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const (
	alice   = "14wqR3rjyVbjgXDyLVaL97p3CksHc84cz9hLLMMTMYDjtBt"
	hot     = "14z3iHvgokZcXmokAYQKveeJ4rMqSGtPahrC2CPvx63UQmG"
	jwtSK   = "ea18b1153296a70ab6cf0c9a1c3a0ed9dfe458cacf38b80ee8cf4f6ac918b804"
	jwtPK   = "36dc19141be30e9502693d2605a2118d731acc51711ea064adb2771d7209d554"
	otherPK = "10c2e78e1bbbe58779eade51cf6d66f26288d934e9eda26fb20c8bcb88825d2a"
)

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "127.0.0.1" || c.Port != 8360 || c.DatabaseURL != "sqlite://data/taripay.db" || c.MaxConnections != 25 {
		t.Errorf("listen/db defaults: %+v", c)
	}
	// No payment address by default, not the reference's developers' address.
	if c.JWTKeys != nil || !c.PaymentWallet.IsZero() || !c.Engine().PaymentAddress.IsZero() || !c.StrictMode {
		t.Errorf("keys/wallet/strict defaults: %+v", c)
	}
	if c.UseXForwardedFor || c.UseForwarded || c.TrustedProxyHops != 1 || c.MaxConnsPerIP != 64 || c.DisableWalletWhitelist || c.DisableMemoSignatureCheck || c.OrderIDFieldName {
		t.Errorf("flag defaults: %+v", c)
	}
	if c.UnclaimedOrderTimeout != 2*time.Hour || c.UnpaidOrderTimeout != 48*time.Hour || c.ExpiryInterval != time.Minute {
		t.Errorf("timing defaults: %+v", c)
	}
	if len(c.SuperAdmins) != 0 || c.Addr() != "127.0.0.1:8360" {
		t.Errorf("admins/addr: %+v %s", c.SuperAdmins, c.Addr())
	}
}

func TestLoadValues(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(Config) bool
	}{
		{"port", map[string]string{"TPG_PORT": " 9000 "}, func(c Config) bool { return c.Port == 9000 }},
		{"ipv6 host", map[string]string{"TPG_HOST": "::1", "TPG_PORT": "1"}, func(c Config) bool { return c.Addr() == "[::1]:1" }},
		{"postgres", map[string]string{"TPG_DATABASE_URL": "postgres://postgres@127.0.0.1/test"}, func(c Config) bool { return c.DatabaseURL == "postgres://postgres@127.0.0.1/test" }},
		{"strict off", map[string]string{"TPG_STRICT_MODE": "Off"}, func(c Config) bool { return !c.StrictMode }},
		{"flags yes", map[string]string{"TPG_USE_X_FORWARDED_FOR": "yes", "TPG_USE_FORWARDED": "1", "TPG_DISABLE_WALLET_WHITELIST": "TRUE", "TPG_DISABLE_MEMO_SIGNATURE_CHECK": "on"},
			func(c Config) bool {
				return c.UseXForwardedFor && c.UseForwarded && c.DisableWalletWhitelist && c.DisableMemoSignatureCheck
			}},
		{"proxy hops", map[string]string{"TPG_TRUSTED_PROXY_HOPS": "2"}, func(c Config) bool { return c.TrustedProxyHops == 2 }},
		{"connections per IP", map[string]string{"TPG_MAX_CONNS_PER_IP": "0"}, func(c Config) bool { return c.MaxConnsPerIP == 0 }},
		{"empty flag is default", map[string]string{"TPG_STRICT_MODE": ""}, func(c Config) bool { return c.StrictMode }},
		{"hours", map[string]string{"TPG_UNCLAIMED_ORDER_TIMEOUT": "3", "TPG_UNPAID_ORDER_TIMEOUT": "0"},
			func(c Config) bool { return c.UnclaimedOrderTimeout == 3*time.Hour && c.UnpaidOrderTimeout == 0 }},
		{"go durations", map[string]string{"TPG_UNCLAIMED_ORDER_TIMEOUT": "90s", "TPG_UNPAID_ORDER_TIMEOUT": "1h30m", "TPG_EXPIRY_INTERVAL": "250ms"},
			func(c Config) bool {
				return c.UnclaimedOrderTimeout == 90*time.Second && c.UnpaidOrderTimeout == 90*time.Minute && c.ExpiryInterval == 250*time.Millisecond
			}},
		{"order id by name", map[string]string{"TPG_SHOPIFY_ORDER_ID_FIELD": "Name"}, func(c Config) bool { return c.OrderIDFieldName }},
		{"super admins", map[string]string{"TPG_SUPER_ADMIN": " " + alice + " ,," + hot}, func(c Config) bool {
			return len(c.SuperAdmins) == 2 && c.SuperAdmins[0].Base58() == alice && c.SuperAdmins[1].Base58() == hot
		}},
		{"wallet", map[string]string{"TPG_PAYMENT_WALLET_ADDRESS": hot}, func(c Config) bool {
			return c.PaymentWallet.Base58() == hot && c.Engine().PaymentAddress.Base58() == hot
		}},
		{"no shopify settings", map[string]string{"TPG_SHOPIFY_ORDER_ID_FIELD": "name"}, func(c Config) bool { return !c.ShopifyEnabled }},
		{"shopify", map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "s", "TPG_SHOPIFY_SHOP": "a.myshopify.com"},
			func(c Config) bool { return c.ShopifyEnabled && c.Shopify.HMACSecret == "s" && c.Shopify.HMACChecks }},
		{"payment method by default", map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "s"},
			func(c Config) bool { return c.Shopify.PaymentMethod == "Tari" }},
		{"payment method", map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "s", "TPG_SHOPIFY_PAYMENT_METHOD": " Tari Payment Server "},
			func(c Config) bool { return c.ShopifyEnabled && c.Shopify.PaymentMethod == "Tari Payment Server" }},
		{"public url", map[string]string{"TPG_PUBLIC_URL": " https://pay.example.com/ "}, func(c Config) bool { return c.PublicURL == "https://pay.example.com" }},
		{"no tolerance by default", nil, func(c Config) bool { return c.UnderpaymentTolerance == 0 && c.Engine().UnderpaymentTolerance == 0 }},
		{"tolerance", map[string]string{"TPG_UNDERPAYMENT_TOLERANCE": " 2.5 "}, func(c Config) bool {
			return c.UnderpaymentTolerance == 25_000 && c.Engine().UnderpaymentTolerance == 25_000
		}},
		{"most tolerance", map[string]string{"TPG_UNDERPAYMENT_TOLERANCE": "5"}, func(c Config) bool { return c.UnderpaymentTolerance == 50_000 }},
		{"jwt keys", map[string]string{"TPG_JWT_SIGNING_KEY": jwtSK, "TPG_JWT_VERIFICATION_KEY": jwtPK},
			func(c Config) bool { return c.JWTKeys != nil && c.JWTKeys.Verification.Hex() == jwtPK }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		key, value string
		extra      map[string]string
	}{
		{"TPG_PORT", "0", nil},
		{"TPG_PORT", "65536", nil},
		{"TPG_PORT", "http", nil},
		{"TPG_MAX_CONNECTIONS", "-1", nil},
		{"TPG_DATABASE_URL", "mysql://x", nil},
		{"TPG_DATABASE_URL", "sqlite://", nil},
		{"TPG_STRICT_MODE", "maybe", nil},
		{"TPG_USE_FORWARDED", "2", nil},
		{"TPG_TRUSTED_PROXY_HOPS", "0", nil},
		{"TPG_TRUSTED_PROXY_HOPS", "one", nil},
		{"TPG_DISABLE_WALLET_WHITELIST", "enabled", nil},
		{"TPG_UNCLAIMED_ORDER_TIMEOUT", "-1", nil},
		{"TPG_UNPAID_ORDER_TIMEOUT", "2 days", nil},
		{"TPG_EXPIRY_INTERVAL", "0s", nil},
		{"TPG_EXPIRY_INTERVAL", "60", nil},
		{"TPG_SHOPIFY_ORDER_ID_FIELD", "sku", nil},
		{"TPG_UNDERPAYMENT_TOLERANCE", "5.0001", nil},
		{"TPG_UNDERPAYMENT_TOLERANCE", "-1", nil},
		{"TPG_UNDERPAYMENT_TOLERANCE", "2%", nil},
		{"TPG_UNDERPAYMENT_TOLERANCE", "0.00001", nil},
		{"TPG_UNDERPAYMENT_TOLERANCE", "1e-2", nil},
		{"TPG_SUPER_ADMIN", alice + ",not-an-address", nil},
		{"TPG_PAYMENT_WALLET_ADDRESS", "xyz", nil},
		{"TPG_JWT_SIGNING_KEY", "zz", map[string]string{"TPG_JWT_VERIFICATION_KEY": jwtPK}},
		{"TPG_JWT_VERIFICATION_KEY", otherPK, map[string]string{"TPG_JWT_SIGNING_KEY": jwtSK}},
		{"TPG_JWT_VERIFICATION_KEY", "", map[string]string{"TPG_JWT_SIGNING_KEY": jwtSK}},
		{"TPG_PUBLIC_URL", "pay.example.com", nil},
		{"TPG_PUBLIC_URL", "https://pay.example.com/shop", nil},
		{"TPG_PUBLIC_URL", "ftp://pay.example.com", nil},
		{"TPG_SHOPIFY_SHOP", "evil.example.com", map[string]string{"TPG_SHOPIFY_HMAC_SECRET": "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			m := map[string]string{tt.key: tt.value}
			for k, v := range tt.extra {
				m[k] = v
			}
			_, err := Load(env(m))
			var cerr *Error
			named := errors.As(err, &cerr) && cerr.Var == tt.key
			// app/shopify's own errors start with the variable's name.
			if !named && (err == nil || !strings.HasPrefix(err.Error(), tt.key+":")) {
				t.Fatalf("Load = %v, want an error naming %s", err, tt.key)
			}
		})
	}
}

func TestLookupEnvDotEnv(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	if err := os.WriteFile(path, []byte("TPG_PORT=9001\nTPG_TEST_DOTENV_ONLY=file\nTPG_TEST_DOTENV_BOTH=file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TPG_TEST_DOTENV_BOTH", "process")
	lookup, err := LookupEnv(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := lookup("TPG_TEST_DOTENV_ONLY"); v != "file" {
		t.Errorf("file-only variable = %q", v)
	}
	if v, _ := lookup("TPG_TEST_DOTENV_BOTH"); v != "process" {
		t.Errorf("the process environment must win, got %q", v)
	}
	if _, err := LookupEnv(filepath.Join(dir, "missing.env")); err != nil {
		t.Errorf("a missing .env is not an error: %v", err)
	}
}
