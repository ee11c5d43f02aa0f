package app

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"taripay/app/shopify/shopifytest"
	"taripay/engine"
)

// TestIdentifiersThatAreNotTextAre4xx: an identifier with NUL or bytes that
// are not UTF-8, in a path, a query or a JSON body, is a 400 with a JSON
// error before any query, and changes nothing. PostgreSQL answered 500.
func TestIdentifiersThatAreNotTextAre4xx(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		h.addOrder("o1", "alice", 100, nil)
		h.claim(alice, "o1")
		admin := h.login(h.super, "super_admin")
		before := h.snapshot(admin)
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/api/payments-for-order/%00%01", ""},
			{"GET", "/api/payments-for-order/o1%FF", ""},
			{"GET", "/api/order/id/%00%01", ""},
			{"GET", "/api/history/customer/%00", ""},
			{"GET", "/api/exchange_rate/US%00", ""},
			{"GET", "/api/search/orders?memo=%00", ""},
			{"GET", "/api/search/orders?customer_id=%C3%28", ""},
			{"GET", "/api/customer_ids?offset=%00", ""},
			{"POST", "/api/settle/customer/%00", ""},
			{"PATCH", "/api/reset_order/o1%00", `{"reason":"r"}`},
			{"POST", "/api/cancel", `{"order_id":"o1\u0000","reason":"r"}`},
			{"POST", "/api/credit", `{"customer_id":"alice\u0000","amount":5,"reason":"r"}`},
			{"PATCH", "/api/order_memo", `{"order_id":"o1","new_memo":"\u0000","reason":"r"}`},
			{"POST", "/api/exchange_rate", `{"currency":"US\u0000","rate":5}`},
			{"POST", "/order/claim", signedClaim(t, alice, "o1\x00")},
		} {
			var body any
			if r.body != "" {
				body = r.body
			}
			res := h.as(admin, r.method, r.path, body)
			if res.status != http.StatusBadRequest {
				t.Errorf("%s %s: %d %s, want 400", r.method, r.path, res.status, res.body)
				continue
			}
			wantError(t, res, http.StatusBadRequest, "")
		}
		if after := h.snapshot(admin); after != before {
			t.Errorf("refused requests changed state:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestPaymentTextThatIsNotTextIsStored: a payment the hot wallet received
// is stored even when its memo and order id hold NUL, with U+FFFD in its
// place and a warning; it is never answered success:false.
func TestPaymentTextThatIsNotTextIsStored(t *testing.T) {
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, nil)
		alice := keyActor(t, aliceSecret)
		r := h.wallet("/wallet/incoming_payment", h.paymentBody(h.hot, alice.addr, 500, "tx-nul", ptr("thanks\x00 for o1"), ptr("o1\x00")))
		if r.status != http.StatusOK || !strings.Contains(r.body, `"success":true`) {
			t.Fatalf("payment with NUL in its memo: %d %s", r.status, r.body)
		}
		h.pay(alice, 700, "tx-after", nil, nil) // and the wallet's next notices go on
		if r := h.wallet("/wallet/tx_confirmation", h.confirmationBody(h.hot, "tx-nul")); !strings.Contains(r.body, `"success":true`) {
			t.Fatalf("confirm: %d %s", r.status, r.body)
		}
		list := decode[struct {
			Payments []struct {
				TxID    string  `json:"txid"`
				Memo    *string `json:"memo"`
				OrderID *string `json:"order_id"`
			} `json:"payments"`
		}](t, h.as(h.login(h.super, "super_admin"), "GET", "/api/payments/"+alice.base58(), nil))
		found := false
		for _, p := range list.Payments {
			if p.TxID == "tx-nul" {
				found = true
				if p.Memo == nil || *p.Memo != "thanks\uFFFD for o1" || p.OrderID == nil || *p.OrderID != "o1\uFFFD" {
					t.Errorf("stored memo %v, order id %v", p.Memo, p.OrderID)
				}
			}
		}
		if !found {
			t.Fatalf("payment not stored: %+v", list)
		}
		if !strings.Contains(h.log.String(), "payment text held NUL or invalid UTF-8") {
			t.Errorf("no warning logged:\n%s", h.log.String())
		}
	})
}

// TestOrderNoteThatIsNotTextIsStored: a signed orders/create whose note and
// note attributes hold NUL is stored, with U+FFFD in its place and a
// warning, on the first attempt; PostgreSQL had it retried for ever.
func TestOrderNoteThatIsNotTextIsStored(t *testing.T) {
	const secret = "hush"
	forBackends(t, func(t *testing.T, backend string) {
		h := newHarnessOn(t, backend, map[string]string{"TPG_SHOPIFY_HMAC_SECRET": secret})
		if _, err := h.e.SetExchangeRate(t.Context(), "USD", 10_000_000); err != nil {
			t.Fatal(err)
		}
		order, _ := json.Marshal(map[string]any{
			"id": 5796499259777, "name": "#1777", "created_at": "2026-11-20T14:01:22+03:00", "currency": "USD",
			"total_price": "2.00", "payment_gateway_names": []string{"Tari"}, "financial_status": "pending",
			"note": "gift\x00wrap", "note_attributes": []map[string]string{{"name": "tari_memo", "value": "deliver\x00 monday"}},
			"customer": map[string]any{"id": 7221372846292},
		})
		hook := shopifytest.Webhook{Topic: "orders/create", EventID: "nul-note", Secret: secret, Body: order}
		req := hook.Request("http://" + h.addr + "/shopify/webhook/orders/create")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery: %d", resp.StatusCode)
		}
		h.processWebhooks()
		o, err := h.e.Order(t.Context(), "5796499259777", false)
		if err != nil {
			t.Fatalf("order not stored: %v", err)
		}
		if o.Memo == nil || *o.Memo != "deliver\uFFFD monday" {
			t.Errorf("memo %v", o.Memo)
		}
		failures, err := h.shopify.WebhookFailures(t.Context(), 10)
		if err != nil || len(failures) != 0 {
			t.Errorf("failures %+v, %v", failures, err)
		}
		if !strings.Contains(h.log.String(), "order text held NUL or invalid UTF-8") {
			t.Errorf("no warning logged:\n%s", h.log.String())
		}
		if o.Status != engine.OrderUnclaimed {
			t.Errorf("order %s", o.Status)
		}
	})
}
