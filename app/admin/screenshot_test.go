package admin

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taripay/app/pay"
	"taripay/app/shopify"
	"taripay/internal/browsertest"
)

// TestPageScreenshots compares the setup page and an open order's page,
// 1280 px wide, with golden screenshots. They show the golden pages' data
// (goldenData) at testNow, with links on a fixed origin rather than the
// test server's random port, so nothing changes between runs; go test
// ./app/admin -run PageScreenshots -update rewrites them (look at them!).
func TestPageScreenshots(t *testing.T) {
	eng, shop := goldenData(t)
	srv := startAdmin(t, eng, staticAssets(t), nil)
	const origin = "https://pay.example.com"
	srv.h.deps.Shopify = shop
	srv.h.deps.Now = func() time.Time { return testNow }
	srv.h.deps.Snippet = func(string) string {
		return pay.EmailSnippet(origin, []byte("link-secret"), shopify.DefaultPaymentMethod)
	}
	srv.h.deps.PayLink = func(_, id string) string { return pay.OrderLink(origin, []byte("link-secret"), id) }
	browser := browsertest.New(t, 1280, 800)
	for _, tt := range []struct{ name, path, testid string }{
		{"setup", "/admin/setup", "checklist"},
		{"order", "/admin/orders/5714720719169", "order-detail"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A busy machine slows Chromium down: each page gets its own time.
			ctx, cancel := context.WithTimeout(browser, 90*time.Second)
			defer cancel()
			run(t, ctx, "open "+tt.path,
				chromedp.Navigate(srv.appURL+tt.path+"?"+embedded(t).Encode()),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=`+tt.testid+`]`)),
				// Loaded, with the QR code, the fonts and htmx settled.
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := chromedp.Poll[bool](`document.readyState === "complete" && document.fonts.status === "loaded" &&
						[...document.images].every(i => i.complete && i.naturalWidth > 0) && `+settled)(ctx, tg)
					return err
				}),
			)
			golden := filepath.Join("testdata", "screenshots", "admin-"+tt.name+"-1280.png")
			browsertest.MatchScreenshot(t, ctx, golden, *update, browsertest.DefaultTolerance)
		})
	}
}
