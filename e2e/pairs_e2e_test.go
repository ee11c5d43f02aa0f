package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/osteele/liquid"

	"taripay/app/shopify/shopifytest"
	"taripay/internal/browsertest"
	"taripay/internal/servetest"
)

// Producer and consumer pairs (docs/testing.md): each consumer is fed the
// real output of its producer, on default settings.

// TestClaimOutputIsAcceptedAsPrinted: what `taripay claim` prints is
// accepted unchanged by both places that take a claim: pasted whole into
// the pay page's claim box in Chromium, and posted as the body of
// POST /order/claim.
func TestClaimOutputIsAcceptedAsPrinted(t *testing.T) {
	s := startPayServer(t, seedOrder{ID: "e2e-4001"}, seedOrder{ID: "e2e-4002"})
	custKey, _ := testKey(t, 25)
	printed := func(orderID string) string {
		return s.run(t, []string{"TPG_SECRET_KEY=" + custKey.Hex()}, "claim", "--order", orderID)
	}

	t.Run("pasted in the pay page", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(browsertest.New(t, 360, 740), 2*time.Minute)
		defer cancel()
		o := s.orders["e2e-4001"]
		out := printed(o.OrderID)
		if err := chromedp.Do(ctx,
			chromedp.Navigate(s.url+"/pay/"+o.ClaimToken),
			chromedp.Click(`[data-testid="claim-details"] > summary`), // the claim form is folded away
			chromedp.WaitVisible(`#claim-signature`),
			// The whole output, its newline too, and no address typed.
			chromedp.SendKeys(`#claim-signature`, out),
			chromedp.Click(`[data-testid="claim-submit"]`),
			chromedp.WaitVisible(`[data-status="New"]`),
		); err != nil {
			t.Fatalf("claim with the pasted output %q: %v", out, err)
		}
		if got := s.status(t, o.ClaimToken); got != "New" {
			t.Errorf("after the pasted claim: %s, want New", got)
		}
	})

	t.Run("POST /order/claim", func(t *testing.T) {
		o := s.orders["e2e-4002"]
		answer := post(t, s.url+"/order/claim", printed(o.OrderID), []string{`"order_id":"e2e-4002"`, `"status":"New"`}, 200)
		if got := s.status(t, o.ClaimToken); got != "New" {
			t.Errorf("after POST /order/claim (%s): %s, want New", answer, got)
		}
	})
}

// liquidEngine is a Liquid engine with Shopify's hmac_sha256 filter as
// Shopify documents it: the lowercase hex HMAC-SHA256 of the input, keyed
// with the argument. Undefined variables are errors, so a snippet that
// names a variable the order email does not have fails.
func liquidEngine(t *testing.T) *liquid.Engine {
	t.Helper()
	e := liquid.NewEngine()
	e.StrictVariables()
	e.RegisterFilter("hmac_sha256", func(input, key string) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(input))
		return hex.EncodeToString(m.Sum(nil))
	})
	// Shopify's example (shopify.dev/docs/api/liquid/filters/hmac_sha256).
	const example, want = `{{ 'Polyjuice' | hmac_sha256: 'Polina' }}`, "8e0d5d65cff1242a4af66c8f4a32854fd5fb80edcc8aabe9b302b29c7c71dc20"
	if got, err := e.ParseAndRenderString(example, nil); err != nil || got != want {
		t.Fatalf("hmac_sha256 renders Shopify's example as %q (%v), want %s", got, err, want)
	}
	return e
}

// emailVariables are the variables Shopify gives the order confirmation
// template for the order of an orders/create payload: its id, its name as
// order_name, and its transactions, each with its gateway (an order placed
// with a manual payment method carries a pending sale through it).
func emailVariables(t *testing.T, payload []byte) map[string]any {
	t.Helper()
	var o struct {
		ID       int64    `json:"id"`
		Name     string   `json:"name"`
		Gateways []string `json:"payment_gateway_names"`
	}
	if err := json.Unmarshal(payload, &o); err != nil {
		t.Fatal(err)
	}
	var transactions []map[string]any
	for _, g := range o.Gateways {
		transactions = append(transactions, map[string]any{"gateway": g, "kind": "sale", "status": "pending"})
	}
	return map[string]any{"id": o.ID, "order_name": o.Name, "transactions": transactions}
}

var hrefAttr = regexp.MustCompile(`href="([^"]+)"`)

