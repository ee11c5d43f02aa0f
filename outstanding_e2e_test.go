package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"taripay/app/shopify/shopifytest"
)

// TestPartlyPaidOrderEndToEnd runs `taripay serve`: an order part paid with a
// gift card is billed its outstanding amount by default, and its whole total
// with TPG_SHOPIFY_PRICE_FIELD=total; one the gift card paid in full is paid
// as it arrives, at 0 µT.
func TestPartlyPaidOrderEndToEnd(t *testing.T) {
	const secret = "e2e-webhook-secret"
	tests := []struct {
		env     []string
		fixture string
		id      string
		want    []string
	}{
		{nil, "orders_create_gift_card.json", "5796499259700", []string{`"total_price":139000000`, `"status":"Unclaimed"`}},
		{[]string{"TPG_SHOPIFY_PRICE_FIELD=total"}, "orders_create_gift_card.json", "5796499259700", []string{`"total_price":239000000`}},
		{nil, "orders_create_gift_card_full.json", "5796499259701", []string{`"total_price":0`, `"status":"Paid"`}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+strings.Join(tt.env, ","), func(t *testing.T) {
			super := newKey(t)
			srv := startServe(t, t.TempDir(), append(tt.env, "TPG_SUPER_ADMIN="+super.addr.Base58(), "TPG_SHOPIFY_HMAC_SECRET="+secret)...)
			base := srv.Base
			token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
			post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)
			body, err := os.ReadFile(filepath.Join("app", "shopify", "testdata", tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			hook := shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: body}
			send(t, hook.Request(base+"/shopify/webhook/checkout_create"), []string{`"success":true`}, 200)
			o := get(t, base+"/api/order/id/"+tt.id, "tpg_access_token", token)
			for _, want := range tt.want {
				if !strings.Contains(o, want) {
					t.Errorf("order %s lacks %s", o, want)
				}
			}
		})
	}
}
