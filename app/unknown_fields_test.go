package app

import (
	"net/http"
	"strings"
	"testing"
)

// TestUnknownBodyFieldsIgnored: a newer wallet or client that adds a member
// to a JSON body is served as if it had not, at every level of the body;
// the signatures still cover only the known members. Query parameters stay
// strict.
func TestUnknownBodyFieldsIgnored(t *testing.T) {
	h := newHarness(t, nil)
	alice := keyActor(t, aliceSecret)
	h.addOrder("o1", "alice", 2_000, nil)
	admin := h.login(h.super, "super_admin")

	// extra adds "x-new":true to the outer object and to the named inner one.
	extra := func(body []byte, inner string) []byte {
		s := strings.Replace(string(body), "{", `{"x-new":true,`, 1)
		if inner != "" {
			s = strings.Replace(s, `"`+inner+`":{`, `"`+inner+`":{"x-new":{"nested":[1]},`, 1)
		}
		return []byte(s)
	}
	tests := []struct {
		name, method, path, token string
		body                      []byte
	}{
		{"claim", "POST", "/order/claim", "", extra([]byte(signedClaim(t, alice, "o1")), "")},
		{"incoming_payment", "POST", "/wallet/incoming_payment", "",
			extra(h.paymentBody(h.hot, alice.addr, 500, "tx1", nil, nil), "payment")},
		{"tx_confirmation", "POST", "/wallet/tx_confirmation", "", extra(h.confirmationBody(h.hot, "tx1"), "auth")},
		{"credit", "POST", "/api/credit", admin, []byte(`{"customer_id":"alice","amount":100,"reason":"r","x-new":1}`)},
		{"exchange_rate", "POST", "/api/exchange_rate", admin, []byte(`{"currency":"USD","rate":5,"x-new":"?"}`)},
		{"roles", "POST", "/api/roles", admin, []byte(`[{"address":"` + alice.base58() + `","apply":["read_all"],"x-new":null}]`)},
		{"order_memo", "PATCH", "/api/order_memo", admin, []byte(`{"order_id":"o1","new_memo":"gift","x-new":[]}`)},
	}
	for _, tt := range tests {
		headers := []string{"X-Forwarded-For", hotIP}
		if tt.token != "" {
			headers = append(headers, "tpg_access_token", tt.token)
		}
		r := h.do(tt.method, tt.path, tt.body, headers...)
		if r.status != http.StatusOK || strings.Contains(r.body, `"success":false`) {
			t.Errorf("%s with an unknown member: %d %s", tt.name, r.status, r.body)
		}
	}
	if bal := decode[struct {
		TotalConfirmed int64 `json:"total_confirmed"`
	}](t, h.as(h.login(alice), "GET", "/api/balance", nil)); bal.TotalConfirmed != 500 {
		t.Errorf("the payment sent with unknown members did not count: %+v", bal)
	}

	wantError(t, h.as(admin, "GET", "/api/search/orders?order_id=o1&x-new=1", nil), 400, "unknown field `x-new`")
	wantError(t, h.as(admin, "GET", "/api/customer_ids?x-new=1", nil), 400, "unknown field `x-new`")
}
