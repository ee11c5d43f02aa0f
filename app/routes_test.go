package app

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"taripay/engine"
	"taripay/engine/tari"
)

// route is one /api registration (docs/api.md, "Routes") with a request that
// succeeds once the test's fixtures exist.
type route struct {
	method, path string
	role         string // "" means any valid token
	body         any
	want         int
}

func apiRoutes(alice, spare string) []route {
	return []route{
		{"GET", "/api/balance", "", nil, 200},
		{"GET", "/api/history", "", nil, 200},
		{"GET", "/api/orders", "", nil, 200},
		{"GET", "/api/unfulfilled_orders", "", nil, 200},
		{"GET", "/api/payments", "", nil, 200},
		{"POST", "/api/settle", "", nil, 200},
		{"GET", "/api/order/id/a1", "user", nil, 200},
		{"GET", "/api/check_token", "user", nil, 200},
		{"GET", "/api/balance/" + alice, "read_all", nil, 200},
		{"GET", "/api/history/address/" + alice, "read_all", nil, 200},
		{"GET", "/api/history/customer/alice", "read_all", nil, 200},
		{"GET", "/api/orders/" + alice, "read_all", nil, 200},
		{"GET", "/api/unfulfilled_orders/" + alice, "read_all", nil, 200},
		{"GET", "/api/payments/" + alice, "read_all", nil, 200},
		{"GET", "/api/payments-for-order/a1", "read_all", nil, 200},
		{"GET", "/api/search/orders?customer_id=alice", "read_all", nil, 200},
		{"GET", "/api/creditors", "read_all", nil, 200},
		{"GET", "/api/customer_ids?offset=0&count=10", "read_all", nil, 200},
		{"GET", "/api/addresses", "read_all", nil, 200},
		{"GET", "/api/exchange_rate/USD", "read_all", nil, 200},
		{"GET", "/api/wallets", "read_all", nil, 200},
		{"GET", "/api/export/orders.csv", "read_all", nil, 200},
		{"GET", "/api/export/payments.csv?since=2024-01-01T00:00:00Z", "read_all", nil, 200},
		{"GET", "/api/export/ledger.csv?until=2030-01-01T00:00:00Z", "read_all", nil, 200},
		{"POST", "/api/settle/address/" + alice, "write", nil, 200},
		{"POST", "/api/settle/customer/alice", "write", nil, 200},
		{"POST", "/api/credit", "write", map[string]any{"customer_id": "carol", "amount": 1000}, 200},
		{"POST", "/api/fulfill", "write", map[string]any{"order_id": "f1", "reason": "paid by card"}, 200},
		{"POST", "/api/cancel", "write", map[string]any{"order_id": "c1", "reason": "customer asked"}, 200},
		{"PATCH", "/api/order_memo", "write", map[string]any{"order_id": "m1", "new_memo": "gift"}, 200},
		{"PATCH", "/api/order_price", "write", map[string]any{"order_id": "a1", "new_price": 90}, 200},
		{"PATCH", "/api/reassign_order", "write", map[string]any{"order_id": "r1", "new_customer_id": "bob", "reason": "typo"}, 200},
		{"PATCH", "/api/reset_order/x1", "write", nil, 200},
		{"POST", "/api/exchange_rate", "write", map[string]any{"currency": "EUR", "rate": 31000000}, 200},
		{"POST", "/api/rescan_open_orders", "write", nil, 501},
		{"POST", "/api/roles", "super_admin", []map[string]any{{"address": spare, "apply": []string{"read_all"}}}, 200},
		{"POST", "/api/wallets", "super_admin", map[string]any{"address": spare, "ip_address": "10.0.0.7"}, 200},
		{"DELETE", "/api/wallets/" + spare, "super_admin", nil, 200},
	}
}

