package engine_test

import (
	"errors"
	"strings"
	"testing"

	"taripay/engine"
	"taripay/engine/tari"
)

// TestPaymentAddress is the one rule for where customers pay: the
// configured address, else the one authorised hot wallet, else none. There
// is never a fallback address, and a revoked wallet does not count.
func TestPaymentAddress(t *testing.T) {
	configured, w1, w2 := newUser(t).addr, newUser(t).addr, newUser(t).addr
	tests := []struct {
		name       string
		configured tari.Address
		authorise  []tari.Address
		revoke     []tari.Address
		want       tari.Address // zero: ErrNoPaymentAddress
	}{
		{"set, no wallet", configured, nil, nil, configured},
		{"set, one wallet", configured, []tari.Address{w1}, nil, configured},
		{"set, two wallets", configured, []tari.Address{w1, w2}, nil, configured},
		{"unset, no wallet", tari.Address{}, nil, nil, tari.Address{}},
		{"unset, one wallet", tari.Address{}, []tari.Address{w1}, nil, w1},
		{"unset, two wallets", tari.Address{}, []tari.Address{w1, w2}, nil, tari.Address{}},
		{"unset, the only wallet revoked", tari.Address{}, []tari.Address{w1}, []tari.Address{w1}, tari.Address{}},
		{"unset, two wallets, one revoked", tari.Address{}, []tari.Address{w1, w2}, []tari.Address{w1}, w2},
	}
	backends(t, func(t *testing.T, backend string) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cfg := defaultConfig
				cfg.PaymentAddress = tt.configured
				en := newEnv(t, backend, cfg)
				if err := en.e.RevokeWallet(en.ctx, en.wallet); err != nil { // the env's own wallet
					t.Fatal(err)
				}
				for _, a := range tt.authorise {
					if err := en.e.AuthorizeWallet(en.ctx, engine.Wallet{Address: a.Base58(), IPAddress: "192.0.2.1"}); err != nil {
						t.Fatal(err)
					}
				}
				for _, a := range tt.revoke {
					if err := en.e.RevokeWallet(en.ctx, a.Base58()); err != nil {
						t.Fatal(err)
					}
				}

				got, err := en.e.PaymentAddress(en.ctx)
				if !tt.want.IsZero() {
					if err != nil || got != tt.want {
						t.Fatalf("PaymentAddress = %s, %v; want %s", got.Base58(), err, tt.want.Base58())
					}
					if configured := en.e.PaymentAddressConfigured(); configured != !tt.configured.IsZero() {
						t.Errorf("PaymentAddressConfigured = %v with %q configured", configured, tt.configured.Base58())
					}
					return
				}
				if !errors.Is(err, engine.ErrNoPaymentAddress) || engine.ErrorCode(err) != engine.EUNCONFIGURED || !got.IsZero() {
					t.Fatalf("PaymentAddress = %q, %v; want ErrNoPaymentAddress", got.Base58(), err)
				}
				if msg := err.Error(); !strings.Contains(msg, "Set TPG_PAYMENT_WALLET_ADDRESS") || !strings.Contains(msg, "authorise exactly one hot wallet") {
					t.Errorf("the error does not say how to fix it: %q", msg)
				}
			})
		}
	})
}
