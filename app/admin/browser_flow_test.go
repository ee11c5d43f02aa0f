package admin

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"taripay/app/shopify/shopifytest"
	"taripay/db/dbtest"
	"taripay/engine"
	"taripay/internal/browsertest"
)

// seededEngine is the real engine on a fresh SQLite database, with an open
// order for alice and a paid-for-nothing order for bob that mentions alice.
func seededEngine(t *testing.T) *engine.Engine {
	t.Helper()
	e := engine.New(engine.Config{DisableMemoSignature: true}, dbtest.Open(t, "sqlite"), nil)
	memo := "gift for alice"
	for _, o := range []engine.NewOrder{
		{OrderID: "1001", CustomerID: "alice", TotalPrice: 5_000_000, Currency: "XTR", CreatedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)},
		{OrderID: "1002", CustomerID: "bob", TotalPrice: 7_000_000, Currency: "XTR", CreatedAt: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), Memo: &memo},
	} {
		if _, err := e.AddOrder(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// TestBrowserAdminInIframe drives the admin inside a cross-site iframe of a
// fake Shopify admin, through the server-minted session header alone.
func TestBrowserAdminInIframe(t *testing.T) {
	assets := staticAssets(t)
	ctx := browsertest.New(t, 1280, 1000)
	srv := startAdmin(t, seededEngine(t), assets, nil)
	run(t, ctx, "open the fake admin", chromedp.Navigate(srv.adminURL))
	app := frame(t, ctx, srv.appURL)
	run(t, app, "dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=received-total]`)))
	screenshot(t, ctx, "iframe-dashboard")

	pages := []struct{ nav, testid string }{
		{"orders", "order-results"},
		{"customers", "customer-search"},
		{"wallets", "wallets-section"},
		{"rates", "rates-section"},
		{"roles", "roles-section"},
		{"setup", "checklist"},
		{"dashboard", "received-total"},
	}
	for _, p := range pages {
		run(t, app, "open "+p.nav,
			click(`[data-testid=nav-`+p.nav+`]`),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=`+p.testid+`]`)),
		)
		screenshot(t, ctx, "iframe-"+p.nav)
	}
	run(t, app, "setup", click(`[data-testid=nav-setup]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid=snippet]`)))
	if snippet := value(t, app, "snippet", chromedp.Value(chromedp.CSS(`[data-testid=snippet]`))); !strings.Contains(snippet, srv.appURL+"/pay/order/") {
		t.Errorf("the email snippet does not link to this server's pay page:\n%s", snippet)
	}

	// search orders by memo
	run(t, app, "search",
		click(`[data-testid=nav-orders]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=order-search]`)),
		chromedp.SetValue(chromedp.CSS(`#memo`), "alice"),
		click(`[data-testid=search]`),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-order-id="1001"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-order-id="1002"]`)),
	)
	screenshot(t, ctx, "iframe-order-search")

	// the order's page shows its payments, sync state and history, and
	// edits its memo after confirming
	run(t, app, "open order 1002",
		click(`[data-order-id="1002"] a`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=order-detail]`)),
	)
	// its actions stay folded until one is chosen
	folded := value(t, app, "actions folded", chromedp.Evaluate[bool](`[...document.querySelectorAll("[data-testid=order-actions] form")].every(f => !f.checkVisibility())`))
	if !folded {
		t.Errorf("the order's actions show before one is chosen")
	}
	run(t, app, "choose the memo action", click(`[data-testid=action-order-memo] summary`), chromedp.WaitVisible(chromedp.CSS(`#order-memo`)))
	submitConfirmed(t, app, "order-memo", map[string]string{"memo": "gift for alice, wrapped", "reason": "customer asked"})
	run(t, app, "memo changed", waitText(`[data-testid=audit]`, "gift for alice, wrapped"))
	if got := text(t, app, `[data-testid=audit]`); !strings.Contains(got, "gift for alice, wrapped") || !strings.Contains(got, "admin:"+testShop+"/42") {
		t.Fatalf("audit = %q", got)
	}
	screenshot(t, ctx, "iframe-order-detail")

	// a credit note pays alice's open order, without a full reload
	run(t, app, "open alice",
		click(`[data-testid=nav-customers]`),
		click(`a[href="/admin/customers/alice"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-order-id="1001"] .badge-attention`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[string](`window.noReload = "still here"`)(ctx, tg)
			return err
		}),
	)
	submitConfirmed(t, app, "credit", map[string]string{"amount": "5", "reason": "goodwill"})
	run(t, app, "order turns Paid", chromedp.WaitVisible(chromedp.CSS(`#customer-detail [data-order-id="1001"] .badge-success`)))
	marker := value(t, app, "read marker", chromedp.Evaluate[string](`window.noReload`))
	if marker != "still here" {
		t.Fatalf("the page reloaded: marker %q", marker)
	}
	run(t, app, "flash", waitText(`[data-testid=flash]`, "1 order paid"))
	screenshot(t, ctx, "iframe-credit-note")

	// the credit's address, linked to alice, has its own page
	run(t, app, "open the credit address",
		click(`[data-testid=addresses] a`),
		waitText(`[data-testid=address-detail]`, "1001"),
	)
	screenshot(t, ctx, "iframe-address")

	// authorise a wallet, then revoke it
	run(t, app, "wallets", click(`[data-testid=nav-wallets]`), chromedp.WaitVisible(chromedp.CSS(`#authorize`)))
	submitConfirmed(t, app, "authorize", map[string]string{"address": testAddress, "ip": "192.0.2.7"})
	run(t, app, "wallet listed", waitText(`[data-testid=wallet-row]`, "192.0.2.7"))
	screenshot(t, ctx, "iframe-wallet-authorised")
	run(t, app, "revoke",
		click(`[data-testid=wallet-row] [data-testid=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=wallet-row] [data-testid=confirm]`)),
		click(`[data-testid=wallet-row] [data-testid=confirm]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=no-wallets]`)),
	)
	screenshot(t, ctx, "iframe-wallet-revoked")

	// set a rate
	run(t, app, "rates", click(`[data-testid=nav-rates]`), chromedp.WaitVisible(chromedp.CSS(`#set-rate`)))
	submitConfirmed(t, app, "set-rate", map[string]string{"currency": "USD", "rate": "2.5"})
	run(t, app, "rate shown", waitText(`[data-testid=current-rates]`, "2.5 XTR"))
	screenshot(t, ctx, "iframe-rate-set")
}

