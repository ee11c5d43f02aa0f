package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taripay/app/shopify/shopifytest"
	"taripay/internal/servetest"
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
			srv := servetest.Serve(t, t.TempDir(), append(tt.env, "TPG_SUPER_ADMIN="+super.addr.Base58(), "TPG_SHOPIFY_HMAC_SECRET="+secret)...)
			base := srv.Base
			token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
			post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)
			body, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", tt.fixture))
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

// TestRefundEndToEnd runs `taripay serve`: a refunds/create delivery, signed
// and sent to the path shopify.app.toml registers, for an order paid in
// Tari records one refund due of its Tari part at the order's rate; the
// same refund delivered again records nothing more.
func TestRefundEndToEnd(t *testing.T) {
	const secret = "e2e-webhook-secret"
	super := newKey(t)
	srv := servetest.Serve(t, t.TempDir(), "TPG_SUPER_ADMIN="+super.addr.Base58(), "TPG_SHOPIFY_HMAC_SECRET="+secret)
	base := srv.Base
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	order := shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: read("orders_create.json")}
	send(t, order.Request(base+"/shopify/webhook/checkout_create"), []string{`"success":true`}, 200)
	post(t, base+"/api/credit", `{"customer_id":"7221372846292","amount":239000000,"reason":"paid in Tari"}`,
		[]string{`"orders_paid":[{`}, 200, "tpg_access_token", token)

	refund := read("refunds_create.json")
	for i, want := range []string{"Refund due recorded: 150000000 µT", "Refund already recorded."} {
		hook := shopifytest.Webhook{Topic: "refunds/create", Secret: secret, Body: refund}
		send(t, hook.Request(base+"/shopify/webhook/refunds/create"), nil, 200)
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(srv.Log.String(), "webhook processed") < i+2 { // the order's, then each refund's
			if time.Now().After(deadline) {
				t.Fatalf("refund delivery %d never processed\n%s", i+1, srv.Log.Tail())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(srv.Log.String(), want) {
			t.Errorf("delivery %d: the log lacks %q\n%s", i+1, want, srv.Log.Tail())
		}
	}
}
