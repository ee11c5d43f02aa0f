package app

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"taripay/engine"
)

// A role revoked in the database stops working on the next request, though
// the 24-hour access token still lists it: a revoked super_admin can no
// longer register a hot wallet or grant itself the role back. A token that
// asks for no role beyond user costs no database read; any other is
// refused with a 503 while the database is away. A removed hot wallet's
// next notification is refused.
func TestRevokedRoleTakesEffectAtOnce(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		admin, reader, wallet := h.newActor(), h.newActor(), h.newActor()
		superTok := h.login(h.super, "super_admin")
		h.grant(admin, engine.RoleSuperAdmin)
		adminTok := h.login(admin, "super_admin")
		readerTok := h.loginAs(reader, "read_all")
		addWallet := map[string]any{"address": wallet.base58(), "ip_address": "10.0.0.7"}
		if r := h.as(adminTok, "POST", "/api/wallets", addWallet); r.status != http.StatusOK {
			t.Fatalf("super_admin adds a wallet: %d %s", r.status, r.body)
		}
		if r := h.as(readerTok, "GET", "/api/creditors", nil); r.status != http.StatusOK {
			t.Fatalf("read_all lists creditors: %d %s", r.status, r.body)
		}

		revoke := []map[string]any{
			{"address": admin.base58(), "revoke": []string{"super_admin"}},
			{"address": reader.base58(), "revoke": []string{"read_all"}},
		}
		if r := h.as(superTok, "POST", "/api/roles", revoke); r.status != http.StatusOK {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		wantError(t, h.as(adminTok, "POST", "/api/wallets", addWallet), http.StatusForbidden, "Insufficient permissions.")
		wantError(t, h.as(adminTok, "POST", "/api/roles", []map[string]any{{"address": admin.base58(), "apply": []string{"super_admin"}}}),
			http.StatusForbidden, "Insufficient permissions.")
		wantError(t, h.as(adminTok, "GET", "/api/wallets", nil), http.StatusForbidden, "Insufficient permissions.")
		wantError(t, h.as(readerTok, "GET", "/api/creditors", nil), http.StatusForbidden, "Insufficient permissions.")
		if roles, err := h.e.Roles(context.Background(), admin.base58()); err != nil || len(roles) != 1 {
			t.Errorf("the revoked admin holds %v, %v", roles, err)
		}
		// The token itself is still valid: the implicit user role remains.
		if r := h.as(adminTok, "GET", "/api/check_token", nil); r.status != http.StatusOK {
			t.Errorf("check_token after the revocation: %d %s", r.status, r.body)
		}

		// A customer's token reads no roles; a staff token needs the database.
		customerTok := h.login(h.newActor())
		h.storeDown.Store(true)
		if r := h.as(customerTok, "GET", "/api/check_token", nil); r.status != http.StatusOK {
			t.Errorf("a user-only token with the database away: %d %s", r.status, r.body)
		}
		wantError(t, h.as(superTok, "GET", "/api/check_token", nil), http.StatusServiceUnavailable, "The database is unavailable")
		h.storeDown.Store(false)

		// A removed hot wallet is refused on its next notification.
		sender := h.newActor()
		if r := h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, sender.addr, 1_000, "tx-1", nil, nil)); !strings.Contains(r.body, `"success":true`) {
			t.Fatalf("payment before removal: %d %s", r.status, r.body)
		}
		if r := h.as(superTok, "DELETE", "/api/wallets/"+h.hot.base58(), nil); r.status != http.StatusOK {
			t.Fatalf("remove wallet: %d %s", r.status, r.body)
		}
		if r := h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, sender.addr, 1_000, "tx-2", nil, nil)); r.status != http.StatusUnauthorized {
			t.Errorf("payment from a removed wallet: %d %s", r.status, r.body)
		}
	})
}
