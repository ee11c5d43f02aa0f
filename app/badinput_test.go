package app

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"taripay/app/api"
)

// TestBadInputSweep sends malformed requests to every POST and PATCH route:
// each must get a 4xx JSON error and change nothing, and the server must
// still take an order from claim to paid afterwards.
func TestBadInputSweep(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		h.addOrder("o1", "alice", 100, nil)
		h.claim(alice, "o1")
		h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 50, "pending", nil, nil))
		admin := h.login(h.super, "super_admin")
		before := h.snapshot(admin)

		routes := []struct {
			method, path string
			token        string
			valid        string
		}{
			{"POST", "/order/claim", "", signedClaim(t, alice, "o1")},
			{"POST", "/wallet/incoming_payment", "", string(h.paymentBody(h.hot, alice.addr, 1, "tx-sweep", ptr("m"), ptr("o1")))},
			{"POST", "/wallet/tx_confirmation", "", string(h.confirmationBody(h.hot, "pending"))},
			{"POST", "/wallet/tx_cancelled", "", string(h.cancellationBody(h.hot, "pending"))},
			{"POST", "/api/credit", admin, `{"customer_id":"alice","amount":100,"reason":"r"}`},
			{"POST", "/api/fulfill", admin, `{"order_id":"o1","reason":"r"}`},
			{"POST", "/api/cancel", admin, `{"order_id":"o1","reason":"r"}`},
			{"PATCH", "/api/order_memo", admin, `{"order_id":"o1","new_memo":"m","reason":"r"}`},
			{"PATCH", "/api/order_price", admin, `{"order_id":"o1","new_price":5,"reason":"r"}`},
			{"PATCH", "/api/reassign_order", admin, `{"order_id":"o1","new_customer_id":"bob","reason":"r"}`},
			{"PATCH", "/api/reset_order/o1", admin, `{"reason":"r"}`},
			{"POST", "/api/exchange_rate", admin, `{"currency":"USD","rate":5}`},
			{"POST", "/api/roles", admin, `[{"address":"` + alice.base58() + `","apply":["write"],"revoke":["read_all"]}]`},
			{"POST", "/api/wallets", admin, `{"address":"` + alice.base58() + `","ip_address":"10.0.0.1","initial_nonce":3}`},
		}
		for _, rt := range routes {
			for name, body := range badBodies(t, rt.valid) {
				t.Run(rt.path+"/"+name, func(t *testing.T) {
					r := h.send(rt.method, rt.path, rt.token, "application/json", body)
					wantError(t, r, 0, "")
					if r.status < 400 || r.status >= 500 {
						t.Errorf("status %d, want 4xx", r.status)
					}
				})
			}
			t.Run(rt.path+"/text content type", func(t *testing.T) {
				wantError(t, h.send(rt.method, rt.path, rt.token, "text/plain", rt.valid), 400, "Content type error")
			})
		}

		// Signed wallet bodies whose values are too long are refused before the
		// wallet's nonce is touched.
		long := strings.Repeat("x", 300)
		for name, body := range map[string][]byte{
			"long txid":     h.paymentBody(h.hot, alice.addr, 1, long, nil, nil),
			"long order_id": h.paymentBody(h.hot, alice.addr, 1, "t", nil, &long),
			"long memo":     h.paymentBody(h.hot, alice.addr, 1, "t", ptr(strings.Repeat("m", 5000)), nil),
			"long confirm":  h.confirmationBody(h.hot, long),
		} {
			t.Run("signed "+name, func(t *testing.T) {
				path := "/wallet/incoming_payment"
				if strings.Contains(name, "confirm") {
					path = "/wallet/tx_confirmation"
				}
				wantError(t, h.wallet(path, body), 400, "longer than")
			})
		}
		// Bad path parameters and headers.
		for _, p := range []struct{ method, path string }{
			{"PATCH", "/api/reset_order/" + long},
			{"PATCH", "/api/reset_order/%ff%fe"},
			{"POST", "/api/settle/customer/" + long},
			{"POST", "/api/settle/address/" + long},
			{"DELETE", "/api/wallets/%ff"},
			{"GET", "/api/order/id/" + long},
		} {
			r := h.send(p.method, p.path, admin, "", "")
			if r.status < 400 || r.status >= 500 {
				t.Errorf("%s %s: %d %s", p.method, p.path, r.status, r.body)
			}
			wantError(t, r, r.status, "")
		}
		if r := h.do("POST", "/auth", nil, "tpg_auth_token", strings.Repeat("a", 10000)); r.status < 400 || r.status >= 500 {
			t.Errorf("huge login token: %d %s", r.status, r.body)
		}
		wantError(t, h.do("POST", "/auth", nil, "tpg_auth_token", "é"), 400, "Auth token signature invalid or not provided")

		if after := h.snapshot(admin); after != before {
			t.Errorf("bad input changed state:\nbefore %s\nafter  %s", before, after)
		}

		// The server still works end to end.
		h.addOrder("o2", "alice", 2_400_000_000, nil)
		if r := h.claim(alice, "o2"); r.status != 200 {
			t.Fatalf("claim: %d %s", r.status, r.body)
		}
		h.pay(alice, 2_500_000_000, "final", nil, nil)
		wantStatus(t, h, "o2", "Paid")
	})
}

