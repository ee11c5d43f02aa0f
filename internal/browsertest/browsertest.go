// Package browsertest starts the headless Chromium that page tests drive
// with chromedp.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// New starts a fresh headless Chromium with a window of width×height and
// returns its context; the browser lives until the test ends. Chromium is
// TPG_CHROMIUM, or /usr/bin/chromium (Debian's package). Without it the
// test skips, unless TPG_TEST_REQUIRE_CHROMIUM is set, as in .ci/run, which
// makes it fail.
func New(t testing.TB, width, height int) context.Context {
	t.Helper()
	path := os.Getenv("TPG_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("TPG_TEST_REQUIRE_CHROMIUM") != "" {
			t.Fatalf("Chromium is required (TPG_TEST_REQUIRE_CHROMIUM) but missing at %s: %v", path, err)
		}
		t.Skipf("no Chromium at %s (apt-get install chromium): %v", path, err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(width, height),
	)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first run starts the browser, which lives as long as ctx: a
	// timeout belongs on the steps, not here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}
