package pay

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"taripay/engine"
	"taripay/internal/browsertest"
	"taripay/static"
)

// TestPageInChromium renders the page over real HTTP in headless Chromium at
// 360×740 with the fake engine: layout, accessibility, the claim form
// without JavaScript help, and the htmx status swap. The full-stack version
// with the real server and the wallet CLI is TestPayPageInBrowser in the
// root package.
func TestPageInChromium(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	f.claim = func(string, string) (engine.ClaimResult, error) {
		o := f.orders[tokenA] // the fake's lock is held by Claim
		o.Status = engine.OrderNew
		f.orders[tokenA] = o
		return engine.ClaimResult{Order: o}, nil
	}
	app, h := testHandler(t, f)
	h.cfg.PollInterval = 200 * time.Millisecond
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static.FS)}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	base := "http://" + ln.Addr().String()

	ctx, cancel := context.WithTimeout(browsertest.New(t, 360, 740), time.Minute)
	defer cancel()

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(chromedp.Do(ctx,
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/pay/"+tokenA),
		chromedp.WaitVisible(`[data-testid="qr"]`),
	))
	type report struct {
		Lang                                 string
		ScrollWidth, ClientWidth, InnerWidth int
		ImagesNoAlt, QRLoaded                int
		Unlabelled                           int
		CopyButtons                          int
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[report](`({
		Lang: document.documentElement.lang,
		ScrollWidth: document.documentElement.scrollWidth,
		ClientWidth: document.documentElement.clientWidth,
		InnerWidth: window.innerWidth,
		ImagesNoAlt: [...document.images].filter(i => !i.alt.trim()).length,
		QRLoaded: [...document.images].filter(i => i.complete && i.naturalWidth > 0).length,
		Unlabelled: [...document.querySelectorAll("input, textarea")].filter(e => e.labels.length === 0).length,
		CopyButtons: [...document.querySelectorAll("button[data-copy]")].filter(b => !b.hidden).length,
	})`))
	must(err)
	shot(t, ctx, "pay-page-360.png")
	if r.Lang != "en" || r.InnerWidth != 360 || r.ScrollWidth > r.ClientWidth || r.ImagesNoAlt != 0 || r.QRLoaded != 1 || r.Unlabelled != 0 || r.CopyButtons != 3 {
		t.Errorf("page at 360 px: %+v", r)
	}

	m := sign(t, 1, "o1")
	must(chromedp.Do(ctx,
		chromedp.Click(`[data-testid="claim-details"] > summary`), // the claim form is folded away
		chromedp.SendKeys(`#claim-address`, m.Address.Base58()),
		chromedp.SendKeys(`#claim-signature`, m.Signature.Hex()),
		chromedp.Click(`[data-testid="claim-submit"]`),
		chromedp.WaitVisible(`[data-status="New"]`),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
	))
	f.setStatus(tokenA, engine.OrderPaid)
	must(chromedp.Do(ctx, chromedp.WaitVisible(`[data-status="Paid"]`), chromedp.WaitVisible(`[data-testid="closed-reason"]`)))
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true && !document.querySelector("[data-testid=qr]")`))
	must(err)
	shot(t, ctx, "pay-page-paid-360.png")
	if !kept {
		t.Error("the page reloaded, or still offers payment, once paid")
	}
}

// shot saves a screenshot under the module's gitignored testdata/artifacts.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "testdata", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
