package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"taripay/app/shopify/shopifytest"
	"taripay/internal/servetest"
)

// TestShopifyEndToEnd runs `taripay serve` against the fake Admin API: a
// rate set through the API reaches the storefront's prices, a signed
// orders/create webhook becomes an order, an unsigned one is refused, and
// paying the order marks it paid in Shopify exactly once.
func TestShopifyEndToEnd(t *testing.T) {
	const secret = "e2e-webhook-secret"
	fake := shopifytest.New(t)
	fake.AddOrder(shopifytest.Order{ID: "5796499259604", Name: "#1140"})
	fake.AddVariant(shopifytest.Variant{ID: "44021397602516", Price: "17.00"})

	dir := t.TempDir()
	super := newKey(t)
	srv := startServe(t, dir,
		"TPG_SUPER_ADMIN="+super.addr.Base58(),
		"TPG_SHOPIFY_API_BASE_URL="+fake.URL,
		"TPG_SHOPIFY_ADMIN_ACCESS_TOKEN="+shopifytest.Token,
		"TPG_SHOPIFY_HMAC_SECRET="+secret,
	)
	base, stderr := srv.Base, srv.Log
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))

	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)
	waitFor(t, fake, "SetTariPrices", stderr)
	if v, _ := fake.Variant("44021397602516"); v.TariPrice == nil || *v.TariPrice != "170000000" || fake.Rates()["usd"] != "10000000" {
		t.Errorf("storefront after the rate change: variant %v, rates %v", v.TariPrice, fake.Rates())
	}

	body, err := os.ReadFile(filepath.Join("app", "shopify", "testdata", "orders_create.json"))
	if err != nil {
		t.Fatal(err)
	}
	unsigned := shopifytest.Webhook{Topic: "orders/create", Body: body}
	send(t, unsigned.Request(base+"/shopify/webhook/orders/create"), []string{"error"}, 401)
	signed := shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: body}
	send(t, signed.Request(base+"/shopify/webhook/checkout_create"), []string{`"success":true`}, 200)
	get(t, base+"/api/order/id/5796499259604", "tpg_access_token", token)

	post(t, base+"/api/credit", `{"customer_id":"7221372846292","amount":239000000,"reason":"paid in Tari"}`,
		[]string{`"orders_paid":[{`}, 200, "tpg_access_token", token)
	waitFor(t, fake, "MarkAsPaid", stderr)
	if o, _ := fake.Order("5796499259604"); o.FinancialStatus != "PAID" || fake.Succeeded("MarkAsPaid") != 1 {
		t.Errorf("Shopify order %+v after %d mark-paid calls", o, fake.Succeeded("MarkAsPaid"))
	}

	fake.AddOrder(shopifytest.Order{ID: "6300000000003", Name: "#1141", CreatedAt: "2026-11-21T09:00:00Z", Currency: "USD", TotalPrice: "5.00", CustomerID: "42"})
	post(t, base+"/api/rescan_open_orders", "", []string{`"message":"Order processed successfully."`}, 200, "tpg_access_token", token)
	get(t, base+"/api/order/id/6300000000003", "tpg_access_token", token)

	if err := srv.Stop(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, stderr)
	}
	if n := fake.Succeeded("MarkAsPaid"); n != 1 {
		t.Errorf("orderMarkAsPaid took effect %d times", n)
	}
}

// waitFor waits until the fake has answered op successfully.
func waitFor(t *testing.T, fake *shopifytest.Fake, op string, stderr *servetest.Log) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for fake.Succeeded(op) == 0 {
		select {
		case <-fake.Arrived():
		case <-deadline:
			t.Fatalf("Shopify never received %s\n%s", op, stderr.String())
		}
	}
}
