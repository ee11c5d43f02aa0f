package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/golang-jwt/jwt/v5"

	"taripay/app/pay"
	"taripay/app/shopify/shopifytest"
	"taripay/internal/servetest"
)

// TestCheckoutExtensionEndToEnd runs `taripay serve` as the checkout
// extension (extensions/taripay-pay) sees it: an order webhook arrives,
// the extension's route answers the Thank-you page with the pay URL, the
// page at that URL shows the same amount and note, the pay link reaches the
// Shopify order's metafield, and a payment with that note pays the order.
func TestCheckoutExtensionEndToEnd(t *testing.T) {
	const (
		secret    = "e2e-app-secret"
		apiKey    = "e2e-api-key"
		shop      = "e2e-shop.myshopify.com"
		public    = "https://pay.e2e.example"
		orderID   = "5796499259801"
		customer  = "7221372846801"
		checkout  = "0e2ad4ba0a8bd1d6f5e5f4a6c1f0b7d2" // orders_create.json's checkout_token
		extension = "https://extensions.shopifycdn.com"
	)
	fake := shopifytest.New(t)
	fake.AddOrder(shopifytest.Order{ID: orderID, Name: "#1801", Gateways: []string{"Tari"}})
	dir := t.TempDir()
	super, hot := newKey(t), newKey(t)
	srv := servetest.Serve(t, dir,
		"TPG_SUPER_ADMIN="+super.addr.Base58(),
		"TPG_SHOPIFY_SHOP="+shop,
		"TPG_SHOPIFY_API_BASE_URL="+fake.URL,
		"TPG_SHOPIFY_ADMIN_ACCESS_TOKEN="+shopifytest.Token,
		"TPG_SHOPIFY_API_KEY="+apiKey,
		"TPG_SHOPIFY_API_SECRET="+secret,
		"TPG_PUBLIC_URL="+public,
		"TPG_PAYMENT_WALLET_ADDRESS="+hot.addr.Base58(),
	)
	base := srv.Base
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/wallets", `{"address":"`+hot.addr.Base58()+`","ip_address":"127.0.0.1"}`, nil, 200, "tpg_access_token", token)
	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":12345678}`, nil, 200, "tpg_access_token", token)

	hook := shopifytest.Webhook{Topic: "orders/create", Shop: shop, Secret: secret, Body: orderPayload(t, orderID, "#1801", customer)}
	send(t, hook.Request(base+"/shopify/webhook/orders/create"), nil, 200)

	// The Thank-you page's block asks, as the worker of the extension does.
	o := extensionOrder(t, base, orderID, buyerSessionToken(t, shop, apiKey, secret), checkout, extension, srv.Log)
	if o.State != "open" || o.Status != "Unclaimed" || o.AmountMicroTari != 295_061_704 || o.Amount != "295.061704 XTR" ||
		!strings.HasPrefix(o.PayURL, public+"/pay/") || o.Note == "" {
		t.Fatalf("extension answer %+v", o)
	}

	// The page at the pay URL (served here, behind the public origin)
	// shows the same amount and note.
	page := waitForPage(t, base+strings.TrimPrefix(o.PayURL, public), `data-testid="payment-uri"`, srv.Log.Tail)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if amount := strings.TrimSpace(doc.Find(`[data-testid="amount"]`).Text()); amount != o.Amount {
		t.Errorf("pay page amount %q, extension %q", amount, o.Amount)
	}
	href, _ := doc.Find(`[data-testid="payment-uri"]`).Attr("href")
	uri, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	if note, micro := uri.Query().Get("note"), uri.Query().Get("amount"); note != o.Note || micro != o.AmountMicroTari.String() {
		t.Errorf("pay page link pays %s µT with note %q; extension says %d µT, %q", micro, note, o.AmountMicroTari, o.Note)
	}

	// The merchant's copy: the pay link on the Shopify order.
	waitFor(t, fake, "SetPayLink", srv.Log)
	if live, _ := fake.Order(orderID); live.PayURL != o.PayURL {
		t.Errorf("taripay.pay_url = %q, extension %q", live.PayURL, o.PayURL)
	}

	// A payment with that note pays the order.
	payer := newKey(t)
	env := []string{"TPG_WALLET_SECRET_KEY=" + hot.key.Hex(), "TPG_SERVER_URL=" + base}
	for _, args := range [][]string{
		{"wallet", "received", "--txid", "e2e-ext-1", "--amount", o.AmountMicroTari.String(), "--sender", payer.addr.Base58(), "--memo", o.Note},
		{"wallet", "confirmed", "--txid", "e2e-ext-1"},
	} {
		runTaripay(t, dir, env, args...)
	}
	if s := orderStatus(t, base, token, orderID); s != "Paid" {
		t.Fatalf("after the payment, order is %s, want Paid", s)
	}
	// The block then says so (its answer is cacheable for 5 s, so ask anew).
	if o := extensionOrder(t, base, orderID, buyerSessionToken(t, shop, apiKey, secret), checkout, extension, srv.Log); o.State != "paid" {
		t.Errorf("after the payment the extension says %+v", o)
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
}

// buyerSessionToken is the session token Shopify gives a checkout UI
// extension: no iss, the shop as dest, and no sub for a guest.
func buyerSessionToken(t *testing.T, shop, apiKey, secret string) string {
	t.Helper()
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"dest": shop, "aud": apiKey, "exp": now.Add(5 * time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(),
		"jti": "e2e-buyer", "sid": "e2e",
	}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// extensionOrder asks GET /shopify/extension/orders/{id} as the extension
// does, waiting while the delivered order is not stored yet (404).
func extensionOrder(t *testing.T, base, orderID, session, checkout, origin string, log *servetest.Log) pay.ExtensionOrder {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequest(http.MethodGet, base+"/shopify/extension/orders/"+orderID, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+session)
		req.Header.Set(pay.CheckoutTokenHeader, checkout)
		req.Header.Set("Origin", origin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var o pay.ExtensionOrder
		err = json.NewDecoder(res.Body).Decode(&o)
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			if err != nil || res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("extension answer: %v, CORS %q", err, res.Header.Get("Access-Control-Allow-Origin"))
			}
			return o
		}
		if res.StatusCode != http.StatusNotFound || time.Now().After(deadline) {
			t.Fatalf("extension route: %d\n%s", res.StatusCode, log.Tail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runTaripay runs the taripay binary with env, failing the test with its
// output if it fails.
func runTaripay(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := servetest.Command(dir, env, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("taripay %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