// badBodies derives the sweep's malformed bodies from a valid one.
func badBodies(t *testing.T, valid string) map[string]string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(valid), &v); err != nil {
		t.Fatal(err)
	}
	enc := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	return map[string]string{
		"malformed JSON": valid[:len(valid)/2],
		"empty body":     "",
		"null":           "null",
		"wrong types":    enc(mapLeaves(v, func(x any) any { return wrongType(x) })),
		"over the limit": `{"pad":"` + strings.Repeat("x", api.BodyLimit) + `"}`,
		"too long":       enc(mapLeaves(v, func(x any) any { return longValue(x) })),
		"not UTF-8": strings.ReplaceAll(enc(mapLeaves(v, func(x any) any {
			if _, ok := x.(string); ok {
				return "BAD-UTF8"
			}
			return x
		})), "BAD-UTF8", "\xff\xfe"),
		"trailing data": valid + "{}",
	}
}

func mapLeaves(v any, f func(any) any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = mapLeaves(e, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mapLeaves(e, f)
		}
		return out
	}
	return f(v)
}

func wrongType(x any) any {
	switch x.(type) {
	case string:
		return 12
	case float64:
		return "12"
	}
	return []int{1}
}

// longValue makes strings and numbers too long or too big for any field.
func longValue(x any) any {
	switch x.(type) {
	case string:
		return strings.Repeat("a", 5000)
	case float64:
		return json.Number("1" + strings.Repeat("0", 30))
	}
	return x
}

// send is do with an explicit content type and raw body.
func (h *harness) send(method, path, token, contentType, body string) response {
	h.t.Helper()
	headers := []string{}
	if token != "" {
		headers = append(headers, "tpg_access_token", token)
	}
	if contentType != "" {
		headers = append(headers, "Content-Type", contentType)
	}
	var b any
	if body != "" {
		b = body
	}
	return h.do(method, path, b, headers...)
}

// snapshot renders the state an admin can see, to check that nothing changed.
func (h *harness) snapshot(admin string) string {
	h.t.Helper()
	var b strings.Builder
	for _, p := range []string{"/api/search/orders", "/api/addresses", "/api/customer_ids", "/api/wallets", "/api/creditors", "/wallet/send_to"} {
		r := h.as(admin, http.MethodGet, p, nil)
		b.WriteString(p + " " + r.body + "\n")
	}
	for _, a := range decode[[]string](h.t, h.as(admin, http.MethodGet, "/api/addresses", nil)) {
		b.WriteString(h.as(admin, http.MethodGet, "/api/history/address/"+a, nil).body + "\n")
	}
	for _, c := range decode[[]string](h.t, h.as(admin, http.MethodGet, "/api/customer_ids", nil)) {
		b.WriteString(h.as(admin, http.MethodGet, "/api/history/customer/"+c, nil).body + "\n")
	}
	return b.String()
}
