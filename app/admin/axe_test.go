package admin

import (
	"testing"

	"github.com/chromedp/chromedp"

	"taripay/internal/browsertest"
)

// TestBrowserAdminAxe runs axe-core over every admin page, and over a form
// showing its errors, inside the fake Shopify admin's iframe, and fails on
// any violation.
func TestBrowserAdminAxe(t *testing.T) {
	assets := staticAssets(t)
	ctx := browsertest.New(t, 1280, 1000)
	srv := startAdmin(t, seededEngine(t), assets, nil)
	run(t, ctx, "open the fake admin", chromedp.Navigate(srv.adminURL))
	app := frame(t, ctx, srv.appURL)
	run(t, app, "dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=received-total]`)))
	browsertest.NoAxeViolations(t, app, "dashboard")

	pages := []struct {
		name  string
		steps []chromedp.Action[chromedp.Void]
	}{
		{"orders", []chromedp.Action[chromedp.Void]{click(`[data-testid=nav-orders]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid=order-results]`))}},
		{"order page", []chromedp.Action[chromedp.Void]{click(`[data-order-id="1001"] a`), chromedp.WaitVisible(chromedp.CSS(`[data-testid=order-detail]`))}},
		{"customers", []chromedp.Action[chromedp.Void]{click(`[data-testid=nav-customers]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid=customer-search]`))}},
		{"customer page", []chromedp.Action[chromedp.Void]{click(`a[href="/admin/customers/alice"]`), chromedp.WaitVisible(chromedp.CSS(`#customer-detail`))}},
		{"wallets", []chromedp.Action[chromedp.Void]{click(`[data-testid=nav-wallets]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid=wallets-section]`))}},
		{"rates", []chromedp.Action[chromedp.Void]{click(`[data-testid=nav-rates]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid=rates-section]`))}},
		{"rates form with errors", []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(chromedp.CSS(`#set-rate [name="rate"]`), "-1"),
			click(`#set-rate [data-testid=submit]`),
			chromedp.WaitVisible(chromedp.CSS(`#set-rate [data-testid=error-rate]`)),
		}},
		{"roles", []chromedp.Action[chromedp.Void]{click(`[data-testid=nav-roles]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid=roles-section]`))}},
		{"setup", []chromedp.Action[chromedp.Void]{click(`[data-testid=nav-setup]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid=checklist]`))}},
	}
	for _, p := range pages {
		run(t, app, "open "+p.name, p.steps...)
		value(t, app, p.name+" settled", chromedp.Poll[bool](settled))
		browsertest.NoAxeViolations(t, app, p.name)
	}
}
