package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taripay/app/pay"
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
	fake.AddOrder(shopifytest.Order{ID: "5796499259604", Name: "#1140", Gateways: []string{"Tari"}})
	fake.AddVariant(shopifytest.Variant{ID: "44021397602516", Price: "17.00"})

	dir := t.TempDir()
	super := newKey(t)
	srv := servetest.Serve(t, dir,
		"TPG_SUPER_ADMIN="+super.addr.Base58(),
		"TPG_SHOPIFY_API_BASE_URL="+fake.URL,
		"TPG_SHOPIFY_ADMIN_ACCESS_TOKEN="+shopifytest.Token,
		"TPG_SHOPIFY_HMAC_SECRET="+secret,
		"TPG_CLAIM_LINK_SECRET=e2e-secret",
	)
	base, stderr := srv.Base, srv.Log
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))

	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)
	waitFor(t, fake, "SetTariPrices", stderr)
	if v, _ := fake.Variant("44021397602516"); v.TariPrice == nil || *v.TariPrice != "170000000" || fake.Rates()["usd"] != "10000000" {
		t.Errorf("storefront after the rate change: variant %v, rates %v", v.TariPrice, fake.Rates())
	}

	body, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", "orders_create.json"))
	if err != nil {
		t.Fatal(err)
	}
	unsigned := shopifytest.Webhook{Topic: "orders/create", Body: body}
	send(t, unsigned.Request(base+"/shopify/webhook/orders/create"), []string{"error"}, 401)
	deliverOrder(t, base, secret, body)
	waitForOrder(t, base, token, "5796499259604", stderr)

	// Its pay page, reached by the email link, names the shop as Shopify
	// does; the name is read once, not on every page.
	for range 2 {
		page := get(t, base+"/pay/order/5796499259604/"+pay.LinkMAC([]byte("e2e-secret"), "5796499259604"))
		if !strings.Contains(page, `<p class="shop" data-testid="shop-name">Test Shop</p>`) {
			t.Errorf("the pay page does not name the shop:\n%s", page)
		}
	}
	if n := len(fake.Calls("ShopName")); n != 1 {
		t.Errorf("the shop's name was read %d times for two pages, want once", n)
	}

	post(t, base+"/api/credit", `{"customer_id":"7221372846292","amount":239000000,"reason":"paid in Tari"}`,
		[]string{`"orders_paid":[{`}, 200, "tpg_access_token", token)
	waitFor(t, fake, "MarkAsPaid", stderr)
	if o, _ := fake.Order("5796499259604"); o.FinancialStatus != "PAID" || fake.Succeeded("MarkAsPaid") != 1 {
		t.Errorf("Shopify order %+v after %d mark-paid calls", o, fake.Succeeded("MarkAsPaid"))
	}

	fake.AddOrder(shopifytest.Order{ID: "6300000000003", Name: "#1141", CreatedAt: "2026-11-21T09:00:00Z", Currency: "USD", TotalPrice: "5.00", CustomerID: "42", Gateways: []string{"Tari"}})
	post(t, base+"/api/rescan_open_orders", "", []string{`"message":"Order processed successfully."`}, 200, "tpg_access_token", token)
	get(t, base+"/api/order/id/6300000000003", "tpg_access_token", token)

	if err := srv.Stop(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, stderr)
	}
	if n := fake.Succeeded("MarkAsPaid"); n != 1 {
		t.Errorf("orderMarkAsPaid took effect %d times", n)
	}
}

// deliverOrder sends an orders/create webhook as Shopify does: to the path
// shopify.app.toml registers, signed, with the topic, webhook and event
// ids. The server stores it, answers 200, and processes it after.
func deliverOrder(t *testing.T, base, secret string, body []byte) {
	t.Helper()
	hook := shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: body}
	send(t, hook.Request(base+"/shopify/webhook/orders/create"), nil, 200)
}