// TestEmailSnippetRenderedByLiquid takes the order-email snippet from the
// admin setup page of `taripay serve` on default settings, renders it with
// a real Liquid engine for two orders delivered by webhook, and follows the
// Tari order's link to its pay page; the card order's email has no link.
// The snippet in docs/claim-link.md renders the same link.
func TestEmailSnippetRenderedByLiquid(t *testing.T) {
	const (
		hmacSecret = "e2e-webhook-secret"
		linkSecret = "e2e-link-secret"
		clientID   = "e2e-client-id"
		shop       = "e2e-shop.myshopify.com"
		tariOrder  = "5796499259604" // orders_create.json: #1140, 23.90 USD, paid with Tari
		cardOrder  = "5796499259611" // orders_create_card.json: #1141, shopify_payments
	)
	fake := shopifytest.New(t)
	super, payTo := newKey(t), newKey(t)
	srv := servetest.Serve(t, t.TempDir(),
		"TPG_SUPER_ADMIN="+super.addr.Base58(),
		"TPG_PAYMENT_WALLET_ADDRESS="+payTo.addr.Base58(),
		"TPG_SHOPIFY_SHOP="+shop,
		"TPG_SHOPIFY_API_BASE_URL="+fake.URL,
		"TPG_SHOPIFY_ADMIN_ACCESS_TOKEN="+shopifytest.Token,
		"TPG_SHOPIFY_HMAC_SECRET="+hmacSecret,
		"TPG_SHOPIFY_API_KEY="+clientID,
		"TPG_SHOPIFY_API_SECRET=e2e-client-secret",
		"TPG_CLAIM_LINK_SECRET="+linkSecret,
	)
	base := srv.Base
	token := post(t, base+"/auth", "", nil, 200, "tpg_auth_token", loginToken(t, super, "super_admin"))
	post(t, base+"/api/exchange_rate", `{"currency":"USD","rate":10000000}`, nil, 200, "tpg_access_token", token)
	payloads := map[string][]byte{}
	for id, file := range map[string]string{tariOrder: "orders_create.json", cardOrder: "orders_create_card.json"} {
		b, err := os.ReadFile(filepath.Join("..", "app", "shopify", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		payloads[id] = b
		hook := shopifytest.Webhook{Topic: "orders/create", Shop: shop, Secret: hmacSecret, Body: b}
		send(t, hook.Request(base+"/shopify/webhook/orders/create"), nil, 200)
	}
	waitForOrder(t, base, token, tariOrder, srv.Log)

	// The snippet as the merchant copies it from the setup checklist.
	session, _ := adminSession(t, base, shop, clientID, "e2e-client-secret")
	setup, err := goquery.NewDocumentFromReader(strings.NewReader(get(t, base+"/admin/setup", "HX-Request", "true", "X-TPS-Session", session)))
	if err != nil {
		t.Fatal(err)
	}
	snippet := setup.Find(`[data-testid="snippet"]`).Text()
	if !strings.Contains(snippet, "hmac_sha256") {
		t.Fatalf("no snippet on the setup page:\n%s", snippet)
	}
	engine := liquidEngine(t)
	render := func(src, orderID string) string {
		t.Helper()
		out, err := engine.ParseAndRenderString(src, emailVariables(t, payloads[orderID]))
		if err != nil {
			t.Fatalf("render the snippet for order %s: %v\n%s", orderID, err, src)
		}
		return out
	}

	email := render(snippet, tariOrder)
	m := hrefAttr.FindStringSubmatch(email)
	if m == nil || !strings.Contains(email, "Pay for order #1140 with Tari") {
		t.Fatalf("the Tari order's email has no pay link:\n%s", email)
	}
	link := m[1]
	if !strings.HasPrefix(link, base+"/pay/order/"+tariOrder+"/") {
		t.Errorf("the email links to %s, want %s/pay/order/%s/{mac}", link, base, tariOrder)
	}
	res, err := noRedirect.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/pay/") {
		t.Fatalf("the email link answered %d to %q, want a redirect to the order's pay page", res.StatusCode, loc)
	}
	page, err := goquery.NewDocumentFromReader(strings.NewReader(get(t, link)))
	if err != nil {
		t.Fatal(err)
	}
	if amount, name := page.Find(`[data-testid="amount"]`).Text(), page.Find(`[data-testid="order-name"]`).Text(); amount != "239 XTR" || name != "#1140" {
		t.Errorf("the pay page the email leads to shows %q for %q, want 239 XTR for order #1140", amount, name)
	}

	if email := render(snippet, cardOrder); strings.Contains(email, "href") || strings.Contains(email, "/pay/") {
		t.Errorf("the card order's email links to a pay page:\n%s", email)
	}

	// The snippet the docs show, with the placeholders filled in.
	doc, err := os.ReadFile(filepath.Join("..", "docs/claim-link.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```liquid\n(.*?)```").FindSubmatch(doc)
	if block == nil {
		t.Fatal("docs/claim-link.md has no liquid block")
	}
	documented := strings.NewReplacer("<TPG_CLAIM_LINK_SECRET>", linkSecret, "https://pay.example.com", base).Replace(string(block[1]))
	if m := hrefAttr.FindStringSubmatch(render(documented, tariOrder)); m == nil || m[1] != link {
		t.Errorf("the documented snippet links to %v, want %s", m, link)
	}
	if email := render(documented, cardOrder); strings.Contains(email, "href") {
		t.Errorf("the documented snippet links the card order:\n%s", email)
	}
}
