package admin

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"taripay/internal/browsertest"
)

// focusPage holds each kind of admin button on a card, styled by admin.css.
const focusPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>focus</title>
<link rel="stylesheet" href="/admin/assets/admin.css"></head>
<body><main class="page"><div class="card" style="padding:40px">
<p><button type="button" class="btn btn-primary" id="primary">Search</button></p>
<p><button type="button" class="btn btn-danger" id="danger">Cancel order</button></p>
<p><button type="button" class="btn" id="plain">Copy</button></p>
</div></main></body></html>`

// TestBrowserFocusRing checks that the keyboard focus ring shows on the
// dark primary, the red danger and the plain admin buttons.
func TestBrowserFocusRing(t *testing.T) {
	ctx := browsertest.New(t, 800, 400)
	srv := startAdmin(t, seededEngine(t), staticAssets(t), func(_ *Config, app *fiber.App) {
		app.Get("/test/focus", func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			return c.SendString(focusPage)
		})
	})
	run(t, ctx, "open the buttons", chromedp.Navigate(srv.appURL+"/test/focus"), chromedp.WaitVisible(chromedp.CSS(`#plain`)))
	for _, sel := range []string{"#primary", "#danger", "#plain"} {
		browsertest.FocusRingVisible(t, ctx, sel)
	}
}
