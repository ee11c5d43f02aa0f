package admin

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"taripay/internal/browsertest"
)

// TestBrowserExportDownload clicks each dashboard export button inside the
// cross-site iframe: admin.js fetches the CSV with the app session (a plain
// link would carry none) and hands the file to the browser.
func TestBrowserExportDownload(t *testing.T) {
	assets := staticAssets(t)
	ctx := browsertest.New(t, 1280, 1000)
	srv := startAdmin(t, seededEngine(t), assets, nil)
	run(t, ctx, "open the fake admin", chromedp.Navigate(srv.adminURL))
	app := frame(t, ctx, srv.appURL)
	run(t, app, "dashboard", chromedp.WaitVisible(chromedp.CSS(`[data-testid=exports]`)))
	screenshot(t, ctx, "iframe-exports")
	for _, kind := range []string{"orders", "payments", "ledger"} {
		btn := `document.querySelector("[data-testid=export-` + kind + `]")`
		run(t, app, "download "+kind+".csv",
			click(`[data-testid=export-`+kind+`]`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Poll[bool](btn+`.hasAttribute("data-downloaded") || `+btn+`.hasAttribute("data-download-error")`)(ctx, tg)
				return err
			}),
		)
		if msg := value(t, app, kind+" error", chromedp.Evaluate[string](btn+`.getAttribute("data-download-error") || ""`)); msg != "" {
			t.Fatalf("%s.csv: %s", kind, msg)
		}
		size, err := strconv.Atoi(value(t, app, kind+" size", chromedp.Evaluate[string](btn+`.getAttribute("data-downloaded")`)))
		// the header alone, and for orders.csv the two seeded orders too
		if min := map[string]int{"orders": 400, "payments": 100, "ledger": 100}[kind]; err != nil || size < min {
			t.Errorf("%s.csv: %d bytes (%v), want at least %d", kind, size, err, min)
		}
	}
}
