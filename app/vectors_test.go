package app

import (
	"strings"
	"testing"

	"taripay/engine"
	"taripay/engine/tari/taritest"
)

func findVector(t *testing.T, bodies []taritest.SignedBody, source string) []byte {
	t.Helper()
	for _, b := range bodies {
		if strings.HasSuffix(b.Source, source) {
			return b.Body
		}
	}
	t.Fatalf("no vector %s", source)
	return nil
}

// TestReferenceWalletVectors replays order_payment_matching.feature's
// "Order with memo -> Pay -> Confirm" with the reference's own signed bodies.
func TestReferenceWalletVectors(t *testing.T) {
	v := taritest.Load(t)
	h := newHarness(t, nil)
	memo := string(findVector(t, v.MemoClaims, "order_payment_matching.feature:17"))
	h.addOrder("alice001", "1", 2_400_000_000, &memo)

	r := h.wallet("/wallet/incoming_payment", findVector(t, v.WalletBodies, "order_payment_matching.feature:28"))
	if r.status != 200 || !strings.Contains(r.body, `"success":true`) || !strings.Contains(r.body, `\"txid\":\"payment001\"`) {
		t.Fatalf("incoming_payment: %d %s", r.status, r.body)
	}
	r = h.wallet("/wallet/tx_confirmation", findVector(t, v.WalletBodies, "order_payment_matching.feature:46"))
	if r.body != `{"success":true,"message":"Payment payment001 confirmed successfully."}` {
		t.Fatalf("tx_confirmation: %d %s", r.status, r.body)
	}
	o := h.order("alice001")
	if o.Status != engine.OrderPaid {
		t.Errorf("order is %s, want Paid", o.Status)
	}
	// Replaying the same signed body is refused: its nonce is spent.
	wantError(t, h.wallet("/wallet/tx_confirmation", findVector(t, v.WalletBodies, "order_payment_matching.feature:46")), 401, "")

	// wallet_auth.feature, on a fresh server.
	tests := []struct {
		source  string
		headers []string
		want    int
	}{
		{"wallet_auth.feature:18", []string{"X-Forwarded-For", "1.2.3.4"}, 401},
		{"wallet_auth.feature:34", []string{"X-Forwarded-For", hotIP}, 200},
		{"wallet_auth.feature:66", []string{"X-Forwarded-For", hotIP}, 401},
		{"wallet_auth.feature:75", []string{"X-Forwarded-For", hotIP}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			h := newHarness(t, nil)
			r := h.do("POST", "/wallet/incoming_payment", findVector(t, v.WalletBodies, tt.source), tt.headers...)
			if r.status != tt.want {
				t.Errorf("%d %s, want %d", r.status, r.body, tt.want)
			}
		})
	}
	t.Run("wallet_auth.feature:50 via Forwarded", func(t *testing.T) {
		h := newHarness(t, map[string]string{"TPG_USE_FORWARDED": "true"})
		r := h.do("POST", "/wallet/incoming_payment", findVector(t, v.WalletBodies, "wallet_auth.feature:50"), "Forwarded", "for="+hotIP)
		if r.status != 200 || !strings.Contains(r.body, `"success":true`) {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
}

func TestReferenceClaimVectors(t *testing.T) {
	v := taritest.Load(t)
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		h.addOrder("order10256", "142", 2_400_000_000, nil)
		h.addOrder("anon100", "143", 100, nil)

		r := h.do("POST", "/order/claim", findVector(t, v.MemoClaims, "claim_order.feature:28"))
		if r.status != 200 || !strings.Contains(r.body, `"order_id":"order10256","total_price":2400000000,`) || !strings.Contains(r.body, `"status":"New"`) {
			t.Errorf("valid claim: %d %s", r.status, r.body)
		}
		wantError(t, h.do("POST", "/order/claim", findVector(t, v.MemoClaims, "claim_order.feature:53")), 401,
			"Authentication Error. Login token signature is invalid. Cannot claim order because the signature is invalid.")
		wantError(t, h.do("POST", "/order/claim", findVector(t, v.MemoClaims, "claim_order.feature:107")), 404,
			"The data was not found. The requested order does-not-exist does not exist")
		if r := h.do("POST", "/order/claim", findVector(t, v.MemoClaims, "claim_order.feature:59")); r.status != 200 {
			t.Errorf("anon100: %d %s", r.status, r.body)
		}
	})
}

func TestReferenceLoginVectors(t *testing.T) {
	v := taritest.Load(t)
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		writer := "14zCiH6ybX18HCm3SfLfHSoT48vfzxWUtbNPMt7k61akqDv"
		if err := h.e.UpdateRoles(t.Context(), writer, []engine.Role{engine.RoleWrite}, nil); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			source string
			want   int
			msg    string
		}{
			{"login_with_valid_token", 200, ""},
			{"login_with_disallowed_roles", 403, "Insufficient Permissions. User requested at least 1 roles that are not allowed"},
			{"login_with_invalid_signature", 401, "Authentication Error. Login token signature is invalid."},
			{"login_with_invalid_header", 400, "Authentication Error. Login token is not in the correct format. InvalidTokenStructure"},
			{"generated from", 403, "Insufficient Permissions. User requested at least 1 roles"},
		}
		for _, tt := range tests {
			t.Run(tt.source, func(t *testing.T) {
				var token string
				for _, l := range v.LoginTokens {
					if strings.Contains(l.Source, tt.source) {
						token = l.Token
					}
				}
				r := h.do("POST", "/auth", nil, "tpg_auth_token", token)
				if tt.want == 200 {
					if r.status != 200 || !strings.HasPrefix(r.body, "eyJhbGciOiJSaXN0cmV0dG8yNTYiLCJ0eXAiOiJKV1QifQ.") {
						t.Errorf("%d %s", r.status, r.body)
					}
					return
				}
				wantError(t, r, tt.want, tt.msg)
			})
		}
		// The valid token again: its nonce is spent.
		wantError(t, h.do("POST", "/auth", nil, "tpg_auth_token", v.LoginTokens[0].Token), 401, "Nonce is not strictly increasing.")
	})
}
