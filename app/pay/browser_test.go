package pay

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"taripay/engine"
	"taripay/engine/tari"
	"taripay/internal/browsertest"
)

// servePay serves the pay pages and their static files on loopback with
// the fake engine, polling every poll, and returns the base URL.
func servePay(t *testing.T, f *fakeEngine, poll time.Duration, shop ShopNamer) (string, *Handler) {
	t.Helper()
	app, h := testHandler(t, f)
	h.cfg.PollInterval, h.shop = poll, shop
	return serveHTTP(t, app), h
}

// waitFor waits until the JavaScript condition holds.
func waitFor(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](cond, chromedp.WithPollingInterval(20*time.Millisecond))(ctx, tg)
		return err
	})
}

// openOnPhone opens a payable page in Chromium on a 360×740 phone screen,
// for two minutes at most.
func openOnPhone(t *testing.T, url string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(browsertest.New(t, 360, 740), 2*time.Minute)
	t.Cleanup(cancel)
	must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
		chromedp.Navigate(url),
		chromedp.WaitVisible(`[data-testid="qr"]`),
	))
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestPageInChromium renders the page over real HTTP in headless Chromium at
// 360×740 with the fake engine: layout, accessibility, the claim form
// without JavaScript help, and the htmx status swap through a payment that
// arrives to Paid. The full-stack version with the real server and the
// wallet CLI is TestPayPageInBrowser in e2e/.
func TestPageInChromium(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	f.claim = func(string, string) (engine.ClaimResult, error) {
		o := f.orders[tokenA] // the fake's lock is held by Claim
		o.Status = engine.OrderNew
		f.orders[tokenA] = o
		return engine.ClaimResult{Order: o}, nil
	}
	base, _ := servePay(t, f, 200*time.Millisecond, nil)
	ctx := openOnPhone(t, base+"/pay/"+tokenA)
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
	must(t, err)
	shot(t, ctx, "pay-page-360.png")
	if r.Lang != "en" || r.InnerWidth != 360 || r.ScrollWidth > r.ClientWidth || r.ImagesNoAlt != 0 || r.QRLoaded != 1 || r.Unlabelled != 0 || r.CopyButtons != 3 {
		t.Errorf("page at 360 px: %+v", r)
	}

	m := sign(t, 1, "o1")
	must(t, chromedp.Do(ctx,
		chromedp.Click(`[data-testid="claim-details"] > summary`), // the claim form is folded away
		chromedp.SendKeys(`#claim-address`, m.Address.Base58()),
		chromedp.SendKeys(`#claim-signature`, m.Signature.Hex()),
		chromedp.Click(`[data-testid="claim-submit"]`),
		chromedp.WaitVisible(`[data-status="New"]`),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
	))
	// The customer's payment arrives: the page stops offering payment.
	f.setReceipts("o1", engine.OrderReceipts{Pending: 2_400_500_000})
	must(t, chromedp.Do(ctx, waitFor(`document.querySelector("[data-testid=status-label]").textContent.startsWith("Payment received")`+
		` && !document.querySelector("[data-testid=qr]") && !!document.querySelector("[data-testid=closed-reason]")`)))
	shot(t, ctx, "pay-page-received-360.png")
	f.setStatus(tokenA, engine.OrderPaid)
	must(t, chromedp.Do(ctx, chromedp.WaitVisible(`[data-status="Paid"]`), chromedp.WaitVisible(`[data-testid="closed-reason"]`)))
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true && !document.querySelector("[data-testid=qr]")`))
	must(t, err)
	shot(t, ctx, "pay-page-paid-360.png")
	if !kept {
		t.Error("the page reloaded, or still offers payment, once paid")
	}
}

// TestPageAccessibleInChromium checks in Chromium at 360 px what axe does
// not: no horizontal scrolling with the claim form open, touch targets at
// least 44 px tall, a focus ring that stands off the dark buttons, and a
// status live region that stays put and quiet while polls bring nothing
// new, then says the new status once.
func TestPageAccessibleInChromium(t *testing.T) {
	f := &fakeEngine{orders: map[string]engine.Order{tokenA: testOrder(tokenA, "o1", engine.OrderUnclaimed)}}
	base, _ := servePay(t, f, 100*time.Millisecond, shopNamer("Kopi Roasters"))
	ctx := openOnPhone(t, base+"/pay/"+tokenA)
	must(t, chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`
			window.live = document.querySelector("[aria-live]");
			window.mutations = 0;
			new MutationObserver(ms => { window.mutations += ms.length; })
				.observe(window.live, {subtree: true, childList: true, characterData: true, attributes: true});
			window.polls = 0;
			document.addEventListener("htmx:beforeRequest", () => { window.polls++; });`),
		chromedp.Click(`[data-testid="claim-details"] > summary`),
		chromedp.WaitVisible(`#claim-signature`),
		chromedp.Click(`[data-testid="emoji-details"] > summary`),
		chromedp.WaitVisible(`[data-testid="address-emoji"]`),
	))

	type layout struct {
		ScrollWidth, InnerWidth int
		Small                   []string // controls under 44 px tall
	}
	l, err := chromedp.Run(ctx, chromedp.Evaluate[layout](`({
		ScrollWidth: document.documentElement.scrollWidth,
		InnerWidth: window.innerWidth,
		Small: [...document.querySelectorAll("button, input, textarea, select, summary, a.button")]
			.filter(e => e.getClientRects().length > 0 && e.getBoundingClientRect().height < 44)
			.map(e => e.outerHTML.slice(0, 60) + " " + e.getBoundingClientRect().height + "px"),
	})`))
	must(t, err)
	if l.InnerWidth != 360 || l.ScrollWidth > l.InnerWidth {
		t.Errorf("scrolls sideways at 360 px: scrollWidth %d, innerWidth %d", l.ScrollWidth, l.InnerWidth)
	}
	if len(l.Small) != 0 {
		t.Errorf("touch targets under 44 px: %q", l.Small)
	}

	// Tab to the dark claim button: the keyboard focus ring is thick and
	// stands off the button, over the white card.
	type ring struct {
		Focused               bool
		Style                 string
		Width, Offset         float64
		Color, ButtonBackdrop string
	}
	var rg ring
	for range 30 {
		must(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
		if rg, err = chromedp.Run(ctx, chromedp.Evaluate[ring](`(() => {
			const b = document.querySelector("[data-testid=claim-submit]"), s = getComputedStyle(b);
			return {Focused: document.activeElement === b && b.matches(":focus-visible"), Style: s.outlineStyle,
				Width: parseFloat(s.outlineWidth), Offset: parseFloat(s.outlineOffset),
				Color: s.outlineColor, ButtonBackdrop: s.backgroundColor};
		})()`)); err != nil {
			t.Fatal(err)
		}
		if rg.Focused {
			break
		}
	}
	if !rg.Focused || rg.Style != "solid" || rg.Width < 3 || rg.Offset < 2 || rg.Color == rg.ButtonBackdrop {
		t.Errorf("keyboard focus ring on the claim button: %+v; want a solid ring of at least 3 px, 2 px off the button", rg)
	}

	// Polls that bring nothing new leave the live region alone.
	must(t, chromedp.Do(ctx, waitFor(`window.polls >= 4`)))
	quiet, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.mutations`))
	must(t, err)
	if quiet != 0 {
		t.Errorf("the live region changed %d times in 3 polls with no news", quiet)
	}
	// A new status is said once, in the same region, and polling stops.
	f.setStatus(tokenA, engine.OrderPaid)
	type said struct {
		Same, Polling bool
		Text          string
	}
	must(t, chromedp.Do(ctx, chromedp.WaitVisible(`[data-status="Paid"]`)))
	s, err := chromedp.Run(ctx, chromedp.Evaluate[said](`({
		Same: document.querySelector("[aria-live]") === window.live && window.live.isConnected,
		Polling: !!document.getElementById("status-poll"),
		Text: window.live.innerText.replace(/\s+/g, " ").trim(),
	})`))
	must(t, err)
	if !s.Same || s.Polling || s.Text != "Status: Paid Your payment is confirmed. The shop will process your order." {
		t.Errorf("after payment: %+v", s)
	}
}

// TestPageScreenshots compares the pay page with golden screenshots at a
// phone's and a desktop's width, in each state a customer can find it in.
// The clock is fixed and polling is slow, so nothing moves; go test
// ./app/pay -run Screenshots -update rewrites them (look at them!).
func TestPageScreenshots(t *testing.T) {
	view, _ := key(t, 5)
	spend, _ := key(t, 6)
	dual := tari.NewDualAddress(tari.MainNet, tari.DefaultFeatures, view.Public(), spend.Public())
	_, customer := key(t, 7)
	const id = "5714720719169"
	states := []struct {
		name  string
		order engine.OrderStatus // "" for an order waiting for its rate
		noPay bool
	}{
		{"unclaimed", engine.OrderUnclaimed, false},
		{"claimed", engine.OrderNew, false},
		{"paid", engine.OrderPaid, false},
		{"expired", engine.OrderExpired, false},
		{"not-ready-rate", "", false},
		{"not-ready-address", engine.OrderUnclaimed, true},
	}
	for _, vp := range []struct{ width, height int }{{390, 844}, {1280, 800}} {
		t.Run(fmt.Sprint(vp.width), func(t *testing.T) {
			browser := browsertest.New(t, vp.width, vp.height)
			emulate := chromedp.EmulateViewport(int64(vp.width), int64(vp.height))
			if vp.width < 600 {
				emulate = chromedp.EmulateViewport(int64(vp.width), int64(vp.height), chromedp.EmulateMobile)
			}
			must(t, chromedp.Do(browser, emulate))
			for _, st := range states {
				t.Run(st.name, func(t *testing.T) {
					f := &fakeEngine{noPay: st.noPay}
					if st.order == "" {
						f.waiting = map[string]engine.WaitingOrder{tokenA: {OrderID: id, AltID: str("#1001"), Price: "190.04", Currency: "USD", ClaimToken: tokenA}}
					} else {
						f.orders = map[string]engine.Order{tokenA: testOrder(tokenA, id, st.order)}
						f.viewers = map[string][]engine.OrderViewer{id: {{Address: customer.Base58(), OrderID: id, Proof: engine.ProofPayPage}}}
					}
					// A busy machine slows Chromium down: each state gets its own time.
					ctx, cancel := context.WithTimeout(browser, 90*time.Second)
					defer cancel()
					base, _ := servePay(t, f, time.Hour, shopNamer("Kopi Roasters"))
					f.payTo = dual
					must(t, chromedp.Do(ctx,
						chromedp.Navigate(base+"/pay/"+tokenA),
						// Loaded, with the QR code, the fonts and the copy buttons in.
						waitFor(`document.readyState === "complete" && document.fonts.status === "loaded" &&
							[...document.images].every(i => i.complete && i.naturalWidth > 0) &&
							(!document.querySelector("button[data-copy]") || !document.querySelector("button[data-copy][hidden]"))`),
					))
					golden := filepath.Join("testdata", "screenshots", fmt.Sprintf("pay-%s-%d.png", st.name, vp.width))
					browsertest.MatchScreenshot(t, ctx, golden, *update, browsertest.DefaultTolerance)
				})
			}
		})
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