func TestAPIRoutesAuth(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice, spare := h.newActor(), h.newActor()
		ctx := context.Background()
		h.addOrder("a1", "alice", 100, nil)
		if r := h.claim(alice, "a1"); r.status != 200 {
			t.Fatalf("claim: %d %s", r.status, r.body)
		}
		for _, id := range []string{"f1", "c1", "m1", "r1", "x1"} {
			h.addOrder(id, "alice", 100, nil)
		}
		if _, err := h.e.Cancel(ctx, "x1", "fixture"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.e.SetExchangeRate(ctx, "USD", 30_000_000); err != nil {
			t.Fatal(err)
		}

		forged := forgeToken(t, alice.addr, time.Hour)
		expired := h.login(h.super, "super_admin")
		h.clock.Add(tari.AccessTokenLifetime + time.Second)
		tokens := map[string]string{
			"user":        h.login(alice),
			"read_all":    h.loginAs(h.super, "read_all"),
			"write":       h.loginAs(h.super, "write"),
			"super_admin": h.login(h.super, "super_admin"),
		}

		for _, rt := range apiRoutes(alice.base58(), spare.base58()) {
			t.Run(rt.method+" "+rt.path, func(t *testing.T) {
				wantError(t, h.do(rt.method, rt.path, rt.body), 401, "no cookie containing a jwt")
				wantError(t, h.as("not.a-token", rt.method, rt.path, rt.body), 400, "An error occurred parsing the jwt")
				wantError(t, h.as(forged, rt.method, rt.path, rt.body), 401, "signature has failed verification")
				wantError(t, h.as(expired, rt.method, rt.path, rt.body), 401, "token has expired")
				if rt.role != "" && rt.role != "user" {
					wantError(t, h.as(tokens["user"], rt.method, rt.path, rt.body), 403, "Insufficient permissions.")
					// A token for another role does not pass either, unless it is super_admin.
					other := map[string]string{"read_all": "write", "write": "read_all", "super_admin": "write"}[rt.role]
					wantError(t, h.as(tokens[other], rt.method, rt.path, rt.body), 403, "Insufficient permissions.")
				}
				tok := tokens["user"]
				if rt.role != "" {
					tok = tokens[rt.role]
				}
				if r := h.as(tok, rt.method, rt.path, rt.body); r.status != rt.want {
					t.Errorf("with role %q: %d %s, want %d", rt.role, r.status, r.body, rt.want)
				}
			})
		}
		// super_admin passes every gate, including user-only routes.
		superTok := h.login(h.super, "super_admin")
		for _, p := range []string{"/api/check_token", "/api/wallets", "/api/creditors", "/api/order/id/a1"} {
			if r := h.as(superTok, "GET", p, nil); r.status != 200 {
				t.Errorf("super_admin GET %s: %d %s", p, r.status, r.body)
			}
		}
	})
}

// loginAs logs a in asking for exactly one role it holds (super admins are
// granted it first).
func (h *harness) loginAs(a *actor, role string) string {
	h.t.Helper()
	h.grant(a, engine.Role(role))
	return h.login(a, role)
}