// appBridgeStub stands in for App Bridge, which cannot load offline: its
// idToken() fetches a freshly minted session token, and its toasts are kept.
const appBridgeStub = `window.shopify = {
	idToken: () => fetch("/test/id-token").then(r => r.text()),
	toast: { show: (m) => { window.toasts = (window.toasts || []).concat([m]); } },
};`

// TestBrowserAppBridgePath runs the page with App Bridge present: htmx
// requests then carry a fresh Shopify session token, which alone
// authenticates them, and flash messages become toasts.
func TestBrowserAppBridgePath(t *testing.T) {
	assets := staticAssets(t)
	ctx := browsertest.New(t, 1280, 1000)
	var mu sync.Mutex
	var bearers int
	srv := startAdmin(t, seededEngine(t), assets, func(cfg *Config, app *fiber.App) {
		cfg.AppBridgeURL = "/test/app-bridge.js"
		app.Get("/test/app-bridge.js", func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, "text/javascript")
			return c.SendString(appBridgeStub)
		})
		app.Get("/test/id-token", func(c *fiber.Ctx) error {
			return c.SendString(shopifytest.ValidIDToken(time.Now()).Mint(t))
		})
		// a request with a Bearer token loses its app session: the token
		// alone must authenticate it
		app.Use("/admin", func(c *fiber.Ctx) error {
			if strings.HasPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ") {
				c.Request().Header.Del(SessionHeader)
				mu.Lock()
				bearers++
				mu.Unlock()
			}
			return c.Next()
		})
	})
	run(t, ctx, "open the fake admin on the rates page", chromedp.Navigate(srv.adminURL+"?path=/admin/rates"))
	app := frame(t, ctx, srv.appURL)
	run(t, app, "rates", chromedp.WaitVisible(chromedp.CSS(`#set-rate`)))
	if hidden := value(t, app, "tabs hidden", chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("nav.tabs")).display === "none"`)); !hidden {
		t.Errorf("the in-page tabs show although App Bridge is present")
	}
	submitConfirmed(t, app, "set-rate", map[string]string{"currency": "EUR", "rate": "3"})
	run(t, app, "rate shown", waitText(`[data-testid=current-rates]`, "3 XTR"))
	toasts := value(t, app, "toasts", chromedp.Evaluate[[]string](`window.toasts || []`))
	if len(toasts) == 0 || toasts[len(toasts)-1] != "The EUR rate is set." {
		t.Errorf("toasts = %q", toasts)
	}
	mu.Lock()
	defer mu.Unlock()
	if bearers < 2 {
		t.Fatalf("%d requests carried a Bearer token, want the submit and the confirm", bearers)
	}
	screenshot(t, ctx, "iframe-app-bridge")
}

// TestBrowserAppBridgeUnavailable points App Bridge at an address that
// refuses connections, as when Shopify's CDN cannot be reached: the page
// still works, with its own tabs.
func TestBrowserAppBridgeUnavailable(t *testing.T) {
	assets := staticAssets(t)
	ctx := browsertest.New(t, 1280, 1000)
	srv := startAdmin(t, seededEngine(t), assets, func(cfg *Config, _ *fiber.App) {
		cfg.AppBridgeURL = "http://127.0.0.1:9/app-bridge.js"
	})
	run(t, ctx, "open the fake admin", chromedp.Navigate(srv.adminURL))
	app := frame(t, ctx, srv.appURL)
	run(t, app, "navigate with the in-page tabs",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=nav-orders]`)),
		click(`[data-testid=nav-orders]`),
		waitText(`[data-testid=orders]`, "1001"),
	)
	screenshot(t, ctx, "iframe-no-app-bridge")
}
