package pay

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"taripay/engine"
	"taripay/internal/browsertest"
	"taripay/static"
)

// TestPayPageAxe runs axe-core in Chromium over the pay page in each state
// a customer can meet, at phone and desktop widths, and fails on any
// violation.
func TestPayPageAxe(t *testing.T) {
	states := []engine.OrderStatus{engine.OrderUnclaimed, engine.OrderNew, engine.OrderPaid, engine.OrderExpired}
	f := &fakeEngine{orders: map[string]engine.Order{}}
	tokens := map[engine.OrderStatus]string{}
	for i, s := range states {
		token := string(rune('A'+i)) + "xe0123456789abcdefXYZ"
		f.orders[token] = testOrder(token, "o1", s)
		tokens[s] = token
	}
	app, _ := testHandler(t, f)
	base := serveHTTP(t, app)

	for _, width := range []int64{360, 1280} {
		ctx := browsertest.New(t, int(width), 900)
		for _, s := range states {
			page := fmt.Sprintf("%s pay page at %d px", s, width)
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			if err := chromedp.Do(sctx,
				chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(base+"/pay/"+tokens[s]),
				chromedp.WaitVisible(`[data-status]`),
			); err != nil {
				cancel()
				t.Fatalf("open the %s: %v", page, err)
			}
			browsertest.NoAxeViolations(t, sctx, page)
			cancel()
		}
	}
}

// serveHTTP serves app, with static/ at /static, on 127.0.0.1 until the
// test ends, and returns its base URL.
func serveHTTP(t *testing.T, app *fiber.App) string {
	t.Helper()
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static.FS)}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	return "http://" + ln.Addr().String()
}