// forgeToken makes a well-formed access token signed by a key that is not
// the server's.
func forgeToken(t *testing.T, a tari.Address, ttl time.Duration) string {
	k, err := tari.NewSecretKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tari.IssueAccessToken(rand.Reader, k, tari.AccessClaims{
		IssuedAt: start.Unix(), Expires: start.Add(ttl).Unix(), Address: a, Roles: []string{"super_admin"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAccessTokenPlaces(t *testing.T) {
	h := newHarness(t, nil)
	tok := h.login(h.newActor())
	tests := []struct {
		name    string
		headers []string
		want    int
	}{
		{"header", []string{"tpg_access_token", tok}, 200},
		{"bearer", []string{"Authorization", "Bearer " + tok}, 200},
		{"cookie", []string{"Cookie", "tpg_access_token=" + tok}, 200},
		{"bad header does not fall back to the cookie", []string{"tpg_access_token", "x.y.z", "Cookie", "tpg_access_token=" + tok}, 400},
		{"basic auth is not a token", []string{"Authorization", "Basic " + tok}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do("GET", "/api/check_token", nil, tt.headers...)
			if r.status != tt.want {
				t.Fatalf("%d %s, want %d", r.status, r.body, tt.want)
			}
			if tt.want == 200 && r.body != "Token is valid." {
				t.Errorf("body %q", r.body)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	h := newHarness(t, nil)
	alice := h.newActor()
	h.grant(alice, engine.RoleWrite)

	wantError(t, h.do("POST", "/auth", nil), 400, "Auth token signature invalid or not provided")
	wantError(t, h.do("POST", "/auth", nil, "tpg_auth_token", "made up nonsense"), 400,
		"Authentication Error. Login token is not in the correct format. InvalidTokenStructure")

	tok := h.loginToken(alice, "write")
	tampered := tok[:len(tok)-4] + "AAAA"
	r := h.do("POST", "/auth", nil, "tpg_auth_token", tampered)
	if r.status != 401 || !strings.Contains(r.body, "Authentication Error. Login token signature is invalid.") {
		t.Errorf("tampered login token: %d %s", r.status, r.body)
	}

	r = h.do("POST", "/auth", nil, "tpg_auth_token", tok)
	if r.status != 200 || !strings.HasPrefix(r.body, "eyJhbGciOiJSaXN0cmV0dG8yNTYiLCJ0eXAiOiJKV1QifQ.") {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	claims, err := tari.VerifyAccessToken(r.body, h.mustKeys().Verification, h.clock.Now())
	if err != nil || claims.Address != alice.addr || strings.Join(claims.Roles, ",") != "user,write" ||
		claims.Expires-claims.IssuedAt != int64(tari.AccessTokenLifetime/time.Second) {
		t.Errorf("access claims %+v, %v", claims, err)
	}

	wantError(t, h.do("POST", "/auth", nil, "tpg_auth_token", tok), 401, "Nonce is not strictly increasing.")
	wantError(t, h.do("POST", "/auth", nil, "tpg_auth_token", h.loginToken(alice, "write", "read_all", "super_admin")), 403,
		"Insufficient Permissions. User requested at least 2 roles that are not allowed")
	// The rejected login still consumed its nonce; a subset of held roles works.
	h.login(alice, "write")
	h.login(alice)
}

func (h *harness) mustKeys() tari.JWTKeys {
	k, err := tari.ParseJWTKeys(serverSecret, serverPublic)
	if err != nil {
		h.t.Fatal(err)
	}
	return k
}

func TestRoutingConventions(t *testing.T) {
	h := newHarness(t, nil)
	tok := h.login(h.newActor())
	tests := []struct {
		name, method, path, token string
		want                      int
	}{
		{"health", "GET", "/health", "", 200},
		{"wrong method is 404", "DELETE", "/health", "", 404},
		{"HEAD is 404", "HEAD", "/health", "", 404},
		{"unknown path", "GET", "/nope", "", 404},
		{"unknown /api path needs a token first", "GET", "/api/nope", "", 401},
		{"unknown /api path with a token", "GET", "/api/nope", tok, 404},
		{"trailing slash is not normalised", "GET", "/api/orders/", tok, 404},
		{"bad address in path", "GET", "/api/balance/nobody", h.login(h.super, "super_admin"), 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.method, tt.path, nil, "tpg_access_token", tt.token)
			if tt.token == "" {
				r = h.do(tt.method, tt.path, nil)
			}
			if r.status != tt.want {
				t.Fatalf("%d %s, want %d", r.status, r.body, tt.want)
			}
			if tt.want != 200 && tt.method != "HEAD" { // a HEAD answer has no body
				wantError(t, r, tt.want, "")
			}
		})
	}
	if r := h.do("GET", "/health", nil); r.body != "👍️\n" {
		t.Errorf("health body %q", r.body)
	}
}
