package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taripay/app/pay"
	"taripay/app/shopify/shopifytest"
	"taripay/internal/servetest"
)

// TestOrderBeforeItsRateEndToEnd runs `taripay serve` with default settings
// (plus the secrets that webhooks and email links need, and the shop's
// payment address): a signed USD
// orders/create arrives before any USD rate, its pay page says the shop is
// setting its Tari price, and once an admin sets the USD rate through the
// API the order is priced and its page shows the amount.
func TestOrderBeforeItsRateEndToEnd(t *testing.T) {
	const (
		hmacSecret = "e2e-webhook-secret"
		linkSecret = "e2e-link-secret"
		orderID    = "5796499259604" // orders_create.json: 23.90 USD
	)
	super, shop := newKey(t), newKey(t)
	srv := servetest.Serve(t, t.TempDir(),
		"TPG_SUPER_ADMIN="+super.addr.Base58(),
		"TPG_PAYMENT_WALLET_ADDRESS="+shop.addr.Base58(),
		"TPG_SHOPIFY_HMAC_SECRET="+hmacSecret,
		"TPG_CLAIM_LINK_SECRET="+linkSecret,
	)
	base := srv.Base
	body, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", "orders_create.json"))
	if err != nil {
		t.Fatal(err)
	}
	hook := shopifytest.Webhook{Topic: "orders/create", Secret: hmacSecret, Body: body}
	send(t, hook.Request(base+"/shopify/webhook/orders/create"), nil, 200)

	link := base + "/pay/order/" + orderID + "/" + pay.LinkMAC([]byte(linkSecret), orderID)
	page := waitForPage(t, link, "The shop is setting its Tari price", srv.Log.String)
	for _, absent := range []string{"Preparing", `data-testid="amount"`, `data-testid="address"`, "qr.png"} {
		if strings.Contains(page, absent) {
			t.Errorf("the waiting page shows %q:\n%s", absent, page)
		}
	}
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	if got := get(t, base+"/api/order/id/"+orderID, "tpg_access_token", token); got != "null" {
		t.Errorf("the API lists a waiting order: %s", got)
	}

	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)
	page = waitForPage(t, link, `data-microtari="239000000"`, srv.Log.String)
	if strings.Contains(page, "setting its Tari price") || !strings.Contains(page, "239 XTR") {
		t.Errorf("the priced order's page:\n%s", page)
	}
	if got := get(t, base+"/api/order/id/"+orderID, "tpg_access_token", token); !strings.Contains(got, `"total_price":239000000`) {
		t.Errorf("the API's order: %s", got)
	}
}

// waitForPage loads url (following redirects) until its body contains want,
// and returns that body.
func waitForPage(t *testing.T, url, want string, log func() string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK && strings.Contains(string(b), want) {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q; last %d:\n%s\n%s", url, want, res.StatusCode, b, log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
