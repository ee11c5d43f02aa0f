package pay

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"taripay/internal/browsertest"
)

// focusPage holds the pay page's kinds of button, styled by taripay.css.
const focusPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>focus</title>
<link rel="stylesheet" href="/static/taripay.css"></head>
<body><main style="padding:40px">
<p><button type="button" class="button primary" id="primary">Claim order</button></p>
<p><button type="button" class="button" id="plain">Copy</button></p>
</main></body></html>`

// TestFocusRingInChromium checks that the keyboard focus ring shows on the
// pay page's dark primary button and on its plain one.
func TestFocusRingInChromium(t *testing.T) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/focus", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString(focusPage)
	})
	base := serveHTTP(t, app)

	ctx := browsertest.New(t, 800, 400)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/focus"), chromedp.WaitVisible(`#plain`)); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{"#primary", "#plain"} {
		browsertest.FocusRingVisible(t, ctx, sel)
	}
}