// waitForOrder waits until the server has processed a delivered order:
// the API lists it.
func waitForOrder(t *testing.T, base, token, orderID string, log *servetest.Log) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for get(t, base+"/api/order/id/"+orderID, "tpg_access_token", token) == "null" {
		if time.Now().After(deadline) {
			t.Fatalf("order %s was never stored\n%s", orderID, log.Tail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCheckoutCreateReference is the one test of the reference's
// synchronous route, /shopify/webhook/checkout_create: an orders/create
// body posted there is stored and processed before the reply, which says
// how it went, and a resend is "Order already exists."
func TestCheckoutCreateReference(t *testing.T) {
	const secret = "e2e-webhook-secret"
	super := newKey(t)
	srv := servetest.Serve(t, t.TempDir(), "TPG_SUPER_ADMIN="+super.addr.Base58(), "TPG_SHOPIFY_HMAC_SECRET="+secret)
	base := srv.Base
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)
	body, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", "orders_create.json"))
	if err != nil {
		t.Fatal(err)
	}
	hook := shopifytest.Webhook{Topic: "orders/create", Secret: secret, Body: body}
	for _, want := range []string{`{"success":true,"message":"Order processed successfully."}`, `{"success":true,"message":"Order already exists."}`} {
		if got := send(t, hook.Request(base+"/shopify/webhook/checkout_create"), nil, 200); got != want {
			t.Errorf("checkout_create answered %s, want %s", got, want)
		}
		// Synchronous: the order is there as soon as the reply is.
		if o := get(t, base+"/api/order/id/5796499259604", "tpg_access_token", token); !strings.Contains(o, `"total_price":239000000`) {
			t.Fatalf("after checkout_create's reply: %s", o)
		}
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

// TestCardOrderIsNotATariOrder runs `taripay serve` with default settings: a
// card order, delivered to orders/create as Shopify does, is acknowledged,
// counted on the dashboard and never becomes a Tari order, so expiry leaves
// it alone in Shopify; the Tari order delivered beside it is stored, and
// expires and is cancelled as before.
func TestCardOrderIsNotATariOrder(t *testing.T) {
	const (
		secret   = "e2e-webhook-secret"
		clientID = "e2e-client-id"
		shop     = "e2e-shop.myshopify.com"
		tari     = "5796499259604"
		card     = "5796499259611"
	)
	fake := shopifytest.New(t)
	fake.AddOrder(shopifytest.Order{ID: tari, Name: "#1140", Gateways: []string{"Tari"}})
	fake.AddOrder(shopifytest.Order{ID: card, Name: "#1141", Gateways: []string{"shopify_payments"}, FinancialStatus: "AUTHORIZED"})

	super := newKey(t)
	srv := servetest.Serve(t, t.TempDir(),
		"TPG_SUPER_ADMIN="+super.addr.Base58(),
		"TPG_SHOPIFY_SHOP="+shop,
		"TPG_SHOPIFY_API_BASE_URL="+fake.URL,
		"TPG_SHOPIFY_ADMIN_ACCESS_TOKEN="+shopifytest.Token,
		"TPG_SHOPIFY_HMAC_SECRET="+secret,
		"TPG_SHOPIFY_API_KEY="+clientID,
		"TPG_SHOPIFY_API_SECRET=e2e-client-secret",
		// Unclaimed orders expire at once, so the test need not wait hours.
		"TPG_UNCLAIMED_ORDER_TIMEOUT=1s",
		"TPG_EXPIRY_INTERVAL=100ms",
	)
	base := srv.Base
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)

	for _, f := range []string{"orders_create_card.json", "orders_create.json"} {
		body, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		hook := shopifytest.Webhook{Topic: "orders/create", Shop: shop, Secret: secret, Body: body}
		send(t, hook.Request(base+"/shopify/webhook/orders/create"), nil, 200)
	}

	session, _ := adminSession(t, base, shop, clientID, "e2e-client-secret")
	deadline := time.After(30 * time.Second)
	for !strings.Contains(get(t, base+"/admin", "HX-Request", "true", "X-TPS-Session", session), "Orders paid another way: 1") {
		select {
		case <-deadline:
			t.Fatalf("the dashboard never counted the card order\n%s", srv.Log.Tail())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if o := get(t, base+"/api/order/id/"+card, "tpg_access_token", token); o != "null" {
		t.Errorf("the card order is a Tari order: %s", o)
	}

	// The Tari order is stored, expires, and is cancelled in Shopify: by
	// then expiry has run over everything stored after the card order.
	for o, _ := fake.Order(tari); !o.Cancelled; o, _ = fake.Order(tari) {
		select {
		case <-fake.Arrived():
		case <-deadline:
			t.Fatalf("the unclaimed Tari order was never cancelled in Shopify\n%s", srv.Log.Tail())
		}
	}
	if o := get(t, base+"/api/order/id/"+tari, "tpg_access_token", token); !strings.Contains(o, `"order_id":"`+tari+`"`) {
		t.Errorf("the Tari order was not stored: %s", o)
	}
	if o, _ := fake.Order(card); o.Cancelled {
		t.Error("the card order was cancelled in Shopify")
	}
	for _, c := range fake.Calls("") {
		if c.Op == "GetOrder" && c.Variables["id"] == "gid://shopify/Order/"+card || c.Variables["orderId"] == "gid://shopify/Order/"+card {
			t.Errorf("Shopify was asked about the card order: %s %v", c.Op, c.Variables)
		}
	}
}
